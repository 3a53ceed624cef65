"""Campaigns (专项行动) as joint actions (issue 19, item 4): the one home of which reports belong to a
campaign, and of what its page tells per organization.

A campaign names its organizations, period and goal (issues.models.Campaign). Coordinators add
reports to it in bulk from the report list (`join`); its public page shows, per organization, the
reports it led (主办), how many are solved and how many on time — the rates of issues.stats — and
the before and after photos of its published results.
"""

from django.db import transaction

from beefeed import generations
from issues import stats
from issues.models import RejectReason, Report


def join(reports, campaign):
    """Add `reports` (a queryset) to `campaign`; a report merged into another follows its original.
    Returns how many changed."""
    with transaction.atomic():
        changed = (
            reports.exclude(reject_reason=RejectReason.MERGED).exclude(campaign=campaign).update(campaign=campaign)
        )
        if changed:
            generations.changed("reports")  # update() sends no signal
    return changed


def by_organization(campaign):
    """The campaign's figures per organization: each named one (even with nothing yet), then any other
    organization that led some of its reports. Rows of issues.stats (received, solved, on_time…)."""
    rows = {row.key: row for row in stats.breakdown("organization", Report.objects.counted().filter(campaign=campaign))}
    named = list(campaign.organizations.order_by("name"))
    ordered = [rows.pop(org.pk, None) or stats.Row.empty(org.pk, org.name) for org in named]
    return ordered + sorted(rows.values(), key=lambda row: row.label)


def results(campaign):
    """Its published reports, newest first, with their public photos in one query."""
    return (
        Report.objects.public()
        .filter(campaign=campaign)
        .select_related("category", "community", "assignee")
        .prefetch_related("photos")
        .order_by("-published_at", "-pk")
    )
