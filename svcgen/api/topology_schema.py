"""``/schema/topology.json``: the JSON Schema of the topology document, for
portal forms (see :mod:`svcgen.schema_export` for how it is derived)."""

from __future__ import annotations

from flask import current_app, url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from ..schema_export import topology_json_schema
from .apidoc import doc

#: The media type of a JSON Schema (draft 2020-12, section 14.2).
MEDIA_TYPE = "application/schema+json"

blp = Blueprint("topology_schema", __name__, description="The topology document's JSON Schema.")

_CONTENT = {
    MEDIA_TYPE: {
        "schema": {
            "type": "object",
            "description": "a JSON Schema, draft 2020-12",
            "required": ["$schema", "$id", "$defs"],
        }
    }
}


@blp.route("/schema/topology.json")
class TopologyJsonSchema(MethodView):
    """The schema document."""

    @doc(blp, responses={200: {"content": _CONTENT}})
    @blp.response(200, content_type=MEDIA_TYPE, description="draft 2020-12, $id its own URL")
    def get(self):
        """The JSON Schema of a topology document (draft 2020-12)"""
        schema = topology_json_schema(url_for("topology_schema.TopologyJsonSchema", _external=True))
        response = current_app.json.response(schema)
        response.mimetype = MEDIA_TYPE
        return response
