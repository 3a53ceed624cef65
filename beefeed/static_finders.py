"""Where collectstatic finds the static files."""

from django.contrib.staticfiles import finders


class FileSystemFinder(finders.FileSystemFinder):
    """STATICFILES_DIRS without the marker cluster package's minified script: it names a source map the
    package does not ship, which the hashed storage refuses. The maps load its -src build instead."""

    def list(self, ignore_patterns):
        return super().list([*(ignore_patterns or []), "leaflet.markercluster.js"])
