"""gunicorn builds an access-log line only when one is written (:class:`svcgen.serving.Logger`)."""

from __future__ import annotations

import datetime
import logging
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from svcgen import serving

ROOT = Path(__file__).resolve().parent.parent


class Counting(serving.Logger):
    """svcgen's gunicorn logger, counting the access lines it builds."""

    built = 0

    def atoms(self, resp, req, environ, request_time):
        type(self).built += 1
        return super().atoms(resp, req, environ, request_time)


@pytest.fixture(autouse=True)
def _restore_gunicorn_loggers():
    """gunicorn's logger adds handlers and sets levels on ``gunicorn.*``: undone after."""
    loggers = [logging.getLogger(name) for name in ("gunicorn.access", "gunicorn.error")]
    saved = [(logger.level, list(logger.handlers)) for logger in loggers]
    Counting.built = 0
    yield
    for logger, (level, handlers) in zip(loggers, saved, strict=True):
        for handler in logger.handlers:
            if handler not in handlers:
                handler.close()
        logger.handlers[:] = handlers
        logger.setLevel(level)


def _logger(tmp_path: Path, *, access_log: bool) -> Counting:
    """svcgen's gunicorn logger, with or without an access log file (``access.log``)."""
    config = Config()
    config.set("errorlog", str(tmp_path / "error.log"))
    if access_log:
        config.set("accesslog", str(tmp_path / "access.log"))
    return Counting(config)


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


def test_no_access_line_is_built_while_gunicorn_access_is_silent(tmp_path):
    log = _logger(tmp_path, access_log=True)
    logging.getLogger("gunicorn.access").setLevel(logging.CRITICAL)  # as logging_config sets it
    assert log.access_log_enabled is False
    _access(log)
    assert Counting.built == 0
    assert (tmp_path / "access.log").read_text() == ""


def test_an_access_log_that_writes_still_gets_its_lines(tmp_path):
    log = _logger(tmp_path, access_log=True)
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
    log = _logger(tmp_path, access_log=False)
    assert log.access_log_enabled is False
    _access(log)
    assert Counting.built == 0


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
