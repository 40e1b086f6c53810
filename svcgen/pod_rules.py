"""Rules of a component's pods and Ingress, as the Kubernetes API server applies them.

Sources are in ``kubernetes/kubernetes`` pkg/apis/core/validation/validation.go
(``ValidateResourceRequirements``, ``validateContainerResourceName``,
``validateProbe``, ``validateInitContainerProbes``-style checks for liveness and
startup) and pkg/apis/networking/validation/validation.go (``validateIngressRules``,
``validateHTTPIngressPath``).
"""

from __future__ import annotations

from decimal import Decimal

from . import k8s
from .errors import FieldError

_SUFFIX = {
    "n": Decimal("1e-9"), "u": Decimal("1e-6"), "m": Decimal("1e-3"), "": Decimal(1),
    "k": Decimal("1e3"), "M": Decimal("1e6"), "G": Decimal("1e9"), "T": Decimal("1e12"),
    "P": Decimal("1e15"), "E": Decimal("1e18"),
    "Ki": Decimal(2**10), "Mi": Decimal(2**20), "Gi": Decimal(2**30), "Ti": Decimal(2**40),
    "Pi": Decimal(2**50), "Ei": Decimal(2**60),
}  # fmt: skip
_STANDARD = ("cpu", "memory", "ephemeral-storage")
# networking validation.go: invalidPathSequences and invalidPathSuffixes (Exact, Prefix).
_BAD_PATH_PARTS = ("//", "/./", "/../", "%2f", "%2F")
_BAD_PATH_ENDS = ("/..", "/.")


def quantity_value(text: str | int | float) -> Decimal:
    """The value of a Kubernetes quantity (apimachinery ``resource.ParseQuantity``):
    ``"100m"`` -> 0.1, ``"128Mi"`` -> 134217728, ``"1e3"`` -> 1000.

    :raises ValueError: not a quantity (the schema has already refused those).
    """
    match = k8s.QUANTITY.fullmatch(str(text))
    if not match:
        raise ValueError(f"{text!r} is not a quantity")
    text = str(text)
    suffix = match.group(3) or ""
    number = text[: len(text) - len(suffix)]
    if suffix in _SUFFIX:  # before exponents: "E" and "Ei" are suffixes, not "e<n>"
        return Decimal(number) * _SUFFIX[suffix]
    # a decimal exponent, written into the number: no arithmetic, so "1e999999999" cannot overflow
    return Decimal(f"{number}e{suffix[1:]}")


def pod_errors(at: tuple, c: dict) -> list[FieldError]:
    """Problems of a component's resources, probes and Ingress.

    :param at: the component's path, ``("components", i)``.
    :param c: the component, through :class:`~svcgen.schemas.ComponentSchema`.
    """
    return _resources(at, c.get("resources", {})) + _probes(at, c) + _ingress(at, c.get("ingress"))


def _resource_name_problem(name: str) -> str | None:
    """``validateContainerResourceName``: a standard container resource, hugepages-<size>,
    or an extended resource (a domain-prefixed name outside kubernetes.io)."""
    if name in _STANDARD:
        return None
    if name.startswith("hugepages-"):
        try:
            quantity_value(name.removeprefix("hugepages-"))
        except ValueError:
            return "is not a hugepages size such as hugepages-2Mi"
        return None
    if "/" not in name or "kubernetes.io/" in name or name.startswith("requests."):
        return "is not a container resource: use cpu, memory, ephemeral-storage, hugepages-<size> or an extended resource such as example.com/gpu"
    return None


def _resources(at: tuple, resources: dict) -> list[FieldError]:
    """``ValidateResourceRequirements``: names, non-negative amounts, requests within
    limits; hugepages and extended resources need a limit equal to any request, and
    extended resources are whole numbers."""
    here = (*at, "resources")
    requests, limits = resources.get("requests", {}), resources.get("limits", {})
    errors = []
    for kind, amounts in (("requests", requests), ("limits", limits)):
        for name, amount in amounts.items():
            problem = _resource_name_problem(name)
            value = quantity_value(amount)
            if problem is None and value < 0:
                problem = "must be greater than or equal to 0"
            if problem is None and "/" in name and value != value.to_integral_value():
                problem = "must be a whole number for an extended resource"
            if problem:
                errors.append(FieldError((*here, kind, name), problem))
    if errors:
        return errors
    for name, amount in requests.items():
        strict = "/" in name or name.startswith("hugepages-")
        if strict and name not in limits:
            errors.append(
                FieldError(
                    (*here, "limits"),
                    f"must set {name}: Kubernetes does not overcommit it, so a request needs a limit",
                )
            )
        elif strict and quantity_value(amount) != quantity_value(limits[name]):
            errors.append(
                FieldError(
                    (*here, "requests", name), f"must equal the limit of {name} ({limits[name]})"
                )
            )
        elif name in limits and quantity_value(amount) > quantity_value(limits[name]):
            errors.append(
                FieldError(
                    (*here, "requests", name),
                    f"must be less than or equal to the limit of {name} ({limits[name]})",
                )
            )
    if any(n.startswith("hugepages-") for n in {**requests, **limits}) and not {"cpu", "memory"} & {
        *requests,
        *limits,
    }:
        errors.append(FieldError(here, "hugepages need a cpu or memory request or limit too"))
    return errors


def _probes(at: tuple, c: dict) -> list[FieldError]:
    """``healthPath`` does not mix with explicit readiness/liveness probes; a probe's
    named port names one of the component's ports; liveness and startup probes have
    ``successThreshold`` 1 (``validateProbe`` callers in validation.go)."""
    errors = []
    probes = c.get("probes", {})
    if "healthPath" in c and ("readiness" in probes or "liveness" in probes):
        errors.append(
            FieldError(
                (*at, "healthPath"),
                "sets the readiness and liveness probes; drop it or drop probes.readiness/liveness",
            )
        )
    port_names = {p["name"] for p in c.get("ports", []) if "name" in p}
    for kind, probe in probes.items():
        for action in ("httpGet", "tcpSocket"):
            port = probe.get(action, {}).get("port")
            if isinstance(port, str) and port not in port_names:
                errors.append(
                    FieldError(
                        (*at, "probes", kind, action, "port"),
                        f"'{port}' is not the name of one of this component's ports",
                    )
                )
        if kind in ("liveness", "startup") and probe.get("successThreshold", 1) != 1:
            errors.append(
                FieldError(
                    (*at, "probes", kind, "successThreshold"), f"must be 1 for a {kind} probe"
                )
            )
    return errors


def _ingress(at: tuple, ingress: dict | None) -> list[FieldError]:
    """An Exact or Prefix path has no
    ``//``, ``/./``, ``/../`` or ``%2F`` and does not end in ``/.`` or ``/..``."""
    if ingress is None:
        return []
    here, errors = (*at, "ingress"), []  # the host's syntax is the schema's (k8s.ingress_host)
    path = ingress.get("path", "/")
    if ingress.get("pathType", "Prefix") in ("Exact", "Prefix") and (
        any(part in path for part in _BAD_PATH_PARTS) or path.endswith(_BAD_PATH_ENDS)
    ):
        errors.append(
            FieldError(
                (*here, "path"),
                f"{path!r} may not contain '//', '/./', '/../' or '%2F', nor end in '/.' or '/..', with pathType Exact or Prefix",
            )
        )
    return errors
