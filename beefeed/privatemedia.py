"""Who may fetch which file of MEDIA_ROOT.

Most media (station photos, seals, reward pictures) is public: the proxy serves it directly
under MEDIA_URL. A directory an app declares private here (report and rating photos,
volunteers' own photos) is never served there. Its files' URL is /photos/<name>, a view that
asks the app's rule, on every request, whether this visitor may see this file now: a report
reopened after publication closes its photos again, and a link that leaks stays closed.

beefeed knows no app: each app registers its directories and rules in its AppConfig.ready().
"""

import mimetypes
import posixpath
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.views.static import serve

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


class MediaStorage(FileSystemStorage):
    """The default storage: a file in a private directory gets the checked URL."""

    def url(self, name):
        if name and is_private(name):
            return reverse("checked_media", args=[name])
        return super().url(name)


def serve_public(request, path):
    """MEDIA_URL in the embedded run: what the proxy serves in production, private directories refused."""
    if is_private(path):
        raise Http404
    # MEDIA_ROOT is read on each request (tests give every test its own).
    return serve(request, path, document_root=settings.MEDIA_ROOT)


def serve_checked(request, name):
    """A file of a private directory, to whom its app's rule allows; 404 to everyone else."""
    rule = rule_for(name)
    # Names the storage wrote are normal and printable; anything else (a NUL byte) matches no file.
    if rule is None or posixpath.normpath(name) != name or not name.isprintable():
        raise Http404
    access = rule(request, name)
    if access not in (PUBLIC, PRIVATE):
        raise Http404
    if settings.MEDIA_ACCEL_REDIRECT:
        # The proxy sends the file from its internal location (nginx X-Accel-Redirect).
        response = HttpResponse(content_type=mimetypes.guess_type(name)[0] or "application/octet-stream")
        response["X-Accel-Redirect"] = settings.MEDIA_ACCEL_REDIRECT.rstrip("/") + "/" + quote(name)
    else:
        response = serve(request, name, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}" if access == PUBLIC else "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
