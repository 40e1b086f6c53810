"""Rate limits, by flask-limiter: per client address, per token, and on writes.

Three limits, each a fixed window, shared by every route (flask-limiter
"application limits"); the first one a request breaks answers 429 with
``Retry-After`` (JSON, by :mod:`svcgen.api.errors`):

==========================  =====================  ===========================================
setting (``SVCGEN_...``)    default                counted per
==========================  =====================  ===========================================
``RATELIMIT_PER_ADDRESS``   ``600 per minute``     client address (``request.remote_addr``)
``RATELIMIT_PER_TOKEN``     ``300 per minute``     bearer token (requests that send one)
``RATELIMIT_WRITES``        ``60 per minute``      token, else address; POST, PUT, PATCH and
                                                   DELETE, ``/validate`` and ``/render`` included
==========================  =====================  ===========================================

Limits run before authentication, so failed logins count against the address;
the token a request names is counted by its SHA-256 digest, without a database
lookup. ``/healthz``, ``/readyz``, ``OPTIONS`` and the docs' static assets are
never limited.

Counters live in memory by default (``memory://``: each gunicorn worker counts
on its own, so N workers allow up to N times the limit); set
``SVCGEN_RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379`` to share them. If that
storage fails, requests are let through and the error is logged
(``RATELIMIT_SWALLOW_ERRORS``). ``SVCGEN_RATELIMIT_ENABLED=false`` turns limiting off.
Behind a reverse proxy, every client has the proxy's address unless the app is
wrapped in Werkzeug's ``ProxyFix``.
"""

from __future__ import annotations

import math
import time

from flask import Flask, current_app, request
from flask_limiter import ApplicationLimit, Limiter, RateLimitExceeded

from ..auth import token_digest
from .auth import WRITE_METHODS
from .paths import Paths

__all__ = ["RateLimitExceeded", "init_app", "retry_after"]

#: Default settings; each may be overridden as ``SVCGEN_<KEY>``.
DEFAULTS = {
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_SWALLOW_ERRORS": True,
    "RATELIMIT_PER_ADDRESS": "600 per minute",
    "RATELIMIT_PER_TOKEN": "300 per minute",
    "RATELIMIT_WRITES": "60 per minute",
}

_EXTENSION = "svcgen.limiter"

#: Paths that are never limited.
UNLIMITED_PATHS = Paths("/healthz", "/readyz", "/api/docs/assets/")


def address_key() -> str:
    """The client's address, as the WSGI server saw it."""
    return f"address:{request.remote_addr or 'unknown'}"


def presented_token() -> str | None:
    """The bearer token the request names, unchecked, or ``None``."""
    scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def token_key() -> str:
    """The request's token, by its digest (the token itself is never a storage key)."""
    token = presented_token()
    return f"token:{token_digest(token)}" if token else address_key()


def _exempt() -> bool:
    path = request.path
    return request.method == "OPTIONS" or path in UNLIMITED_PATHS


def _setting(key: str):
    return lambda: current_app.config[key]


def init_app(app: Flask) -> None:
    """Install the limiter; a no-op when ``RATELIMIT_ENABLED`` is false.

    :param app: the app; its config holds the settings of :data:`DEFAULTS`.
    """
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    limiter = Limiter(
        address_key,
        application_limits=[
            ApplicationLimit(
                _setting("RATELIMIT_PER_ADDRESS"), key_function=address_key, scope="address"
            ),
            ApplicationLimit(
                _setting("RATELIMIT_PER_TOKEN"),
                key_function=token_key,
                scope="token",
                exempt_when=lambda: presented_token() is None,
            ),
            ApplicationLimit(
                _setting("RATELIMIT_WRITES"),
                key_function=token_key,
                scope="writes",
                exempt_when=lambda: request.method not in WRITE_METHODS,
            ),
        ],
    )
    limiter.request_filter(_exempt)
    limiter.init_app(app)
    app.extensions[_EXTENSION] = limiter


def retry_after() -> int:
    """Whole seconds until the limit the current request broke lets it through again.

    :returns: at least 1.
    """
    limiter = current_app.extensions.get(_EXTENSION)
    breached = limiter.current_limit if limiter is not None else None
    if breached is None:
        return 1
    return max(1, math.ceil(breached.window.reset_time - time.time()))
