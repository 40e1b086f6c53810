"""The OpenAPI side of the API: the :class:`flask_smorest.Api` subclass and the
hand-written fragments for what marshmallow does not describe (topology
documents in JSON or YAML, chart archives).
"""

from __future__ import annotations

from http import HTTPStatus

from flask_smorest import Api

from .schemas import ErrorSchema

#: The media types a topology document may be sent as; anything else is a 415.
JSON_TYPES = ("application/json",)
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml")
DOCUMENT_TYPES = JSON_TYPES + YAML_TYPES

_DOCUMENT_REF = {"$ref": "#/components/schemas/TopologyDocument"}
_STORED_REF = {"$ref": "#/components/schemas/StoredTopology"}

#: An outline of the topology document; its full rules are in DESIGN.md section 2.
TOPOLOGY_DOCUMENT = {
    "type": "object",
    "description": "A topology document (DESIGN section 2), as JSON or YAML. Unknown "
    "fields are rejected; every rule is checked by the server.",
    "required": ["name", "components"],
    "properties": {
        "name": {"type": "string", "maxLength": 53},
        "description": {"type": "string"},
        "appVersion": {"type": "string"},
        "chartVersion": {"type": "string", "description": "SemVer 2"},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
        "components": {
            "type": "array",
            "minItems": 1,
            "maxItems": 200,
            "items": {"type": "object"},
        },
    },
}

#: The document as stored, plus what the server knows about it.
STORED_TOPOLOGY = {
    "type": "object",
    "description": "The stored document exactly as given, plus the fields below "
    "(strip them before sending the document back in a PUT).",
    "allOf": [_DOCUMENT_REF],
    "properties": {
        "revision": {"type": "integer", "minimum": 1},
        "chartVersion": {"type": "string"},
        "createdAt": {"type": "string", "format": "date-time"},
        "updatedAt": {"type": "string", "format": "date-time"},
        "warnings": {"type": "array", "items": {"$ref": "#/components/schemas/FieldError"}},
    },
}

#: ``requestBody`` of the views that read a topology document.
DOCUMENT_BODY = {
    "required": True,
    "content": {media: {"schema": _DOCUMENT_REF} for media in DOCUMENT_TYPES},
}

#: The response content of a view answering with a stored topology.
STORED_CONTENT = {"application/json": {"schema": _STORED_REF}}

#: The response content of a view answering with a chart archive.
ARCHIVE_CONTENT = {"application/gzip": {"schema": {"type": "string", "format": "binary"}}}

#: The response content of the chart's files as JSON.
FILES_CONTENT = {
    "application/json": {"schema": {"type": "object", "additionalProperties": {"type": "string"}}}
}

ETAG_HEADER = {"ETag": {"description": "the entity tag, quoted", "schema": {"type": "string"}}}


class SvcgenApi(Api):
    """flask-smorest's :class:`~flask_smorest.Api` with svcgen's error schema and
    the hand-written schemas above registered as components."""

    ERROR_SCHEMA = ErrorSchema

    def init_app(self, app, *, spec_kwargs=None):
        """Initialise as :meth:`flask_smorest.Api.init_app`, then add the components."""
        super().init_app(app, spec_kwargs=spec_kwargs)
        self.spec.components.schema("TopologyDocument", TOPOLOGY_DOCUMENT)
        self.spec.components.schema("StoredTopology", STORED_TOPOLOGY)


def error_responses(blp, *codes: int):
    """Document the error responses a view may give, by status code.

    :param blp: the view's blueprint.
    :param codes: HTTP status codes, e.g. ``404, 422``.
    :returns: a decorator stacking one ``alt_response`` per code.
    """

    def decorator(func):
        for code in codes:
            func = blp.alt_response(code, response=HTTPStatus(code).name)(func)
        return func

    return decorator
