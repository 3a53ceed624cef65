from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from beefeed import backups


class Command(BaseCommand):
    help = (
        "Back up the database and the media into a new folder under DEST (default BACKUP_DIR): "
        "database.dump, media.tar and manifest.json (row counts, checksums). Then keep only the newest "
        "--keep-daily days' and --keep-weekly weeks' backups (default 7 and 4)."
    )

    def add_arguments(self, parser):
        parser.add_argument("dest", nargs="?", default=None)
        parser.add_argument("--keep-daily", type=int, default=7)
        parser.add_argument("--keep-weekly", type=int, default=4)

    def handle(self, *args, dest=None, keep_daily=7, keep_weekly=4, **options):
        dest = dest or settings.BACKUP_DIR
        if not dest:
            raise CommandError("Say where the backups go: manage.py backup DEST, or set BACKUP_DIR.")
        if keep_daily < 1 or keep_weekly < 0:
            raise CommandError("--keep-daily must be 1 or more and --keep-weekly 0 or more")
        try:
            folder = backups.make(dest)
        except (backups.BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        manifest = backups.read_manifest(folder)
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"{folder}: {rows} rows in {len(manifest['tables'])} tables, {len(manifest['media'])} media files"
        )
        for name in manifest["missing_media"]:
            self.stdout.write(f"warning: the database names {name}, which was already missing")
        for old in backups.prune(dest, keep_daily=keep_daily, keep_weekly=keep_weekly):
            self.stdout.write(f"removed the older backup {old}")
