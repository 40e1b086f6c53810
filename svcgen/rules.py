"""Cross-component rules and warnings (being written; this stub accepts any mapping)."""

from __future__ import annotations

from .errors import FieldError, TopologyInvalid


def validate(document, *, node_port_range):
    from .topology import ValidatedTopology

    if not isinstance(document.get("name"), str) or not document.get("components"):
        raise TopologyInvalid([FieldError(("name",), "stub: name and components are required")])
    return ValidatedTopology(document=document, warnings=[])
