"""Notices for volunteers (shown on /me/): the one place that writes them."""

from volunteers.models import Notice


def tell(volunteer, *, text, url="", moment=None, source="", params=None):
    """A notice on /me/; with a `moment` (volunteers.models.Moment) and the `source` that makes it
    unique (e.g. "event:42"), also through the installation's channels (volunteers.deliveries)."""
    notice = Notice.objects.create(volunteer=volunteer, text=text[:300], url=url[:200])
    if moment:
        from volunteers import deliveries

        deliveries.record(volunteer, moment, source=source, text=text, params=params)
    return notice


def unread_count(volunteer):
    return volunteer.notices.filter(read_at__isnull=True).count()


def mark_read(volunteer, shown):
    """The notices the volunteer has just seen on /me/."""
    from django.utils import timezone

    ids = [n.pk for n in shown if n.read_at is None]
    if ids:
        volunteer.notices.filter(pk__in=ids).update(read_at=timezone.now())
