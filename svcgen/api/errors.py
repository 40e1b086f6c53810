"""Every error of the API as JSON, in this one place.

svcgen's own exceptions (:mod:`svcgen.errors`) map to status codes through
:data:`STATUS`; HTTP exceptions (unknown route, wrong method, body too large,
unsupported media type, bad query parameters) keep their codes; anything else is
a 500 whose body says nothing of its cause (the cause goes to the log). Every
body has the shape flask-smorest documents::

    {"code": 422, "status": "Unprocessable Entity", "message": "...",
     "errors": [{"path": ["components", 1, "ports", 0, "nodePort"],
                 "field": "components.1.ports.0.nodePort", "message": "..."}]}

``errors`` appears on 422 only, and on a 200 from ``/validate`` the same list
shape is used for ``warnings``.
"""

from __future__ import annotations

from flask import Flask, current_app, request
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import (
    HTTPException,
    InternalServerError,
    MethodNotAllowed,
    NotFound,
    RequestEntityTooLarge,
)
from werkzeug.http import HTTP_STATUS_CODES

from ..errors import (
    BodyMalformed,
    FieldError,
    PermissionDenied,
    PreconditionFailed,
    SvcgenError,
    TokenExists,
    TokenNotFound,
    TopologyExists,
    TopologyInvalid,
    TopologyNotFound,
    Unauthenticated,
    shown,
)
from .limits import RateLimitExceeded, retry_after

#: The status code of each of svcgen's own errors.
STATUS: dict[type[SvcgenError], int] = {
    BodyMalformed: 400,
    Unauthenticated: 401,
    PermissionDenied: 403,
    TopologyNotFound: 404,
    TokenNotFound: 404,
    TopologyExists: 409,
    TokenExists: 409,
    PreconditionFailed: 412,
    TopologyInvalid: 422,
}


def init_app(app: Flask) -> None:
    """Register the handlers; this replaces flask-smorest's HTTP exception handler.

    :param app: the app, after its :class:`flask_smorest.Api` is initialised.
    """
    app.register_error_handler(SvcgenError, handle_svcgen_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(OperationalError, handle_database_unavailable)
    app.register_error_handler(RecursionError, handle_too_deep)
    for unreadable in UNREADABLE_BODY:
        app.register_error_handler(unreadable, handle_unreadable_body)
    app.register_error_handler(Exception, handle_unexpected)


def _unreadable_body_errors() -> tuple[type[Exception], ...]:
    """What the WSGI server raises from ``wsgi.input`` when the client's body cannot be
    read: gunicorn's chunked-encoding parse errors and an early end of the body."""
    try:
        from gunicorn.http.errors import NoMoreData, ParseException
    except ImportError:  # another WSGI server (flask run raises Werkzeug's own 400s)
        return ()
    return (ParseException, NoMoreData)


#: See :func:`_unreadable_body_errors`.
UNREADABLE_BODY = _unreadable_body_errors()


def handle_unreadable_body(exc: Exception):
    """A request body the server could not read (a malformed chunked encoding, a body
    cut short) is the client's error: 400, logged without a traceback."""
    message = (
        f"the request body could not be read ({type(exc).__name__}: {shown(str(exc))}); "
        "send it again with a correct Content-Length or chunked encoding"
    )
    return error_body(400, message), 400


def error_body(code: int, message: str, errors: list[FieldError] | None = None) -> dict:
    """The JSON body of an error response.

    :param code: the HTTP status code.
    :param message: a sentence for a person.
    :param errors: field errors, for a 422.
    :returns: ``{"code", "status", "message"[, "errors"]}``.
    """
    body = {"code": code, "status": HTTP_STATUS_CODES.get(code, "Error"), "message": message}
    if errors is not None:
        body["errors"] = [e.as_dict() for e in errors]
    return body


def handle_svcgen_error(exc: SvcgenError):
    """svcgen's own errors: 400, 401, 403, 404, 409, 412 or 422 (see :data:`STATUS`).

    A 401 carries ``WWW-Authenticate: Bearer realm="svcgen"`` (RFC 6750 section 3),
    with ``error="invalid_token"`` when a token was sent; a 403 carries
    ``error="insufficient_scope"``.
    """
    code = next((c for cls, c in STATUS.items() if isinstance(exc, cls)), 500)
    if code == 500:
        return handle_unexpected(exc)
    if isinstance(exc, TopologyInvalid):
        message = "the topology is invalid; every problem is listed in errors"
        return error_body(code, message, exc.errors), code
    headers = {}
    if isinstance(exc, Unauthenticated):
        challenge = 'Bearer realm="svcgen"'
        if exc.invalid_token:
            challenge += ', error="invalid_token"'
        headers["WWW-Authenticate"] = challenge
    elif isinstance(exc, PermissionDenied):
        headers["WWW-Authenticate"] = 'Bearer realm="svcgen", error="insufficient_scope"'
    return error_body(code, str(exc)), code, headers


def handle_http_exception(exc: HTTPException):
    """Werkzeug's and webargs' HTTP errors as JSON; keeps ``Allow`` on a 405.

    A webargs validation error of query parameters (422) lists each bad
    parameter in ``errors``, path ``[parameter]``.
    """
    code = exc.code or 500
    if code == 500:
        return handle_unexpected(exc)
    headers = {}
    if getattr(exc, "valid_methods", None):
        headers["Allow"] = ", ".join(exc.valid_methods)
    message = exc.description or HTTP_STATUS_CODES.get(code, "Error")
    if isinstance(exc, NotFound) and message == NotFound.description:  # no route matched
        hint = " (revision numbers start at 1)" if "/revisions/" in request.path else ""
        if _routed_without_slash(request.path):
            hint = f"; without the trailing slash it is {shown(request.path.rstrip('/'))}"
        message = (
            f"no such URL: {shown(request.path)}; the API's paths are listed at /api/docs{hint}"
        )
    elif isinstance(exc, MethodNotAllowed) and message == MethodNotAllowed.description:
        allowed = ", ".join(exc.valid_methods or ())
        message = f"{request.method[:20]} is not allowed on {shown(request.path)}; use {allowed}"
    if isinstance(exc, RequestEntityTooLarge) and message == RequestEntityTooLarge.description:
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        message = f"the request body is larger than the limit of {limit} bytes"
    if isinstance(exc, RateLimitExceeded):
        wait = retry_after()
        headers["Retry-After"] = str(wait)
        message = f"too many requests: the limit is {exc.description}; retry in {wait} s"
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages")
    if code == 422 and isinstance(messages, dict):
        problems = [
            (
                location,
                FieldError(
                    () if name == "_schema" else (name,),  # marshmallow's key for the whole
                    " ".join(map(str, texts)) if isinstance(texts, list) else str(texts),
                ),
            )
            for location, named in messages.items()
            for name, texts in named.items()
        ]
        message = "invalid request"
        if problems:  # a client that shows only the message still learns what
            (where, first), more = problems[0], len(problems) - 1
            if where in _BODY_LOCATIONS:
                what = f"body field {shown(first.field)}" if first.path else "body"
            else:
                what = f"request parameter {shown(first.field)}"
            message = f"invalid {what}: {first.message}"
            message += f" (and {more} more)" if more else ""
        return error_body(code, message, [p for _, p in problems]), code, headers
    return error_body(code, message), code, headers


def _routed_without_slash(path: str) -> bool:
    """Whether ``path`` ends in ``/`` and names a route without it (``.../shop/``)."""
    trimmed = path.rstrip("/")
    if not trimmed or trimmed == path:
        return False
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        adapter.match(trimmed, method=request.method)
    except MethodNotAllowed:  # a route, for other methods
        return True
    except HTTPException:
        return False
    return True


#: webargs' locations of a request body (the rest are query, headers, cookies...).
_BODY_LOCATIONS = frozenset({"json", "form", "json_or_form"})


def handle_too_deep(exc: RecursionError):
    """A body nested past Python's recursion limit, wherever it is parsed (webargs'
    JSON parser for the token API, for instance): 400, like any malformed body."""
    message = "the body is nested too deeply; send a flat JSON object"
    return error_body(400, message), 400


def handle_database_unavailable(exc: OperationalError):
    """The database cannot be reached or refused the connection: 503 with
    ``Retry-After``, the cause logged and never shown (no SQL in any body)."""
    current_app.logger.error("database unavailable", exc_info=exc)
    message = "the database is unavailable; try again shortly"
    return error_body(503, message), 503, {"Retry-After": "5"}


def handle_unexpected(exc: Exception):
    """Any other exception: logged with its traceback, answered with a bare 500."""
    if isinstance(exc, HTTPException) and exc.code != 500:
        return handle_http_exception(exc)
    current_app.logger.error("unhandled error", exc_info=exc)
    return error_body(500, InternalServerError.description), 500
