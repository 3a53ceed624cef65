"""Who is a volunteer, and whether they may report or check in at a station yet."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.shortcuts import render
from django.utils.translation import gettext as _


def volunteer_of(user):
    if not user.is_authenticated:
        return None
    try:
        return user.volunteer
    except ObjectDoesNotExist:
        return None


def approved_volunteer_required(view):
    """Signed in, with an approved volunteer profile; otherwise say why."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        volunteer = volunteer_of(request.user)
        if volunteer is None or not volunteer.is_approved:
            return render(request, "volunteers/not_approved.html", {"volunteer": volunteer}, status=403)
        request.volunteer = volunteer
        return view(request, *args, **kwargs)

    return wrapper


def checkin_refusal(sender, *, user, **kwargs):
    """Receiver of beefeed.signals.checking_in: only approved volunteers check in at a station
    (a visit counts them as served). None if `user` may, else the reason to show."""
    volunteer = volunteer_of(user)
    if volunteer is None:
        return _("Check-in is for little bees volunteers. Join the team first, then scan again.")
    if not volunteer.is_approved:
        return _("Your volunteer account is not approved yet; check-in opens after approval.")
    return None
