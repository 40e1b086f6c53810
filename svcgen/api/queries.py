"""Query-string arguments, documented and parsed by flask-smorest and webargs, with
the parse skipped when there is nothing to parse; and a query string on an API
operation that takes none refused (:func:`init_app`), as a typo in a document is.

A chart download without ``?revision`` spent 15-20 µs in webargs finding that the
query string is empty (``make bench``: a tenth of the request in process). For a
request with no query string at all, :func:`query_arguments` hands the view what
webargs would have: the schema's defaults, loaded once. Any query string, valid or
not, goes through webargs as before, with the same errors.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import marshmallow as ma
from flask import Flask, current_app, request
from flask_smorest import Blueprint, abort

from .paths import Paths

#: The operations whose query strings are checked: the API's and the chart
#: repository's (the HTML pages, the docs, probes and metrics keep the web's manners).
API_PATHS = Paths("/api/v1/", "/charts/", "/schema/")


def query_arguments(blp: Blueprint, schema: ma.Schema) -> Callable:
    """``@blp.arguments(schema, location="query", as_kwargs=True)``, the OpenAPI
    document the same, that calls the view with ``schema.load({})`` (computed once)
    when the request has no query string.

    :param blp: the view's blueprint.
    :param schema: an argument schema instance; when ``schema.load({})`` fails (a
        required argument), every request goes through webargs. Its defaults are
        loaded once and shared by every request, so they must be values no view
        changes and no clock decides (``None``, numbers, strings), as svcgen's are.
    :returns: a decorator for a view method.
    """
    parse = blp.arguments(schema, location="query", as_kwargs=True)
    try:
        defaults = schema.load({})
    except ma.ValidationError:
        return parse

    def decorator(view: Callable) -> Callable:
        parsed = parse(view)

        @functools.wraps(parsed)  # the view's OpenAPI notes (``_apidoc``) come along
        def wrapper(*args, **kwargs):
            if not request.environ.get("QUERY_STRING"):
                return view(*args, **kwargs, **defaults)
            return parsed(*args, **kwargs)

        return wrapper

    return decorator


def init_app(app: Flask) -> None:
    """Refuse a query string on an API operation that documents no query arguments
    (``POST /topologies?dryRun=true`` would otherwise store, and ``GET
    /topologies/shop?revision=1`` answer the current revision): a 422 naming each
    parameter. Operations with arguments check their own (``QueryArgsSchema``).

    :param app: the app.
    """
    app.before_request(refuse_unexpected_query)


#: Per endpoint and method (two threads may work one out at once, to the same answer).
_takes_query: dict[tuple[str, str], bool] = {}


def _operation_takes_query(endpoint: str, method: str) -> bool:
    """Whether the view of ``endpoint`` for ``method`` documents query arguments
    (flask-smorest keeps them in the method's ``_apidoc``; a plain function view:
    not an operation of the API, so yes)."""
    key = (endpoint, method)
    found = _takes_query.get(key)
    if found is None:
        view = current_app.view_functions.get(endpoint)
        view_class = getattr(view, "view_class", None)
        if view_class is None:
            found = True
        else:
            handler = getattr(view_class, "get" if method == "HEAD" else method.lower(), None)
            notes = getattr(handler, "_apidoc", {}).get("arguments") or {}
            found = handler is None or any(
                p.get("in") == "query" for p in notes.get("parameters", [])
            )
        _takes_query[key] = found
    return found


def refuse_unexpected_query() -> None:
    """``before_request``: see :func:`init_app`.

    :raises werkzeug.exceptions.UnprocessableEntity: the operation takes no query
        arguments and some were sent (a 422 with one error per parameter name, as
        webargs reports them).
    """
    asked = request._get_current_object()
    if not asked.query_string or asked.url_rule is None or asked.path not in API_PATHS:
        return
    if _operation_takes_query(asked.url_rule.endpoint, asked.method):
        return
    names = dict.fromkeys(asked.args.keys())
    if names:
        why = ["is not a query parameter of this path: it takes none"]
        abort(422, messages={"query": {name: why for name in names}})
