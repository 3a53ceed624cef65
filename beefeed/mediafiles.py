"""The files of the default storage (MEDIA_ROOT, or a bucket) against the rows that name them.

An upload is written under staging/ and moved to its name after its row has committed
(beefeed.staging), so a killed process leaves nothing beside the rows' files. `scan()` finds
files no row names (orphans, e.g. from an older version or a hand-made copy), rows whose file is
gone, and what waits under staging/; `remove_orphans()` deletes orphans older than a grace period.

Apps register retention sweeps (`register_retention`): files whose rows have been kept long
enough, e.g. the photos of reports not accepted (issues.retention). `apply_retention()` runs them.
"""

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.apps import apps
from django.core.files.storage import default_storage
from django.db.models import FileField
from django.utils import timezone

_retention_sweeps = []

STAGING = "staging"  # beefeed.staging: uploads waiting for their rows to commit, never served


def register_retention(sweep):
    """`sweep(now=None)` deletes the rows and files kept past their time and returns the files' names."""
    _retention_sweeps.append(sweep)


def apply_retention(now=None):
    return [name for sweep in _retention_sweeps for name in sweep(now=now)]


@dataclass
class Scan:
    files: int = 0
    rows: int = 0
    orphans: list = field(default_factory=list)  # relative paths on disk that no row names
    missing: list = field(default_factory=list)  # (model label, pk, name) whose file is gone
    staged: list = field(default_factory=list)  # under staging/: uploads in progress, or left by a killed process


def _file_fields():
    """(model, [file field names]) for every concrete model with files."""
    for model in apps.get_models():
        fields = [f.name for f in model._meta.concrete_fields if isinstance(f, FileField)]
        if fields and not model._meta.proxy:
            yield model, fields


def is_named(name):
    """Whether a row names the file `name`."""
    return any(
        model._default_manager.filter(**{field_name: name}).exists()
        for model, fields in _file_fields()
        for field_name in fields
    )


def named_files():
    """{name: (model label, pk)} for every FileField/ImageField value in the database."""
    named = {}
    for model, fields in _file_fields():
        for row in model._default_manager.values_list("pk", *fields).iterator(chunk_size=5000):
            for name in row[1:]:
                if name:
                    named.setdefault(name, (model._meta.label, row[0]))
    return named


def stored_names(storage, directory="") -> Iterable[str]:
    """Every file's name in `storage`, walked with listdir (on disk and in a bucket alike)."""
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:  # no media root yet
        return
    for filename in files:
        yield posixpath.join(directory, filename)
    for name in directories:
        yield from stored_names(storage, posixpath.join(directory, name))


def scan():
    named = named_files()
    result = Scan(rows=len(named))
    seen = set()
    for name in stored_names(default_storage):
        if name.startswith(STAGING + "/"):
            result.staged.append(name)
            continue
        result.files += 1
        seen.add(name)
        if name not in named:
            result.orphans.append(name)
    result.missing = [(label, pk, name) for name, (label, pk) in named.items() if name not in seen]
    result.orphans.sort()
    result.staged.sort()
    return result


def remove_orphans(older_than_seconds):
    """Delete orphan files last written more than `older_than_seconds` ago; returns their names."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    removed = []
    for name in scan().orphans:
        try:
            if default_storage.get_modified_time(name) < cutoff:
                default_storage.delete(name)
                removed.append(name)
        except FileNotFoundError:
            continue
    return removed
