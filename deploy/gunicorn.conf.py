"""gunicorn settings for Karier ASN Marelan. Every value can be overridden by an environment
variable of the same name in upper case with a GUNICORN_ prefix (e.g. GUNICORN_WORKERS=4)."""

import gc
import multiprocessing
import os


def _env(name: str, default):
    return type(default)(os.environ.get(f"GUNICORN_{name.upper()}", default))


bind = _env("bind", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = _env("workers", multiprocessing.cpu_count() * 2 + 1)
threads = _env("threads", 2)
worker_class = "gthread"
timeout = _env("timeout", 30)
graceful_timeout = _env("graceful_timeout", 30)
keepalive = _env("keepalive", 5)
max_requests = _env("max_requests", 2000)
max_requests_jitter = _env("max_requests_jitter", 200)
# Behind nginx on the same host: trust its X-Forwarded-* (the app's KARIER_PROXY_COUNT=1 too).
forwarded_allow_ips = _env("forwarded_allow_ips", "127.0.0.1")
accesslog = _env("accesslog", "-")
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s'
preload_app = False


def post_worker_init(worker):
    """The worker has loaded the app: move what start-up built (modules, mappers, templates'
    environment, settings) out of the garbage collector's reach. Its full collections then scan
    only what requests leave behind; before, one request in thirty on the survey results took
    70-80 ms longer, the time of a full collection (docs/benchmarks-notes.md)."""
    gc.collect()
    gc.freeze()
