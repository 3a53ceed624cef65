"""Who may fetch which uploaded file (the default storage: MEDIA_ROOT, or a bucket with beefeed.s3media).

Most media (station photos, seals, reward pictures) is public: the proxy (or the bucket) serves it
directly under MEDIA_URL. A directory an app declares private here (report and rating photos,
volunteers' own photos) is never served there. Its files' URL is /photos/<name>, a view that
asks the app's rule, on every request, whether this visitor may see this file now: a report
reopened after publication closes its photos again, and a link that leaks stays closed.

beefeed knows no app: each app registers its directories and rules in its AppConfig.ready().
"""

import mimetypes
import posixpath
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse

PUBLIC = "public"  # anyone may see it, and caches may keep it a short while
PRIVATE = "private"  # this visitor may see it; nobody may store it

# A published report's photo may stay this long in a cache after the report is reopened.
PUBLIC_MAX_AGE = 300

_rules = {}


def protect(directory, rule):
    """Files under `directory` are served only through the checked view; `rule(request, name)`
    answers PUBLIC, PRIVATE or None (not for this visitor: 404)."""
    _rules[directory.strip("/") + "/"] = rule


def rule_for(name):
    name = posixpath.normpath(name).lstrip("/")
    for directory, rule in _rules.items():
        if name.startswith(directory):
            return rule
    return None


def is_private(name):
    return rule_for(name) is not None


class PrivateUrlsMixin:
    """A storage whose files in private directories get the checked URL; `public_url` for the others."""

    def url(self, name):
        if name and is_private(name):
            return reverse("checked_media", args=[name])
        return self.public_url(name)

    def public_url(self, name):
        return super().url(name)


class MediaStorage(PrivateUrlsMixin, FileSystemStorage):
    """The default storage: files under MEDIA_ROOT (MEDIA_STORAGE=s3: beefeed.s3media)."""


def _is_normal(name):
    # Names the storage wrote are relative, normal and printable; anything else ("/etc/passwd", "a/../b",
    # a NUL byte) matches no file.
    return posixpath.normpath(name) == name and not name.startswith("/") and name.isprintable()


def serve_public(request, path):
    """MEDIA_URL: public files, private directories refused. On disk the proxy serves MEDIA_ROOT in
    production and this view only the embedded run; in a bucket it redirects to a signed URL."""
    if is_private(path) or not _is_normal(path):
        raise Http404
    return _send(request, path, PUBLIC)


def serve_checked(request, name):
    """A file of a private directory, to whom its app's rule allows; 404 to everyone else."""
    rule = rule_for(name)
    if rule is None or not _is_normal(name):
        raise Http404
    access = rule(request, name)
    if access not in (PUBLIC, PRIVATE):
        raise Http404
    return _send(request, name, access)


def _send(request, name, access):
    """The file `name` of the default storage, to a visitor allowed `access`."""
    storage = default_storage
    cache_control = f"public, max-age={PUBLIC_MAX_AGE}" if access == PUBLIC else "private, no-store"
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if settings.MEDIA_SIGNED_REDIRECT and hasattr(storage, "signed_url"):
        # The bucket sends the file; the signed URL is valid a short while, and a cached redirect never
        # outlives it.
        seconds = settings.MEDIA_SIGNED_URL_SECONDS
        response = HttpResponseRedirect(storage.signed_url(name, seconds=seconds, cache_control=cache_control))
        if access == PUBLIC:
            cache_control = f"public, max-age={min(PUBLIC_MAX_AGE, seconds // 2)}"
    elif settings.MEDIA_ACCEL_REDIRECT:
        # The proxy sends the file from its internal location (nginx X-Accel-Redirect).
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.MEDIA_ACCEL_REDIRECT.rstrip("/") + "/" + quote(name)
    else:
        try:
            file = storage.open(name, "rb")
        except (OSError, SuspiciousOperation):  # gone, a directory, or outside the storage
            raise Http404 from None
        response = FileResponse(file, content_type=content_type)
    response["Cache-Control"] = cache_control
    response["X-Content-Type-Options"] = "nosniff"
    return response
