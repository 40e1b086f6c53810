"""What operators see of each request: a request id, one JSON log line, metrics.

- **Request id**: taken from ``X-Request-ID`` when the client (or a proxy in
  front) sends a sane one (printable ASCII, at most :data:`MAX_REQUEST_ID`
  characters), else a new random one; echoed back in the response's
  ``X-Request-ID`` and kept in ``flask.g.request_id``.
- **Log line**: ``svcgen.request`` logs one record per request with ``method``,
  ``path``, ``route``, ``status``, ``duration_ms`` and ``request_id``; under
  gunicorn it is written as JSON (:mod:`svcgen.logs`).
- **Metrics**: request counts and latencies by route (the URL rule, e.g.
  ``/api/v1/topologies/<name>``, never the raw path, so a client cannot create
  series at will) and status, at ``GET /metrics`` (:mod:`svcgen.metrics`).
"""

from __future__ import annotations

import logging
import os
import re
import time

from flask import Flask, Response, g, request
from flask.views import MethodView
from flask_smorest import Blueprint

from .. import metrics
from ..logs import REQUEST_LOGGER

#: The longest ``X-Request-ID`` taken from a client; a longer or odd one is replaced.
MAX_REQUEST_ID = 128
_SANE_ID = re.compile(rf"[\x21-\x7e]{{1,{MAX_REQUEST_ID}}}")
#: The route label of a request that matched no URL rule (a 404).
UNMATCHED = "<unmatched>"

_log = logging.getLogger(REQUEST_LOGGER)

blp = Blueprint("metrics", __name__, description="Prometheus metrics.")


@blp.route("/metrics")
class Metrics(MethodView):
    """Prometheus scrapes this."""

    @blp.response(200, content_type="text/plain", description="Prometheus text format")
    def get(self):
        """Request counts and latencies by route and status, charts rendered, topologies stored"""
        body, content_type = metrics.exposition()
        return Response(body, content_type=content_type)


def init_app(app: Flask) -> None:
    """Install the request hooks.

    :param app: the app.
    """
    app.before_request(_start)
    app.after_request(_finish)


#: Methods that get their own metrics label; any other a client makes up is "other",
#: so nobody can grow the metrics without bound by inventing methods.
_KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def _start() -> None:
    now = time.perf_counter()
    given = request.headers.get("X-Request-ID", "")
    state = g._get_current_object()  # one context lookup, not one per use
    state.request_started = now
    state.request_id = given if _SANE_ID.fullmatch(given) else os.urandom(16).hex()


def _finish(response: Response) -> Response:
    state = g._get_current_object()  # one context lookup, not one per use
    started = state.pop("request_started", None)
    request_id = state.get("request_id") or os.urandom(16).hex()
    response.headers["X-Request-ID"] = request_id
    if started is None:  # a before_request hook failed before ours ran
        return response
    seconds = time.perf_counter() - started
    asked = request._get_current_object()
    rule, method, status = asked.url_rule, asked.method, response.status_code
    route = rule.rule if rule is not None else UNMATCHED
    count, latency = metrics.request_series(
        method if method in _KNOWN_METHODS else "other", route, status
    )
    count.inc()
    latency.observe(seconds)
    if _log.isEnabledFor(logging.INFO):
        _log.info(
            "request",
            extra={
                "method": method,
                "path": asked.path,
                "route": route,
                "status": status,
                "duration_ms": round(seconds * 1000, 3),
                "request_id": request_id,
            },
        )
    return response
