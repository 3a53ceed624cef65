"""The questions one app asks the others, as Django signals, so that no app imports one above it.

`volunteers` and `stations` know only `beefeed`; the apps that have an answer connect a receiver in
their AppConfig.ready (`issues` for reports, `stations` for check-ins, `volunteers` for who may
check in). The sender collects the receivers' return values from `Signal.send`. The parts other
apps add to the volunteer and station pages are template tags instead (`issues/templatetags/reports.py`,
`volunteers/templatetags/points_publication.py`), loaded by those pages' templates.
"""

from django.dispatch import Signal

# Sent by volunteers.tallies.close_quarter with first_day, last_day (dates). Each receiver returns
# {volunteer_id: {"reports": n, "solved": m}} for the period (issues: reports made and solved).
count_quarter = Signal()

# Sent by the station check-in view with user. A receiver returns None if the user may check in,
# else the reason to show (volunteers: only approved volunteers check in).
checking_in = Signal()

# Sent by volunteers.personal_data.collect with request, volunteer. Each receiver returns
# {name: [row dict, …]} for the volunteer's data download (issues: reports, ratings; stations: check-ins).
collect_personal_data = Signal()

# Sent by volunteers.personal_data.erase, inside its transaction and before the volunteer's own fields
# are blanked, with volunteer, redact, now: each receiver removes or anonymises what its app holds
# about the volunteer. `redact(text)` returns `text` without the person's name, phone and card number.
erase_personal_data = Signal()


def first_answer(signal, sender, **kwargs):
    """The first receiver's answer that is not None, else None."""
    return next((answer for _receiver, answer in signal.send(sender, **kwargs) if answer is not None), None)
