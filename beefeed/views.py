import sys

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.translation import gettext as _

from beefeed import ratelimit


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


class SignInView(auth_views.LoginView):
    """Sign in with a phone number (volunteers) or a user name (staff); failures are limited."""

    template_name = "beefeed/login.html"

    def _account(self):
        return (self.request.POST.get("username") or "").strip().lower()[:150]

    def post(self, request, *args, **kwargs):
        # Count the attempt before checking the password (an atomic increment), so parallel
        # guesses cannot slip past the limit; a successful sign-in gives its attempt back.
        window = settings.LOGIN_FAILURE_WINDOW
        on_account = ratelimit.hit("login-account", self._account(), window=window)
        on_address = ratelimit.hit("login-ip", ratelimit.client_ip(request), window=window)
        if on_account > settings.LOGIN_FAILURES_PER_ACCOUNT or on_address > settings.LOGIN_FAILURES_PER_IP:
            minutes = max(1, window // 60)
            return too_many(
                request,
                _("Too many failed sign-ins. Please wait %(minutes)d minutes and try again.") % {"minutes": minutes},
            )
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        ratelimit.reset("login-account", self._account())
        ratelimit.give_back("login-ip", ratelimit.client_ip(self.request))
        return super().form_valid(form)

    def get_default_redirect_url(self):
        user = self.request.user
        if user.is_staff:
            return reverse("admin:index")
        return reverse("volunteers:me")
