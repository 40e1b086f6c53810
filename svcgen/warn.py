"""Warnings: choices that are legal but unusual (DESIGN section 2).

A warning never stops a topology from being stored or rendered; it comes back in
``warnings`` so a person can see it. Some mirror the warnings Kubernetes itself
returns (pkg/api/service/warnings.go ``GetWarningsForService``).
"""

from __future__ import annotations

import ipaddress
import re

from . import model
from .errors import FieldError

# Env names that look like they hold a secret: a password, token, credential or key
# (``KEY`` as a word of the name, so SSH_KEY and ENCRYPTION_KEY warn, KEYCLOAK_URL not).
_SECRET_NAME = re.compile(
    r"(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?"
    r"|(^|_)KEY(_|$))",
    re.I,
)


def topology_warnings(document: dict) -> list[FieldError]:
    """Every warning of a valid topology, in document order.

    :param document: a document that passed :func:`svcgen.rules.validate`'s checks.
    :returns: :class:`FieldError` s whose message says what is unusual and what to do.
    """
    components = document["components"]
    called = {model.edge_target(e) for c in components for e in c.get("dependsOn", [])}
    out = _names(document)
    for i, c in enumerate(components):
        out += _exposure(i, c)
        out += _service_fields(i, c)
        out += _secret_looking_env(i, c)
        if c["role"] in ("backend", "external") and c["name"] not in called:
            out.append(
                FieldError(
                    ("components", i, "name"),
                    f"nothing depends on '{c['name']}'; list it in the dependsOn of the components that call it",
                )
            )
    return out


def _names(document: dict) -> list[FieldError]:
    """A topology name that starts with a digit makes ``helm install <name>`` fail
    (Service names are DNS-1035 labels); a fixed Service name ``<x>-<component>`` is
    the default name of that component's Service in a release whose fullname is ``<x>``."""
    out = []
    if document["name"][0].isdigit():
        out.append(
            FieldError(
                ("name",),
                f"starts with a digit: install the chart under a release name that starts with a letter, such as app-{document['name']} (Service names must), not under this name",
            )
        )
    defaults = sorted(set(model.default_named(document["components"])))
    for i, c in enumerate(document["components"]):
        fixed = c.get("service", {}).get("name", "")
        if not fixed:
            continue
        clash = next(
            (d for d in defaults if fixed.endswith(f"-{d}") and fixed != f"{document['name']}-{d}"),
            None,
        )
        if clash:
            release = fixed.removesuffix(f"-{clash}")
            out.append(
                FieldError(
                    ("components", i, "service", "name"),
                    f"'{fixed}' is also the Service name of '{clash}' in a release whose fullname is '{release}'; pick a name that cannot collide, or fix the name of '{clash}' too",
                )
            )
    return out


def _exposure(i: int, c: dict) -> list[FieldError]:
    kind = model.service_type(c)
    where = ("components", i, "service", "type")
    if c["role"] == "frontend" and kind == "ClusterIP" and "ingress" not in c:
        return [
            FieldError(
                where,
                "a frontend with a ClusterIP Service and no ingress is unreachable from outside the cluster; use NodePort or LoadBalancer, or add an ingress",
            )
        ]
    if c["role"] == "backend" and kind in model.NODE_PORT_TYPES:
        return [
            FieldError(
                where,
                f"a backend exposed as {kind} is reachable from outside the cluster; use ClusterIP unless that is intended",
            )
        ]
    return []


def _service_fields(i: int, c: dict) -> list[FieldError]:
    """Fields Kubernetes accepts and then ignores, and CIDRs with host bits (which it only warns about)."""
    svc = c.get("service", {})
    where = ("components", i, "service")
    out = []
    if "sessionAffinityTimeoutSeconds" in svc and svc.get("sessionAffinity") != "ClientIP":
        out.append(
            FieldError(
                (*where, "sessionAffinityTimeoutSeconds"),
                "is ignored unless sessionAffinity is ClientIP",
            )
        )
    if svc.get("sessionAffinity") == "ClientIP" and model.is_headless(c):
        out.append(
            FieldError(
                (*where, "sessionAffinity"), "is ignored by Kubernetes on a headless Service"
            )
        )
    for k, cidr in enumerate(svc.get("loadBalancerSourceRanges", [])):
        given = ipaddress.ip_interface(cidr.strip())
        network = given.network
        if given.ip != network.network_address:
            out.append(
                FieldError(
                    (*where, "loadBalancerSourceRanges", k),
                    f"{cidr} has host bits set; it means {network}",
                )
            )
    return out


def _secret_looking_env(i: int, c: dict) -> list[FieldError]:
    return [
        FieldError(
            ("components", i, "env", name),
            f"{name} looks like a secret; plain env values are stored and shown in the chart, so give it through secretEnv (a reference to a Kubernetes Secret)",
        )
        for name in c.get("env", {})
        if _SECRET_NAME.search(name)
    ]
