"""Create the demo district of DESIGN.md: `manage.py load_demo`.

Each app that has demo data holds it in its own `demo.py` with a
`load(log)` function; they run in INSTALLED_APPS order, so an app's demo
data can rely on the apps it depends on. Running it twice changes nothing.
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
        for app_config in apps.get_app_configs():
            module_name = f"{app_config.name}.demo"
            if find_spec(module_name) is None:
                continue
            with transaction.atomic():
                result = import_module(module_name).load(log=self.stdout.write)
            logins.extend(result or [])
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in at /login/ or /admin/:"))
        for role, login, password in logins:
            self.stdout.write(f"  {role:<12} {login:<14} {password}")
