"""The courier's "the same problem +1" (同一问题 +1) on the report form: join an open report shown as a possible
duplicate instead of reporting it again. The rule and its checks are issues.workflow.join's; this is the page."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from beefeed.geo import parse_position
from beefeed.parsing import MAX_ID, Unreadable, parse_id
from issues import workflow
from issues.models import CoReporter
from issues.views import _nearby_limit_reached
from volunteers.access import approved_volunteer_required


@require_POST
@approved_volunteer_required
def plusone(request, pk):
    """POST (with CSRF) from the form's panel: the report's id in the address, the category and position the
    form had. Refused (400, nothing written) unless the report is one the form showed for them."""
    over = _nearby_limit_reached(request)  # counted with the nearby look-ups: probing ids costs the same
    if over:
        return _refused(request, over, status=429)
    try:
        category, pk = parse_id(request.POST.get("category")), parse_id(str(pk))
    except Unreadable:  # a number no report has: refused as any other id not shown
        category = pk = None
    position = parse_position(request.POST.get("lat"), request.POST.get("lng"))
    if category is None or not position:
        return _refused(request, _("Choose the category and share your position first."))
    if pk is None:
        return _refused(request, workflow.NOT_SHOWN_FOR_JOINING)
    try:
        workflow.join(
            pk, volunteer=request.volunteer, category_id=category, latitude=position[0], longitude=position[1]
        )
    except workflow.TransitionError as error:
        return _refused(request, str(error))
    return redirect("issues:plusone_done", pk=pk)


@approved_volunteer_required
def plusone_done(request, pk):
    """After "+1": which courier to report the problem they were, and where they follow it."""
    if pk > MAX_ID:
        raise Http404
    co = CoReporter.objects.filter(report_id=pk, volunteer=request.volunteer).select_related("report__category").first()
    if co is None:
        raise Http404
    return render(request, "issues/plusone.html", {"co": co, "position": workflow.co_reporter_position(co)})


def _refused(request, message, status=400):
    return render(request, "issues/plusone.html", {"refusal": message}, status=status)
