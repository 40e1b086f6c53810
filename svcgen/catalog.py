"""Backstage catalog entities of a topology (``catalog-info.yaml``).

One ``System`` for the topology; a ``Component`` per frontend (``spec.type:
website``), backend and worker (``service``); a ``Resource`` per external data
source (``spec.type: database``). ``spec.dependsOn`` carries the topology's
``dependsOn`` edges as entity references. Every entity lives in the ``default``
namespace and is annotated with the URLs of its chart and topology.

Entity names follow Backstage's ``metadata.name`` rule (``isValidObjectName`` in
@backstage/catalog-model ``KubernetesValidatorFunctions``: at most 63 characters of
``[a-zA-Z0-9]`` in runs joined by single ``-``, ``_`` or ``.``). A component's
entity is named ``<topology>-<component>``, so that two topologies' ``web`` do
not collide in one catalog; see :func:`entity_name` for names that would break
the rule. No Flask here: the caller passes the URLs.
"""

from __future__ import annotations

import hashlib
import re

import yaml

from . import model, services

API_VERSION = "backstage.io/v1alpha1"
NAMESPACE = "default"
LIFECYCLE = "production"
#: The owner when the topology has no ``labels.team``.
UNKNOWN_OWNER = "unknown"

#: Annotation keys linking an entity to svcgen.
CHART_ANNOTATION = "svcgen.io/chart"
TOPOLOGY_ANNOTATION = "svcgen.io/topology"

_NAME = re.compile(r"[a-zA-Z0-9]+(?:[-_.][a-zA-Z0-9]+)*")
_MAX_NAME = 63
_HASH_LENGTH = 8


def is_entity_name(name: str) -> bool:
    """True when ``name`` is a valid Backstage ``metadata.name``."""
    return len(name) <= _MAX_NAME and _NAME.fullmatch(name) is not None


def entity_name(*parts: str) -> str:
    """The entity name of ``parts`` joined by ``-``, e.g. ``shop-orders-db``.

    Topology and component names are DNS labels, so the join is valid unless it
    is longer than 63 characters or holds ``--`` (DNS allows it, Backstage does
    not). Then the runs of ``-`` are collapsed, the text is cut to 54 characters
    and ``-`` plus the first 8 hex digits of the sha256 of the joined name are
    appended: still readable, and distinct names stay distinct.

    :param parts: the topology's name, then a component's name (or the topology alone).
    :returns: a valid entity name, the same for the same parts.
    """
    joined = "-".join(parts)
    if is_entity_name(joined):
        return joined
    digest = hashlib.sha256(joined.encode()).hexdigest()[:_HASH_LENGTH]
    base = re.sub(r"[^a-zA-Z0-9]+", "-", joined).strip("-")
    base = base[: _MAX_NAME - _HASH_LENGTH - 1].rstrip("-")
    return f"{base}-{digest}" if base else digest


def entity_ref(kind: str, name: str) -> str:
    """A full entity reference, ``<kind>:default/<name>`` (kind lower-cased)."""
    return f"{kind.lower()}:{NAMESPACE}/{name}"


def owner(document: dict) -> str:
    """The topology's ``labels.team``, else ``unknown``."""
    return document.get("labels", {}).get("team") or UNKNOWN_OWNER


def catalog_entities(document: dict, *, chart_url: str, topology_url: str) -> list[dict]:
    """The Backstage entities of a topology: the ``System`` first, then one entity
    per component in the document's order.

    :param document: a valid topology document.
    :param chart_url: the absolute URL of the chart download.
    :param topology_url: the absolute URL of the topology in svcgen's API.
    :returns: entities as plain dicts, ready for :func:`dump_catalog`.
    """
    name = document["name"]
    annotations = {CHART_ANNOTATION: chart_url, TOPOLOGY_ANNOTATION: topology_url}
    links = [
        {"url": chart_url, "title": "Helm chart", "type": "helm-chart"},
        {"url": topology_url, "title": "svcgen topology", "type": "svcgen-topology"},
    ]
    refs = {c["name"]: _ref_of(name, c) for c in document["components"]}
    system = {
        "apiVersion": API_VERSION,
        "kind": "System",
        "metadata": _metadata(entity_name(name), name, document.get("description"), annotations),
        "spec": {"owner": owner(document)},
    }
    system["metadata"]["links"] = links
    entities = [system]
    for component in document["components"]:
        entity = _component_entity(document, component, annotations, refs)
        entity["metadata"]["links"] = links
        entities.append(entity)
    return entities


def dump_catalog(entities: list[dict]) -> str:
    """``catalog-info.yaml`` text: one YAML document per entity, each opened by ``---``.

    :param entities: plain data, as from :func:`catalog_entities`.
    :returns: the text, emitted by PyYAML (strings a reader could take for
        something else are quoted), keys in the order given.
    """
    return yaml.safe_dump_all(
        entities, sort_keys=False, explicit_start=True, allow_unicode=True, width=1 << 16
    )


def _ref_of(topology: str, component: dict) -> str:
    kind = "Resource" if component["role"] == "external" else "Component"
    return entity_ref(kind, entity_name(topology, component["name"]))


def _metadata(name: str, title: str, description: str | None, annotations: dict) -> dict:
    metadata = {"name": name, "namespace": NAMESPACE, "title": title}
    if description:
        metadata["description"] = description
    metadata["annotations"] = dict(annotations)
    return metadata


def _component_entity(document: dict, component: dict, annotations: dict, refs: dict) -> dict:
    topology = document["name"]
    role = component["role"]
    kind = "Resource" if role == "external" else "Component"
    spec_type = {"frontend": "website", "external": "database"}.get(role, "service")
    spec = {"type": spec_type}
    if kind == "Component":
        spec["lifecycle"] = LIFECYCLE
    spec["owner"] = owner(document)
    spec["system"] = entity_ref("System", entity_name(topology))
    depends = [refs[model.edge_target(e)] for e in component.get("dependsOn", [])]
    if depends:
        spec["dependsOn"] = depends
    metadata = _metadata(
        entity_name(topology, component["name"]),
        component["name"],
        _describe(topology, component),
        annotations,
    )
    return {"apiVersion": API_VERSION, "kind": kind, "metadata": metadata, "spec": spec}


def _describe(topology: str, component: dict) -> str:
    """A line such as ``frontend of shop; NodePort Service: http 80 → 80 nodePort 30008``."""
    text = f"{component['role']} of {topology}; {services.type_text(component)}"
    if not model.has_service(component):
        return text
    ports = ", ".join(services.port_text(p) for p in component.get("ports", []))
    return f"{text} Service" + (f": {ports}" if ports else "")
