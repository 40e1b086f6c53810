"""The one YAML emitter of svcgen's charts (ruamel.yaml), for ``values.yaml`` and ``Chart.yaml``.

Every string that a YAML 1.1 or 1.2 reader could take for something else is
double-quoted, so what a user gave comes back from Helm exactly as given.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from io import StringIO

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.emitter import RoundTripEmitter
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_YAML11_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})


def _scalar(value):
    """``value``, double-quoted when a YAML 1.1 or 1.2 reader could take it for
    anything but a string (``yes``, ``0123``, ``6.10``, ``~``, ``null``...)."""
    if not isinstance(value, str):
        return value
    if _PLAIN.fullmatch(value) and value.lower() not in _YAML11_WORDS:
        return value
    return DoubleQuotedScalarString(value)


def _one_line(text: str) -> str:
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def _commented(value, path: tuple, comment, column: int):
    """ruamel.yaml nodes of plain data, with comments above map keys."""
    if isinstance(value, dict):
        node = CommentedMap()
        for key, item in value.items():
            node[_scalar(key)] = _commented(item, (*path, key), comment, column + 2)
            if comment is not None:
                text = _one_line(comment(path, key))
                node.yaml_set_comment_before_after_key(_scalar(key), before=text, indent=column)
        return node
    if isinstance(value, list):
        items = (_commented(v, (*path, i), comment, column + 2) for i, v in enumerate(value))
        return CommentedSeq(items)
    return _scalar(value)


class _Emitter(RoundTripEmitter):
    """Writes keys of up to 512 characters (annotation keys reach 317) as plain
    ``key: value``, not as the ``? key`` form ruamel uses past 128; YAML
    readers take implicit keys of up to 1024 characters (YAML 1.2, 7.4.2)."""

    MAX_SIMPLE_KEY_LENGTH = 512


def dump_yaml(data: dict, comment: Callable[[tuple, str], str] | None = None) -> str:
    """YAML text of plain data (dicts, lists, str, int, bool), two-space indent,
    no line folding, strings quoted by :func:`_scalar`.

    :param data: the mapping to write; key order is kept.
    :param comment: ``comment(path, key)`` gives the line written above ``key`` of
        the map at ``path`` (keys and list indices from the root); None: no comments.
    :returns: the text, ending with a newline.
    """
    yaml = YAML()
    yaml.Emitter = _Emitter
    yaml.width = 1 << 20
    yaml.indent(mapping=2, sequence=4, offset=2)
    stream = StringIO()
    yaml.dump(_commented(data, (), comment, 0), stream)
    return stream.getvalue()
