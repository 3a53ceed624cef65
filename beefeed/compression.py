"""HTML, JSON, GeoJSON and XML answers compressed (brotli or gzip) for clients that accept it.

Never where it could leak a secret (BREACH): the length of a compressed answer tells whoever watches
the wire whether a guess they made the victim's browser send repeats a secret in the same answer.
So only answers that hold no secret are compressed: no CSRF token went into them, and the visitor
has no session (a signed-in user's pages carry their own data and their sign-out form's token).
That is every public page and API answer a signed-out visitor gets; the login page, the courier's
form and everything signed in go out as they are. Static files are WhiteNoise's (compressed ahead).
"""

import brotli
from django.conf import settings
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string

TYPES = {"text/html", "application/json", "application/geo+json", "application/xml", "text/xml"}
MIN_LENGTH = 200  # below this, the headers cost more than the saving
BROTLI_QUALITY = 5  # about gzip's speed, a tenth smaller; 11 takes tens of milliseconds per page


def negotiate(accept_encoding):
    """The encoding to send for an Accept-Encoding header: "br", "gzip" or "" (brotli first; q=0 refuses)."""
    accepted = set()
    for part in accept_encoding.lower().split(","):
        name, *params = [piece.strip() for piece in part.split(";")]
        quality = next((p[2:] for p in params if p.startswith("q=")), "1")
        try:
            if float(quality) > 0:
                accepted.add(name)
        except ValueError:
            pass
    return next((encoding for encoding in ("br", "gzip") if encoding in accepted), "")


def encode(body, encoding):
    """`body` compressed for `encoding` ("br" or "gzip")."""
    if encoding == "br":
        return brotli.compress(body, quality=BROTLI_QUALITY)
    return compress_string(body)


def compressible(response):
    return (
        not response.streaming
        and response.get("Content-Type", "").split(";")[0].strip().lower() in TYPES
        and (response.has_header("Content-Encoding") or len(response.content) >= MIN_LENGTH)
    )


def holds_no_secret(request, response):
    session = settings.SESSION_COOKIE_NAME
    return (
        not request.META.get("CSRF_COOKIE_USED")
        and session not in request.COOKIES
        and session not in response.cookies
        and settings.CSRF_COOKIE_NAME not in response.cookies
    )


class CompressionMiddleware:
    """Listed after WhiteNoise (which answers static files itself) and before the session middleware,
    so that it sees each answer last, with its cookies set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not compressible(response):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        if response.has_header("Content-Encoding") or not holds_no_secret(request, response):
            return response  # compressed already (a cached page), or not safe to compress
        encoding = negotiate(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        if not encoding:
            return response
        compressed = encode(response.content, encoding)
        if len(compressed) >= len(response.content):
            return response
        response.content = compressed
        response["Content-Length"] = str(len(compressed))
        response["Content-Encoding"] = encoding
        etag = response.get("ETag", "")
        if etag.startswith('"'):
            response["ETag"] = "W/" + etag  # the bytes differ from the uncompressed answer's
        return response
