"""Entry points of the core: parse a document, validate it, name its chart version.

This module is what the API and the CLI call; both get the same answers.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field

import yaml

from .errors import BodyMalformed, FieldError, json_type, shown

#: The default Kubernetes ``--service-node-port-range`` (kube-apiserver
#: ``DefaultServiceNodePortRange``: base 30000, size 2768).
DEFAULT_NODE_PORT_RANGE = (30000, 32767)

#: How deep a document may nest (a topology needs about 8 levels: components, a
#: component, probes, readiness, httpGet, path); deeper bodies are refused (400)
#: before they reach the recursive parts of YAML construction and validation.
MAX_DEPTH = 32

#: How many YAML aliases (``*name``) a document may use. What the aliases expand
#: to is limited as well, by size (``svcgen.api.bodies.expanded_size``: 413).
MAX_ALIASES = 1000

#: The most digits a whole number may have. No field needs more than 20 (Helm's
#: uint64); beyond this, numbers are refused (400) before anything formats them.
MAX_DIGITS = 100


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


def json_object(pairs: list[tuple[str, object]]) -> dict:
    """A JSON object that names no key twice (JSON allows it; svcgen drops nothing
    silently): ``json.loads(..., object_pairs_hook=json_object)``.

    :raises BodyMalformed: a key appears twice in one object.
    """
    result: dict = {}
    for key, value in pairs:
        if key in result:
            raise BodyMalformed(f"the key {key!r} appears twice in one object; keep one")
        result[key] = value
    return result


class _StrictYamlLoader(yaml.SafeLoader):
    """PyYAML's safe loader (no Python objects, only YAML's standard types), refusing
    a mapping that names a key twice, nesting deeper than :data:`MAX_DEPTH`, more
    than :data:`MAX_ALIASES` aliases, an alias inside its own anchor (a document that
    contains itself) and numbers YAML 1.1 and 1.2 read differently."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0
        self._open_anchors: list[str] = []  # of the collections being composed

    def construct_yaml_int(self, node):
        text = self.construct_scalar(node)  # "expected a scalar node" for !!int [1]
        if len(text.lstrip("+-")) > MAX_DIGITS:
            raise BodyMalformed(_too_many_digits())
        if not _DECIMAL.fullmatch(text):
            if not _YAML11_INT.fullmatch(text):  # only a tag makes it an int: !!int abc
                raise BodyMalformed(
                    f"the value {shown(text)}{_at(node.start_mark)} is tagged !!int but is not "
                    "a whole number: remove the tag, or write the number"
                )
            raise BodyMalformed(_yaml11_number(text, node))
        return int(text)  # plain decimal: what PyYAML's own constructor would make of it

    def construct_yaml_float(self, node):
        text = self.construct_scalar(node)
        if ":" in text or "_" in text:  # YAML 1.1's base 60 (1:30.5) and 1_0.5
            raise BodyMalformed(_yaml11_number(text, node))
        return super().construct_yaml_float(node)

    def construct_yaml_str(self, node):
        value = super().construct_yaml_str(node)
        if node.style is None and _LEADING_ZERO.fullmatch(value):  # 08: a string in 1.1
            raise BodyMalformed(_yaml11_number(value, node))
        return value

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise BodyMalformed(
                    f"the document uses more than {MAX_ALIASES} YAML aliases (*name); "
                    "write the values out"
                )
            if event.anchor in self._open_anchors:
                raise BodyMalformed(
                    f"the YAML alias *{event.anchor[:40]}{_at(event.start_mark)} is inside the "
                    f"value its anchor &{event.anchor[:40]} names: a document cannot contain itself"
                )
        opens = isinstance(event, yaml.CollectionStartEvent) and event.anchor is not None
        if opens:
            self._open_anchors.append(event.anchor)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise BodyMalformed(_too_deep())
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1
            if opens:
                self._open_anchors.pop()

    def construct_mapping(self, node, deep=False):
        seen: dict = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # '<<' merge keys are flattened by the base class
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, list | dict | set):
                continue  # the base class reports unhashable keys
            if key in seen:
                spelled = shown(key) if isinstance(key, str) else json.dumps(key, default=str)
                raise BodyMalformed(
                    f"the document is not valid YAML: the key {spelled} appears twice in one "
                    f"mapping,{_at(seen[key])} and{_at(key_node.start_mark)}; keep one"
                )
            seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)


_StrictYamlLoader.add_constructor("tag:yaml.org,2002:int", _StrictYamlLoader.construct_yaml_int)
_StrictYamlLoader.add_constructor("tag:yaml.org,2002:float", _StrictYamlLoader.construct_yaml_float)
_StrictYamlLoader.add_constructor("tag:yaml.org,2002:str", _StrictYamlLoader.construct_yaml_str)


#: A whole number as YAML 1.1 and 1.2 readers both read it: decimal, no leading zero.
_DECIMAL = re.compile(r"[-+]?(0|[1-9][0-9]*)")
#: PyYAML's (YAML 1.1) int forms: binary, octal, decimal, hexadecimal, base 60.
_YAML11_INT = re.compile(
    r"[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+"
    r"|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+"
)
#: Digits after a leading zero that YAML 1.1 leaves a string (08, 0089) and YAML 1.2
#: reads as a number.
_LEADING_ZERO = re.compile(r"[-+]?0[0-9]+")


def _yaml11_number(text: str, node) -> str:
    """The message of a number YAML 1.1 and 1.2 readers read differently."""
    advice = "quote it if it is text" if node.style is None else "drop the tag"
    return (
        f"the number {shown(text)}{_at(node.start_mark)} is written in a YAML 1.1 form (octal, "
        "hexadecimal, binary, base 60, with underscores or leading zeros) that YAML 1.2 readers "
        f"take differently: write it in decimal without leading zeros, or {advice}"
    )


def _too_many_digits() -> str:
    return f"a whole number in the document has more than {MAX_DIGITS} digits"


def _at(mark) -> str:
    """`` at line L column C`` of a PyYAML mark (counted from 1, as JSON's errors count)."""
    return f" at line {mark.line + 1} column {mark.column + 1}" if mark is not None else ""


def _json_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise BodyMalformed(_too_many_digits())
    return int(text)


def _no_constant(name: str):
    raise BodyMalformed(f"the document is not valid JSON: {name} is not a JSON number")


def _short(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    if "integer string conversion" in text:
        return f"a whole number has more than {sys.get_int_max_str_digits()} digits"
    return text if len(text) <= 200 else text[:200] + "..."


def _too_deep() -> str:
    return f"the document nests more than {MAX_DEPTH} levels deep; a topology needs fewer than 10"


def _depth_exceeds(value: object, limit: int) -> bool:
    """Whether ``value`` nests lists and mappings more than ``limit`` levels deep
    (counted without recursion)."""
    pending = [(value, 1)]
    while pending:
        node, depth = pending.pop()
        if depth > limit:
            return True
        if isinstance(node, dict):
            pending.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, list):
            pending.extend((child, depth + 1) for child in node)
    return False


def parse_document(data: bytes | str, content_type: str | None = None) -> dict:
    """Parse a request body or file into a mapping.

    :param data: the raw body.
    :param content_type: a media type; ``application/json`` (or ``+json``)
        parses as JSON, anything else as YAML, which is a superset of JSON.
    :returns: the parsed mapping.
    :raises BodyMalformed: the text is not JSON or YAML, its top level is not a
        mapping, it nests deeper than :data:`MAX_DEPTH` or uses more than
        :data:`MAX_ALIASES` YAML aliases.
    """
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise BodyMalformed(
                f"the document is not UTF-8 text: {exc.reason} at byte {exc.start}"
            ) from None
    data = data.removeprefix("\ufeff")
    if not data.strip():
        raise BodyMalformed(f"the document is empty: send {_TOPOLOGY_IS}")
    media = (content_type or "").split(";")[0].strip().lower()
    if media == "application/json" or media.endswith("+json"):
        try:
            doc = json.loads(
                data,
                object_pairs_hook=json_object,
                parse_constant=_no_constant,
                parse_int=_json_int,
            )
        except json.JSONDecodeError as exc:
            problem = exc.msg.removesuffix(" at")  # "Unterminated string starting at"
            raise BodyMalformed(
                f"the document is not valid JSON: {problem} at line {exc.lineno} column "
                f"{exc.colno}{_yaml_hint(data, exc.pos)}"
            ) from None
        except ValueError as exc:  # an integer of more than 4300 digits (int_max_str_digits)
            raise BodyMalformed(f"the document is not valid JSON: {_short(exc)}") from None
        except RecursionError:
            raise BodyMalformed(_too_deep()) from None
        if _depth_exceeds(doc, MAX_DEPTH):
            raise BodyMalformed(_too_deep())
    else:
        try:
            doc = yaml.load(data, Loader=_StrictYamlLoader)  # noqa: S506 - a SafeLoader
        except yaml.YAMLError as exc:
            raise BodyMalformed(
                f"the document is not valid YAML: {yaml_problem(exc, data)}"
            ) from None
        except (ValueError, TypeError, AttributeError, KeyError, OverflowError) as exc:
            # PyYAML's constructors raise these for a value its tag cannot hold: a date
            # such as 2026-13-45, an integer of more than 4300 digits, !!bool maybe
            raise BodyMalformed(
                f"the document is not valid YAML: a value cannot be read ({_short(exc)})"
            ) from None
    if doc is None:  # YAML of comments only, or null
        raise BodyMalformed(f"the document is empty (null): send {_TOPOLOGY_IS}")
    if not isinstance(doc, dict):
        raise BodyMalformed(
            f"the document must be a topology: {_TOPOLOGY_IS}, not {json_type(doc)}"
        )
    return doc


#: What a document must be, for the messages of one that is not.
_TOPOLOGY_IS = "a JSON object or YAML mapping with at least 'name' and 'components'"


def yaml_problem(exc: yaml.YAMLError, text: str | None = None) -> str:
    """PyYAML's error as one line a person can act on: what is wrong and where.

    PyYAML's own text spans several lines and names the input ``"<unicode string>"``
    and quotes the source around the mark; this keeps what it was doing
    (``while parsing a flow node``), the problem and its 1-based line and column, as
    JSON's errors give them.

    :param exc: an error of ``yaml.load``.
    :param text: the text that was parsed, to place a character the reader refused
        (PyYAML gives only its offset).
    :returns: e.g. ``mapping values are not allowed here at line 2 column 6``.
    """
    if isinstance(exc, yaml.reader.ReaderError):  # a control character, e.g. NUL or ESC
        where = ""
        if text is not None and 0 <= exc.position <= len(text):
            line = text.count("\n", 0, exc.position) + 1
            column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
            where = f" at line {line} column {column}"
        return (
            f"the character U+{exc.character:04X} is not allowed in YAML{where}: remove it, "
            "or write it as an escape inside double quotes"
        )
    if not isinstance(exc, yaml.MarkedYAMLError):
        return _short(exc)
    problem = (exc.problem or "cannot be read").replace("'<stream end>'", "the end of the document")
    problem += _at(exc.problem_mark)
    if not exc.context:
        return problem
    context = exc.context
    if exc.context_mark is not None and (
        exc.problem_mark is None
        or (exc.context_mark.line, exc.context_mark.column)
        != (exc.problem_mark.line, exc.problem_mark.column)
    ):
        context += _at(exc.context_mark)
    return f"{context}: {problem}"


def _yaml_hint(text: str, position: int) -> str:
    """For a body sent as JSON that is not JSON: a hint to send it as YAML when JSON
    failed at its first character, which is not one JSON starts with, and YAML reads it
    as a mapping (its first events only: the whole body is not parsed twice).

    :param text: the body.
    :param position: where JSON's parser failed (``JSONDecodeError.pos``).
    :returns: ``; the body reads as YAML: ...``, or nothing.
    """
    first = len(text) - len(text.lstrip())
    if position != first or text[first : first + 1] in ("{", "[", '"'):
        return ""
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.MappingStartEvent):
                return "; the body reads as YAML: send it as YAML (Content-Type: application/yaml)"
            if isinstance(event, yaml.NodeEvent):
                return ""  # a scalar or a list first: not a topology either way
    except yaml.YAMLError:
        return ""
    return ""


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
