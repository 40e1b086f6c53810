"""``/api/v1/validate`` and ``/api/v1/render``: work on a document without storing it."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from ..topology import chart_version_for
from .apidoc import ARCHIVE_CONTENT, DOCUMENT_BODY, ETAG_HEADER, doc, error_responses
from .bodies import read_valid_document
from .schemas import ValidationResultSchema
from .views import chart_response

blp = Blueprint("documents", __name__, description="Validate or render without storing.")


@blp.route("/validate")
class Validate(MethodView):
    """Validation only."""

    @doc(blp, requestBody=DOCUMENT_BODY)
    @blp.response(200, ValidationResultSchema)
    @error_responses(blp, 400, 413, 415, 422)
    def post(self):
        """Validate a topology document without storing it"""
        validated = read_valid_document()
        return {"valid": True, "warnings": [w.as_dict() for w in validated.warnings]}


@blp.route("/render")
class Render(MethodView):
    """Rendering only."""

    @doc(blp, requestBody=DOCUMENT_BODY, responses={200: {"content": ARCHIVE_CONTENT}})
    @blp.response(
        200,
        content_type="application/gzip",
        description="The chart, version as for revision 1",
        headers=ETAG_HEADER,
    )
    @error_responses(blp, 400, 413, 415, 422)
    def post(self):
        """Validate a topology document and return its chart without storing it"""
        validated = read_valid_document()
        return chart_response(validated.document, chart_version_for(validated.document, 1))
