"""What the admin's report page shows above its fields, for every staff role (issue 16, item 1).

The photos grouped (before, after, the reporter's re-check), the place (map data and text), the
courier's words, who reported it — the shortened name for handlers, the full name and telephone
for coordinators only, who call back —, the deadline, and the open reports within 100 m that
the viewer may see. The page's own rules (who may open it) stay with ReportAdmin.
"""

import math
from dataclasses import dataclass

from django.db.models import F
from django.utils.translation import gettext as _

from beefeed.geo import distance_m
from issues.models import Rating, Report, ReportPhoto
from stations import tiles

NEARBY_RADIUS_M = 100
NEARBY_SHOWN = 10


@dataclass(frozen=True)
class Nearby:
    report: Report
    distance_m: int


@dataclass(frozen=True)
class Reporter:
    name: str
    phone: str = ""  # coordinators only


def overview(report, user):
    """Template context for templates/admin/issues/report/_overview.html."""
    rating = Rating.objects.filter(report=report).first()
    return {
        "photo_groups": photo_groups(report, rating),
        "reporter": reporter_for(report, user),
        "co_reporters": co_reporters_for(report, user),
        "nearby": nearby_reports(report, user),
        "nearby_radius_m": NEARBY_RADIUS_M,
        "map_tiles": tiles.config(),
    }


@dataclass(frozen=True)
class PhotoGroup:
    label: str
    kind: str  # before, after, recheck
    photos: list  # ReportPhoto rows; the re-check group holds the Rating, whose .photo is the file

    @property
    def entries(self):
        """(URL of the original, URL of its thumbnail or "", the row) for each photo."""
        return [
            (p.image.url, p.thumbnail.url, p) if isinstance(p, ReportPhoto) else (p.photo.url, "", p)
            for p in self.photos
        ]


def photo_groups(report, rating):
    """The groups that have photos, in the order of the report's life: before, after, re-check.
    Staff see the originals (the private /photos/ URLs, checked on every request)."""
    photos = list(report.photos.all())  # prefetched by ReportAdmin.get_queryset
    groups = [
        PhotoGroup(_("Reported photos"), "before", [p for p in photos if p.kind == ReportPhoto.Kind.BEFORE]),
        PhotoGroup(_("Resolution photos"), "after", [p for p in photos if p.kind == ReportPhoto.Kind.AFTER]),
        PhotoGroup(_("Re-check photo"), "recheck", [rating] if rating is not None and rating.photo else []),
    ]
    return [group for group in groups if group.photos]


def reporter_for(report, user):
    """The shortened name for everyone; the full name and the number to call back for coordinators."""
    volunteer = report.reporter
    if volunteer is None:
        return None
    if not user.is_coordinator or volunteer.erased_at:
        return Reporter(name=volunteer.short_name)
    return Reporter(name=volunteer.name, phone=volunteer.user.phone or "")


def co_reporters_for(report, user):
    """Couriers whose reports were merged into this one (MERGE), each as `reporter_for` shows a reporter."""
    return [
        Reporter(name=c.volunteer.name, phone=c.volunteer.user.phone or "")
        if user.is_coordinator and not c.volunteer.erased_at
        else Reporter(name=c.volunteer.short_name)
        for c in report.co_reporters.select_related("volunteer__user")
    ]


def nearby_reports(report, user, *, radius_m=NEARBY_RADIUS_M, limit=NEARBY_SHOWN):
    """Open reports within `radius_m` (great-circle) that `user` may see, nearest first; never itself."""
    if report.latitude is None or report.longitude is None:
        return []
    lat, lng = report.latitude, report.longitude
    # Nearest first in the database too (a flat approximation, exact enough at 100 m), so the slice
    # keeps the nearest when a busy corner has many.
    dlat, dlng = F("latitude") - lat, F("longitude") - lng
    candidates = (
        Report.objects.visible_to(user)
        .open()
        .near(lat, lng, radius_m)
        .exclude(pk=report.pk)
        .select_related("category")
        .alias(flat=dlat * dlat + dlng * dlng * math.cos(math.radians(lat)) ** 2)
        .order_by("flat", "pk")[: limit * 2]
    )
    found = []
    for other in candidates:
        meters = distance_m(lat, lng, other.latitude, other.longitude)
        if meters <= radius_m:
            found.append(Nearby(report=other, distance_m=round(meters)))
    return sorted(found, key=lambda n: (n.distance_m, n.report.pk))[:limit]
