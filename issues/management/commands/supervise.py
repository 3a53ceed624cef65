"""`manage.py supervise`: reminders, escalations, the daily digest, publishing unrated reports.

Safe to run every few minutes (cron, a systemd timer, or `--every 300` as its own service):
each notice is recorded before it is sent and never sent twice; a failed send is retried.
"""

import time

from django.core.management.base import BaseCommand

from issues import supervision


class Command(BaseCommand):
    help = "Remind before deadlines, escalate overdue reports, send the daily digest, publish unrated reports."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="keep running, once every N seconds")

    def handle(self, *args, every=0, **options):
        while True:
            outcome = supervision.run()
            couriers = outcome.couriers
            sent = ", ".join(f"{kind}: {n}" for kind, n in sorted(outcome.sent.items())) or "nothing"
            self.stdout.write(
                f"Sent {sent}; failed (will retry): {outcome.failed}; published unrated: {outcome.published}; "
                f"couriers' notices sent: {couriers.get('sent', 0)}, failed: {couriers.get('failed', 0)}"
            )
            if not every:
                return
            time.sleep(every)
