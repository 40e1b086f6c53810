"""Cross-origin requests from the portals an operator names (flask-cors).

``CORS_ORIGINS`` (environment ``SVCGEN_CORS_ORIGINS``, a JSON list such as
``'["https://backstage.example.com"]'``) lists the origins whose pages may call
the API from a browser; there are none by default, and then no response carries
a CORS header. An allowed origin's preflight ``OPTIONS`` is answered with
:data:`METHODS` and :data:`HEADERS`, and its responses expose :data:`EXPOSED`.
Other origins get no CORS headers, so their browsers refuse the responses.
"""

from __future__ import annotations

import re

from flask import Flask
from flask_cors import CORS

#: The methods an allowed origin may use.
METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS")

#: The request headers an allowed origin may send beyond the CORS-safelisted ones
#: (``If-None-Match``: a portal polling a topology or a chart for changes).
HEADERS = ("Content-Type", "If-Match", "If-None-Match", "Authorization")

#: The response headers an allowed origin's scripts may read.
EXPOSED = ("ETag", "Location", "Content-Disposition")

#: How long (seconds) a browser may keep a preflight's answer.
MAX_AGE = 600

_ORIGIN = re.compile(
    r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$|^https?://\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?$"
)


def allowed_origins(setting) -> list[str]:
    """The ``CORS_ORIGINS`` setting as a list of origins.

    :param setting: a list of origins (``scheme://host[:port]``, no path, no
        trailing slash), ``"*"`` for any origin, or ``None``/empty for none.
    :returns: the origins, in order.
    :raises ValueError: the setting is not a list of such strings.
    """
    if not setting:
        return []
    if isinstance(setting, str):
        setting = [setting]
    if not isinstance(setting, list | tuple):
        raise ValueError(
            f"CORS_ORIGINS must be a JSON list of origins, e.g. "
            f"'[\"https://backstage.example.com\"]', not {setting!r}"
        )
    for origin in setting:
        if not isinstance(origin, str) or not (origin == "*" or _ORIGIN.match(origin)):
            raise ValueError(
                f"CORS_ORIGINS: {origin!r} is not an origin: write scheme://host[:port], "
                "without a path or a trailing slash (e.g. https://backstage.example.com)"
            )
    return list(setting)


def init_app(app: Flask) -> None:
    """Answer cross-origin requests from the app's ``CORS_ORIGINS``, if any.

    :param app: the app, its configuration loaded.
    :raises ValueError: ``CORS_ORIGINS`` is malformed (see :func:`allowed_origins`).
    """
    origins = allowed_origins(app.config.get("CORS_ORIGINS"))
    if not origins:
        return
    CORS(
        app,
        origins=origins,
        methods=list(METHODS),
        allow_headers=list(HEADERS),
        expose_headers=list(EXPOSED),
        max_age=MAX_AGE,
        supports_credentials=False,
    )
    app.after_request(_vary_on_origin)


def _vary_on_origin(response):
    """``Vary: Origin`` on every response, so that a cache never hands one origin's
    answer (with or without CORS headers) to another; flask-cors adds it only
    when several origins are configured."""
    response.vary.add("Origin")
    return response
