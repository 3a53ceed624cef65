"""`manage.py check --deploy` knows what a production BeeFeed needs beyond Django's own checks."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs):
    if settings.REDIS_URL:
        return []
    return [
        Warning(
            "REDIS_URL is not set: every gunicorn worker keeps its own cache.",
            hint="Rate limits would count per worker, and a cached figure (home, board, /stats/, the station "
            "map) would stay up to five minutes old in the workers that did not make the change. Set REDIS_URL.",
            id="beefeed.W001",
        )
    ]


@register(Tags.security, deploy=True)
def private_media_through_the_proxy(app_configs, **kwargs):
    if settings.SERVE_MEDIA or settings.MEDIA_ACCEL_REDIRECT or settings.MEDIA_SIGNED_REDIRECT:
        return []
    if settings.MEDIA_STORAGE == "s3":
        return [
            Warning(
                "MEDIA_SIGNED_REDIRECT is off: every private photo is fetched from the bucket and streamed by a "
                "gunicorn worker.",
                hint="If the browsers can reach the bucket's endpoint, set MEDIA_SIGNED_REDIRECT=1 (the default "
                "with MEDIA_STORAGE=s3).",
                id="beefeed.W003",
            )
        ]
    return [
        Warning(
            "MEDIA_ACCEL_REDIRECT is not set: every private photo is streamed by a gunicorn worker.",
            hint="Configure nginx's internal location for private media (README, 'Running in production', "
            "step 5) and set MEDIA_ACCEL_REDIRECT=/protected-media/.",
            id="beefeed.W002",
        )
    ]
