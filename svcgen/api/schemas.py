"""Response schemas, for the bodies the API dumps and for its OpenAPI document.

Request bodies are not loaded through marshmallow here: a topology document is
parsed by :func:`svcgen.topology.parse_document` and checked by
:func:`svcgen.topology.validate_topology` only (see :mod:`svcgen.api.bodies`).

The argument schemas (``...ArgsSchema`` here, and every other) are handed to
``@blp.arguments`` as instances: given a class, webargs builds a new instance on
every request.
"""

from __future__ import annotations

from collections.abc import Mapping

import marshmallow as ma
from marshmallow import fields

from ..schemas import did_you_mean


class HealthSchema(ma.Schema):
    """``/healthz`` and ``/readyz``."""

    status = fields.String(metadata={"description": "ok"})
    database = fields.String(metadata={"description": "ok (readiness only)"})


class FieldErrorSchema(ma.Schema):
    """One problem (or warning) with one field of a document."""

    path = fields.List(fields.Raw(), metadata={"description": "keys and list indices"})
    field = fields.String(metadata={"description": "the path joined with dots"})
    message = fields.String()


class ErrorSchema(ma.Schema):
    """The body of every error response."""

    code = fields.Integer(metadata={"description": "the HTTP status code"})
    status = fields.String(metadata={"description": "the HTTP reason phrase"})
    message = fields.String(metadata={"description": "what went wrong, for a person"})
    errors = fields.List(
        fields.Nested(FieldErrorSchema), metadata={"description": "422 only: every bad field"}
    )


class TopologySummarySchema(ma.Schema):
    """One topology in a list."""

    name = fields.String()
    description = fields.String(allow_none=True)
    revision = fields.Integer()
    chartVersion = fields.String()
    createdAt = fields.String(metadata={"format": "date-time"})
    updatedAt = fields.String(metadata={"format": "date-time"})


class TopologyPageSchema(ma.Schema):
    """A page of topologies, newest first."""

    items = fields.List(fields.Nested(TopologySummarySchema))
    page = fields.Integer()
    pageSize = fields.Integer()
    totalItems = fields.Integer()
    totalPages = fields.Integer()


class RevisionSummarySchema(ma.Schema):
    """One revision in a topology's history."""

    revision = fields.Integer()
    chartVersion = fields.String()
    createdAt = fields.String(metadata={"format": "date-time"})
    createdBy = fields.String(
        allow_none=True,
        metadata={
            "description": "who stored it (an API token's name); null for "
            "revisions stored without a token"
        },
    )
    digest = fields.String(metadata={"description": "sha256 of the revision's chart archive"})


class RevisionListSchema(ma.Schema):
    """A topology's history, oldest first."""

    name = fields.String()
    items = fields.List(fields.Nested(RevisionSummarySchema))


class ValidationResultSchema(ma.Schema):
    """``POST /validate`` of a valid document."""

    valid = fields.Boolean()
    warnings = fields.List(fields.Nested(FieldErrorSchema))


#: Topologies per page unless ``page_size`` says otherwise, and the most it may say.
DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 20, 100

#: The highest page number asked for (keeps the offset a small integer on every database).
MAX_PAGE = 1_000_000

#: The highest revision number there can be (an SQL ``INTEGER``).
MAX_REVISION = 2**31 - 1


class QueryInteger(fields.Integer):
    """A whole number written in ASCII digits only: Python's ``int`` also reads
    ``1_0`` (10), ``+5``, `` 5`` and other scripts' digits (``１``), which a URL
    should not mean."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and not (value.isascii() and value.isdigit()):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


def _whole(low: int, high: int, **kwargs) -> fields.Integer:
    """A query parameter that is a whole number from ``low`` to ``high``, with
    messages a person can act on."""
    return QueryInteger(
        validate=ma.validate.Range(min=low, max=high, error=f"must be from {low} to {high}"),
        error_messages={
            "invalid": f"must be a whole number from {low} to {high}",
            "required": "is required",
        },
        **kwargs,
    )


class QueryArgsSchema(ma.Schema):
    """Query parameters: a name the path does not take is a 422 naming the nearest one
    it does (``?revison=1`` must not quietly answer the current revision, as a typo in
    a document is never dropped either)."""

    @ma.validates_schema(pass_original=True, skip_on_field_errors=False)
    def _reject_unknown(self, data, original_data, **kwargs):
        if not isinstance(original_data, Mapping):
            return
        known = sorted(field.data_key or name for name, field in self.load_fields.items())
        errors = {}
        for key in original_data:
            given = len(original_data.getlist(key)) if hasattr(original_data, "getlist") else 1
            if given > 1 and key in known:  # webargs would take the first and drop the rest
                errors[key] = [f"is given {given} times: give it once"]
            elif key not in known:
                hint = did_you_mean(str(key).lower(), known)  # the names are lower case
                errors[key] = [
                    f"is not a query parameter of this path{hint} "
                    f"It takes: {', '.join(known) or 'none'}"
                ]
        if errors:
            raise ma.ValidationError(errors)


class ListArgsSchema(QueryArgsSchema):
    """Query parameters of ``GET /topologies``."""

    page = _whole(1, MAX_PAGE, load_default=1)
    page_size = _whole(1, MAX_PAGE_SIZE, load_default=DEFAULT_PAGE_SIZE)


class RevisionArgsSchema(QueryArgsSchema):
    """Query parameter ``revision``: an older revision than the current one."""

    revision = _whole(1, MAX_REVISION, load_default=None)


class DiffArgsSchema(QueryArgsSchema):
    """Query parameters of ``GET /topologies/{name}/diff``: two revision numbers."""

    from_ = _whole(1, MAX_REVISION, data_key="from", required=True)
    to = _whole(1, MAX_REVISION, required=True)


class DeletedItemSchema(ma.Schema):
    """What a ``DELETE`` removed."""

    name = fields.String()
    revisions = fields.List(fields.Integer(), metadata={"description": "revision numbers"})
    charts = fields.List(
        fields.String(), metadata={"description": "chart archives, e.g. shop-0.1.0.tgz"}
    )


class DeletedSchema(ma.Schema):
    """The body of ``DELETE /topologies/{name}``."""

    deleted = fields.Nested(DeletedItemSchema)


class FieldChangeSchema(ma.Schema):
    """One field added, removed or changed between two revisions."""

    path = fields.List(fields.Raw())
    field = fields.String()
    old = fields.Raw(metadata={"description": "removed and changed fields"})
    new = fields.Raw(metadata={"description": "added and changed fields"})


class DocumentChangesSchema(ma.Schema):
    """The document's changes, each list in document order."""

    added = fields.List(fields.Nested(FieldChangeSchema))
    removed = fields.List(fields.Nested(FieldChangeSchema))
    changed = fields.List(fields.Nested(FieldChangeSchema))


class FileDiffSchema(ma.Schema):
    """One chart file that differs."""

    path = fields.String(metadata={"description": "relative to the chart root"})
    status = fields.String(metadata={"description": "added, removed or changed"})
    diff = fields.String(metadata={"description": "unified diff"})


class RevisionRefSchema(ma.Schema):
    """A revision named in a diff."""

    revision = fields.Integer()
    chartVersion = fields.String()


class DiffSchema(ma.Schema):
    """``GET /topologies/{name}/diff``."""

    name = fields.String()
    from_ = fields.Nested(RevisionRefSchema, data_key="from")
    to = fields.Nested(RevisionRefSchema)
    document = fields.Nested(DocumentChangesSchema)
    files = fields.List(fields.Nested(FileDiffSchema))
