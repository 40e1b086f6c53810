"""What svcgen changes in gunicorn, its WSGI server (``gunicorn.conf.py``).

gunicorn answers a request it cannot parse (a request line over 4094 bytes: 414,
too many or too large headers: 431, a malformed request: 400) itself, before svcgen
sees it, with an HTML page. svcgen's clients are programs that read JSON errors, so
:func:`json_error_page` writes the same answer as svcgen's own error body
(``{"code", "status", "message"}``). gunicorn has no setting for this page:
``gunicorn.conf.py`` puts this function in place of ``gunicorn.util.write_error``,
the one function its workers call to write it.
"""

from __future__ import annotations

import json

from gunicorn import util


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
