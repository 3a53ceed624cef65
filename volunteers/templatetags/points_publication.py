"""The published points on other apps' pages: `{% load points_publication %}`."""

from django import template

from volunteers.models import QuarterTally
from volunteers.publication import tallies_by_community

register = template.Library()


@register.inclusion_tag("volunteers/_community_points.html")
def community_points(community):
    """A community's latest published quarterly points (names shortened), e.g. on its stations' pages."""
    latest = (
        QuarterTally.objects.filter(community=community)
        .select_related("quarter")
        .order_by("-quarter__year", "-quarter__number")
        .first()
    )
    if latest is None:
        return {"quarter": None}
    groups = tallies_by_community(latest.quarter, community)
    return {"quarter": latest.quarter, "community": community, "rows": groups[0][1][:10] if groups else []}
