from django.core.management.base import BaseCommand, CommandError

from beefeed import backups


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into the database at --database-url (PostgreSQL: an "
        "existing empty or scratch database; SQLite: a new file) and the media folder --media-root, then "
        "compare the row counts and media checksums with its manifest. Exit status 1 if anything differs."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup")
        parser.add_argument("--database-url", required=True)
        parser.add_argument("--media-root", required=True)

    def handle(self, *args, backup, database_url, media_root, **options):
        try:
            manifest = backups.restore(backup, database_url=database_url, media_root=media_root)
            problems = backups.verify(backup, database_url=database_url, media_root=media_root)
        except (backups.BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        for problem in problems:
            self.stdout.write(f"differs: {problem}")
        self.stdout.write(
            f"restored {sum(manifest['tables'].values())} rows and {len(manifest['media'])} media files: "
            + ("the counts and checksums match the manifest" if not problems else f"{len(problems)} differences")
        )
        if problems:
            raise SystemExit(1)
