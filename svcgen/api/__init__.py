"""The HTTP API of svcgen: a Flask app built by :func:`create_app`.

Modules, one concern each: ``errors`` (every exception to a JSON response, in
one place), ``bodies`` (request bodies: content type, parsing, validation),
``storage`` (the database session of a request, and the engine of one-query
reads), ``queries`` (query arguments: parsed only when there are some, refused where
an operation takes none), ``schemas``, ``apidoc``,
``examples``, ``otherpaths`` and ``authdoc`` (the OpenAPI document), ``docs`` (the offline Swagger UI at ``/api/docs``), ``views`` (response bodies and chart downloads), and the
blueprints ``topologies``, ``revisions``, ``charts``, ``diffs``, ``documents``
(validate and render without storing), ``helmrepo`` (``/charts``, a Helm chart
repository), ``health``, ``diagrams`` (``diagram.svg``) and ``catalog_info``
(``catalog-info.yaml``), ``topology_schema`` (``/schema/topology.json``), ``tokens``
(API tokens); ``cors`` (the origins of ``CORS_ORIGINS``), ``auth`` (bearer tokens and
roles), ``limits`` (rate limits) and ``security`` (security headers) act on every
request, as does ``observe`` (request ids, one JSON log line per request,
``/metrics``); ``testing`` adds a slow route for server tests when enabled;
:mod:`svcgen.web` adds the HTML pages.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from .. import web
from ..config import DEFAULT_MAX_CONTENT_LENGTH, database_url
from ..topology import DEFAULT_NODE_PORT_RANGE
from . import (
    auth,
    authdoc,
    catalog_info,
    charts,
    cors,
    diagrams,
    diffs,
    docs,
    documents,
    errors,
    health,
    helmrepo,
    limits,
    observe,
    queries,
    revisions,
    security,
    settings,
    storage,
    testing,
    tokens,
    topologies,
    topology_schema,
)
from .apidoc import SvcgenApi


def _trust_proxies(app: Flask) -> None:
    """Behind ``PROXY_HOPS`` proxies (an Ingress controller, a load balancer), read the
    client's address, scheme, host and port from the ``X-Forwarded-*`` headers they
    set, by Werkzeug's ``ProxyFix`` (Flask's "Tell Flask it is Behind a Proxy"): rate
    limits per address then count each client, not the proxy, and absolute links (the
    JSON Schema's ``$id``, catalog-info URLs, pages) use the public host. With 0, the
    default, those headers are ignored: anyone can send them. ``X-Forwarded-Prefix``
    is never read (svcgen is served from the root; common Ingress controllers do not
    set it, so a client's own would pass through).

    :raises ValueError: ``PROXY_HOPS`` is not a whole number from 0 to 10.
    """
    hops = app.config["PROXY_HOPS"]
    if isinstance(hops, bool) or not isinstance(hops, int) or not 0 <= hops <= 10:
        raise ValueError(f"PROXY_HOPS must be a whole number from 0 to 10, not {hops!r}")
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)


class SvcgenFlask(Flask):
    """Flask, asking once per function, not on every request, whether it is ``async``.

    Flask's :meth:`~flask.Flask.ensure_sync` (which its documentation says to
    override) asks :func:`inspect.iscoroutinefunction` of every hook, view and
    wrapper of every request: a dozen times a request here, 5% of ``/healthz`` in
    process. The answer is kept per function (a method's underlying function), for
    at most :attr:`ASYNC_CACHE_SIZE` of them; svcgen has no ``async`` views, and one
    would still be run by Flask's ``async_to_sync``.
    """

    #: At most this many functions' answers are kept (an app has a few hundred).
    ASYNC_CACHE_SIZE = 4096

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._is_async: dict[Callable, bool] = {}

    def ensure_sync(self, func: Callable) -> Callable:
        """``func`` itself, or Flask's ``async_to_sync`` of it when it is ``async``."""
        # A bound method is its function; a staticmethod object is not (nor as async).
        key = func.__func__ if inspect.ismethod(func) else func
        try:
            is_async = self._is_async.get(key)
        except TypeError:  # an unhashable callable: asked every time, as Flask does
            return super().ensure_sync(func)
        if is_async is None:
            is_async = inspect.iscoroutinefunction(func)
            if len(self._is_async) < self.ASYNC_CACHE_SIZE:
                self._is_async[key] = is_async
        return self.async_to_sync(func) if is_async else func


def create_app(test_config: Mapping | None = None) -> Flask:
    """Build the svcgen app (Flask's application-factory pattern).

    Settings, later ones winning: the defaults below (``REQUIRE_IF_MATCH``: when
    true, PUT and DELETE without ``If-Match`` are a 428; ``CORS_ORIGINS``: the
    origins browsers may call the API from, see :mod:`svcgen.api.cors`); environment variables
    ``SVCGEN_<KEY>`` (values parsed as JSON, e.g. ``SVCGEN_MAX_CONTENT_LENGTH=2097152``);
    ``PROXY_HOPS``: how many proxies in front of svcgen set ``X-Forwarded-*`` (see
    :func:`_trust_proxies`);
    then ``test_config``. ``DATABASE_URL``, unless given by one of those, comes
    from :func:`svcgen.config.database_url`, as Alembic's does.

    :param test_config: settings that override everything else, e.g.
        ``{"TESTING": True, "DATABASE_URL": "sqlite:///..."}``.
    :returns: the app, with its database engine created and its blueprints registered.
        The schema is not created here: run ``alembic upgrade head`` first.
    """
    app = SvcgenFlask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        API_TITLE="svcgen",
        API_VERSION="v1",
        OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
        MAX_CONTENT_LENGTH=DEFAULT_MAX_CONTENT_LENGTH,
        NODE_PORT_RANGE=DEFAULT_NODE_PORT_RANGE,
        REQUIRE_IF_MATCH=False,
        CORS_ORIGINS=[],
        PROXY_HOPS=0,
    )
    app.config.from_prefixed_env("SVCGEN")
    if test_config is not None:
        app.config.from_mapping(test_config)
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = database_url()
    app.json.sort_keys = False  # documents keep the key order they were given in
    _trust_proxies(app)

    storage.init_app(app)
    observe.init_app(app)
    testing.init_app(app)
    security.init_app(app)
    limits.init_app(app)  # before auth: failed logins count against the address
    auth.init_app(app)
    cors.init_app(app)
    queries.init_app(app)  # after auth: a 401 or 403 comes first
    helmrepo.init_app(app)
    docs.init_app(app)
    api = SvcgenApi(app)
    authdoc.document(api)
    errors.init_app(app)
    api.register_blueprint(topologies.blp, url_prefix="/api/v1")
    api.register_blueprint(tokens.blp, url_prefix="/api/v1")
    api.register_blueprint(revisions.blp, url_prefix="/api/v1")
    api.register_blueprint(charts.blp, url_prefix="/api/v1")
    api.register_blueprint(diffs.blp, url_prefix="/api/v1")
    api.register_blueprint(documents.blp, url_prefix="/api/v1")
    api.register_blueprint(helmrepo.blp)
    api.register_blueprint(health.blp)
    api.register_blueprint(observe.blp)
    api.register_blueprint(topology_schema.blp)
    api.register_blueprint(diagrams.blp, url_prefix="/api/v1")
    api.register_blueprint(catalog_info.blp, url_prefix="/api/v1")
    web.init_app(app)
    settings.check_settings(app)
    return app
