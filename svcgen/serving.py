"""What svcgen changes in gunicorn, its WSGI server (``gunicorn.conf.py``).

gunicorn answers a request it cannot parse (a request line over 4094 bytes: 414,
too many or too large headers: 431, a malformed request: 400) itself, before svcgen
sees it, with an HTML page. svcgen's clients are programs that read JSON errors, so
:func:`json_error_page` writes the same answer as svcgen's own error body
(``{"code", "status", "message"}``). gunicorn has no setting for this page:
``gunicorn.conf.py`` puts this function in place of ``gunicorn.util.write_error``,
the one function its workers call to write it.

gunicorn also builds an access-log line for every request (``atoms``: a dict of every
WSGI environ variable and header, the time formatted) whenever a logging
configuration is given, and only then asks the ``gunicorn.access`` logger, which
svcgen keeps silent (svcgen logs each request itself), whether to write it: about a
tenth of a worker's time per request under ``make bench``. :class:`Logger` asks first.
"""

from __future__ import annotations

import json
import logging

from gunicorn import glogging, util
from gunicorn.instrument.statsd import Statsd


def json_error_page(sock, status_int: int, reason: str, mesg: str) -> None:
    """Write gunicorn's own error answer as JSON and close-delimited, as gunicorn's
    ``util.write_error`` writes its HTML page.

    :param sock: the client's socket.
    :param status_int: the HTTP status, e.g. 414.
    :param reason: its reason phrase, e.g. ``URI Too Long``.
    :param mesg: gunicorn's message, e.g. ``Request Line is too large (5000 > 4094)``.
    """
    body = json.dumps({"code": status_int, "status": reason, "message": mesg}).encode()
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        "\r\n"
    )
    util.write_nonblock(sock, head.encode("latin-1") + body)


def install() -> None:
    """Make gunicorn's workers write :func:`json_error_page`."""
    util.write_error = json_error_page


class Logger(glogging.Logger):
    """gunicorn's logger (the ``logger_class`` setting), building an access-log line
    only when the ``gunicorn.access`` logger would write it.

    gunicorn's ``Logger.access`` returns at once when ``access_log_enabled`` is false,
    which gunicorn decides from the settings alone (an access log file, a logging
    configuration or syslog); with svcgen's logging configuration
    (:func:`svcgen.logs.logging_config`, which sets ``gunicorn.access`` to
    ``CRITICAL``) it is true, and every request's line was built to be dropped.
    Here it is also false while ``gunicorn.access`` is not enabled for ``INFO``, the
    level gunicorn logs access lines at; a configuration that enables it gets its
    lines as before.

    gunicorn puts its statsd logger in place of its default one when ``statsd_host`` is
    set, but not in place of another class; so does this one (:class:`StatsdLogger`).
    """

    def __new__(cls, cfg, *args, **kwargs):
        """A :class:`StatsdLogger` when ``cfg.statsd_host`` is set, as gunicorn's
        ``Config.logger_class`` picks its ``Statsd`` for its default logger."""
        if cls is Logger and getattr(cfg, "statsd_host", None):
            cls = StatsdLogger
        return super().__new__(cls)

    @property
    def access_log_enabled(self) -> bool:
        """Whether gunicorn's settings ask for access lines and ``gunicorn.access``
        would write one (``logging.Logger.isEnabledFor(INFO)``, cached by logging)."""
        return super().access_log_enabled and self.access_log.isEnabledFor(logging.INFO)


class StatsdLogger(Logger, Statsd):
    """:class:`Logger` that also sends gunicorn's statsd metrics (``--statsd-host``): the
    request timer and counters are sent for every request, the access line built only
    when written."""
