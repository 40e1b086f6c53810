"""Entry points of the core: parse a document, validate it, name its chart version.

This module is what the API and the CLI call; both get the same answers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import yaml

from .errors import BodyMalformed, FieldError

#: The default Kubernetes ``--service-node-port-range`` (kube-apiserver
#: ``DefaultServiceNodePortRange``: base 30000, size 2768).
DEFAULT_NODE_PORT_RANGE = (30000, 32767)


@dataclass(frozen=True)
class ValidatedTopology:
    """A topology document that passed every rule.

    :param document: the document exactly as the user gave it (camelCase keys,
        nothing defaulted); this is what is stored and what render reads.
    :param warnings: legal-but-unusual choices, each a :class:`FieldError`.
    """

    document: dict
    warnings: list[FieldError] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The topology's ``name``, which is also the chart's name."""
        return self.document["name"]


def json_type(value: object) -> str:
    """The JSON name of a parsed value's type (``null``, ``boolean``, ``number``,
    ``string``, ``array``, ``object``), for messages a person reads."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "a mapping" if isinstance(value, dict) else type(value).__name__


def _json_object(pairs: list[tuple[str, object]]) -> dict:
    """A JSON object that names no key twice (JSON allows it; svcgen drops nothing silently)."""
    result: dict = {}
    for key, value in pairs:
        if key in result:
            raise BodyMalformed(f"the key {key!r} appears twice in one object; keep one")
        result[key] = value
    return result


class _StrictYamlLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing a mapping that names a key twice."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # '<<' merge keys are flattened by the base class
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, list | dict):
                continue  # the base class reports unhashable keys
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"the key {key!r} appears twice in one mapping; keep one",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def parse_document(data: bytes | str, content_type: str | None = None) -> dict:
    """Parse a request body or file into a mapping.

    :param data: the raw body.
    :param content_type: a media type; ``application/json`` (or ``+json``)
        parses as JSON, anything else as YAML, which is a superset of JSON.
    :returns: the parsed mapping.
    :raises BodyMalformed: the text is not JSON or YAML, or its top level is
        not a mapping.
    """
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise BodyMalformed(
                f"the document is not UTF-8 text: {exc.reason} at byte {exc.start}"
            ) from None
    data = data.removeprefix("\ufeff")
    media = (content_type or "").split(";")[0].strip().lower()
    if media == "application/json" or media.endswith("+json"):
        try:
            doc = json.loads(data, object_pairs_hook=_json_object)
        except json.JSONDecodeError as exc:
            raise BodyMalformed(
                f"the document is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
            ) from None
    else:
        try:
            doc = yaml.load(data, Loader=_StrictYamlLoader)  # noqa: S506 - a SafeLoader
        except yaml.YAMLError as exc:
            raise BodyMalformed(f"the document is not valid YAML: {exc}") from None
    if not isinstance(doc, dict):
        raise BodyMalformed(
            "the document must be a topology: a JSON object or YAML mapping "
            f"with at least 'name' and 'components', not {json_type(doc)}"
        )
    return doc


def chart_version_for(document: dict, revision: int) -> str:
    """The chart ``version`` of a revision: the document's ``chartVersion`` if set,
    else ``0.<revision>.0`` (DESIGN section 4).

    :param document: a validated topology document.
    :param revision: the revision number, 1 for the first stored document and
        for a chart rendered without storing.
    """
    return document.get("chartVersion") or f"0.{revision}.0"


def validate_topology(
    document: dict, *, node_port_range: tuple[int, int] = DEFAULT_NODE_PORT_RANGE
) -> ValidatedTopology:
    """Validate a parsed topology document against every rule of DESIGN section 2.

    :param document: a mapping from :func:`parse_document`.
    :param node_port_range: the cluster's ``--service-node-port-range``, inclusive.
    :returns: the document unchanged, with its warnings.
    :raises TopologyInvalid: with one :class:`FieldError` per problem.
    """
    from .rules import validate  # the schemas and cross-component rules

    return validate(document, node_port_range=node_port_range)
