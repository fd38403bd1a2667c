"""gunicorn settings for production: `gunicorn config.wsgi` (this file is read from the working
directory). Every value can be overridden with an environment variable (README, draaiboek).

Sync workers: one request per process, on one thread, in one transaction (docs/besluiten.md,
"Eén thread per verzoek"). Put a buffering proxy (nginx, a load balancer) in front, so a slow
client does not hold a worker while it uploads a 20 MB StUF message.
"""

import os

from gunicorn.glogging import Logger


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this container may use
    except AttributeError:
        return os.cpu_count() or 1


def _int(naam: str, standaard: int) -> int:
    return int(os.environ.get(naam, standaard))


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
worker_class = "sync"
# 2 × CPU + 1, capped: a worker peaks at ~330 MB during a Di01 at the body limit (benchmarks).
workers = _int("GUNICORN_WORKERS", _int("WEB_CONCURRENCY", min(2 * _cpu_count() + 1, 8)))
# A Di01 of 10,000 claims (the 20 MB body limit) takes ~2–10 s in the service (docs/benchmarks.md,
# 955–1,700 claims/s); the timeout leaves room for a slow database without killing real work.
timeout = _int("GUNICORN_TIMEOUT", 120)
# On restart or deploy (SIGTERM/SIGHUP) running requests get this long to finish.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 60)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then (memory of large messages), not all at once.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)
# Proxies whose X-Forwarded-Proto/-For gunicorn trusts (comma-separated IPs or "*").
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Worker heartbeat files on tmpfs: a slow container disk must not look like a hung worker.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
proc_name = "inningen"

accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# Combined format plus duration and the request id (config.middleware sets the response header).
access_log_format = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" '
    "duur_ms=%(M)s request_id=%({x-request-id}o)s"
)


class ProbelozeLogger(Logger):
    """The access log without health probes (load balancers ask every few seconds)."""

    def access(self, resp, req, environ, request_time):
        if environ.get("PATH_INFO", "").startswith("/health/"):
            return
        super().access(resp, req, environ, request_time)


logger_class = ProbelozeLogger
