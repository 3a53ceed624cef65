from django import template

from issues import stats

register = template.Library()


@register.inclusion_tag("admin/issues/_dashboard.html", takes_context=True)
def coordinator_dashboard(context):
    """The admin's front page for coordinators: what is late, due, waiting, asked, unhappy."""
    user = context["request"].user
    if not user.is_coordinator:
        return {"show": False}
    return {"show": True, **stats.coordinator_dashboard()}
