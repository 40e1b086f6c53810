"""Names derived from component names: values keys and environment variable names.

These are the only topology-derived strings that may appear in chart template
text, and only because :func:`values_key` yields ``[a-z][a-zA-Z0-9]*`` from a
valid DNS-1035 label; everything else a user gives travels through values.yaml.
"""

from __future__ import annotations

import re

#: Top-level values keys the chart owns; a component may not map onto one (DESIGN section 4).
RESERVED_VALUES_KEYS = frozenset(
    {"global", "nameOverride", "fullnameOverride", "networkPolicy", "commonLabels"}
)

_VALUES_KEY = re.compile(r"^[a-z][a-zA-Z0-9]*$")


def values_key(component_name: str) -> str:
    """The camelCase values key of a component: split on ``-``, drop empty parts,
    capitalise every part after the first (``orders-db`` -> ``ordersDb``,
    ``a--b`` -> ``aB``), as Helm's best practices ask of values names.

    :param component_name: a component name (DNS-1035 label).
    :returns: the key; for a valid name it matches ``[a-z][a-zA-Z0-9]*``.
    """
    parts = [p for p in component_name.split("-") if p]
    if not parts:
        return ""
    return parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])


def is_safe_values_key(key: str) -> bool:
    """True when ``key`` can be written into template text as a Go string literal
    without any escaping: ``[a-z][a-zA-Z0-9]*``."""
    return bool(_VALUES_KEY.fullmatch(key))


def env_prefix(component_name: str) -> str:
    """The prefix of the wiring variables for a called component: upper-cased,
    ``-`` turned into ``_`` (``orders-db`` -> ``ORDERS_DB``; DESIGN section 5).

    :param component_name: a component name (DNS-1035 label).
    """
    return component_name.upper().replace("-", "_")
