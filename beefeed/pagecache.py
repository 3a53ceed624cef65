"""Whole public pages for signed-out visitors, built once per change of what they show.

A signed-out visitor (no session cookie, no message waiting in a cookie) gets the same page as every
other signed-out visitor who asks for the same address in the same language: `@public_page("reports")`
builds it once per generation of the data it shows (beefeed.generations) and keeps it in the cache
with the generations it was built at. Any saved report makes the next request build a fresh page, in
every worker and on every host that shares the cache; `timeout` bounds what moves with the clock
("overdue", "open now"): past it, the first request rebuilds the page while the others still get it.
A page is only kept if nothing of the visitor went into it: no CSRF token, no cookie set, no session
written, no message. Signed-in users get the live page, marked private.

Headers for browsers and the proxy (deploy/nginx/page-cache.conf):
- `ETag`: a hash of the page, so a browser or proxy holding it gets 304 and no body.
- `Cache-Control: public, max-age=0, must-revalidate` and `s-maxage=PAGE_CACHE_PROXY_SECONDS`:
  a browser asks every time (a published report shows at once; the answer is usually 304), and the
  proxy may answer for a second without asking, which absorbs a burst such as a link shared into a
  WeChat group. Signed-in users' pages: `private, no-store`.
- `Vary: Accept-Language, Cookie`: the page depends on the language, chosen by the language cookie
  or the browser's Accept-Language.

The front door (`FrontDoorMiddleware`, listed right after WhiteNoise): a page kept by a view without a
`variant` is also kept with the headers the whole middleware stack gave it, one copy per encoding.
The next signed-out request for it is answered there, in one round trip to the cache and before the
session, locale, CSRF, authentication, message and CSP middleware run: a kept page costs less than the
simplest view through the whole stack. Pages with a `variant` (the stations' "open now") are answered
by their decorator, as before.
"""

import functools
import hashlib
import time
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.translation import get_language, get_language_from_request

from beefeed import compression, generations

# Cookies that make a request someone's own: a session (signed in, or a flow such as joining), or a
# message waiting to be shown once.
PRIVATE_COOKIES = {settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name}


def signed_out(request):
    return request.method in ("GET", "HEAD") and not PRIVATE_COOKIES.intersection(request.COOKIES)


def mark_private(response):
    patch_cache_control(response, private=True, no_store=True)
    return response


def mark_public(response):
    proxy_seconds = settings.PAGE_CACHE_PROXY_SECONDS
    patch_cache_control(
        response, public=True, max_age=0, must_revalidate=True, **({"s_maxage": proxy_seconds} if proxy_seconds else {})
    )
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


def page_key(request, names, variant=""):
    """Where the page for this address, language and site is kept (the generations are checked apart)."""
    parts = [
        request.scheme,
        request.get_host(),
        request.path,
        request.META.get("QUERY_STRING", ""),
        get_language(),
        ",".join(names),
        str(variant),
    ]
    return "page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _keepable(request, response):
    messages = getattr(request, "_messages", None)
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Cache-Control")
        and not request.META.get("CSRF_COOKIE_USED")
        and not (session is not None and session.modified)
        and not (messages is not None and messages.added_new)
    )


def _entry(response, built_at, timeout):
    """The page as kept: compressed once for each encoding here, not once per request (the page holds
    no secret, so compressing it is safe: beefeed.compression)."""
    body = response.content
    return {
        "generations": built_at,
        "made": _clock(),
        "timeout": timeout,
        # Weak: the compressed bodies are the same page in other bytes.
        "etag": 'W/"' + hashlib.sha256(body).hexdigest()[:32] + '"',
        "content_type": response["Content-Type"],
        "": body,
        **{encoding: compression.encode(body, encoding) for encoding in ("br", "gzip")},
    }


def _answer(request, entry):
    response = get_conditional_response(request, etag=entry["etag"])
    if response is None:
        encoding = compression.negotiate(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        response = HttpResponse(entry[encoding], content_type=entry["content_type"])
        if encoding:
            response["Content-Encoding"] = encoding
    response["ETag"] = entry["etag"]
    patch_vary_headers(response, ("Accept-Encoding",))
    return mark_public(response)


# A kept page whose data has not changed but which is older than its `timeout` (what moves with the
# clock: "overdue", "open now") is rebuilt by the first request that finds it so, while every other
# request still gets it until the new one is kept: no visitor waits for a page the clock made old.
# Pages whose data changed are never answered: they are built at once. Kept pages live this long.
KEEP_SECONDS = 3600
REBUILD_CLAIM_SECONDS = 30  # a rebuild that died holding its claim stops holding it after this


def _clock():
    return time.time()


def _state(entry, now_generations):
    """What a kept entry is now: "fresh"; "old" (same data, past its timeout); or None (absent, or its
    data changed: it is never answered)."""
    if entry is None or None in now_generations or entry["generations"] != now_generations:
        return None
    return "fresh" if _clock() - entry["made"] < entry["timeout"] else "old"


def _claim_rebuild(key):
    """True for the one request that rebuilds the old page kept at `key`."""
    return cache.add("rebuilding:" + key, 1, REBUILD_CLAIM_SECONDS)


def public_page(*names, timeout=60, variant=None, keep_if=None):
    """Serve the decorated view's page to signed-out visitors from the cache, per generation of `names`.

    `variant(request)` adds what else the page depends on (e.g. when the set of open stations last
    changed); `keep_if(request)` False leaves a request's page unkept (e.g. one phone's position)."""

    def decorator(view):
        @wraps(view)
        def page(request, *args, **kwargs):
            if not signed_out(request) or (keep_if is not None and not keep_if(request)):
                return mark_private(view(request, *args, **kwargs))
            key = page_key(request, names, variant(request) if variant else "")
            if not getattr(request, "page_rebuild", False):  # the front door claimed this rebuild
                now, entry = generations.current_and_cached(names, key)
                state = _state(entry, now)
                if state == "fresh" or (state == "old" and not _claim_rebuild(key)):
                    return _answer(request, entry)
            # Read before the page is built: a change while it is built makes it outdated at once.
            built_at = [generations.current(name) for name in names]
            response = view(request, *args, **kwargs)
            if not _keepable(request, response):
                return mark_private(response)
            entry = _entry(response, built_at, timeout)
            cache.set(key, entry, KEEP_SECONDS)
            cache.delete("rebuilding:" + key)
            answer = _answer(request, entry)
            if variant is None and keep_if is None:
                answer.front_door = (names, entry)  # kept at the front door with its final headers
            return answer

        if variant is None and keep_if is None:
            page.front_door_names = names
        return page

    return decorator


# --- The front door ------------------------------------------------------------------------------

# Headers that are the answer's own (its bytes, its date) rather than the page's.
_NOT_KEPT = {"content-encoding", "content-length", "etag", "date", "set-cookie"}


def _front_key(request, encoding):
    parts = [
        request.scheme,
        request.get_host(),
        request.path,
        request.META.get("QUERY_STRING", ""),
        get_language_from_request(request),
    ]
    return "front:" + hashlib.sha256("\n".join(parts).encode()).hexdigest() + ":" + encoding


def _front_door_names(path_info):
    """The generations the page at this path is kept by, if a front-door page lives there."""
    if len(path_info) > 200:  # no public page has such an address; not worth remembering
        return _resolved_names.__wrapped__(path_info)
    return _resolved_names(path_info)


@functools.lru_cache(maxsize=4096)
def _resolved_names(path_info):
    # Resolving a path walks the URLconf: remembered per path, as the URLconf does not change while serving.
    try:
        match = resolve(path_info)
    except Resolver404:
        return None
    return getattr(match.func, "front_door_names", None)


@receiver(setting_changed)
def _forget_paths(setting, **kwargs):
    if setting == "ROOT_URLCONF":  # tests that swap the URLconf
        _resolved_names.cache_clear()


class FrontDoorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        names = _front_door_names(request.path_info) if signed_out(request) else None
        if names is None:
            return self.get_response(request)
        encoding = compression.negotiate(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        key = _front_key(request, encoding)
        now, kept = generations.current_and_cached(names, key)
        state = _state(kept, now)
        if state == "fresh":
            return _answer_at_the_door(request, kept, encoding)
        if state == "old":
            if not _claim_rebuild(key):
                return _answer_at_the_door(request, kept, encoding)  # being rebuilt by another request
            request.page_rebuild = True
        response = self.get_response(request)
        if state == "old":
            cache.delete("rebuilding:" + key)
        front_door = getattr(response, "front_door", None)
        if front_door is not None and response.status_code == 200:
            _keep_at_the_door(request, response, *front_door)
        return response


def _keep_at_the_door(request, response, names, entry):
    headers = [(k, v) for k, v in response.items() if k.lower() not in _NOT_KEPT]
    cache.set_many(
        {
            _front_key(request, encoding): {
                "generations": entry["generations"],
                "made": entry["made"],
                "timeout": entry["timeout"],
                "etag": entry["etag"],
                "headers": headers,
                "body": entry[encoding],
            }
            for encoding in ("", "br", "gzip")
        },
        KEEP_SECONDS,
    )


def _answer_at_the_door(request, kept, encoding):
    response = get_conditional_response(request, etag=kept["etag"])
    if response is None:
        response = HttpResponse(kept["body"])
        for name, value in kept["headers"]:
            response[name] = value
        response["Content-Length"] = str(len(kept["body"]))
        if encoding:
            response["Content-Encoding"] = encoding
    else:  # 304: the headers a cache needs to refresh what it holds (RFC 9110 15.4.5), no body's
        for name, value in kept["headers"]:
            if name.lower() not in ("content-type", "content-language"):
                response[name] = value
    response["ETag"] = kept["etag"]
    return response
