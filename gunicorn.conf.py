"""gunicorn settings for production: `gunicorn -c gunicorn.conf.py beefeed.wsgi`.

Every value can be overridden from the environment (GUNICORN_* below).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Photo uploads over a weak mobile signal are slow; the proxy buffers them,
# but leave room for the processing itself.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# A worker is replaced after this many requests (a guard against slow leaks). Each replacement
# stalls the requests around it for a moment: at 2,000 the bench's thousand requests a second
# replaced a worker every two seconds and the slowest percent took 150-500 ms (bench/RESULTS.md);
# at 20,000 a district's traffic replaces each worker a few times a day.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
# Load Django once in the master and fork the workers from it: a worker recycled by max_requests
# starts in milliseconds instead of spending a second of CPU importing everything again (which,
# on a small machine, every request in flight would feel). Nothing opens a database connection
# at import time, so no connection is shared between workers.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
# The access log records paths, never query strings or bodies: no phone
# number or password can end up there.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker):
    """A worker that starts after one was killed settles the uploads the dead one left half-way
    (beefeed.staging): moved into place if their report committed, removed otherwise."""
    from beefeed import staging

    staging.settle_gone_writers()


def when_ready(server):
    """In the master, before the workers are forked: load what their first requests would
    (beefeed.warmup), so that each worker, and each one replaced after max_requests, starts warm."""
    if preload_app:
        from beefeed import warmup

        warmup.warm()
