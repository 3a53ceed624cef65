"""What other apps add to the station pages.

`stations` knows only `beefeed`; the reports app (which knows volunteers too)
registers, when it starts:
- `report_url(station)`: where "report a problem here" leads (page button and poster QR code);
- `checkin_refusal(user)`: None if the user may check in, else the reason to show;
- detail sections `section(request, station=)` → HTML (e.g. the community's latest points publication).
"""

_hooks = {"report_url": None, "checkin_refusal": None}
_sections = []


def register(name, function):
    if name not in _hooks:
        raise KeyError(name)
    _hooks[name] = function
    return function


def register_section(section):
    if section not in _sections:
        _sections.append(section)
    return section


def report_url(station):
    function = _hooks["report_url"]
    return function(station) if function else ""


def checkin_refusal(user):
    function = _hooks["checkin_refusal"]
    return function(user) if function else None


def sections(request, station):
    return [section(request, station=station) for section in _sections]
