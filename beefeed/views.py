import sys
from functools import wraps

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_logged_in
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from beefeed import ratelimit
from beefeed.pagecache import mark_private


def too_many(request, message):
    """HTTP 429 with a page that says what happened and when to try again; nothing was stored."""
    return render(request, "429.html", {"message": message}, status=429)


def server_error(request):
    """handler500. A database that is down or restarting is a 503 that says "try again in a few
    seconds", not a crash. Rendered without the request: no session, no user, no query."""
    unavailable = isinstance(sys.exc_info()[1], (OperationalError, InterfaceError))
    template, status = ("503.html", 503) if unavailable else ("500.html", 500)
    body = loader.get_template(template).render({"district_name": settings.BEEFEED_DISTRICT})
    response = HttpResponse(body, status=status)
    if unavailable:
        response["Retry-After"] = "5"
    return response


@receiver(user_logged_in, dispatch_uid="beefeed.mark_signed_in")
def _mark_signed_in(sender, request, user, **kwargs):
    # Tells limit_sign_ins that this very request signed someone in (being signed in already
    # before a failed attempt must not give the attempt back).
    if request is not None:
        request.signed_in_now = True


def limit_sign_ins(view):
    """The one sign-in limit, for every sign-in entry (the site's and the admin's).

    Each attempt is counted (an atomic increment) before the password is checked, so parallel
    guesses cannot slip past, under three keys: the account from this address (the low limit),
    the account from anywhere (a higher one, so that strangers' bad tries from one place cannot
    lock a courier out, yet a guesser spread over many addresses still stops), and the address.
    The account is the identity the backend resolves, not the typed text: a phone number counts
    once however it is written. A successful sign-in gives its attempt back.
    """
    from beefeed.auth import sign_in_identity

    @wraps(view)
    def limited(request, *args, **kwargs):
        if request.method != "POST":
            return view(request, *args, **kwargs)
        account = sign_in_identity(request.POST.get("username"))
        address = ratelimit.client_ip(request)
        counted = [
            ("login-account-ip", f"{account}|{address}", settings.LOGIN_FAILURES_PER_ACCOUNT),
            ("login-account", account, settings.LOGIN_FAILURES_PER_ACCOUNT_TOTAL),
            ("login-ip", address, settings.LOGIN_FAILURES_PER_IP),
        ]
        window = settings.LOGIN_FAILURE_WINDOW
        over = [ratelimit.hit(scope, ident, window=window) > limit for scope, ident, limit in counted]
        if any(over):
            minutes = max(1, window // 60)
            return too_many(
                request,
                _("Too many failed sign-ins. Please wait %(minutes)d minutes and try again.") % {"minutes": minutes},
            )
        response = view(request, *args, **kwargs)
        if getattr(request, "signed_in_now", False):
            ratelimit.reset("login-account-ip", counted[0][1])
            ratelimit.give_back("login-account", account)
            ratelimit.give_back("login-ip", address)
        return response

    return limited


@method_decorator(limit_sign_ins, name="dispatch")
class SignInView(auth_views.LoginView):
    """Sign in with a phone number (volunteers) or a user name (staff); failures are limited."""

    template_name = "beefeed/login.html"

    def get_default_redirect_url(self):
        user = self.request.user
        if user.is_staff:
            return reverse("admin:index")
        return reverse("volunteers:me")


@require_GET
def switch_language(request, code):
    """The footer's language links: remember the language in its cookie and go back to the page.

    A link, not Django's set_language form, so that a public page holds no form token and is the same
    for every signed-out visitor (beefeed.pagecache). Choosing a language changes nothing else, so a GET
    that another site makes a visitor follow does no harm; `next` must stay on this site."""
    if code not in dict(settings.LANGUAGES):
        raise Http404
    back = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("home")
    response = mark_private(HttpResponseRedirect(back))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
