"""The one YAML emitter of svcgen's charts (ruamel.yaml), for ``values.yaml`` and ``Chart.yaml``.

Every string that a YAML 1.1 or 1.2 reader could take for something else is
double-quoted, so what a user gave comes back from Helm exactly as given.

ruamel.yaml's emitter writes the text (indentation, quoting and escaping,
comments); this module hands it the stream of YAML *events* of plain data
directly (``YAML.emit``), the layer below ``YAML.dump``. Building a
``CommentedMap`` tree and running it through ruamel's round-trip representer,
serializer and resolver cost about three quarters of a render of a large
topology (a Tag object and two resolver look-ups per scalar, for data whose
style this module decides anyway); the events are those ``dump`` produced, and
the text is byte for byte the same (``tests/test_values.py`` and the goldens).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from io import StringIO

from ruamel.yaml import YAML
from ruamel.yaml.emitter import RoundTripEmitter
from ruamel.yaml.error import CommentMark
from ruamel.yaml.events import (
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from ruamel.yaml.tag import Tag
from ruamel.yaml.tokens import CommentToken

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_YAML11_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})

_STR = Tag(suffix="tag:yaml.org,2002:str")
_MAP = Tag(suffix="tag:yaml.org,2002:map")
_SEQ = Tag(suffix="tag:yaml.org,2002:seq")
_BOOL = Tag(suffix="tag:yaml.org,2002:bool")
_INT = Tag(suffix="tag:yaml.org,2002:int")
_NULL = Tag(suffix="tag:yaml.org,2002:null")
#: ``implicit`` of a plain string, of a double-quoted one, of an int or bool.
_AS_PLAIN, _AS_QUOTED, _AS_TYPED = (True, True, True), (False, True, True), (True, False, True)


def _is_plain(value: str) -> bool:
    """True when no YAML 1.1 or 1.2 reader takes ``value``, unquoted, for anything
    but that string."""
    return _PLAIN.fullmatch(value) is not None and value.lower() not in _YAML11_WORDS


def _one_line(text: str) -> str:
    """``text`` on one line: unprintable characters become spaces, runs of
    spaces one space."""
    if not text.isprintable():
        text = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(text.split())


class _Emitter(RoundTripEmitter):
    """Writes keys of up to 512 characters (annotation keys reach 317) as plain
    ``key: value``, not as the ``? key`` form ruamel uses past 128; YAML
    readers take implicit keys of up to 1024 characters (YAML 1.2, 7.4.2)."""

    MAX_SIMPLE_KEY_LENGTH = 512


class _YAML(YAML):
    """ruamel.yaml's ``YAML``, without plug-ins: its constructor looks for them by
    listing its package's folders on every instance (``official_plug_ins``), 37 µs of
    an instance's 39 µs, and one is made per ``values.yaml`` block. svcgen uses none."""

    def official_plug_ins(self) -> list:
        """No plug-ins (ruamel.yaml's own doc: list any explicitly with ``plug_ins=``)."""
        return []


def _yaml() -> YAML:
    yaml = _YAML()
    yaml.Emitter = _Emitter
    yaml.width = 1 << 20
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


@cache
def _other_scalar(kind: type, text: str) -> tuple:
    """Tag, implicit flags, text and style of a scalar that is not a str, int, bool
    or ``None`` (a float), exactly as ruamel.yaml's round-trip ``dump`` writes it."""
    yaml = _yaml()
    node = yaml.representer.represent_data(kind(text))
    detected = yaml.resolver.resolve(ScalarNode, node.value, (True, False))
    default = yaml.resolver.resolve(ScalarNode, node.value, (False, True))
    implicit = (node.ctag == detected, node.ctag == default, True)
    return node.ctag, implicit, node.value, node.style


def _scalar_event(value, comment=None) -> ScalarEvent:
    if isinstance(value, str):
        if _is_plain(value) and not isinstance(value, DoubleQuotedScalarString):
            return ScalarEvent(None, _STR, _AS_PLAIN, value, comment=comment)
        return ScalarEvent(None, _STR, _AS_QUOTED, value, style='"', comment=comment)
    if isinstance(value, bool):
        return ScalarEvent(None, _BOOL, _AS_TYPED, "true" if value else "false", comment=comment)
    if isinstance(value, int):
        return ScalarEvent(None, _INT, _AS_TYPED, str(value), comment=comment)
    if value is None:  # as the round-trip representer writes None inside a collection
        return ScalarEvent(None, _NULL, _AS_TYPED, "", comment=comment)
    tag, implicit, text, style = _other_scalar(type(value), repr(value))
    return ScalarEvent(None, tag, implicit, text, style=style, comment=comment)


def _events(value, path: tuple, comment, column: int, out: list) -> None:
    """Append the events of ``value`` (plain data) to ``out``: comments above map
    keys, block style, ``{}`` and ``[]`` for empty collections."""
    if isinstance(value, dict):
        out.append(MappingStartEvent(None, _MAP, True, flow_style=not value))
        for key, item in value.items():
            note = None
            if comment is not None:
                text = "# " + _one_line(comment(path, key)) + "\n"
                note = [None, [CommentToken(text, CommentMark(column))]]
            out.append(_scalar_event(key, note))
            _events(item, (*path, key), comment, column + 2, out)
        out.append(MappingEndEvent())
    elif isinstance(value, list):
        out.append(SequenceStartEvent(None, _SEQ, True, flow_style=not value))
        for index, item in enumerate(value):
            _events(item, (*path, index), comment, column + 2, out)
        out.append(SequenceEndEvent())
    else:
        out.append(_scalar_event(value))


def dump_yaml(data: dict, comment: Callable[[tuple, str], str] | None = None) -> str:
    """YAML text of plain data (dicts, lists, str, int, bool), two-space indent,
    no line folding, strings double-quoted when :func:`_is_plain` says a reader could take them for
    something else.

    :param data: the mapping to write; key order is kept.
    :param comment: ``comment(path, key)`` gives the line written above ``key`` of
        the map at ``path`` (keys and list indices from the root); None: no comments.
    :returns: the text, ending with a newline.
    """
    events = [StreamStartEvent(), DocumentStartEvent()]
    _events(data, (), comment, 0, events)
    events += [DocumentEndEvent(), StreamEndEvent()]
    stream = StringIO()
    _yaml().emit(events, stream)
    return stream.getvalue()
