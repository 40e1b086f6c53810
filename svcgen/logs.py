"""Structured logs: one JSON object per line (python-json-logger).

:func:`logging_config` is the ``logging.config.dictConfig`` of a gunicorn
process (``gunicorn.conf.py`` hands it to gunicorn's ``logconfig_dict``):
gunicorn's own messages and svcgen's go to stderr as JSON; each request is one
line from the ``svcgen.request`` logger (:mod:`svcgen.api.observe`), with
``method``, ``path``, ``route``, ``status``, ``duration_ms`` and ``request_id``.
"""

from __future__ import annotations

import logging

#: The logger of the one line per request.
REQUEST_LOGGER = "svcgen.request"


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to records logged while a request is served (an
    error's traceback then names the request that caused it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Always keeps the record; sets ``record.request_id`` when it can."""
        if not hasattr(record, "request_id"):
            from flask import g, has_request_context

            if has_request_context() and "request_id" in g:
                record.request_id = g.request_id
        return True


def logging_config(level: str = "INFO") -> dict:
    """A ``dictConfig`` that writes every log record as one JSON line to stderr.

    :param level: the level of svcgen's and gunicorn's loggers.
    :returns: the configuration (version 1), loggers ``gunicorn.error``,
        ``gunicorn.access`` (silent: svcgen logs each request itself) and ``svcgen``.
    """
    handler = {
        "class": "logging.StreamHandler",
        "formatter": "json",
        "filters": ["request_id"],
        "stream": "ext://sys.stderr",
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(levelname)s %(name)s %(process)d %(message)s",
                "rename_fields": {"levelname": "level", "name": "logger"},
                "timestamp": "time",  # RFC 3339, UTC
            }
        },
        "handlers": {"json": handler},
        "root": {"level": "WARNING", "handlers": ["json"]},
        "loggers": {
            "gunicorn.error": {"level": level, "handlers": ["json"], "propagate": False},
            "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
            "svcgen": {"level": level, "handlers": ["json"], "propagate": False},
        },
    }
