"""Query-string arguments, documented and parsed by flask-smorest and webargs, with
the parse skipped when there is nothing to parse.

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
from flask import request
from flask_smorest import Blueprint


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
