"""Errors of the web pages as HTML pages.

Every error is decided, as everywhere else, by the JSON handlers of
:mod:`svcgen.api.errors` (status code and message, in one place). For the pages
only (``/`` and ``/topologies...``), :func:`html_errors`, an ``after_request``
hook, renders that JSON error body as an HTML page with the same status and
headers; every other path (``/api/``, ``/charts``, ``/schema``, ``/healthz``,
``/readyz``) keeps its JSON.
"""

from __future__ import annotations

from flask import Response, render_template, request

from ..api.paths import Paths

#: The web pages' paths: ``/`` and ``/topologies`` or below.
PAGES = Paths("/", "/topologies", "/topologies/")


def is_page(path: str) -> bool:
    """True for the paths of the web pages (:data:`PAGES`)."""
    return path in PAGES


def html_errors(response: Response) -> Response:
    """A JSON error answer to a page request, as an HTML page.

    :param response: the response about to be sent.
    :returns: ``response`` itself, unless it is a JSON error (4xx or 5xx) to a page
        path: then an HTML page saying the same, with the same status and headers.
    """
    if response.status_code < 400 or not is_page(request.path) or not response.is_json:
        return response
    body = response.get_json(silent=True) or {}
    page = render_template(
        "error.html",
        code=response.status_code,
        status=body.get("status", ""),
        message=body.get("message", ""),
        errors=body.get("errors", []),
    )
    html = Response(page, status=response.status_code, mimetype="text/html")
    for key, value in response.headers.items():
        if key.lower() not in ("content-type", "content-length"):
            html.headers[key] = value
    return html
