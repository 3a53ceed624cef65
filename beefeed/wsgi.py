import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beefeed.settings")

application = get_wsgi_application()

# The server refuses to start without a key, rather than fail its first request that signs something.
try:
    settings.SECRET_KEY  # noqa: B018 (Django refuses an empty key when it is read)
except ImproperlyConfigured as error:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set when DEBUG is off. "
        "(For the embedded demo and the tests set DEBUG=1, as `make run` and `make test` do.)"
    ) from error
