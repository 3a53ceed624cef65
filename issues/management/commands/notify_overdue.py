from django.core.management.base import BaseCommand

from issues.notifications import alert_overdue


class Command(BaseCommand):
    help = "Alert coordinators and the WeChat Work group, once each, about reports past their deadline."

    def handle(self, *args, **options):
        self.stdout.write(f"Overdue reports alerted: {alert_overdue()}")
