"""gunicorn's configuration of svcgen: ``gunicorn -c gunicorn.conf.py app:app``.

Used by ``make run``, the Dockerfile and the tests that serve svcgen. Settings
come from the environment: ``HOST`` (default 127.0.0.1), ``PORT`` (8000),
``WORKERS`` (2), ``GRACEFUL_TIMEOUT`` (30 s: on SIGTERM the workers finish the
requests in flight for up to this long), ``LOG_LEVEL`` (info) and
``PROMETHEUS_MULTIPROC_DIR``.

- The app is **not** preloaded: each worker imports it after the fork (a Go
  runtime loaded by helm-python-sdk before a fork hangs the children; STYLE.md).
- Logs are JSON lines on stderr (:func:`svcgen.logs.logging_config`); svcgen
  logs each request itself, so gunicorn's access log is off, and gunicorn does not
  even build its lines (:class:`svcgen.serving.Logger`).
- gunicorn's own error answers (a request it cannot parse) are JSON
  (:mod:`svcgen.serving`), like svcgen's.
- Prometheus metrics run in multiprocess mode: the directory is created and
  emptied when the master starts (samples of an earlier run would be summed
  in), and a worker that exits is marked dead (``child_exit``).
"""

import os
import shutil
import tempfile
from pathlib import Path

from svcgen import serving
from svcgen.logs import logging_config

# gunicorn's own answers to requests it cannot parse (400, 414, 431) are JSON, as svcgen's.
serving.install()

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WORKERS", "2"))
worker_class = "sync"
timeout = 60
graceful_timeout = int(os.environ.get("GRACEFUL_TIMEOUT", "30"))
keepalive = 5
preload_app = False
# gunicorn's control socket sits at one path per user (~/.gunicorn/gunicorn.ctl): a second
# server on the machine would take it over and remove it on exit. svcgen does not use it.
control_socket_disable = True
# Whom gunicorn itself believes about X-Forwarded-Proto and the like: nobody. Its default
# (127.0.0.1) let any local client, a sidecar or `kubectl port-forward`, set the scheme of
# svcgen's links; proxies are svcgen's own setting, SVCGEN_PROXY_HOPS (Werkzeug's ProxyFix).
forwarded_allow_ips = ""
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
logconfig_dict = logging_config(loglevel.upper())
logger_class = serving.Logger  # builds no access-log line that nobody writes
# Workers need it before they import prometheus_client: set it here, in the master.
os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR",
    # one directory per server: the master empties it at start
    str(Path(tempfile.gettempdir()) / f"svcgen-metrics-{os.getuid()}-{bind.replace(':', '-')}"),
)


def on_starting(server):
    """Empty the metrics directory before the first worker starts."""
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    """A worker exited: drop its live-only metric samples."""
    from svcgen.metrics import mark_process_dead

    mark_process_dead(worker.pid)
