"""Counting attempts in the cache: the one home of rate limits.

The cache is local memory by default and Redis in production (REDIS_URL), so
limits hold across gunicorn workers there. A limit is a number of hits per
window of seconds for one key (an account, an address).
"""

import hashlib
import ipaddress

from django.conf import settings
from django.core.cache import cache


def _key(scope, ident):
    # Hashed: what people type as a login may hold spaces or anything else a cache key must not.
    return f"rl:{scope}:" + hashlib.sha256(str(ident).encode()).hexdigest()[:32]


def count(scope, ident):
    return cache.get(_key(scope, ident), 0)


def hit(scope, ident, *, window):
    """Record one attempt; returns the number of attempts in the window."""
    key = _key(scope, ident)
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return 1


def exceeded(scope, ident, *, limit):
    return count(scope, ident) >= limit


def give_back(scope, ident):
    """Undo one counted attempt (it turned out fine)."""
    try:
        cache.decr(_key(scope, ident))
    except ValueError:
        pass


def reset(scope, ident):
    cache.delete(_key(scope, ident))


def _is_trusted_proxy(address):
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(proxy, strict=False) for proxy in settings.TRUSTED_PROXIES)


def client_ip(request):
    """The client's address. X-Forwarded-For is believed only when the connection comes from
    one of our proxies (TRUSTED_PROXIES), and then only its right-most address that is not one
    of ours: each proxy appends the address it saw, so anything to the left of that may have
    been written by the client itself."""
    remote = request.META.get("REMOTE_ADDR", "")
    if not (settings.BEHIND_PROXY and _is_trusted_proxy(remote)):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted_proxy(hop):
            return hop[:64]
    return remote
