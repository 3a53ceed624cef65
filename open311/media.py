"""Fetching a client's `media_url` photo — carefully.

Only http(s), only from the hosts the client's key allows, never from a private, loopback,
link-local or otherwise internal address (checked on the address actually connected to),
no redirects, at most PHOTO_MAX_BYTES, and only image content types. Whatever arrives still
goes through beefeed.photos like every other photo.
"""

import http.client
import ipaddress
import socket
import time
from urllib.parse import urlsplit

from django.conf import settings

TIMEOUT = 10
TOTAL_TIMEOUT = 30


class MediaRefused(ValueError):
    pass


def _public_address(host, port):
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise MediaRefused("the host cannot be resolved") from None
    private_ok = getattr(settings, "OPEN311_MEDIA_ALLOW_PRIVATE", False)  # tests serve media from loopback
    for _family, _type, _proto, _name, address in infos:
        if not private_ok and not _is_public(ipaddress.ip_address(address[0].split("%")[0])):
            raise MediaRefused("the host is not a public address")
    return infos[0][4][0]


def _is_public(ip):
    """Public, and not an IPv6 wrapper (mapped, 6to4, NAT64, compatible) around an internal IPv4 address."""
    if not ip.is_global or ip.is_multicast:
        return False
    if ip.version == 6:
        embedded = [ip.ipv4_mapped, ip.sixtofour]
        if ip in ipaddress.ip_network("64:ff9b::/96") or ip in ipaddress.ip_network("64:ff9b:1::/48"):
            embedded.append(ipaddress.ip_address(int(ip) & 0xFFFFFFFF))
        if int(ip) >> 32 == 0:  # ::a.b.c.d (IPv4-compatible)
            embedded.append(ipaddress.ip_address(int(ip) & 0xFFFFFFFF))
        return all(v4 is None or (v4.is_global and not v4.is_multicast) for v4 in embedded)
    return True


def fetch(url, *, allowed_hosts, _port=None):
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise MediaRefused("the media_url is not a valid address") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise MediaRefused("only http and https addresses are fetched")
    if parts.username or parts.password:
        raise MediaRefused("addresses with a user name or password are not fetched")
    host = parts.hostname.lower()
    if host not in allowed_hosts:
        raise MediaRefused("this api_key may not send media from that host")
    default = 443 if parts.scheme == "https" else 80
    if port not in (None, default):
        raise MediaRefused("only the standard http and https ports are used")
    port = _port or default  # _port: only the tests' loopback server on a free port
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
        connection.request("GET", path, headers={"Host": host, "User-Agent": "BeeFeed-Open311"})
        response = connection.getresponse()
        deadline = time.monotonic() + TOTAL_TIMEOUT
        if response.status != 200:
            raise MediaRefused(f"the media server answered {response.status}")
        if not (response.getheader("Content-Type") or "").lower().startswith("image/"):
            raise MediaRefused("the media is not an image")
        chunks, size = [], 0
        while True:  # read in pieces, so a slow drip cannot hold the worker past the total deadline
            chunk = response.read(65536)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise MediaRefused("the media is too large")
            if time.monotonic() > deadline:
                raise MediaRefused("the media server is too slow")
            chunks.append(chunk)
        return b"".join(chunks)
    except (OSError, http.client.HTTPException) as error:
        raise MediaRefused(f"the media could not be fetched ({type(error).__name__})") from None
    finally:
        connection.close()
