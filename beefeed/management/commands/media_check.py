from django.core.management.base import BaseCommand, CommandError

from beefeed import mediafiles, staging


class Command(BaseCommand):
    help = (
        "Compare the files in the media storage (MEDIA_ROOT, or the bucket) with the rows that name them: "
        "list orphan files (no row) and rows whose file is missing. Exit status 1 if there are any. "
        "--remove-orphans first deletes the files kept past their retention (photos of reports not "
        "accepted), then orphans older than --older-than minutes (default 60), and settles the uploads "
        "left under staging/ by processes that ended or more than --staged-older-than minutes ago "
        "(default 5): moved into place when their row committed, removed otherwise."
    )

    def add_arguments(self, parser):
        parser.add_argument("--remove-orphans", action="store_true")
        parser.add_argument("--older-than", type=int, default=60, metavar="MINUTES")
        parser.add_argument("--staged-older-than", type=int, default=staging.GRACE_SECONDS // 60, metavar="MINUTES")

    def handle(self, *args, remove_orphans=False, older_than=60, staged_older_than=5, **options):
        if older_than < 0 or staged_older_than < 0:
            raise CommandError("--older-than and --staged-older-than must be 0 or more minutes")
        if remove_orphans:
            for name in mediafiles.apply_retention():
                self.stdout.write(f"removed after its retention period {name}")
            for name in mediafiles.remove_orphans(older_than * 60):
                self.stdout.write(f"removed orphan {name}")
            settled = staging.sweep(staged_older_than * 60)
            for name in settled.promoted:
                self.stdout.write(f"moved a committed upload into place {name}")
            for name in settled.removed:
                self.stdout.write(f"removed an upload that never committed {name}")
        result = mediafiles.scan()
        for name in result.orphans:
            self.stdout.write(f"orphan file: {name}")
        for name in result.staged:
            self.stdout.write(f"staged upload: {name}")
        for label, pk, name in result.missing:
            self.stdout.write(f"missing file: {name} ({label} {pk})")
        self.stdout.write(
            f"{result.files} files, {result.rows} named by rows, {len(result.orphans)} orphans, "
            f"{len(result.missing)} missing, {len(result.staged)} staged"
        )
        if result.orphans or result.missing:
            raise SystemExit(1)
