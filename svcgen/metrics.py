"""svcgen's Prometheus metrics (prometheus-client).

Under gunicorn every worker is a process of its own: ``gunicorn.conf.py`` sets
``PROMETHEUS_MULTIPROC_DIR`` before any worker imports this module, so each
worker writes its samples to files there and ``/metrics`` sums them
(:func:`exposition`); a worker that dies is marked dead by the ``child_exit``
hook. Without that variable (tests, ``flask run``) the process's default
registry is used.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess as _multiprocess

#: The variable prometheus-client reads to run in multiprocess mode.
MULTIPROC_DIR_ENV = "PROMETHEUS_MULTIPROC_DIR"

REQUESTS = Counter(
    "svcgen_http_requests_total",
    "HTTP requests answered, by method, route (the URL rule, not the raw path) and status.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "svcgen_http_request_duration_seconds",
    "Time from a request's arrival in the app to its response, by method and route.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
CHARTS_RENDERED = Counter(
    "svcgen_charts_rendered_total",
    "Charts rendered and archived (a stored revision's chart, or POST /render); a PUT "
    "whose chart was made before another revision landed makes it again.",
)
TOPOLOGIES_STORED = Counter(
    "svcgen_topologies_stored_total",
    "Topology revisions stored, by operation (create or replace).",
    ["operation"],
)


#: The series of each ``(method, route, status)`` a request has been counted in:
#: ``labels()`` looks a child up under a lock on every call; prometheus-client never
#: drops a child on its own (svcgen never calls ``remove`` or ``clear``), so a child
#: once found stays the one that counts. Bounded by what :func:`request_series`
#: is given: known methods, URL rules and status codes.
_request_series: dict[tuple[str, str, int], tuple] = {}


def request_series(method: str, route: str, status: int) -> tuple:
    """The request counter and the latency histogram of one kind of request.

    :param method: the HTTP method, or ``"other"``.
    :param route: the URL rule (e.g. ``/api/v1/topologies/<name>``), never a raw path.
    :param status: the response's status code.
    :returns: ``(REQUESTS child, LATENCY child)``, for ``.inc()`` and ``.observe(seconds)``.
    """
    key = (method, route, status)
    found = _request_series.get(key)
    if found is None:
        found = (REQUESTS.labels(method, route, str(status)), LATENCY.labels(method, route))
        _request_series[key] = found
    return found


def exposition() -> tuple[bytes, str]:
    """The metrics in Prometheus' text format: every worker's in multiprocess
    mode, else this process's.

    :returns: ``(body, content type)``.
    """
    if os.environ.get(MULTIPROC_DIR_ENV):
        registry = CollectorRegistry()
        _multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def mark_process_dead(pid: int) -> None:
    """Forget the live-only samples of a worker that exited (gunicorn ``child_exit``).

    :param pid: the worker's process id.
    """
    if os.environ.get(MULTIPROC_DIR_ENV):
        _multiprocess.mark_process_dead(pid)
