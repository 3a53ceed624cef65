"""The map's tile layers, from settings (MAP_TILES, TIANDITU_KEY); see MAP_TILE_HOSTS for the CSP.

OpenStreetMap by default. 天地图 Tianditu's WMTS `vec_w` (roads) with the
`cva_w` labels on top, in Web Mercator; its CGCS2000 coordinates agree with
WGS-84 to well under a metre, so station positions need no shift.
"""

from urllib.parse import urlsplit

from django.conf import settings

TIANDITU = (
    "https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}"
)


def config():
    """What static/js/stations_map.js needs, as JSON-ready data."""
    if settings.MAP_TILES == "tianditu":
        key = settings.TIANDITU_KEY
        return {
            "layers": [
                {
                    "url": TIANDITU.format(layer=layer, key=key, s="{s}", z="{z}", x="{x}", y="{y}"),
                    "subdomains": "01234567",
                }
                for layer in ("vec", "cva")
            ],
            "attribution": "© 天地图 Tianditu",
            "max_zoom": 18,
        }
    return {
        "layers": [{"url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "subdomains": ""}],
        "attribution": "© OpenStreetMap contributors",
        "max_zoom": 19,
    }


def preconnect():
    """The tile hosts a map page may connect to while its script is still on the way: the first tile then
    waits for no DNS, TCP and TLS round trips of its own (three on a slow line: about half a second).
    A host picked per tile from subdomains (Tianditu's t0…t7) is left out: any one of them is a guess."""
    origins = []
    for layer in config()["layers"]:
        url = urlsplit(layer["url"])
        origin = f"{url.scheme}://{url.netloc}"
        if "{s}" not in origin and origin not in origins:
            origins.append(origin)
    return origins
