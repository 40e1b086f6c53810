"""``/api/v1/topologies/{name}/catalog-info.yaml``: a revision as Backstage catalog entities."""

from __future__ import annotations

from flask import Response, url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from ..catalog import catalog_entities, dump_catalog
from .apidoc import CONDITIONAL_GET, doc, error_responses
from .lookup import find_revision
from .schemas import RevisionArgsSchema
from .views import conditional_body

blp = Blueprint("catalog", __name__, description="Backstage catalog entities of topologies.")

#: The response content: a multi-document YAML stream of entities.
CATALOG_CONTENT = {"application/yaml": {"schema": {"type": "string"}}}


@blp.route("/topologies/<name>/catalog-info.yaml")
class CatalogInfo(MethodView):
    """The Backstage entities of a revision."""

    @blp.arguments(RevisionArgsSchema(), location="query", as_kwargs=True)
    @doc(blp, **CONDITIONAL_GET)
    @doc(blp, responses={200: {"content": CATALOG_CONTENT}})
    @blp.response(
        200,
        content_type="application/yaml",
        description="One YAML document per entity: a System for the topology, a Component "
        "per frontend, backend and worker, a Resource per external data source; its ETag "
        "is the sha256 of the body",
    )
    @error_responses(blp, 404)
    def get(self, name: str, revision: int | None):
        """Backstage catalog-info.yaml of a topology (the current revision, or ?revision=n)"""
        found = find_revision(name, revision)
        if revision is None:
            chart_url = url_for("charts.Chart", name=found.name, _external=True)
            topology_url = url_for("topologies.Topology", name=found.name, _external=True)
        else:
            chart_url = url_for("charts.Chart", name=found.name, revision=revision, _external=True)
            topology_url = url_for(
                "revisions.Revision", name=found.name, number=revision, _external=True
            )
        entities = catalog_entities(found.document, chart_url=chart_url, topology_url=topology_url)
        return conditional_body(Response(dump_catalog(entities), mimetype="application/yaml"))
