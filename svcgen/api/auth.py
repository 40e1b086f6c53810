"""Who may do what over HTTP: bearer tokens checked before every view.

The role a request needs (:func:`required_role`), from the method and path only:

=====================================================  ===========================
request                                                role
=====================================================  ===========================
``/api/v1/tokens`` (any method)                        ``admin``
``POST``, ``PUT``, ``PATCH``, ``DELETE`` elsewhere     ``writer``
``POST /api/v1/validate``, ``POST /api/v1/render``     as a read: they store nothing
``GET``, ``HEAD`` (reads)                              none; ``reader`` when ``AUTH_READS``
                                                       is ``required``
``/healthz``, ``/readyz``, ``/api/openapi.json``,      none, ever: probes and the
``/api/docs...``, ``/static/...``, ``OPTIONS``         description of the API
=====================================================  ===========================

A request that sends ``Authorization: Bearer <token>`` where none is needed has
its token checked all the same (a wrong token is a 401 everywhere, so that a
client learns of a revoked token at once). Missing or invalid tokens are a 401
with ``WWW-Authenticate: Bearer realm="svcgen"``; a role too low, a 403. Both are
raised here as :class:`~svcgen.errors.Unauthenticated` and
:class:`~svcgen.errors.PermissionDenied` and answered by :mod:`svcgen.api.errors`.
"""

from __future__ import annotations

from flask import Flask, current_app, g, request

from ..auth import role_allows
from ..errors import PermissionDenied, Unauthenticated
from ..tokens import StoredToken, authenticate
from .paths import TOKEN_PATHS, Paths
from .storage import connect

#: ``AUTH_READS`` values: reads open to all (default) or only to tokens of role ``reader`` up.
AUTH_READS_CHOICES = ("optional", "required")

#: Paths that never need or check a token (probes, the API's description, static files).
OPEN_PATHS = Paths(
    "/healthz", "/readyz", "/api/openapi.json", "/api/docs", "/api/docs/", "/static/"
)

#: Writes that store nothing, and so are treated as reads.
READ_LIKE_POSTS = ("/api/v1/validate", "/api/v1/render")

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def init_app(app: Flask) -> None:
    """Check every request's token before its view runs.

    :param app: the app; ``AUTH_READS`` (``SVCGEN_AUTH_READS``) defaults to ``optional``.
    :raises ValueError: ``AUTH_READS`` is neither ``optional`` nor ``required``.
    """
    app.config.setdefault("AUTH_READS", "optional")
    if app.config["AUTH_READS"] not in AUTH_READS_CHOICES:
        raise ValueError(
            f"AUTH_READS must be one of {', '.join(AUTH_READS_CHOICES)}, "
            f"not {app.config['AUTH_READS']!r}"
        )
    app.before_request(authorize)


def is_open(path: str) -> bool:
    """Whether ``path`` never needs a token: one of :data:`OPEN_PATHS`."""
    return path in OPEN_PATHS


def required_role(method: str, path: str, *, reads_required: bool = False) -> str | None:
    """The least role a request needs, or ``None`` when it needs no token.

    :param method: the HTTP method, upper case.
    :param path: the request path, e.g. ``/api/v1/topologies/shop``.
    :param reads_required: ``AUTH_READS`` is ``required``.
    :returns: ``"reader"``, ``"writer"``, ``"admin"`` or ``None``.
    """
    if method == "OPTIONS" or is_open(path):
        return None
    if path in TOKEN_PATHS:
        return "admin"
    if method in WRITE_METHODS and path not in READ_LIKE_POSTS:
        return "writer"
    return "reader" if reads_required else None


def bearer_token() -> str | None:
    """The token of the request's ``Authorization: Bearer <token>`` header.

    :returns: ``None`` without an ``Authorization`` header.
    :raises Unauthenticated: the header is there but is not a bearer token.
    """
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated(
            "the Authorization header must be 'Bearer <token>'", invalid_token=True
        )
    return token.strip()


def authorize() -> None:
    """``before_request``: set ``g.token`` (a :class:`~svcgen.tokens.StoredToken` or
    ``None``) and refuse the request when its token does not allow it.

    :raises Unauthenticated: a token is needed and missing, or one is given and is
        malformed, unknown or revoked.
    :raises PermissionDenied: the token's role is below the one needed.
    """
    g.token = None
    asked = request._get_current_object()  # one context lookup, not one per use
    if asked.routing_exception is not None:
        return  # no such route or method: answer 404 / 405, with or without a token
    method, path = asked.method, asked.path
    if method == "OPTIONS" or is_open(path):
        return  # never needs a token, and one sent is not checked
    reads_required = current_app.config.get("AUTH_READS") == "required"
    needed = required_role(method, path, reads_required=reads_required)
    token = bearer_token()
    if token is None:
        if needed is None:
            return
        raise Unauthenticated(
            f"this request needs a bearer token of role {needed} or above: send "
            "'Authorization: Bearer <token>' (an admin makes one with 'svcgen token create')"
        )
    with connect() as connection, connection.begin():
        g.token = authenticate(connection, token)
    if g.token is None:
        raise Unauthenticated(
            "the bearer token is not valid: it is malformed, unknown or revoked",
            invalid_token=True,
        )
    if needed is not None and not role_allows(g.token.role, needed):
        raise PermissionDenied(
            f"the token {g.token.name!r} has role {g.token.role}; this request needs {needed}"
        )


def current_token() -> StoredToken | None:
    """The valid token of the current request, or ``None`` when it sent none."""
    return g.get("token")


def current_token_name() -> str | None:
    """The name of the current request's token, for a revision's ``created_by``."""
    token = current_token()
    return token.name if token is not None else None
