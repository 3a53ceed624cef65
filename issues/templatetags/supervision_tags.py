from django import template

from issues import periods, stats

register = template.Library()


@register.inclusion_tag("admin/issues/_dashboard.html", takes_context=True)
def coordinator_dashboard(context):
    """The admin's front page for coordinators: what is late, due, waiting, asked, unhappy now; and
    how the period (?period=, ?quarter=, ?from=&to=, as on /stats/) went."""
    request = context["request"]
    if not request.user.is_coordinator:
        return {"show": False}
    period, error = periods.read(request.GET)
    figures = stats.period_figures(period)
    return {
        "show": True,
        **stats.coordinator_dashboard(),
        **periods.chooser(request.GET, period, error),
        "period_action": request.path,
        "overall": figures["overall"],
        "counts": {"categories": figures["categories"], "campaigns": len(figures["campaigns"])},
        "by_organization": figures["organization"],
    }
