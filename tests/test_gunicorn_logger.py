"""gunicorn builds an access-log line only when one is written (:class:`svcgen.serving.Logger`)."""

from __future__ import annotations

import datetime
import logging
import socket
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config
from gunicorn.instrument.statsd import Statsd

from svcgen import serving
from svcgen.logs import logging_config

ROOT = Path(__file__).resolve().parent.parent

#: The loggers gunicorn's logger and svcgen's logging configuration set up.
TOUCHED = ("", "gunicorn.access", "gunicorn.error", "svcgen", "svcgen.request")


class Counting(serving.Logger):
    """svcgen's gunicorn logger, counting the access lines it builds."""

    built = 0

    def atoms(self, resp, req, environ, request_time):
        type(self).built += 1
        return super().atoms(resp, req, environ, request_time)


@pytest.fixture(autouse=True)
def _restore_loggers():
    """gunicorn's logger and ``logging_config`` add handlers and set levels and
    ``propagate`` on these loggers: undone after, for the tests that follow."""
    loggers = [logging.getLogger(name) for name in TOUCHED]
    saved = [(lg.level, list(lg.handlers), lg.propagate, lg.disabled) for lg in loggers]
    Counting.built = 0
    yield
    for logger, (level, handlers, propagate, disabled) in zip(loggers, saved, strict=True):
        for handler in logger.handlers:
            if handler not in handlers:
                handler.close()
        logger.handlers[:] = handlers
        logger.setLevel(level)
        logger.propagate, logger.disabled = propagate, disabled


def _config(tmp_path: Path, **settings) -> Config:
    config = Config()
    config.set("errorlog", str(tmp_path / "error.log"))
    for key, value in settings.items():
        config.set(key, value)
    return config


def _access(log: serving.Logger) -> None:
    """One request's access line, as a sync worker asks for it after answering."""
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/api/v1/topologies/shop/chart",
        "PATH_INFO": "/api/v1/topologies/shop/chart",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
    }
    response = SimpleNamespace(status="200 OK", headers=[("Content-Length", "5")], sent=5)
    request = SimpleNamespace(headers=[("HOST", "svcgen")])
    log.access(response, request, environ, datetime.timedelta(microseconds=1500))


def test_under_svcgens_logging_configuration_no_access_line_is_built(tmp_path):
    """gunicorn.conf.py's own configuration (``logging_config``) keeps gunicorn.access
    silent, so the line is never built."""
    log = Counting(_config(tmp_path, logconfig_dict=logging_config("INFO")))
    assert log.access_log_enabled is False
    _access(log)
    assert Counting.built == 0


def test_an_access_log_that_writes_still_gets_its_lines(tmp_path):
    log = Counting(_config(tmp_path, accesslog=str(tmp_path / "access.log")))
    assert logging.getLogger("gunicorn.access").isEnabledFor(logging.INFO)  # gunicorn's own setup
    assert log.access_log_enabled is True
    _access(log)
    assert Counting.built == 1
    assert (
        '"GET /api/v1/topologies/shop/chart HTTP/1.1" 200 5'
        in (tmp_path / "access.log").read_text()
    )


def test_without_any_access_log_setting_gunicorn_builds_none(tmp_path):
    """gunicorn's own decision from its settings still holds: no access log, no logging
    configuration, no syslog: nothing built, whatever the logger's level."""
    log = Counting(_config(tmp_path))
    assert log.access_log_enabled is False
    _access(log)
    assert Counting.built == 0


def test_with_a_statsd_host_the_metrics_are_sent_and_no_line_built(tmp_path):
    """gunicorn swaps in its statsd logger only for its default class; svcgen's does
    the same, so --statsd-host still sends the request timer and counter."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as receiver:
        receiver.bind(("127.0.0.1", 0))
        receiver.settimeout(5)
        host = f"127.0.0.1:{receiver.getsockname()[1]}"
        config = _config(
            tmp_path,
            logconfig_dict=logging_config("INFO"),
            statsd_host=host,
            logger_class=serving.Logger,  # as gunicorn.conf.py sets it
        )
        log = config.logger_class(config)  # as gunicorn's arbiter makes its logger
        assert isinstance(log, serving.StatsdLogger) and isinstance(log, Statsd)
        try:
            assert log.access_log_enabled is False
            _access(log)
            sent = {receiver.recv(4096).decode() for _ in range(3)}
        finally:
            log.sock.close()  # gunicorn's statsd logger never closes its socket itself
    assert "gunicorn.request.duration:1.5|ms" in sent
    assert "gunicorn.requests:1|c|@1.0" in sent


def test_gunicorn_conf_uses_it():
    """``gunicorn.conf.py`` names the class (read in a child: the file sets the
    process's environment and patches gunicorn)."""
    named = subprocess.run(
        [
            sys.executable,
            "-c",
            "import runpy; c = runpy.run_path('gunicorn.conf.py')['logger_class'];"
            " print(c.__module__ + '.' + c.__qualname__)",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert named.stdout.strip() == "svcgen.serving.Logger"
