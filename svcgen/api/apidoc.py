"""The OpenAPI side of the API: the :class:`flask_smorest.Api` subclass and the
hand-written fragments for what flask-smorest does not describe by itself.

- Topology documents (JSON or YAML): their schema is the one
  :mod:`svcgen.schema_export` derives from the marshmallow schemas, registered
  as ``TopologyDocument`` and ``Topology<Object>`` components.
- Examples: from the topologies embedded in :mod:`svcgen.api.examples`.
- What every operation shares (:class:`CommonResponses`): a 405, a JSON error
  body with one ``Error`` schema and an example for each status code,
  ``Location`` on a 201, ``Content-Disposition`` on a chart download.
- The paths that are not flask-smorest views: this document, its docs page, the
  web pages (:mod:`svcgen.api.otherpaths`).
"""

from __future__ import annotations

import copy
import functools
from http import HTTPStatus

from apispec import BasePlugin
from flask_smorest import Api

from ..schema_export import openapi_components
from . import examples
from .otherpaths import document_other_paths
from .queries import API_PATHS
from .schemas import ErrorSchema

#: The media types a topology document may be sent as; anything else is a 415.
JSON_TYPES = ("application/json",)
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml")
DOCUMENT_TYPES = JSON_TYPES + YAML_TYPES

_DOCUMENT_REF = {"$ref": "#/components/schemas/TopologyDocument"}
_STORED_REF = {"$ref": "#/components/schemas/StoredTopology"}

#: What the server adds to a stored document when it answers with one.
SERVER_PROPERTIES = {
    "revision": {"type": "integer", "minimum": 1},
    "chartVersion": {"type": "string", "description": "the chart version of this revision"},
    "createdAt": {"type": "string", "format": "date-time"},
    "updatedAt": {"type": "string", "format": "date-time"},
    "warnings": {"type": "array", "items": {"$ref": "#/components/schemas/FieldError"}},
    "createdBy": {
        "type": ["string", "null"],
        "description": "GET .../revisions/{n} only: who stored it (an API token's name)",
    },
}


def stored_topology_schema(document: dict) -> dict:
    """The document as stored, plus :data:`SERVER_PROPERTIES` (strip them before
    sending the document back in a PUT).

    :param document: the ``TopologyDocument`` component.
    """
    return {
        "type": "object",
        "description": "The stored document exactly as given, plus the server's fields "
        "(strip them before sending the document back in a PUT).",
        "properties": {**document["properties"], **SERVER_PROPERTIES},
        "required": [*document["required"], *list(SERVER_PROPERTIES)[:-1]],
        "additionalProperties": False,
    }


def _document_examples() -> dict:
    return {
        "seed-shop": {"summary": "The seed article's shop", "value": examples.SEED_SHOP},
        "cloud-shop": {"summary": "The shop on a cloud", "value": examples.CLOUD_SHOP},
    }


#: ``requestBody`` of the views that read a topology document.
DOCUMENT_BODY = {
    "required": True,
    "content": {
        media: {"schema": _DOCUMENT_REF, "examples": _document_examples()}
        for media in DOCUMENT_TYPES
    },
}

#: The response content of a view answering with a stored topology.
STORED_CONTENT = {
    "application/json": {
        "schema": _STORED_REF,
        "examples": {
            "seed-shop": {"summary": "revision 1", "value": examples.stored(examples.SEED_SHOP)},
        },
    }
}

#: The response content of a view answering with a chart archive.
ARCHIVE_CONTENT = {"application/gzip": {"schema": {"type": "string", "format": "binary"}}}

#: The response content of the chart's files as JSON.
FILES_CONTENT = {
    "application/json": {
        "schema": {"type": "object", "additionalProperties": {"type": "string"}},
        "example": {
            "Chart.yaml": "apiVersion: v2\nname: shop\nversion: 0.1.0\nappVersion: 1.0.0\n",
            "templates/web-service.yaml": "apiVersion: v1\nkind: Service\n...\n",
        },
    }
}

ETAG_HEADER = {"ETag": {"description": "the entity tag, quoted", "schema": {"type": "string"}}}

_LOCATION_HEADER = {
    "description": "the URL of the new topology, e.g. /api/v1/topologies/shop",
    "schema": {"type": "string", "format": "uri-reference"},
}
_DISPOSITION_HEADER = {
    "description": "attachment; filename=<name>-<chartVersion>.tgz",
    "schema": {"type": "string"},
}


class CommonResponses(BasePlugin):
    """apispec plugin: what every operation and error response of svcgen shares."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        """Add a 405 to each operation, a 422 to each of the API's (a query parameter
        it does not take: :mod:`svcgen.api.queries`), ``Location`` to a 201,
        ``Content-Disposition`` to a chart archive, and to an operation that answers
        304 the precondition headers (:data:`CONDITIONAL_HEADERS`), their 412 and the
        ``ETag`` of its 200 (the tag a client sends back)."""
        for operation in (operations or {}).values():
            responses = operation.setdefault("responses", {})
            responses.setdefault("405", "METHOD_NOT_ALLOWED")
            if path in API_PATHS:  # a query parameter the operation does not take
                responses.setdefault("422", "UNPROCESSABLE_ENTITY")
            conditional = "304" in {str(code) for code in responses}  # views.conditional
            if conditional:
                operation.setdefault("parameters", []).extend(copy.deepcopy(CONDITIONAL_HEADERS))
                responses.setdefault("412", "PRECONDITION_FAILED")
            for code, response in responses.items():
                if not isinstance(response, dict):
                    continue
                headers = response.setdefault("headers", {})
                if conditional and str(code) == "200":
                    headers.setdefault("ETag", ETAG_HEADER["ETag"])
                if str(code) == "201":
                    headers.setdefault("Location", _LOCATION_HEADER)
                if "application/gzip" in response.get("content", {}):
                    headers.setdefault("Content-Disposition", _DISPOSITION_HEADER)
                if not headers:
                    del response["headers"]

    def response_helper(self, response, **kwargs):
        """Give each error response component an example body of its status."""
        content = response.get("content", {}).get("application/json")
        code = _STATUS_BY_PHRASE.get(response.get("description"), 500)
        if content is not None and code >= 400:
            content.setdefault("example", examples.error(code))
        return None

    def schema_helper(self, name, definition, **kwargs):
        """Give the response schemas with an example in :mod:`svcgen.api.examples` that example."""
        example = _schema_examples().get(name)
        return {"examples": [copy.deepcopy(example)]} if example is not None else None


@functools.cache
def _schema_examples() -> dict[str, dict]:
    return examples.schema_examples()


_STATUS_BY_PHRASE = {status.phrase: int(status) for status in HTTPStatus}


#: ``info.description`` of the document (CommonMark).
INFO = (
    "svcgen stores application topologies (front ends, back ends, workers and external "
    "data sources, and who calls whom), checks them against the rules the Kubernetes API "
    "server and Helm apply, and turns each revision into a Helm chart whose Services have "
    "the right types.\n\n"
    "Topology documents are sent as JSON or YAML; their JSON Schema is also served at "
    "`/schema/topology.json`, for portal forms. Every error is JSON with the `Error` "
    "schema; a 422 names each bad field by its path. `PUT` and `DELETE` honour `If-Match` "
    "with the `ETag` of a topology."
)


class SvcgenApi(Api):
    """flask-smorest's :class:`~flask_smorest.Api` with svcgen's error schema,
    the topology's schemas as components and the paths documented by hand."""

    ERROR_SCHEMA = ErrorSchema

    def init_app(self, app, *, spec_kwargs=None):
        """Initialise as :meth:`flask_smorest.Api.init_app` with
        :class:`CommonResponses`, then add the components and other paths."""
        spec_kwargs = dict(spec_kwargs or {})
        spec_kwargs.setdefault("extra_plugins", [CommonResponses()])
        spec_kwargs.setdefault("info", {"description": INFO})
        super().init_app(app, spec_kwargs=spec_kwargs)
        components = openapi_components(root="TopologyDocument", prefix="Topology")
        for name, schema in components.items():
            self.spec.components.schema(name, schema)
        self.spec.components.schema(
            "StoredTopology", stored_topology_schema(components["TopologyDocument"])
        )
        document_other_paths(self.spec, app.config)


def error_responses(blp, *codes: int):
    """Document the error responses a view may give, by status code.

    flask-smorest's ``alt_response`` both documents a response and wraps the view in
    a function that calls it (asking Flask, on every request, whether the view is
    ``async``); only the documentation is kept here: the view comes back unwrapped,
    carrying the notes (``_apidoc``) the stacked ``alt_response`` calls made.

    :param blp: the view's blueprint.
    :param codes: HTTP status codes, e.g. ``404, 422``.
    :returns: a decorator documenting one ``alt_response`` per code.
    """

    def decorator(func):
        documented = func
        for code in codes:
            documented = blp.alt_response(code, response=HTTPStatus(code).name)(documented)
        func._apidoc = documented._apidoc
        return func

    return decorator


def doc(blp, **notes):
    """``@blp.doc(**notes)``: the same OpenAPI notes, without the wrapper flask-smorest
    puts around the view to carry them (it only calls the view, after asking Flask
    whether it is ``async``, on every request; see :func:`error_responses`).

    :param blp: the view's blueprint.
    :param notes: what ``blp.doc`` takes, e.g. ``responses=...``, ``parameters=...``.
    :returns: a decorator returning the view itself, its ``_apidoc`` updated.
    """

    def decorator(func):
        func._apidoc = blp.doc(**notes)(func)._apidoc
        return func

    return decorator


def header_parameter(name: str, description: str) -> dict:
    """An optional request header as an OpenAPI parameter object, e.g.
    ``header_parameter("If-Match", "the ETag the change is based on")``."""
    return {
        "in": "header",
        "name": name,
        "required": False,
        "description": description,
        "schema": {"type": "string"},
    }


#: The precondition headers of a ``GET`` that :func:`svcgen.api.views.conditional`
#: answers; :class:`CommonResponses` adds them to every operation that documents a 304.
CONDITIONAL_HEADERS = [
    header_parameter(
        "If-None-Match",
        "ETags the client holds, or *: a 304 without a body when one of them is the "
        "current ETag (weak comparison)",
    ),
    header_parameter(
        "If-Match",
        "the ETag the client expects, or *: a 412 when the current one is another "
        "(strong comparison)",
    ),
]

#: ``@doc(blp, **CONDITIONAL_GET)``: the 304 of a ``GET`` that
#: :func:`svcgen.api.views.conditional` answers (:class:`CommonResponses` adds its
#: headers, its 412 and the 200's ``ETag``).
CONDITIONAL_GET = {
    "responses": {304: {"description": "Not Modified: If-None-Match names the current ETag"}},
}
