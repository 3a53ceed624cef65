"""Uploads are written where nothing is served, and moved to their names once their rows have committed.

A photo takes a moment to write and its row commits a moment later; a worker killed in between
(SIGKILL, the out-of-memory killer, a power cut) would leave a file that no row names. So the
bytes go first to `staging/<host>-<pid>/<name>`, a directory that is never served, while the row
gets the final `<name>`. Once the transaction has committed, the file is moved to `<name>` (a
rename on disk; a copy inside the bucket). If the work fails, the staged files are removed.

What a killed worker leaves under `staging/` is settled by `sweep()`: a file whose final name a
row holds (the worker died between the commit and the move) is moved into place; any other is
deleted. The replacement worker does it as it starts (gunicorn.conf.py, `post_worker_init`), for
the processes of its own host that are gone; `media_check --remove-orphans` does it for files older
than a few minutes, wherever they came from (a host that never came back).

    with staging.uploads() as uploads:
        with transaction.atomic():
            ...
            uploads.put(photo.image, content)   # photo.image.name is the final name
            photo.save()
    # committed: the files are at their names (or will be, when an outer transaction commits)
"""

import logging
import os
import re
import socket
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.storage import FileSystemStorage, default_storage
from django.db import transaction
from django.utils import timezone

from beefeed import mediafiles

logger = logging.getLogger(__name__)

PREFIX = mediafiles.STAGING
# A staged file this old belongs to no upload in progress: no request runs this long (gunicorn's
# timeout is a minute), whichever host wrote it.
GRACE_SECONDS = 5 * 60


def _host():
    return re.sub(r"[^A-Za-z0-9.]", "", socket.gethostname()) or "host"


def owner():
    """This process's directory under staging/: its host and its process id."""
    return f"{_host()}-{os.getpid()}"


class Uploads:
    """The files one piece of work writes: staged, then promoted after the commit, or discarded."""

    def __init__(self, storage=None):
        self.storage = storage or default_storage
        self.staged = []  # (staged name, final name)

    def put(self, field_file, content):
        """`content` becomes the file of `field_file` (a FileField or ImageField of a row about to be
        saved): the row gets the final name, the bytes wait under staging/."""
        storage, model_field = self.storage, field_file.field
        final = storage.get_available_name(
            model_field.generate_filename(field_file.instance, content.name), max_length=model_field.max_length
        )
        staged = f"{PREFIX}/{owner()}/{final}"
        written = storage.save(staged, content)
        if written != staged:  # the name was taken: a stray file from an earlier life of this pid
            storage.delete(written)
            raise FileExistsError(staged)
        self.staged.append((staged, final))
        field_file.name = final
        # An ImageField reads the picture's size from the file in hand, not from the storage
        # (where the final name does not exist yet).
        field_file.file = content
        field_file._committed = True
        setattr(field_file.instance, model_field.attname, field_file)
        return final

    @property
    def names(self):
        return [final for _staged, final in self.staged]

    def promote(self):
        for staged, final in self.staged:
            try:
                _move(self.storage, staged, final)
            except FileNotFoundError:
                pass  # a sweep moved it already
            except Exception:  # the disk, or a bucket out of reach (botocore's errors are no OSError)
                # Left where it is; the sweep moves it (its row exists), a few minutes late. The
                # work has committed: the person who sent it gets their answer.
                logger.warning("could not move staged upload %s into place", staged, exc_info=True)
        self.staged = []

    def discard(self):
        for staged, _final in self.staged:
            try:
                self.storage.delete(staged)
            except Exception:  # the sweep removes it later
                logger.warning("could not remove staged upload %s", staged, exc_info=True)
        self.staged = []


@contextmanager
def uploads(storage=None):
    """Files put in the block are promoted once it is committed; removed if the block raises."""
    batch = Uploads(storage)
    try:
        yield batch
    except BaseException:
        batch.discard()
        raise
    if batch.staged:
        after_commit(batch.promote)


def after_commit(func):
    """Run `func` once the work done so far is committed: now, when no transaction is open, or when
    the open one commits. A test's own transaction does not count: it never commits, and the work
    inside it is as committed as a test can see."""
    connection = transaction.get_connection()
    if connection.in_atomic_block and not all(block._from_testcase for block in connection.atomic_blocks):
        transaction.on_commit(func)
    else:
        func()


def _move(storage, source, target):
    if isinstance(storage, FileSystemStorage):
        path = storage.path(target)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        os.replace(storage.path(source), path)
        # Its empty folder stays while this process lives (another thread may be writing into it);
        # the sweep removes the folders of ended processes.
        return
    if not storage.exists(source):
        raise FileNotFoundError(source)
    bucket = getattr(storage, "bucket", None)
    if bucket is not None:  # django-storages S3: copied inside the bucket, never through this process
        bucket.Object(storage._normalize_name(target)).copy_from(
            CopySource={"Bucket": bucket.name, "Key": storage._normalize_name(source)}
        )
    else:
        with storage.open(source, "rb") as file:
            if storage.save(target, file) != target:
                raise FileExistsError(target)
    storage.delete(source)


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _gone(owner_name):
    """Whether the process that wrote under staging/<owner_name>/ has ended (known only on its host)."""
    host, _, pid = owner_name.rpartition("-")
    return host == _host() and pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid))


@dataclass
class Settled:
    promoted: list = field(default_factory=list)  # final names now in place
    removed: list = field(default_factory=list)  # staged names deleted (their rows never committed)


def sweep(older_than_seconds=GRACE_SECONDS, *, gone_only=False, storage=None, now=None):
    """Settle the staged files of uploads that are over: those of this host's ended processes, and
    (unless `gone_only`) any older than `older_than_seconds`."""
    storage = storage or default_storage
    cutoff = (now or timezone.now()) - timedelta(seconds=older_than_seconds)
    settled = Settled()
    try:
        owners, _files = storage.listdir(PREFIX)
    except FileNotFoundError:
        return settled
    for owner_name in owners:
        gone = _gone(owner_name)
        if gone_only and not gone:
            continue
        base = f"{PREFIX}/{owner_name}/"
        for staged in list(mediafiles.stored_names(storage, base.rstrip("/"))):
            try:
                if not gone and storage.get_modified_time(staged) >= cutoff:
                    continue
                final = staged[len(base) :]
                if mediafiles.is_named(final):
                    _move(storage, staged, final)
                    settled.promoted.append(final)
                else:
                    storage.delete(staged)
                    settled.removed.append(staged)
            except FileNotFoundError:
                continue  # settled meanwhile by its own process or another sweep
        if gone:
            _prune_tree(storage, base.rstrip("/"))
    return settled


def _prune_tree(storage, directory):
    if not isinstance(storage, FileSystemStorage):
        return
    for root, _dirs, _files in os.walk(storage.path(directory), topdown=False):
        try:
            os.rmdir(root)
        except OSError:
            pass


def settle_gone_writers():
    """For a process starting up (a gunicorn worker replacing one that was killed): settle what the
    ended processes of this host left under staging/. Never fails the start: a database that is
    down now leaves the files to the next start or to the periodic sweep."""
    from django.db import connections

    try:
        settled = sweep(gone_only=True)
    except Exception:
        logger.warning("could not settle the uploads of ended workers", exc_info=True)
        connections.close_all()  # a broken connection is not the first request's to inherit
        return None
    if settled.promoted or settled.removed:
        # Worth an operator's eye: a worker ended mid-upload (killed, or out of memory).
        logger.warning(
            "settled the uploads of ended workers: %d moved into place, %d removed",
            len(settled.promoted),
            len(settled.removed),
        )
    return settled
