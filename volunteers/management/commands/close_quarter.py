"""`manage.py close_quarter 2026Q4 --by coordinator`: freeze and publish a quarter's tallies."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from volunteers import quarters, tallies
from volunteers.exceptions import PointsError


class Command(BaseCommand):
    help = "Close a quarter that has ended: freeze every volunteer's points, hours, reports and solved reports."

    def add_arguments(self, parser):
        parser.add_argument("quarter", help="the quarter, e.g. 2026Q4")
        parser.add_argument("--by", required=True, help="user name of the coordinator closing it")

    def handle(self, *args, quarter, by, **options):
        try:
            user = get_user_model().objects.get(username=by)
        except get_user_model().DoesNotExist:
            raise CommandError(f"no user named {by!r}") from None
        try:
            year, number = quarters.parse_quarter(quarter)
            closed = tallies.close_quarter(year, number, by=user)
        except PointsError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"{closed.key} closed: {closed.tallies.count()} volunteers tallied."))
