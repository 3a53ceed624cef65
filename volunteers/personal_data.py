"""Everything held about one volunteer, for their own download (PIPL: the right to a copy).

The other apps add what they hold (reports, ratings, check-ins) through counters' "data" sections.
"""

from volunteers import counters


def collect(request, volunteer):
    """{section: [row dict, …]} — the volunteer's own data, nothing about anyone else."""
    user = volunteer.user
    data = {
        "profile": [
            {
                "name": volunteer.name,
                "mobile": user.phone or "",
                "work": volunteer.get_work_type_display(),
                "employer": volunteer.employer,
                "community": volunteer.community.name,
                "party_member": volunteer.party_member,
                "show_party_member": volunteer.show_party_member,
                "status": volunteer.get_status_display(),
                "joined": volunteer.joined_at,
                "privacy_consent": volunteer.privacy_consent_at,
                "card_number": volunteer.card_number,
                "last_sign_in": user.last_login,
            }
        ],
        "claimed_items": [
            {"item": c.item.name, "claimed": c.claimed_at} for c in volunteer.claims.select_related("item")
        ],
        "points_ledger": [
            {
                "date": e.occurred_on,
                "kind": e.get_kind_display(),
                "points": e.points,
                "hours": e.hours,
                "item": e.item.name if e.item else "",
                "source": e.source,
                "reason": e.reason,
            }
            for e in volunteer.ledger.select_related("item").order_by("created_at", "pk")
        ],
        "quarterly_tallies": [
            {"quarter": t.quarter.key, "points": t.points, "hours": t.hours, "reports": t.reports, "solved": t.solved}
            for t in volunteer.tallies.select_related("quarter")
        ],
        "redemptions": [
            {"date": r.created_at, "reward": r.item.name, "points": r.points, "status": r.get_status_display()}
            for r in volunteer.redemptions.select_related("item")
        ],
        "notices": [{"date": n.created_at, "text": n.text} for n in volunteer.notices.all()],
    }
    for extra in counters.sections("data", request, volunteer=volunteer):
        data.update(extra)
    return data
