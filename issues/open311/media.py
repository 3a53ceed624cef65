"""Fetching a client's `media_url` photo — carefully.

Only http(s), only from the hosts the client's key allows, never from a private, loopback,
link-local or otherwise internal address (checked on the address actually connected to),
no redirects, at most PHOTO_MAX_BYTES, and only image content types. Whatever arrives still
goes through beefeed.photos like every other photo.

The whole fetch — connecting, the TLS handshake, the headers, the body — has one deadline
(OPEN311_MEDIA_TIMEOUT seconds): every receive waits only for the time left, so a server that
drips its answer a byte at a time cannot hold the worker longer.
"""

import http.client
import io
import ipaddress
import socket
import time
from urllib.parse import urlsplit

from django.conf import settings


class MediaRefused(ValueError):
    pass


def _public_address(host, port):
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise MediaRefused("the host cannot be resolved") from None
    private_ok = settings.OPEN311_MEDIA_ALLOW_PRIVATE
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


def _time_left(deadline):
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    return left


class _DeadlineSocket:
    """The connected socket as http.client sees it: each send and receive may wait only for the time left.

    A socket timeout alone bounds one receive, not the answer: a byte a second never trips it.
    """

    def __init__(self, sock, deadline):
        self._sock = sock
        self._deadline = deadline

    def _arm(self):
        self._sock.settimeout(_time_left(self._deadline))

    def sendall(self, data):
        self._arm()
        self._sock.sendall(data)

    def makefile(self, mode):
        # The socket's own file keeps it open while the response is read, as http.client expects.
        return io.BufferedReader(_DeadlineReader(self._sock.makefile("rb", buffering=0), self._arm))

    def close(self):
        self._sock.close()


class _DeadlineReader(io.RawIOBase):
    def __init__(self, raw, arm):
        self._raw = raw
        self._arm = arm

    def readable(self):
        return True

    def readinto(self, buffer):
        self._arm()
        return self._raw.readinto(buffer)

    def close(self):
        super().close()
        self._raw.close()


def fetch(url, *, allowed_hosts, _port=None):
    seconds = settings.OPEN311_MEDIA_TIMEOUT
    try:
        return _fetch(url, allowed_hosts=allowed_hosts, deadline=time.monotonic() + seconds, _port=_port)
    except TimeoutError:
        raise MediaRefused(f"the media server did not answer within {seconds} seconds") from None


def _fetch(url, *, allowed_hosts, deadline, _port):
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
    limit = settings.PHOTO_MAX_BYTES
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    connection = http.client.HTTPConnection(host, port)
    try:
        # Connect to the address we checked, not to whatever a second lookup would say.
        sock = socket.create_connection((address, port), timeout=_time_left(deadline))
        if parts.scheme == "https":
            import ssl

            sock.settimeout(_time_left(deadline))
            sock = ssl.create_default_context().wrap_socket(sock, server_hostname=host)
        connection.sock = _DeadlineSocket(sock, deadline)
        connection.request("GET", path, headers={"Host": host, "User-Agent": "BeeFeed-Open311"})
        response = connection.getresponse()
        if response.status != 200:
            raise MediaRefused(f"the media server answered {response.status}")
        if not (response.getheader("Content-Type") or "").lower().startswith("image/"):
            raise MediaRefused("the media is not an image")
        chunks, size = [], 0
        while chunk := response.read1(65536):  # whatever has arrived, so the size limit is checked as it comes
            size += len(chunk)
            if size > limit:
                raise MediaRefused("the media is too large")
            chunks.append(chunk)
        return b"".join(chunks)
    except TimeoutError:
        raise  # fetch() explains it: the deadline passed
    except (OSError, http.client.HTTPException) as error:
        raise MediaRefused(f"the media could not be fetched ({type(error).__name__})") from None
    finally:
        connection.close()
