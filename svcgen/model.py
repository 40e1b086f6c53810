"""The defaults of the topology format, in one place.

A stored document keeps only what the user wrote; these functions give the value
that applies when a field is left out (DESIGN section 2, and Kubernetes'
``SetDefaults_Service`` in pkg/apis/core/v1/defaults.go for ports).
"""

from __future__ import annotations

#: Service type by role when ``service.type`` is not set.
DEFAULT_SERVICE_TYPE = {"frontend": "NodePort", "backend": "ClusterIP"}

#: Fields only components that run pods have; an external component may not set them.
POD_FIELDS = (
    "image",
    "command",
    "args",
    "replicas",
    "env",
    "secretEnv",
    "resources",
    "healthPath",
    "probes",
)

#: Service types reachable from outside the cluster through a node port.
NODE_PORT_TYPES = ("NodePort", "LoadBalancer")


def has_service(component: dict) -> bool:
    """Every component has a Service except a worker."""
    return component["role"] != "worker"


def default_named(components: list[dict]) -> list[str]:
    """The names of the components whose Service takes the chart's default name,
    ``<release fullname>-<component>`` (no ``service.name``), in document order."""
    return [c["name"] for c in components if has_service(c) and "name" not in c.get("service", {})]


def service_type(component: dict) -> str | None:
    """The Service type of a component: ``service.type`` if set, else by role:
    frontend NodePort, backend ClusterIP, external ExternalName (given by ``host``) or
    ClusterIP (given by ``addresses``, a selectorless Service); ``None`` for a worker."""
    role = component["role"]
    if role == "worker":
        return None
    given = component.get("service", {}).get("type")
    if given:
        return given
    if role == "external":
        return "ExternalName" if "host" in component.get("external", {}) else "ClusterIP"
    return DEFAULT_SERVICE_TYPE[role]


def is_headless(component: dict) -> bool:
    """True when the component's Service is headless (``clusterIP: None``)."""
    return bool(component.get("service", {}).get("headless", False))


def protocol(port: dict) -> str:
    """A port's protocol, TCP by default (``SetDefaults_Service``)."""
    return port.get("protocol", "TCP")


def target_port(port: dict) -> int:
    """A port's targetPort, the Service ``port`` by default (``SetDefaults_Service``)."""
    return port.get("targetPort", port["port"])


def replicas(component: dict) -> int:
    """The component's replicas, 1 by default."""
    return component.get("replicas", 1)


def edge_target(entry: str | dict) -> str:
    """The called component's name of a ``dependsOn`` entry (a name or ``{name, env}``)."""
    return entry if isinstance(entry, str) else entry["name"]
