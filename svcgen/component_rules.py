"""Rules inside one component: role, Service type and the fields each type allows.

Kubernetes sources (``kubernetes/kubernetes``, pkg/apis/core/validation/validation.go
``ValidateService`` unless said otherwise) are named on each check.
"""

from __future__ import annotations

from collections.abc import Mapping

from . import k8s, model
from .errors import FieldError
from .pod_rules import pod_errors
from .wiring import edge_errors

_POD_FIELDS = model.POD_FIELDS
_TOPOLOGY_MODE = "service.kubernetes.io/topology-mode"
_TOPOLOGY_HINTS = "service.kubernetes.io/topology-aware-hints"


def component_errors(
    i: int, c: dict, by_name: Mapping[str, dict], node_port_range: tuple[int, int]
) -> list[FieldError]:
    """Every problem of component ``i`` that its own fields and its edges show.

    :param i: the component's index in the document's ``components``.
    :param c: the component, already through :class:`~svcgen.schemas.ComponentSchema`.
    :param by_name: every component by name, for ``dependsOn`` targets (built once
        per document, not per component).
    :param node_port_range: inclusive (low, high) of the cluster's nodePort range.
    """
    at = ("components", i)
    errors = _role_fields(at, c)
    if c["role"] == "external":
        errors += _external(at, c)
    errors += _ports(at, c, node_port_range)
    if model.has_service(c):
        errors += _service(at, c)
    errors += pod_errors(at, c)
    errors += edge_errors(i, c, by_name)
    return errors


def _err(at, *path_and_message) -> FieldError:
    *rest, message = path_and_message
    return FieldError((*at, *rest), message)


def _role_fields(at, c: dict) -> list[FieldError]:
    """Which fields each role needs and allows (DESIGN section 2)."""
    role, errors = c["role"], []
    if role == "external":
        errors += [
            _err(at, f, "is not allowed on an external component, which runs no pods")
            for f in _POD_FIELDS
            if f in c
        ]
        if "ingress" in c:
            errors.append(_err(at, "ingress", "is only allowed on a frontend"))
        if "dependsOn" in c:
            errors.append(
                _err(at, "dependsOn", "is not allowed: an external component depends on nothing")
            )
        if "external" not in c:
            errors.append(
                _err(
                    at,
                    "external",
                    "is required for an external component: give 'host' or 'addresses'",
                )
            )
        return errors
    if "image" not in c:
        errors.append(_err(at, "image", f"is required for a {role}"))
    if "external" in c:
        errors.append(_err(at, "external", "is only allowed on a component with role 'external'"))
    if "ingress" in c and role != "frontend":
        errors.append(_err(at, "ingress", "is only allowed on a frontend"))
    if role == "worker":
        for f in ("ports", "service", "ingress", "healthPath"):
            if f in c:
                errors.append(
                    _err(at, f, "is not allowed on a worker, which has no ports and no Service")
                )
    elif not c.get("ports"):
        errors.append(_err(at, "ports", f"a {role} needs at least one port for its Service"))
    return errors


def _external(at, c: dict) -> list[FieldError]:
    """An external data source: a DNS ``host`` (ExternalName) or IP ``addresses``."""
    ext = c.get("external", {})
    if ("host" in ext) == ("addresses" in ext):
        return [
            _err(
                at,
                "external",
                "needs exactly one of 'host' (a DNS name) or 'addresses' (IP addresses)",
            )
        ]
    if "addresses" in ext:
        errors = []
        if not c.get("ports"):
            errors.append(
                _err(
                    at,
                    "ports",
                    "are required with external addresses: the EndpointSlice needs the port the server listens on",
                )
            )
        seen = set()
        for j, a in enumerate(ext["addresses"]):
            if a in seen:
                errors.append(_err(at, "external", "addresses", j, f"{a} is listed twice"))
            seen.add(a)
        return errors
    return []  # the host's syntax is the schema's (k8s.external_name)


def _ports(at, c: dict, node_port_range: tuple[int, int]) -> list[FieldError]:
    """Port names and (port, protocol) pairs are unique; nodePorts only where allowed."""
    if not model.has_service(c):
        return []  # a worker's ports are refused by _role_fields
    ports, errors = c.get("ports", []), []
    kind = model.service_type(c)
    names, pairs = {}, {}
    low, high = node_port_range
    for j, p in enumerate(ports):
        here = (*at, "ports", j)
        if len(ports) > 1 and "name" not in p:
            errors.append(
                FieldError(
                    (*here, "name"),
                    "is required when a component has several ports: Kubernetes names each "
                    "port of a Service with more than one",
                )
            )
        if "name" in p:
            if p["name"] in names:
                errors.append(
                    FieldError(
                        (*here, "name"),
                        f"'{p['name']}' is already the name of ports.{names[p['name']]}",
                    )
                )
            names.setdefault(p["name"], j)
        pair = (p["port"], model.protocol(p))
        if pair in pairs:
            errors.append(
                FieldError(
                    here,
                    f"port {pair[0]}/{pair[1]} is already listed as ports.{pairs[pair]}; each (port, protocol) once",
                )
            )
        pairs.setdefault(pair, j)
        if "nodePort" in p:
            if kind not in model.NODE_PORT_TYPES:
                errors.append(
                    FieldError(
                        (*here, "nodePort"),
                        f"may only be set when the Service type is NodePort or LoadBalancer, not {kind}",
                    )
                )
            elif not low <= p["nodePort"] <= high:
                errors.append(
                    FieldError(
                        (*here, "nodePort"),
                        f"{p['nodePort']} is outside the cluster's nodePort range {low}-{high}",
                    )
                )
    return errors


def _service(at, c: dict) -> list[FieldError]:
    """The Service type fits the role, and each field fits the type (ValidateService)."""
    svc, kind, role = c.get("service", {}), model.service_type(c), c["role"]
    here = (*at, "service")
    errors = []
    if role in ("frontend", "backend") and kind == "ExternalName":
        errors.append(
            FieldError(
                (*here, "type"), f"ExternalName is only for external components; a {role} runs pods"
            )
        )
    if role == "external":
        want = "ExternalName" if "host" in c.get("external", {}) else "ClusterIP"
        if kind != want:
            form = (
                "a host becomes an ExternalName"
                if want == "ExternalName"
                else "addresses become a selectorless ClusterIP"
            )
            errors.append(
                FieldError(
                    (*here, "type"), f"must be {want} for this external component: {form} Service"
                )
            )
    if svc.get("headless") and kind != "ClusterIP":
        errors.append(
            FieldError(
                (*here, "headless"),
                f"a headless Service (clusterIP: None) must be of type ClusterIP, not {kind}",
            )
        )
    if "externalTrafficPolicy" in svc and kind not in model.NODE_PORT_TYPES:
        errors.append(
            FieldError(
                (*here, "externalTrafficPolicy"),
                f"may only be set for NodePort or LoadBalancer Services, not {kind}",
            )
        )
    for f in ("loadBalancerSourceRanges", "loadBalancerClass"):
        if f in svc and kind != "LoadBalancer":
            errors.append(
                FieldError(
                    (*here, f),
                    f"may only be used when the Service type is LoadBalancer, not {kind}",
                )
            )
    errors += _ip_families(here, svc, kind)
    errors += _annotations(here, svc.get("annotations", {}))
    return errors


def _ip_families(here, svc: dict, kind: str) -> list[FieldError]:
    """``ValidateServiceClusterIPsRelatedFields``: families unique, SingleStack has one,
    and ExternalName carries neither field."""
    errors = []
    families = svc.get("ipFamilies", [])
    if kind == "ExternalName":
        for f in ("ipFamilies", "ipFamilyPolicy"):
            if f in svc:
                errors.append(FieldError((*here, f), "may not be set for an ExternalName Service"))
        return errors
    if len(families) == 2 and families[0] == families[1]:
        errors.append(FieldError((*here, "ipFamilies", 1), f"{families[1]} is listed twice"))
    if len(families) == 2 and svc.get("ipFamilyPolicy", "SingleStack") == "SingleStack":
        errors.append(
            FieldError(
                (*here, "ipFamilyPolicy"),
                "must be PreferDualStack or RequireDualStack when two ipFamilies are listed",
            )
        )
    return errors


def _annotations(here, annotations: dict) -> list[FieldError]:
    """Total size at most 256 KiB (``ValidateAnnotationsSize``) and the two topology
    annotations agree when both are set (``ValidateService``)."""
    errors = []
    size = sum(len(k.encode()) + len(v.encode()) for k, v in annotations.items())
    if size > k8s.TOTAL_ANNOTATION_SIZE_MAX:
        errors.append(
            FieldError(
                (*here, "annotations"),
                f"total {size} bytes; keys and values together may be at most {k8s.TOTAL_ANNOTATION_SIZE_MAX} bytes",
            )
        )
    if (
        _TOPOLOGY_MODE in annotations
        and _TOPOLOGY_HINTS in annotations
        and annotations[_TOPOLOGY_MODE] != annotations[_TOPOLOGY_HINTS]
    ):
        errors.append(
            FieldError(
                (*here, "annotations", _TOPOLOGY_MODE),
                f"must equal {_TOPOLOGY_HINTS} when both are set",
            )
        )
    return errors
