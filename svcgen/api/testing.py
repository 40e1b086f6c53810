"""A route for tests of the server only: ``GET /testing/sleep?seconds=s``.

It exists only when the app's ``TESTING_SLOW_ROUTE`` setting is true
(``SVCGEN_TESTING_SLOW_ROUTE=true``); the graceful-shutdown test uses it to have
a request in flight while gunicorn is told to stop. Never enable it in production.
"""

from __future__ import annotations

import time

from flask import Flask, request

#: The longest sleep the route takes, in seconds.
MAX_SLEEP = 10.0


def init_app(app: Flask) -> None:
    """Add the route when ``TESTING_SLOW_ROUTE`` is set.

    :param app: the app.
    """
    if app.config.get("TESTING_SLOW_ROUTE"):
        app.add_url_rule("/testing/sleep", "testing_sleep", _sleep)


def _sleep():
    seconds = min(max(request.args.get("seconds", 1.0, type=float), 0.0), MAX_SLEEP)
    time.sleep(seconds)
    return {"slept": seconds}
