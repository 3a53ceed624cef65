"""Problems on a map: the public map of solved problems and the staff map of open reports.

Both speak GeoJSON (RFC 7946): a FeatureCollection of Points at [longitude, latitude] in WGS-84, with
no "crs" member. The public one holds published reports only, at issues.board.rounded_point() (about
50 m), and no person; the staff one holds the open reports Report.objects.visible_to(user) lets that
user see, at their exact place. Each map has the counts per community beside it and a list under it,
which leads when the tiles cannot load.
"""

from django.db.models import Count, Q
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone

from issues.board import rounded_point
from issues.models import IN_HAND

# The list under a map (the page itself when its tiles fail) shows the newest this many; the rest are a link away.
LIST_LIMIT = 100


def feature(ident, latitude, longitude, properties):
    return {
        "type": "Feature",
        "id": ident,
        "geometry": {"type": "Point", "coordinates": [longitude, latitude]},
        "properties": properties,
    }


def geojson_response(features):
    response = JsonResponse(
        {"type": "FeatureCollection", "features": features}, json_dumps_params={"ensure_ascii": False}
    )
    response["Content-Type"] = "application/geo+json; charset=utf-8"
    return response


def public_features(reports, *, absolute):
    """Published reports, each at its rounded point, with what the board shows of it and no person.
    `absolute` turns a path into a full URL (request.build_absolute_uri)."""
    features = []
    for report in reports.select_related("category", "community", "assignee").order_by("-published_at", "-id"):
        point = rounded_point(report)
        if point is None:
            continue
        features.append(
            feature(
                report.reference,
                *point,
                {
                    "reference": report.reference,
                    "title": report.public_text[:60],
                    "category": report.category.name,
                    "community": report.community.name,
                    "handled_by": report.assignee.name if report.assignee else "",
                    "resolved": timezone.localtime(report.resolved_at).isoformat() if report.resolved_at else None,
                    "on_time": bool(report.on_time),
                    "url": absolute(reverse("issues:board_detail", args=[report.pk])),
                },
            )
        )
    return features


def staff_features(reports):
    """Open reports at their exact place, with their state, whether overdue, and their admin page."""
    features = []
    for report in reports.select_related("category", "community", "assignee").order_by("-created_at", "-id"):
        if report.latitude is None or report.longitude is None:
            continue
        features.append(
            feature(
                report.reference,
                round(report.latitude, 6),
                round(report.longitude, 6),
                {
                    "reference": report.reference,
                    "title": report.description[:60],
                    "state": report.state,
                    "state_label": str(report.get_state_display()),
                    "overdue": report.is_overdue,
                    "category": report.category.name,
                    "community": report.community.name if report.community else "",
                    "handled_by": report.assignee.name if report.assignee else "",
                    "url": reverse("admin:issues_report_change", args=[report.pk]),
                },
            )
        )
    return features


def counts_by_community(reports, now=None):
    """[{"community": name, "n": count, "overdue": count}], most first: the table beside each map."""
    overdue = Q(state__in=IN_HAND, deadline__lt=now or timezone.now())
    rows = (
        reports.order_by()
        .values("community__name")
        .annotate(n=Count("id"), overdue=Count("id", filter=overdue))
        .order_by("-n", "community__name")
    )
    return [{"community": row["community__name"] or "—", "n": row["n"], "overdue": row["overdue"]} for row in rows]


def counts_by_state(reports, now=None):
    """{state: count} and the overdue count among them: the staff map's legend."""
    overdue = Q(state__in=IN_HAND, deadline__lt=now or timezone.now())
    rows = reports.order_by().values("state").annotate(n=Count("id"), overdue=Count("id", filter=overdue))
    return {row["state"]: row["n"] for row in rows}, sum(row["overdue"] for row in rows)
