"""What the courier's "adjust the position" map (static/js/report_pin.js) needs from the server.

The map opens only when asked: Leaflet's script and style are named here by their static URLs and
loaded then, so the form's first load carries none of it. Without a GPS position the map starts at the
chosen community's centre, else at the district's centre (the same centre as the station map's).
"""

from django.templatetags.static import static

from beefeed.models import Organization
from stations import tiles

DISTRICT_CENTRE = (30.272, 118.142)


def context():
    centres = {
        str(pk): [lat, lng]
        for pk, lat, lng in Organization.objects.areas()
        .exclude(latitude=None)
        .exclude(longitude=None)
        .values_list("pk", "latitude", "longitude")
    }
    return {
        "tiles": tiles.config(),
        "centres": centres,
        "district": list(DISTRICT_CENTRE),
        "leaflet_js": static("leaflet/leaflet.js"),
        "leaflet_css": static("leaflet/leaflet.css"),
        "pin_css": static("css/report_pin.css"),
    }
