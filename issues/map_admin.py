"""The staff map of open reports in the admin (/admin/issues/report/map/): what the user may see
(Report.objects.visible_to, the report list's own rule), coloured by state and overdue, with the
counts per community beside it. Its GeoJSON is read with the same rule and takes no parameters, so
nothing in a link can widen it."""

from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from issues import maps
from issues.models import OPEN_STATES, Report, State
from stations import tiles


def open_reports(model_admin, request):
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    return Report.objects.visible_to(request.user).open()


def map_view(model_admin, request):
    reports = open_reports(model_admin, request)
    now = timezone.now()
    by_state, overdue = maps.counts_by_state(reports, now)
    listed = reports.select_related("category", "community", "assignee").order_by(
        F("deadline").asc(nulls_last=True), "-created_at"
    )[: maps.LIST_LIMIT]
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Open reports on a map"),
        "legend": [(state, State(state).label, by_state.get(state, 0)) for state in OPEN_STATES],
        "overdue": overdue,
        "total": sum(by_state.values()),
        "counts": maps.counts_by_community(reports, now),
        "listed": listed,
        "list_limit": maps.LIST_LIMIT,
        "map_tiles": tiles.config(),
    }
    return TemplateResponse(request, "admin/issues/report/map.html", context)


def geojson_view(model_admin, request):
    return maps.geojson_response(maps.staff_features(open_reports(model_admin, request)))
