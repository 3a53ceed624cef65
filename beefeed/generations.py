"""Cached figures that are right the moment their data changes.

Each kind of data ("reports", "stations") has a generation number in the cache. Saving or
deleting a watched row bumps its generation, once at once and once more when the transaction
commits (so a reader that recomputed from the old rows in between is forgotten too). Cached
values are keyed by the generation: a change makes every older value unreachable, in every
worker and on every instance that shares the cache (Redis via REDIS_URL). A timeout bounds
values that also depend on the clock. QuerySet.update() and bulk_create() send no signals:
code that uses them on watched data calls `changed()` itself.
"""

import time

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save


def _key(name):
    return f"generation:{name}"


def current(name):
    value = cache.get(_key(name))
    if value is None:
        # A lost counter restarts from the clock, never from a number older values may carry.
        cache.add(_key(name), time.time_ns(), None)
        value = cache.get(_key(name))
    return value


def _bump(name):
    try:
        cache.incr(_key(name))
    except ValueError:
        cache.add(_key(name), time.time_ns(), None)


def changed(name):
    _bump(name)
    transaction.on_commit(lambda: _bump(name), robust=True)


def current_and_cached(names, key):
    """The current generations of `names` (None where a counter is missing) and the value cached at
    `key`, in one round trip to the cache."""
    keys = [_key(name) for name in names]
    found = cache.get_many([*keys, key])
    return [found.get(k) for k in keys], found.get(key)


# How long the others wait for the one computing a cold value before computing it themselves (a
# worker that died holding the lock must not stall anyone for longer), and how often they look.
COMPUTE_WAIT = 15.0
POLL_EVERY = 0.05


def cached(name, key, compute, timeout=300):
    """`compute()` once per generation of `name` (and at most `timeout` seconds old).

    A cold value is computed once, however many ask at the same moment (thirty visitors on /stats/
    right after a change): the first takes a lock in the shared cache and computes; the others wait
    for its result, up to COMPUTE_WAIT seconds, then compute it themselves rather than fail.
    """
    full = f"{name}:{current(name)}:{key}"
    lock = f"computing:{full}"
    deadline = time.monotonic() + COMPUTE_WAIT
    while True:
        value = cache.get(full)
        if value is not None:
            return value
        if cache.add(lock, 1, COMPUTE_WAIT):
            try:
                value = compute()
                cache.set(full, value, timeout)
            finally:
                cache.delete(lock)
            return value
        # Someone else computes it: wait for the value, or for the lock to go (they failed: take it).
        while cache.get(lock) is not None:
            if time.monotonic() >= deadline:  # they take too long (or died holding it): compute anyway
                value = compute()
                cache.set(full, value, timeout)
                return value
            time.sleep(POLL_EVERY)


def watch(name, *models):
    """Bump `name` whenever a row of one of `models` (or one of their many-to-many links) changes."""

    def receiver(sender, **kwargs):
        changed(name)

    for model in models:
        post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"generation-{name}-{model._meta.label}")
        post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"generation-{name}-{model._meta.label}")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                receiver,
                sender=field.remote_field.through,
                weak=False,
                dispatch_uid=f"generation-{name}-{model._meta.label}-{field.name}",
            )
