from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from beefeed import ratelimit


def too_many(request, message):
    """HTTP 429 with a page that says what happened and when to try again; nothing was stored."""
    return render(request, "429.html", {"message": message}, status=429)


class SignInView(auth_views.LoginView):
    """Sign in with a phone number (volunteers) or a user name (staff); failures are limited."""

    template_name = "beefeed/login.html"

    def _account(self):
        return (self.request.POST.get("username") or "").strip().lower()[:150]

    def post(self, request, *args, **kwargs):
        if ratelimit.exceeded(
            "login-account", self._account(), limit=settings.LOGIN_FAILURES_PER_ACCOUNT
        ) or ratelimit.exceeded("login-ip", ratelimit.client_ip(request), limit=settings.LOGIN_FAILURES_PER_IP):
            minutes = max(1, settings.LOGIN_FAILURE_WINDOW // 60)
            return too_many(
                request,
                _("Too many failed sign-ins. Please wait %(minutes)d minutes and try again.") % {"minutes": minutes},
            )
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        window = settings.LOGIN_FAILURE_WINDOW
        ratelimit.hit("login-account", self._account(), window=window)
        ratelimit.hit("login-ip", ratelimit.client_ip(self.request), window=window)
        return super().form_invalid(form)

    def form_valid(self, form):
        ratelimit.reset("login-account", self._account())
        return super().form_valid(form)

    def get_default_redirect_url(self):
        user = self.request.user
        if user.is_staff:
            return reverse("admin:index")
        return reverse("volunteers:me")
