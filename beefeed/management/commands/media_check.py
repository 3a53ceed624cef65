from django.core.management.base import BaseCommand, CommandError

from beefeed import mediafiles


class Command(BaseCommand):
    help = (
        "Compare the files in the media storage (MEDIA_ROOT, or the bucket) with the rows that name them: "
        "list orphan files (no row) and rows whose file is missing. Exit status 1 if there are any. "
        "--remove-orphans first deletes the files kept past their retention (photos of reports not "
        "accepted), then orphans older than --older-than minutes (default 60)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--remove-orphans", action="store_true")
        parser.add_argument("--older-than", type=int, default=60, metavar="MINUTES")

    def handle(self, *args, remove_orphans=False, older_than=60, **options):
        if older_than < 0:
            raise CommandError("--older-than must be 0 or more minutes")
        if remove_orphans:
            for name in mediafiles.apply_retention():
                self.stdout.write(f"removed after its retention period {name}")
            for name in mediafiles.remove_orphans(older_than * 60):
                self.stdout.write(f"removed orphan {name}")
        result = mediafiles.scan()
        for name in result.orphans:
            self.stdout.write(f"orphan file: {name}")
        for label, pk, name in result.missing:
            self.stdout.write(f"missing file: {name} ({label} {pk})")
        self.stdout.write(
            f"{result.files} files, {result.rows} named by rows, {len(result.orphans)} orphans, "
            f"{len(result.missing)} missing"
        )
        if result.orphans or result.missing:
            raise SystemExit(1)
