"""Create the demo district of DESIGN.md: `manage.py load_demo`.

Each app that has demo data holds it in its own `demo.py` with a
`load(log)` function; they run in INSTALLED_APPS order, so an app's demo
data can rely on the apps it depends on. A demo module may also have a
`finish(log)`, run after every app has loaded (e.g. closing quarters once
the reports have paid their points). Running it twice changes nothing.
"""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = "Load the demo district (organizations, logins, and each app's demo data)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even when DEBUG is off (never in production).")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: refusing to load demo data into what may be a real database. "
                "Use --force if you are sure."
            )
        logins = []
        modules = [
            import_module(f"{app_config.name}.demo")
            for app_config in apps.get_app_configs()
            if find_spec(f"{app_config.name}.demo") is not None
        ]
        for module in modules:
            with transaction.atomic():
                logins.extend(module.load(log=self.stdout.write) or [])
        for module in modules:
            if hasattr(module, "finish"):
                with transaction.atomic():
                    module.finish(log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in at /login/ or /admin/:"))
        for role, login, password in logins:
            self.stdout.write(f"  {role:<12} {login:<14} {password}")
