"""gunicorn settings, all overridable from the environment (see .env.example)."""

import multiprocessing
import os

# On a PaaS, PORT is given and we listen on every interface; locally, only on loopback.
bind = os.environ.get("BIND") or (
    f"0.0.0.0:{os.environ['PORT']}" if os.environ.get("PORT") else "127.0.0.1:8000"
)
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Recycle workers now and then so slow leaks never add up; jitter keeps them from
# restarting all at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "100"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Load the app once in the master: a broken questions.yaml stops start-up before any worker.
preload_app = True
# One JSON object per request, to stdout, like the app's own logs.
accesslog = "-"
errorlog = "-"
access_log_format = (
    '{"time": "%(t)s", "logger": "access", "remote": "%(h)s", "method": "%(m)s", '
    '"path": "%(U)s", "status": %(s)s, "bytes": "%(B)s", "duration_ms": %(M)s, '
    '"request_id": "%({x-request-id}o)s", "user_agent": "%(a)s"}'
)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# gunicorn's own messages as JSON lines too; access lines are already JSON.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "assessment.web.log.JsonFormatter"},
        "raw": {"format": "%(message)s"},
    },
    "handlers": {
        "error": {"class": "logging.StreamHandler", "formatter": "json",
                  "stream": "ext://sys.stdout"},
        "access": {"class": "logging.StreamHandler", "formatter": "raw",
                   "stream": "ext://sys.stdout"},
    },
    "root": {"handlers": ["error"], "level": "INFO"},
    "loggers": {
        "gunicorn.error": {"handlers": ["error"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
    },
}


def pre_fork(server, worker):  # noqa: ANN001, ARG001 - gunicorn's hook signature
    """Load WeasyPrint once in the master, so every worker shares it and the first plan a
    worker renders is not slowed by the import (the app itself imports it lazily)."""
    import assessment.report.pdf  # noqa: F401


def when_ready(server):  # noqa: ANN001 - gunicorn's hook signature
    """Before the first worker starts: keep every team's latest scores in the master, so the
    workers inherit them (store/peers.py keep_before_fork)."""
    from assessment.store.peers import keep_before_fork

    keep_before_fork(server.app.wsgi())
