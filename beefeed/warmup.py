"""What a worker would otherwise load on its first requests, loaded once in gunicorn's master before
it forks the workers (preload_app): the URLconf, the translation catalogs, every template compiled,
and the cache's client library (redis: 40-60 ms to import, paid by a fresh worker's first page from
the cache while the requests behind it wait). gunicorn replaces each worker after max_requests; the
new one starts warm, so its first visitors do not wait (bench/RESULTS.md, "Throughput": at a thousand
requests a second a worker is replaced every few seconds, and the cold ones made the slowest percent).

Nothing here opens a database or cache connection: the workers must not share one.
"""

import logging
import os

from django.conf import settings
from django.core.cache import caches
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.urls import get_resolver
from django.utils import translation

logger = logging.getLogger(__name__)

TEMPLATE_SUFFIXES = (".html", ".txt", ".xml", ".json")


def _template_names(engine):
    """Every template name the engine's loaders can find (their folders walked)."""
    seen = set()
    for loader in engine.engine.template_loaders:
        for inner in getattr(loader, "loaders", [loader]):  # the cached loader wraps the others
            for folder in inner.get_dirs():
                for root, _dirs, files in os.walk(folder):
                    for filename in files:
                        if filename.endswith(TEMPLATE_SUFFIXES):
                            name = os.path.relpath(os.path.join(root, filename), folder).replace(os.sep, "/")
                            if name not in seen:
                                seen.add(name)
                                yield name


def warm():
    """Load what the first requests would; returns the names of the templates compiled."""
    get_resolver().reverse_dict  # noqa: B018 (populates the URLconf's patterns and names)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Board")  # loads the language's catalogs
    compiled = []
    for engine in engines.all():
        if not hasattr(engine, "engine"):  # only Django's own template engine has loaders to walk
            continue
        for name in _template_names(engine):
            try:
                engine.get_template(name)
            except (TemplateDoesNotExist, TemplateSyntaxError) as error:
                # A fragment that only compiles inside another, or a broken one: its page says so.
                logger.debug("template %s not compiled ahead: %s", name, error)
                continue
            compiled.append(name)
    for alias in settings.CACHES:
        # Django's Redis cache builds its client here, importing redis; its connection pools and
        # sockets are made by the first command, in the worker.
        getattr(caches[alias], "_cache", None)
    return compiled
