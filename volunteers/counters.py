"""What other apps add to the quarterly tally and to its publication sheet.

`volunteers` does not know about reports (the dependency runs the other way:
issues ← volunteers). The reports app registers, when it starts, a counter
(reports made and solved per volunteer) and a section of the printed sheet
(the quarter's reports from the community and how each was resolved).
"""

_counters = []
_sheet_sections = []


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


def register_sheet_section(section):
    """`section(request, community, first_day, last_day)` → HTML for the publication sheet."""
    if section not in _sheet_sections:
        _sheet_sections.append(section)
    return section


def sheet_sections(request, community, first_day, last_day):
    return [section(request, community, first_day, last_day) for section in _sheet_sections]
