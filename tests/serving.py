"""svcgen served by gunicorn for tests: the one launcher of the test suite.

:func:`gunicorn_server` starts ``gunicorn -c gunicorn.conf.py app:app`` (the
production configuration) on a free loopback port over a given database, waits
until ``/readyz`` answers, and stops it afterwards; :func:`call` is one HTTP
request with a timeout. Every test that serves svcgen uses these two, and so
does the benchmark (``bench/``).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import conftest

ROOT = conftest.ROOT
#: Seconds any one request may take.
TIMEOUT = 30
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def call(
    method: str,
    url: str,
    body: dict | None = None,
    headers: dict | None = None,
    timeout: float = TIMEOUT,
):
    """One request: ``(status, headers, body bytes)``; HTTP errors are answers too.

    :param body: sent as JSON when given.
    """
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def auth_headers(database_url: str) -> dict[str, str]:
    """``Authorization: Bearer <admin token>`` for a server over ``database_url``,
    once the API has tokens (``conftest.create_token``); else no header."""
    create_token = getattr(conftest, "create_token", None)
    if create_token is None:
        return {}
    return {"Authorization": f"Bearer {create_token(database_url, 'admin')}"}


@dataclass
class Served:
    """A running gunicorn.

    :param base: its base URL, ``http://127.0.0.1:<port>``.
    :param process: the master process.
    :param log: the file its stdout and stderr go to.
    :param headers: headers every writing request needs (the bearer token).
    """

    base: str
    process: subprocess.Popen
    log: Path
    headers: dict[str, str]

    def output(self) -> str:
        """Everything the server has written so far."""
        return self.log.read_text(errors="replace")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
        """Send ``sig`` to the master and wait for it to exit (killed after ``timeout``).

        :returns: the exit code.
        """
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait(timeout=10)


@contextmanager
def gunicorn_server(
    database_url: str,
    tmp_path: Path,
    *,
    workers: int = 4,
    env: dict | None = None,
    app: str = "app:app",
) -> Iterator[Served]:
    """Serve svcgen over ``database_url`` with gunicorn and its ``gunicorn.conf.py``.

    :param database_url: a migrated database.
    :param tmp_path: where the log and the metrics directory go.
    :param workers: gunicorn workers.
    :param env: more environment variables (``SVCGEN_...`` settings).
    :param app: the WSGI app gunicorn loads; another one (the benchmark's
        baseline) gets the same settings.
    :yields: the running server; on exit it gets SIGTERM, and its output must hold
        no traceback.
    """
    port = free_port()
    log = tmp_path / f"gunicorn-{port}.log"
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WORKERS": str(workers),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / f"metrics-{port}"),
        "SVCGEN_RATELIMIT_ENABLED": "false",
        **(env or {}),
    }
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [str(GUNICORN), "-c", "gunicorn.conf.py", app],
            cwd=ROOT,
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    served = Served(f"http://127.0.0.1:{port}", process, log, auth_headers(database_url))
    try:
        _wait_ready(served)
        yield served
    finally:
        served.stop()
        output = served.output()
        assert "Traceback" not in output, output


def _wait_ready(served: Served, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if call("GET", f"{served.base}/readyz", timeout=5)[0] == 200:
                return
        except OSError:
            pass
        if served.process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"gunicorn did not start:\n{served.output()}")
        time.sleep(0.2)
