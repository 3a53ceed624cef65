"""Notices for volunteers (shown on /me/): the one place that writes them."""

from volunteers.models import Notice


def tell(volunteer, *, text, url=""):
    return Notice.objects.create(volunteer=volunteer, text=text[:300], url=url[:200])


def unread_count(volunteer):
    return volunteer.notices.filter(read_at__isnull=True).count()


def mark_read(volunteer, shown):
    """The notices the volunteer has just seen on /me/."""
    from django.utils import timezone

    ids = [n.pk for n in shown if n.read_at is None]
    if ids:
        volunteer.notices.filter(pk__in=ids).update(read_at=timezone.now())
