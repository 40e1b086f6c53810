"""Validation of a whole topology: the schemas, then the rules across fields and components.

Field syntax lives in :mod:`svcgen.schemas`; this module holds what needs more than
one field: role and Service-type compatibility, nodePort ranges and collisions,
dependsOn targets and wiring variables. Each rule names its Kubernetes source.
"""

from __future__ import annotations

import re
from functools import cache

from marshmallow import ValidationError

from . import model
from .component_rules import component_errors
from .errors import FieldError, TopologyInvalid
from .naming import RESERVED_VALUES_KEYS, values_key
from .schemas import TopologySchema
from .warn import topology_warnings

_MARSHMALLOW_REQUIRED = "Missing data for required field."


def flatten(messages, path: tuple = ()) -> list[FieldError]:
    """Turn marshmallow's nested error messages into :class:`FieldError` s.

    :param messages: ``ValidationError.messages``: a dict keyed by field name or
        list index, with lists of sentences at the leaves; ``_schema`` stands for
        the object itself.
    :returns: one error per sentence, with the path from the document root.
    """
    if isinstance(messages, dict):
        out = []
        for key, value in messages.items():
            out += flatten(value, path if key == "_schema" else (*path, key))
        return out
    if isinstance(messages, list | tuple):
        out = []
        for item in messages:
            if isinstance(item, str):
                out.append(
                    FieldError(path, "is required" if item == _MARSHMALLOW_REQUIRED else item)
                )
            else:
                out += flatten(item, path)
        return out
    return [FieldError(path, str(messages))]


_SURROGATE = re.compile("[\ud800-\udfff]")


def character_errors(value, path: tuple = ()) -> list[FieldError]:
    """Strings no Kubernetes object can carry, anywhere in the document: a NUL
    (containers cannot receive it in env, command or args, and YAML forbids it) or
    a lone UTF-16 surrogate (not a character: it has no UTF-8 form to store or send).

    :param value: a parsed document or any part of it.
    :returns: one error per bad key or string, with its path.
    """
    if isinstance(value, dict):
        errors = []
        for key, item in value.items():
            errors += character_errors(key, (*path, key)) + character_errors(item, (*path, key))
        return errors
    if isinstance(value, list):
        return [e for i, item in enumerate(value) for e in character_errors(item, (*path, i))]
    if not isinstance(value, str):
        return []
    if "\x00" in value:
        return [
            FieldError(
                path,
                "contains a NUL character (\\u0000), which no container or YAML reader accepts; remove it",
            )
        ]
    if _SURROGATE.search(value):
        return [
            FieldError(
                path,
                "contains a lone UTF-16 surrogate (\\ud800-\\udfff), which is not a character; send UTF-8 text",
            )
        ]
    return []


@cache
def _schema() -> TopologySchema:
    """One schema instance, reused: a marshmallow schema holds no state between
    loads, and building one (its nested schemas and copied fields) cost 40% of a
    validation of the seed topology (``make bench``)."""
    return TopologySchema()


def validate(document: dict, *, node_port_range: tuple[int, int]):
    """Check ``document`` against every rule; see :func:`svcgen.topology.validate_topology`.

    :raises TopologyInvalid: with every problem found; field syntax problems are
        reported first, and the cross-component rules run once the fields are sound.
    """
    from .topology import ValidatedTopology

    unusable = character_errors(document)
    try:
        _schema().load(document)
    except ValidationError as exc:
        raise TopologyInvalid(unusable + flatten(exc.messages)) from None
    if unusable:
        raise TopologyInvalid(unusable)
    components = document["components"]
    errors = _label_keys(document)
    errors += _names(components)
    errors += _fixed_name_clashes(document)
    by_name = {component["name"]: component for component in components}
    for index, component in enumerate(components):
        errors += component_errors(index, component, by_name, node_port_range)
    errors += _node_ports(components)
    if errors:
        raise TopologyInvalid(errors)
    return ValidatedTopology(document=document, warnings=topology_warnings(document))


def _label_keys(document: dict) -> list[FieldError]:
    """``labels`` may not use the keys the chart owns (DESIGN section 2)."""
    errors = []
    for key in document.get("labels", {}):
        if key.startswith("app.kubernetes.io/") or key == "helm.sh/chart":
            errors.append(
                FieldError(
                    ("labels", key),
                    "is a label the chart sets itself (app.kubernetes.io/* and helm.sh/chart); "
                    "choose another key, e.g. 'team'",
                )
            )
    return errors


def _names(components: list[dict]) -> list[FieldError]:
    """Component names, their values keys and fixed Service names are unique."""
    errors = []
    seen_names: dict[str, int] = {}
    seen_keys: dict[str, int] = {}
    seen_services: dict[str, int] = {}
    for i, c in enumerate(components):
        name, key = c["name"], values_key(c["name"])
        if name in seen_names:
            errors.append(
                FieldError(
                    ("components", i, "name"),
                    f"'{name}' is already the name of components.{seen_names[name]}; component names must be unique",
                )
            )
        elif key in RESERVED_VALUES_KEYS:
            errors.append(
                FieldError(
                    ("components", i, "name"),
                    f"'{name}' becomes the values key '{key}', which the chart reserves for itself; rename the component",
                )
            )
        elif key in seen_keys:
            other = components[seen_keys[key]]["name"]
            errors.append(
                FieldError(
                    ("components", i, "name"),
                    f"'{name}' and '{other}' both become the values key '{key}' (camelCase); rename one of them",
                )
            )
        seen_names.setdefault(name, i)
        seen_keys.setdefault(key, i)
        fixed = c.get("service", {}).get("name")
        if fixed is not None:
            if fixed in seen_services:
                errors.append(
                    FieldError(
                        ("components", i, "service", "name"),
                        f"'{fixed}' is already the Service name of components.{seen_services[fixed]}; Service names must be unique",
                    )
                )
            seen_services.setdefault(fixed, i)
    return errors


def _fixed_name_clashes(document: dict) -> list[FieldError]:
    """A fixed ``service.name`` may not be the default Service name of another component
    in the release named like the topology (``helm install shop``), where objects are
    named ``shop-<component>``: the two Services would share one name."""
    name = document["name"]
    defaults = {f"{name}-{c}": c for c in model.default_named(document["components"])}
    errors = []
    for i, c in enumerate(document["components"]):
        fixed = c.get("service", {}).get("name")
        if fixed in defaults:
            errors.append(
                FieldError(
                    ("components", i, "service", "name"),
                    f"'{fixed}' is the Service name '{defaults[fixed]}' gets when the chart is "
                    f"installed as release '{name}'; pick another name",
                )
            )
    return errors


def _node_ports(components: list[dict]) -> list[FieldError]:
    """A nodePort number belongs to one Service; inside it, one number may serve the
    same port on two protocols (Kubernetes ``ValidateService`` "duplicate NodePorts" and
    the allocator's ``initNodePorts`` / ``findRequestedNodePort``,
    pkg/registry/core/service/storage/alloc.go)."""
    errors = []
    owners: dict[int, tuple[int, int, dict]] = {}
    for i, c in enumerate(components):
        for j, p in enumerate(c.get("ports", [])):
            node_port = p.get("nodePort")
            if node_port is None:
                continue
            where = ("components", i, "ports", j, "nodePort")
            if node_port not in owners:
                owners[node_port] = (i, j, p)
                continue
            oi, oj, op = owners[node_port]
            if oi != i:
                msg = f"{node_port} is already the nodePort of component '{components[oi]['name']}'; a nodePort belongs to one Service, pick another"
            elif op["port"] != p["port"]:
                msg = f"{node_port} is already the nodePort of port {op['port']} (ports.{oj}); only the same port on another protocol may share it"
            elif model.protocol(op) == model.protocol(p):
                msg = f"{node_port} is already the nodePort of ports.{oj} with the same protocol"
            else:
                continue
            errors.append(FieldError(where, msg))
    return errors
