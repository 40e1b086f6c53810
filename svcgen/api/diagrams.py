"""``/api/v1/topologies/{name}/diagram.svg``: a revision drawn by Graphviz."""

from __future__ import annotations

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from werkzeug.exceptions import ServiceUnavailable

from ..diagram import DotNotInstalled, topology_svg
from .apidoc import CONDITIONAL_GET, doc, error_responses
from .lookup import find_revision
from .schemas import RevisionArgsSchema
from .views import conditional_body

blp = Blueprint("diagrams", __name__, description="Pictures of topologies.")

#: The response content: an SVG image.
SVG_CONTENT = {"image/svg+xml": {"schema": {"type": "string"}}}


@blp.route("/topologies/<name>/diagram.svg")
class Diagram(MethodView):
    """The picture of a revision."""

    @blp.arguments(RevisionArgsSchema(), location="query", as_kwargs=True)
    @doc(blp, **CONDITIONAL_GET)
    @doc(blp, responses={200: {"content": SVG_CONTENT}})
    @blp.response(
        200,
        content_type="image/svg+xml",
        description="Components grouped by role inside the Kubernetes cluster, external "
        "data sources outside it, Service types and ports, an arrow per dependsOn edge; its "
        "ETag is the sha256 of the body",
    )
    @error_responses(blp, 404, 503)
    def get(self, name: str, revision: int | None):
        """A picture of a topology as SVG (the current revision, or ?revision=n)"""
        found = find_revision(name, revision)
        try:
            svg = topology_svg(found.document)
        except DotNotInstalled as exc:
            raise ServiceUnavailable(str(exc)) from None
        return conditional_body(Response(svg, mimetype="image/svg+xml"))
