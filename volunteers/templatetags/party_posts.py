"""Who is named at a station's 党员先锋岗: `{% load party_posts %}`.

The post and its duty roster are the station's (stations.PartyPost, users on duty); whether a
volunteer shows their party membership is the volunteer's own choice (亮明身份), so this app answers.
"""

from django import template

from volunteers.models import Volunteer

register = template.Library()


@register.simple_tag
def shown_party_members(users):
    """The short names (叶*) of the approved volunteers among `users` who chose to show their party
    membership; nobody else on duty is named, and no full name or phone ever is."""
    volunteers = Volunteer.objects.approved().filter(
        user__in=users, party_member=True, show_party_member=True, erased_at__isnull=True
    )
    return sorted(v.short_name for v in volunteers)
