"""The JSON Schema (draft 2020-12) of the topology document, derived from
:class:`svcgen.schemas.TopologySchema`.

The marshmallow schemas stay the one source of truth. apispec's marshmallow
converter walks them (types, ``required``, ``enum`` from ``OneOf``,
``minimum``/``maximum`` from ``Range``, ``minLength``/``maxLength`` or
``minItems``/``maxItems`` from ``Length``, nested schemas as references); the
attribute function below adds what svcgen's own fields mean (``StrMap``,
``DependsOnField``, ``PortRefField``) and what a field states in
``metadata={"json_schema": ...}`` (:func:`svcgen.syntax.states`); a schema class
may state keywords of its own in a ``json_schema`` class attribute. Then every
object gets ``additionalProperties: false``, since unknown fields are refused.
"""

from __future__ import annotations

import copy
import functools
import json

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import Schema

from . import model, schemas
from .fields import StrMap
from .syntax import IANA_SVC_NAME

DIALECT = "https://json-schema.org/draft/2020-12/schema"

DESCRIPTION = (
    "A svcgen topology document (JSON or YAML): the components of one application and "
    "who calls whom. This schema checks each field alone (type, syntax, range; unknown "
    "fields are refused) and the fields each role needs and allows (an image for a "
    "frontend, backend or worker, ports for a frontend or backend, none for a worker, "
    "'external' with a host or addresses for an external component). Rules across "
    "components cannot be said in JSON Schema and are checked by the server only "
    "(POST /api/v1/validate): unique component names, values keys, Service names and "
    "nodePorts; nodePorts within the cluster's range; Service types by role; dependsOn "
    "naming other, existing, non-worker components; wiring variables set once; labels "
    "the chart owns; a chartVersion above the previous revision's."
)

_REF_PREFIX = "#/components/schemas/"

#: Fields only pods have: not allowed on an external component (``component_rules._role_fields``).
_POD_FIELDS = model.POD_FIELDS


def _role(*roles: str) -> dict:
    return {"properties": {"role": {"enum": list(roles)}}, "required": ["role"]}


def _none_of(*names: str) -> dict:
    return {"not": {"anyOf": [{"required": [name]} for name in names]}}


_AT_LEAST_ONE_PORT = {"required": ["ports"], "properties": {"ports": {"minItems": 1}}}

#: What JSON Schema can say of the rules inside one component
#: (:func:`svcgen.component_rules.component_errors`): the fields each role needs and allows.
_ROLE_RULES = {
    "allOf": [
        {
            "if": _role("external"),
            "then": {"required": ["external"], **_none_of(*_POD_FIELDS, "ingress", "dependsOn")},
        },
        {
            "if": _role("frontend", "backend", "worker"),
            "then": {"required": ["image"], **_none_of("external")},
        },
        {"if": _role("backend", "worker"), "then": _none_of("ingress")},
        {"if": _role("worker"), "then": _none_of("ports", "service", "healthPath")},
        {"if": _role("frontend", "backend"), "then": _AT_LEAST_ONE_PORT},
        {
            "if": {
                "properties": {"external": {"required": ["addresses"]}},
                "required": ["external"],
            },
            "then": _AT_LEAST_ONE_PORT,
        },
    ]
}

#: Schema-level keywords by definition name, beyond what the fields say.
_EXTRAS = {
    "Component": _ROLE_RULES,
    "External": {"oneOf": [{"required": ["host"]}, {"required": ["addresses"]}]},
}


def _name(schema) -> str:
    cls = schema if isinstance(schema, type) else type(schema)
    return cls.__name__.removesuffix("Schema")


def _merge(base: dict, extra: dict) -> dict:
    """``base`` updated by ``extra``, nested mappings merged rather than replaced."""
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _svcgen_field(self, field, ret, **kwargs) -> dict:
    """apispec attribute function: the JSON Schema of svcgen's custom fields."""
    extra: dict = {}
    if isinstance(field, StrMap):  # its limits come from the field, stated once
        values: dict = {"type": ["string", "number"] if field.allow_numbers else "string"}
        if field.max_value_length is not None:
            values["maxLength"] = field.max_value_length
        extra = {"type": "object", "additionalProperties": values}
        if field.max_entries is not None:
            extra["maxProperties"] = field.max_entries
    elif isinstance(field, schemas.DependsOnField):
        extra = {
            "anyOf": [
                {"type": "string", "description": "the name of another component"},
                {"$ref": _REF_PREFIX + _name(schemas.DependsOnSchema)},
            ]
        }
    elif isinstance(field, schemas.PortRefField):
        extra = {
            "anyOf": [
                {"type": "integer", "minimum": 1, "maximum": 65535},
                {"type": "string", **IANA_SVC_NAME, "description": "a port's name"},
            ]
        }
    return _merge(_merge(ret, extra), field.metadata.get("json_schema", {}))


def _definitions() -> dict[str, dict]:
    """Every schema reachable from the topology, as apispec's OpenAPI 3.1 components
    (a fresh copy each call; the conversion runs once per process)."""
    return json.loads(_definitions_text())


@functools.cache
def _definitions_text() -> str:
    plugin = MarshmallowPlugin(schema_name_resolver=_name)
    spec = APISpec("svcgen topology", "1", "3.1.0", plugins=[plugin])
    plugin.converter.add_attribute_function(_svcgen_field)
    spec.components.schema(_name(schemas.DependsOnSchema), schema=schemas.DependsOnSchema)
    spec.components.schema(_name(schemas.TopologySchema), schema=schemas.TopologySchema)
    found = spec.to_dict()["components"]["schemas"]
    classes = {_name(cls): cls for cls in _schema_classes(schemas.StrictSchema)}
    for name, definition in found.items():
        _close(definition)
        cls = classes[name]
        summary = (cls.__doc__ or "").strip().split("\n\n")[0]
        definition["description"] = " ".join(summary.replace("``", "`").split())
        definition.update(copy.deepcopy(getattr(cls, "json_schema", {})))
        definition.update(copy.deepcopy(_EXTRAS.get(name, {})))
    return json.dumps(found)


def _schema_classes(base: type[Schema]) -> list[type[Schema]]:
    out = []
    for cls in base.__subclasses__():
        out += [cls, *_schema_classes(cls)]
    return out


def _close(node) -> None:
    """Add ``additionalProperties: false`` to every object that lists its properties."""
    if isinstance(node, dict):
        if "properties" in node:
            node.setdefault("additionalProperties", False)
        for value in node.values():
            _close(value)
    elif isinstance(node, list):
        for value in node:
            _close(value)


def _rewrite_refs(node, prefix: str):
    """A copy of ``node`` with ``#/components/schemas/X`` references made ``prefix + X``."""
    if isinstance(node, dict):
        return {
            key: (
                prefix + value.removeprefix(_REF_PREFIX)
                if key == "$ref" and isinstance(value, str)
                else _rewrite_refs(value, prefix)
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rewrite_refs(value, prefix) for value in node]
    return node


@functools.cache
def _topology_json_schema() -> str:
    definitions = _definitions()
    root = {**definitions.pop(_name(schemas.TopologySchema)), "description": DESCRIPTION}
    root = {"description": DESCRIPTION, **root}
    root["$defs"] = dict(sorted(definitions.items()))
    return json.dumps(_rewrite_refs(root, "#/$defs/"))


def topology_json_schema(schema_id: str | None = None) -> dict:
    """The JSON Schema of the topology document.

    :param schema_id: the schema's ``$id``, e.g. the URL it is served at.
    :returns: a fresh draft 2020-12 schema with ``$schema``, ``$id`` (when given),
        the topology's properties at the root and the nested objects in ``$defs``.
    """
    head = {"$schema": DIALECT}
    if schema_id:
        head["$id"] = schema_id
    head["title"] = "svcgen topology"
    return head | json.loads(_topology_json_schema())


def openapi_components(root: str = "TopologyDocument", prefix: str = "Topology") -> dict[str, dict]:
    """The topology's schemas as OpenAPI 3.1 components.

    :param root: the name of the document's own schema.
    :param prefix: put before the name of each nested object's schema
        (``Component`` becomes ``TopologyComponent``).
    :returns: ``{name: schema}``, references rewritten to match.
    """
    definitions = _definitions()
    definitions[_name(schemas.TopologySchema)]["description"] = DESCRIPTION
    names = {name: prefix + name for name in definitions}
    names[_name(schemas.TopologySchema)] = root
    out = {}
    for name, definition in definitions.items():
        text = json.dumps(definition)
        for old, new in names.items():
            text = text.replace(f'"{_REF_PREFIX}{old}"', f'"{_REF_PREFIX}{new}"')
        out[names[name]] = json.loads(text)
    return out
