"""Request bodies: those that carry a topology document, and the JSON bodies that
webargs reads for flask-smorest (:class:`StrictBlueprint`).

The one path from bytes to a valid document: the content type must be JSON or
YAML (415 otherwise), :func:`svcgen.topology.parse_document` parses it (400),
:func:`svcgen.topology.validate_topology` checks every rule (422). Nothing else
validates a document.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from flask import current_app, request
from flask_smorest import Blueprint
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import RequestEntityTooLarge, UnsupportedMediaType

from ..errors import BodyMalformed, FieldError, TopologyInvalid, shown
from ..topology import ValidatedTopology, json_object, parse_document, validate_topology
from .apidoc import DOCUMENT_TYPES, SERVER_PROPERTIES

#: How much larger than ``MAX_CONTENT_LENGTH`` a document may grow once its YAML
#: aliases are expanded.
EXPANSION_FACTOR = 4


class StrictJSONParser(FlaskParser):
    """webargs' Flask parser, refusing a JSON body whose object names a key twice
    (``{"role": "reader", "role": "admin"}``), as topology bodies do, instead of
    keeping the last silently, and a body that is not JSON with a 415 (webargs
    would read it as no body at all: "missing data" for fields that were sent)."""

    def _raw_load_json(self, req):
        if not is_json_request(req):
            raise UnsupportedMediaType(
                f"the body must be JSON: send it with Content-Type: application/json, "
                f"not {req.mimetype or 'none'}"
            )
        refuse_encoded_body()
        try:
            return json.loads(req.get_data(cache=True), object_pairs_hook=json_object)
        except (ValueError, UnicodeDecodeError) as exc:  # JSONDecodeError, 4300+ digits
            raise BodyMalformed(f"the body is not valid JSON: {shown(str(exc))}") from None


class StrictBlueprint(Blueprint):
    """A flask-smorest blueprint whose ``@blp.arguments`` read JSON with
    :class:`StrictJSONParser`."""

    ARGUMENTS_PARSER = StrictJSONParser()


def refuse_encoded_body() -> None:
    """Compressed request bodies are not read (RFC 9110 15.5.16: 415).

    :raises UnsupportedMediaType: the request has a ``Content-Encoding`` other than
        ``identity`` (or none).
    """
    encoding = (request.content_encoding or "").strip().lower() or "identity"
    if encoding != "identity":
        raise UnsupportedMediaType(
            f"Content-Encoding {shown(encoding)} is not supported: send the body uncompressed"
        )


def read_document() -> dict:
    """Parse the current request's body.

    :returns: the parsed mapping (not yet validated).
    :raises UnsupportedMediaType: the ``Content-Type`` is not one of
        :data:`~svcgen.api.apidoc.DOCUMENT_TYPES`, or the body has a
        ``Content-Encoding`` (compressed bodies are not read; RFC 9110 15.5.16).
    :raises werkzeug.exceptions.RequestEntityTooLarge: the body is larger than
        ``MAX_CONTENT_LENGTH``, or its expanded document more than
        :data:`EXPANSION_FACTOR` times that.
    :raises BodyMalformed: the body is not JSON or YAML, or not a mapping.
    """
    if request.mimetype not in DOCUMENT_TYPES:
        given = request.mimetype or "no Content-Type"
        raise UnsupportedMediaType(
            f"send the topology as {', '.join(DOCUMENT_TYPES)}; {given} is not supported"
        )
    refuse_encoded_body()
    data = _read_body(current_app.config.get("MAX_CONTENT_LENGTH"))
    try:
        document = parse_document(data, request.mimetype)
    except RecursionError:
        raise BodyMalformed("the body is nested too deeply to be a topology document") from None
    limit = EXPANSION_FACTOR * (current_app.config.get("MAX_CONTENT_LENGTH") or len(data))
    if expanded_size(document, limit) > limit:
        raise RequestEntityTooLarge(
            f"the document is larger than {limit} bytes once its YAML aliases are expanded"
        )
    return document


def _read_body(limit: int | None) -> bytes:
    """The raw body, at most ``limit`` bytes.

    Werkzeug refuses a ``Content-Length`` above the limit, but cuts a chunked body
    (no ``Content-Length``; gunicorn sets ``wsgi.input_terminated``) silently at the
    limit, so that stream is read here one byte past the limit instead.

    :raises RequestEntityTooLarge: the body is larger than ``limit``.
    """
    if request.content_length is not None or not request.environ.get("wsgi.input_terminated"):
        return request.get_data(cache=False)
    data = request.environ["wsgi.input"].read(limit + 1 if limit else -1)
    if limit and len(data) > limit:
        raise RequestEntityTooLarge(f"the body is larger than {limit} bytes")
    return data


def expanded_size(document: object, limit: int) -> int:
    """A rough size of ``document`` with every YAML alias written out in full: the
    length of each string plus one per other value, key or item.

    A small YAML body can name one large string thousands of times (``*a``);
    everything downstream (validation, storage as JSON, rendering) would then
    pay for the expanded document. Counting stops as soon as ``limit`` is passed.

    :param document: a parsed document.
    :param limit: where to stop counting.
    :returns: the size, or a number above ``limit``.
    """
    size, pending = 0, [document]
    while pending and size <= limit:
        value = pending.pop()
        if isinstance(value, str):
            size += len(value) + 1
        elif isinstance(value, dict):
            size += 1
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            size += 1
            pending.extend(value)
        else:
            size += 1
    return size


#: Keys a ``GET`` answer carries beside the document, which the server sets: a body
#: sent back with them (GET, edit, PUT) has them dropped, as Kubernetes drops
#: ``status`` and ``creationTimestamp`` from a resource sent back to it.
READ_ONLY_KEYS = tuple(key for key in SERVER_PROPERTIES if key != "chartVersion")


def read_valid_document(
    *, name: str | None = None, server_chose: Callable[[str], bool] | None = None
) -> ValidatedTopology:
    """Parse and validate the current request's body, without :data:`READ_ONLY_KEYS`.

    :param name: when given, the document's ``name`` must be this (the name in
        the URL of a ``PUT``); a mismatch is reported with the other problems.
    :param server_chose: for a ``PUT``, tells whether a ``chartVersion`` is one the
        server chose for a revision of this topology (:func:`svcgen.history.server_chose`):
        the body then sets none, as it is a ``GET`` answer's ``chartVersion`` sent back.
    :returns: the validated document with its warnings.
    :raises TopologyInvalid: with every problem, the name mismatch included.
    :raises: as :func:`read_document`.
    """
    document = read_document()
    for key in READ_ONLY_KEYS:
        document.pop(key, None)
    version = document.get("chartVersion")
    if server_chose is not None and isinstance(version, str) and server_chose(version):
        del document["chartVersion"]
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
