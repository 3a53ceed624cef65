"""What other apps add to the quarterly tally and to its publication sheet.

`volunteers` does not know about reports (the dependency runs the other way:
issues ← volunteers). The reports app registers, when it starts, a counter
(reports made and solved per volunteer), a section of the printed sheet (the
quarter's reports from the community and how each was resolved) and one of
the volunteer's own page (their latest reports); and, for a volunteer who deletes the
account, an eraser of what it holds about them (reports, ratings, check-ins).
"""

_counters = []
_sections = {"sheet": [], "me": [], "data": []}
_erasers = []


def register(counter):
    """`counter(first_day, last_day)` → {volunteer_id: {"reports": n, "solved": m}}."""
    if counter not in _counters:
        _counters.append(counter)
    return counter


def collect(first_day, last_day):
    figures = {}
    for counter in _counters:
        for volunteer_id, counts in counter(first_day, last_day).items():
            figures.setdefault(volunteer_id, {}).update(counts)
    return figures


def register_section(page, section):
    """Add a part to one of our pages; it returns HTML.

    - "sheet": `section(request, community=, first_day=, last_day=)`, on the quarterly publication sheet;
    - "me": `section(request, volunteer=)`, on the volunteer's own page;
    - "data": `section(request, volunteer=)` → {name: [row dict, …]}, in the volunteer's data download.
    """
    if section not in _sections[page]:
        _sections[page].append(section)
    return section


def sections(page, request, **context):
    return [section(request, **context) for section in _sections[page]]


def register_eraser(eraser):
    """`eraser(volunteer, *, redact, now)` removes or anonymises what another app holds about the volunteer.

    Called by `personal_data.erase` inside its transaction, before the volunteer's own fields are
    blanked; `redact(text)` returns `text` with the person's name, phone number and card number taken out.
    """
    if eraser not in _erasers:
        _erasers.append(eraser)
    return eraser


def erase_elsewhere(volunteer, *, redact, now):
    for eraser in _erasers:
        eraser(volunteer, redact=redact, now=now)
