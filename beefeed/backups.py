"""Backups that can be proven: the database and the media as one set, with a manifest.

`make(dest)` writes `dest/<YYYYmmdd-HHMMSS>/`:

- `database.dump` — PostgreSQL: `pg_dump --format=custom` (one consistent snapshot, restorable with
  pg_restore, also table by table); SQLite: the database file through SQLite's online backup API;
- `media.tar` — every file under MEDIA_ROOT (photos are JPEGs already: no compression);
- `manifest.json` — when, from which engine, the row count of every table, the size and SHA-256
  of every media file and of the dump, and the files the database names that were missing.

The database is copied first, then the media: a photo uploaded in between is in the archive with
no row (an orphan, harmless; `media_check --remove-orphans` clears it after a restore); a file the
database names is never younger than the snapshot, so nothing the restored database names is
missing unless it was missing already (the manifest lists those).

`restore(backup, database_url, media_root)` puts a set into an empty (or scratch) database and a
media directory; `verify(backup, database_url, media_root)` compares what is there with the
manifest: the restore drill (`beefeed/tests/test_backups.py`, PostgreSQL in CI).
"""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

import environ
import psycopg
from django.apps import apps
from django.conf import settings
from django.db import connection

from beefeed import mediafiles

MANIFEST = "manifest.json"
DUMP = "database.dump"
MEDIA = "media.tar"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why."""


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files_under(root):
    """(relative name, path) of every file under `root`."""
    for directory, _dirs, files in os.walk(root):
        for filename in files:
            path = Path(directory) / filename
            yield path.relative_to(root).as_posix(), path


def _tables():
    """Every table of the project's models (and Django's), once."""
    return sorted({m._meta.db_table for m in apps.get_models(include_auto_created=True) if m._meta.managed})


def _count_rows(cursor, tables, quote):
    return {table: cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}").fetchone()[0] for table in tables}


def _pg_env(params):
    """libpq's environment for a Django/psycopg database settings dict (no password on a command line)."""
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if params.get(key):
            env[name] = str(params[key])
    return env


def _pg_connect(params):
    return psycopg.connect(
        dbname=params["NAME"],
        host=params.get("HOST") or None,
        port=params.get("PORT") or None,
        user=params.get("USER") or None,
        password=params.get("PASSWORD") or None,
    )


def _run(command, env):
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-500:]}")


def make(dest, *, now=None):
    """Back up the database and the media into a new folder under `dest`; returns its path."""
    now = now or datetime.datetime.now(datetime.UTC)
    folder = Path(dest) / now.strftime("%Y%m%d-%H%M%S")
    folder.mkdir(parents=True, exist_ok=False)
    vendor = connection.vendor
    params = connection.settings_dict
    tables = _tables()
    if vendor == "postgresql":
        # The rows are counted in the very snapshot pg_dump exports: one REPEATABLE READ transaction
        # exports it, pg_dump reads it (--snapshot), and the counts are taken in it.
        with _pg_connect(params) as conn:
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            cursor = conn.cursor()
            snapshot = cursor.execute("SELECT pg_export_snapshot()").fetchone()[0]
            _run(
                ["pg_dump", "--format=custom", "--no-owner", "--snapshot", snapshot, "--file", str(folder / DUMP)]
                + [params["NAME"]],
                _pg_env(params),
            )
            counts = _count_rows(cursor, tables, lambda t: f'"{t}"')
    elif vendor == "sqlite":
        source = sqlite3.connect(params["NAME"])
        target = sqlite3.connect(folder / DUMP)
        with target:
            source.backup(target)
        source.close()
        counts = _count_rows(target.cursor(), tables, lambda t: f'"{t}"')
        target.close()
    else:
        raise BackupError(f"backups of {vendor} databases are not supported")
    named = set(mediafiles.named_files())
    root = Path(settings.MEDIA_ROOT)
    files = {}
    with tarfile.open(folder / MEDIA, "w") as archive:
        if root.is_dir() and settings.MEDIA_STORAGE == "filesystem":  # a bucket is backed up by its own versioning
            for name, path in sorted(_files_under(root)):
                if name.startswith(mediafiles.STAGING + "/"):
                    continue  # uploads not committed yet (beefeed.staging)
                archive.add(path, arcname=name, recursive=False)
                files[name] = {"size": path.stat().st_size, "sha256": _sha256(path)}
    manifest = {
        "made_at": now.isoformat(),
        "engine": vendor,
        "tables": counts,
        "media": files,
        "media_storage": settings.MEDIA_STORAGE,
        "missing_media": sorted(named - set(files)) if settings.MEDIA_STORAGE == "filesystem" else [],
        "dump_sha256": _sha256(folder / DUMP),
        "media_sha256": _sha256(folder / MEDIA),
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))
    return folder


def read_manifest(backup):
    path = Path(backup) / MANIFEST
    if not path.is_file():
        raise BackupError(f"{backup} has no {MANIFEST}: not a backup made by `manage.py backup`")
    manifest = json.loads(path.read_text())
    for name, key in ((DUMP, "dump_sha256"), (MEDIA, "media_sha256")):
        if _sha256(Path(backup) / name) != manifest[key]:
            raise BackupError(f"{name} does not match its checksum: the backup is damaged")
    return manifest


def restore(backup, *, database_url, media_root):
    """Restore `backup` into the database at `database_url` (PostgreSQL: an existing, empty or scratch
    database; SQLite: a file that must not exist yet) and the media directory `media_root`."""
    manifest = read_manifest(backup)
    target = environ.Env.db_url_config(database_url)
    if manifest["engine"] == "postgresql":
        if "postgresql" not in target["ENGINE"]:
            raise BackupError("a PostgreSQL backup is restored into PostgreSQL")
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--clean",
                "--if-exists",
                "--exit-on-error",
                "--dbname",
                target["NAME"],
                str(Path(backup) / DUMP),
            ],
            _pg_env(target),
        )
    else:
        path = Path(target["NAME"])
        if path.exists():
            raise BackupError(f"{path} exists: restore into a new file")
        shutil.copyfile(Path(backup) / DUMP, path)
    media = Path(media_root)
    media.mkdir(parents=True, exist_ok=True)
    with tarfile.open(Path(backup) / MEDIA) as archive:
        archive.extractall(media, filter="data")  # no absolute paths, no links out of the folder
    return manifest


def verify(backup, *, database_url, media_root):
    """What differs between the manifest and a restored database and media directory: [] if nothing."""
    manifest = read_manifest(backup)
    target = environ.Env.db_url_config(database_url)
    problems = []
    if "postgresql" in target["ENGINE"]:
        with _pg_connect(target) as restored:
            counts = _count_rows(restored.cursor(), manifest["tables"], lambda t: f'"{t}"')
    else:
        restored = sqlite3.connect(target["NAME"])
        counts = _count_rows(restored.cursor(), manifest["tables"], lambda t: f'"{t}"')
        restored.close()
    for table, expected in manifest["tables"].items():
        if counts.get(table) != expected:
            problems.append(f"table {table}: {counts.get(table)} rows, the backup has {expected}")
    media = Path(media_root)
    for name, meta in manifest["media"].items():
        path = media / name
        if not path.is_file():
            problems.append(f"media {name}: missing")
        elif _sha256(path) != meta["sha256"]:
            problems.append(f"media {name}: checksum differs")
    return problems


def prune(dest, *, keep_daily, keep_weekly):
    """Delete old backups under `dest`: keep the newest `keep_daily` days' last backup and the last
    backup of each of the newest `keep_weekly` ISO weeks. Returns the deleted folders."""
    sets = sorted((p for p in Path(dest).iterdir() if (p / MANIFEST).is_file()), key=lambda p: p.name, reverse=True)
    keep, days, weeks = set(), [], []
    for folder in sets:
        made = datetime.datetime.strptime(folder.name, "%Y%m%d-%H%M%S")
        day, week = made.date(), made.isocalendar()[:2]
        if day not in days and len(days) < keep_daily:
            days.append(day)
            keep.add(folder)
        if week not in weeks and len(weeks) < keep_weekly:
            weeks.append(week)
            keep.add(folder)
    removed = [folder for folder in sets if folder not in keep]
    for folder in removed:
        shutil.rmtree(folder)
    return removed
