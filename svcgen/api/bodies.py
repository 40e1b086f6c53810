"""Request bodies that carry a topology document.

The one path from bytes to a valid document: the content type must be JSON or
YAML (415 otherwise), :func:`svcgen.topology.parse_document` parses it (400),
:func:`svcgen.topology.validate_topology` checks every rule (422). Nothing else
validates a document.
"""

from __future__ import annotations

from flask import current_app, request
from werkzeug.exceptions import UnsupportedMediaType

from ..errors import BodyMalformed, FieldError, TopologyInvalid
from ..topology import ValidatedTopology, parse_document, validate_topology
from .apidoc import DOCUMENT_TYPES


def read_document() -> dict:
    """Parse the current request's body.

    :returns: the parsed mapping (not yet validated).
    :raises UnsupportedMediaType: the ``Content-Type`` is not one of
        :data:`~svcgen.api.apidoc.DOCUMENT_TYPES`.
    :raises werkzeug.exceptions.RequestEntityTooLarge: the body is larger than
        ``MAX_CONTENT_LENGTH``.
    :raises BodyMalformed: the body is not JSON or YAML, or not a mapping.
    """
    if request.mimetype not in DOCUMENT_TYPES:
        given = request.mimetype or "no Content-Type"
        raise UnsupportedMediaType(
            f"send the topology as {', '.join(DOCUMENT_TYPES)}; {given} is not supported"
        )
    data = request.get_data(cache=False)
    try:
        return parse_document(data, request.mimetype)
    except RecursionError:
        raise BodyMalformed("the body is nested too deeply to be a topology document") from None


def read_valid_document(*, name: str | None = None) -> ValidatedTopology:
    """Parse and validate the current request's body.

    :param name: when given, the document's ``name`` must be this (the name in
        the URL of a ``PUT``); a mismatch is reported with the other problems.
    :returns: the validated document with its warnings.
    :raises TopologyInvalid: with every problem, the name mismatch included.
    :raises: as :func:`read_document`.
    """
    document = read_document()
    problems: list[FieldError] = []
    validated = None
    try:
        validated = validate_topology(
            document, node_port_range=tuple(current_app.config["NODE_PORT_RANGE"])
        )
    except TopologyInvalid as exc:
        problems.extend(exc.errors)
    if name is not None and document.get("name") != name and not _reported(problems, "name"):
        problems.insert(
            0,
            FieldError(
                ("name",),
                f"must be {name!r}, the name in the URL: a topology cannot be renamed "
                "(create the new name with POST and delete the old one)",
            ),
        )
    if problems:
        raise TopologyInvalid(problems)
    return validated


def _reported(problems: list[FieldError], field: str) -> bool:
    return any(problem.path == (field,) for problem in problems)
