"""`manage.py check --deploy` knows what a production BeeFeed needs beyond Django's own checks."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    if getattr(settings, "REDIS_URL", ""):
        return []
    return [
        Warning(
            "REDIS_URL is not set: every gunicorn worker keeps its own cache.",
            hint="Rate limits would count per worker, and a cached figure (home, board, /stats/, the station "
            "map) would stay up to five minutes old in the workers that did not make the change. Set REDIS_URL.",
            id="beefeed.W001",
        )
    ]
