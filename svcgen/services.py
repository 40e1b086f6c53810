"""The Services of a topology as a person reads them: one row per Service port,
and short texts of a Service and its ports (for the diagram, the web page and the
catalog's descriptions). Defaults come from :mod:`svcgen.model`.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import model


@dataclass(frozen=True)
class ServiceRow:
    """One port of one component's Service (or a component without one).

    :param component: the component's name.
    :param role: frontend, backend, worker or external.
    :param type: the Service type, e.g. ``NodePort``; ``None`` for a worker.
    :param port_name: the port's name, or ``None``.
    :param port: the Service port, or ``None`` when the Service has no ports.
    :param target_port: the pod's port (``port`` by default).
    :param node_port: the fixed nodePort, or ``None`` (Kubernetes picks one).
    :param protocol: TCP, UDP or SCTP.
    """

    component: str
    role: str
    type: str | None
    port_name: str | None = None
    port: int | None = None
    target_port: int | None = None
    node_port: int | None = None
    protocol: str | None = None


def type_text(component: dict) -> str:
    """The Service type, e.g. ``NodePort``, ``ClusterIP (headless)``, or ``no Service``."""
    kind = model.service_type(component)
    if kind is None:
        return "no Service"
    return f"{kind} (headless)" if model.is_headless(component) else kind


def port_text(port: dict) -> str:
    """A port as ``http 80 → 8080 nodePort 30008 UDP``: name if any, ``port →
    targetPort``, the nodePort when fixed, the protocol when not TCP."""
    parts = [port.get("name"), f"{port['port']} → {model.target_port(port)}"]
    if "nodePort" in port:
        parts.append(f"nodePort {port['nodePort']}")
    if model.protocol(port) != "TCP":
        parts.append(model.protocol(port))
    return " ".join(p for p in parts if p)


def service_rows(document: dict) -> list[ServiceRow]:
    """One row per Service port of every component, in the document's order; a
    component without ports (a worker, an ExternalName without ports) gets one row."""
    rows = []
    for c in document["components"]:
        kind = type_text(c) if model.has_service(c) else None
        ports = c.get("ports", [])
        if not ports:
            rows.append(ServiceRow(c["name"], c["role"], kind))
        for p in ports:
            rows.append(
                ServiceRow(
                    component=c["name"],
                    role=c["role"],
                    type=kind,
                    port_name=p.get("name"),
                    port=p["port"],
                    target_port=model.target_port(p),
                    node_port=p.get("nodePort"),
                    protocol=model.protocol(p),
                )
            )
    return rows
