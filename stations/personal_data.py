"""The stations' part of a volunteer's data copy and erasure: their check-ins and party-post duty.

Receivers of beefeed.signals.collect_personal_data and erase_personal_data (sent by
`volunteers.personal_data`), connected in StationsConfig.ready; `volunteer.user` is the account
that checked in.
"""

from stations.models import PartyPost, Visit


def check_ins(sender, *, volunteer, **kwargs):
    """For the volunteer's own data download: their station check-ins."""
    visits = Visit.objects.filter(user=volunteer.user).select_related("station")
    return {
        "station_check_ins": [
            {"station": v.station.name, "when": v.at, "service": v.get_service_display()} for v in visits
        ]
    }


def forget_check_ins(sender, *, volunteer, **kwargs):
    """The volunteer deleted the account: their check-ins stay counted, no longer linked to the account."""
    Visit.objects.filter(user=volunteer.user).update(user=None)


def party_posts(sender, *, volunteer, **kwargs):
    """For the volunteer's own data download: the party members' posts they are on duty at."""
    posts = PartyPost.objects.filter(on_duty=volunteer.user).select_related("station")
    return {"party_posts_on_duty": [{"station": p.station.name, "post": p.name} for p in posts]}


def leave_party_posts(sender, *, volunteer, **kwargs):
    """The volunteer deleted the account: off every duty roster."""
    volunteer.user.party_posts.clear()
