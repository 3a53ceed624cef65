"""Fetching a client's `media_url` photo — carefully.

Only http(s), only from the hosts the client's key allows, never from a private, loopback,
link-local or otherwise internal address (checked on the address actually connected to),
no redirects, at most PHOTO_MAX_BYTES, and only image content types. Whatever arrives still
goes through beefeed.photos like every other photo.
"""

import http.client
import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

TIMEOUT = 10


class MediaRefused(ValueError):
    pass


def _public_address(host, port):
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise MediaRefused("the host cannot be resolved") from None
    for _family, _type, _proto, _name, address in infos:
        ip = ipaddress.ip_address(address[0])
        if not ip.is_global or ip.is_multicast:
            raise MediaRefused("the host is not a public address")
    return infos[0][4][0]


def fetch(url, *, allowed_hosts):
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise MediaRefused("only http and https addresses are fetched")
    host = parts.hostname.lower()
    if host not in allowed_hosts:
        raise MediaRefused("this api_key may not send media from that host")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = _public_address(host, port)
    limit = getattr(settings, "PHOTO_MAX_BYTES", 15 * 1024 * 1024)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    if parts.scheme == "https":
        import ssl

        connection = http.client.HTTPSConnection(host, port, timeout=TIMEOUT, context=ssl.create_default_context())
    else:
        connection = http.client.HTTPConnection(host, port, timeout=TIMEOUT)
    try:
        # Connect to the address we checked, not to whatever a second lookup would say.
        connection.sock = socket.create_connection((address, port), timeout=TIMEOUT)
        if parts.scheme == "https":
            connection.sock = connection._context.wrap_socket(connection.sock, server_hostname=host)
        connection.request("GET", path, headers={"Host": parts.netloc, "User-Agent": "BeeFeed-Open311"})
        response = connection.getresponse()
        if response.status != 200:
            raise MediaRefused(f"the media server answered {response.status}")
        if not (response.getheader("Content-Type") or "").lower().startswith("image/"):
            raise MediaRefused("the media is not an image")
        data = response.read(limit + 1)
        if len(data) > limit:
            raise MediaRefused("the media is too large")
        return data
    except (OSError, http.client.HTTPException) as error:
        raise MediaRefused(f"the media could not be fetched ({type(error).__name__})") from None
    finally:
        connection.close()
