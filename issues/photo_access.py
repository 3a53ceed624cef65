"""Who may see a report's photos and its rating's photo (served by beefeed.privatemedia).

A published report's before and after photos are public as moderated (issues.moderation): a covered
photo's public version only, never its original; a hidden photo not at all. Everything else — photos of reports
still open, returned or not accepted, and the reporter's re-check photo — only the reporter and
the staff who may see the report (Report.objects.visible_to: coordinators all, a handler what was
dispatched to their organization, a community's handler also what is located in their community) may see.
The answer is read from the report's state on every request, so a report reopened after
publication is private again at once.
"""

from django.db.models import Q

from beefeed.privatemedia import PRIVATE, PUBLIC
from issues.models import Rating, Report, ReportPhoto, State


def may_see(user, report):
    """The report's reporter, or staff whose scope holds it."""
    if not user.is_authenticated or not user.is_active:
        return False
    if report.reporter_id is not None and report.reporter.user_id == user.pk:
        return True
    return Report.objects.visible_to(user).filter(pk=report.pk).exists()


def report_photo_access(request, name):
    photo = (
        ReportPhoto.objects.select_related("report__reporter")
        .filter(Q(image=name) | Q(thumbnail=name) | Q(public_image=name) | Q(public_thumbnail=name))
        .first()
    )
    if photo is None:
        return None
    if photo.report.state == State.PUBLISHED and name in photo.public_file_names:
        return PUBLIC
    return PRIVATE if may_see(request.user, photo.report) else None


def rating_photo_access(request, name):
    rating = Rating.objects.select_related("report__reporter").filter(photo=name).first()
    if rating is None:
        return None
    return PRIVATE if may_see(request.user, rating.report) else None
