"""Notices for volunteers (shown on /me/): the one place that writes them."""

from volunteers.models import Notice


def tell(volunteer, *, text, url=""):
    return Notice.objects.create(volunteer=volunteer, text=text[:300], url=url[:200])


def unread_count(volunteer):
    return volunteer.notices.filter(read_at__isnull=True).count()
