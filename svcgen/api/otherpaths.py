"""The paths of the OpenAPI document that are not flask-smorest views, described
by hand: the document itself, its docs page, and the web pages for people."""

from __future__ import annotations

from werkzeug.routing import Map, Rule


def _rule(path: str) -> Rule:
    """A Flask rule of ``path`` (bound to a map of its own), for flask-smorest's
    path helper, which reads the path and its parameters from a rule."""
    rule = Rule(path, defaults={})
    Map([rule])
    return rule


def _html(description: str) -> dict:
    return {"description": description, "content": {"text/html": {"schema": {"type": "string"}}}}


def document_other_paths(spec, config) -> None:
    """Describe the paths that are not flask-smorest views: the OpenAPI document,
    its docs page, and the web pages for people.

    :param spec: the app's :class:`apispec.APISpec`.
    :param config: the app's configuration (``OPENAPI_URL_PREFIX`` and friends).
    """
    prefix = "/" + config["OPENAPI_URL_PREFIX"].strip("/")
    json_path = f"{prefix}/{config['OPENAPI_JSON_PATH'].lstrip('/')}"
    docs_path = f"{prefix}/{config['OPENAPI_SWAGGER_UI_PATH'].lstrip('/')}"
    openapi = {"type": "object", "required": ["openapi", "info", "paths"]}
    spec.path(
        rule=_rule(json_path),
        operations={
            "get": {
                "summary": "This OpenAPI 3.1 document",
                "tags": ["documentation"],
                "responses": {
                    "200": {
                        "description": "OpenAPI 3.1",
                        "content": {"application/json": {"schema": openapi}},
                    }
                },
            }
        },
    )
    spec.path(
        rule=_rule(docs_path),
        operations={
            "get": {
                "summary": "The API's documentation page (Swagger UI, works offline)",
                "tags": ["documentation"],
                "responses": {"200": _html("an HTML page")},
            }
        },
    )
    spec.path(
        rule=_rule("/"),
        operations={
            "get": {
                "summary": "Web page: the stored topologies",
                "tags": ["pages"],
                "responses": {"200": _html("an HTML page")},
            }
        },
    )
    spec.path(
        rule=_rule("/topologies/<name>"),
        operations={
            "get": {
                "summary": "Web page: one topology, its diagram and its chart's files",
                "tags": ["pages"],
                "responses": {"200": _html("an HTML page"), "404": _html("an HTML page")},
            }
        },
    )
