"""The chart's ``values.yaml``: every user-given value of a topology, as data.

:func:`build_values` turns a validated topology document (DESIGN section 2,
nothing defaulted) into the values tree, applying the defaults of the format;
:func:`dump_values` writes it with ruamel.yaml, a comment above every key.
Templates read it through ``.Values``; no user string is ever written into
template text (DESIGN section 4).

Layout (one map per component, keyed by :func:`svcgen.naming.values_key`)::

    nameOverride: ""
    fullnameOverride: ""
    commonLabels: {<label>: <value>}
    networkPolicy: {enabled: false}
    <key>:
      name, role
      image: {repository, tag, digest}            frontend, backend, worker
      command: [], args: [], replicas             frontend, backend, worker
      ports: [{name?, port, targetPort, protocol, nodePort?}]
      service: {type, name, annotations, headless, externalTrafficPolicy,
                loadBalancerSourceRanges, loadBalancerClass, sessionAffinity,
                sessionAffinityTimeoutSeconds, ipFamilyPolicy, ipFamilies}
      external: {host, addresses}                 external
      ingress: {enabled, host, path, pathType, className, tlsSecret}   frontend
      env: {NAME: value}, secretEnv: [{name, secret, key}]
      dependsOn: [{component: <key of target>, env: {NAME: pattern}}]
      resources: {}, healthPath: "", probes: {}
      autoscaling: {enabled: false, minReplicas, maxReplicas,
                    targetCPUUtilizationPercentage}     frontend, backend, worker
      podDisruptionBudget: {enabled: false, minAvailable}  frontend, backend, worker
"""

from __future__ import annotations

import pickle
import threading

from . import model
from .naming import values_key
from .wiring import edge_env
from .yamlemit import dump_yaml

#: Roles that run pods (a Deployment); the others are ``external``.
WORKLOAD_ROLES = ("frontend", "backend", "worker")


def split_image(image: str) -> dict:
    """Split an image reference into ``{"repository", "tag", "digest"}``.

    ``ghcr.io:5000/a/b:1.0@sha256:ab`` -> ``ghcr.io:5000/a/b``, ``1.0``,
    ``sha256:ab``; a missing tag or digest is ``""``. A ``:`` counts as a
    tag separator only after the last ``/`` (so a registry port is kept).

    :param image: an image reference as the topology gives it.
    """
    name, _, digest = image.partition("@")
    repository, tag = name, ""
    head, slash, last = name.rpartition("/")
    if ":" in last:
        last, tag = last.split(":", 1)
        repository = head + slash + last
    return {"repository": repository, "tag": tag, "digest": digest}


def edge_values(entry: str | dict, target: dict) -> dict:
    """The values of one ``dependsOn`` edge: ``{"component", "env"}``.

    A plain edge gets ``<T>_HOST: "{host}"`` and, when the target has ports,
    ``<T>_PORT: "{port}"`` (DESIGN section 5); an edge given with ``env`` keeps
    exactly its own patterns. Default and pattern edges are one mechanism: the
    chart fills the placeholders at install time.

    :param entry: the ``dependsOn`` entry, a name or ``{"name", "env"}``.
    :param target: the called component.
    """
    return {"component": values_key(target["name"]), "env": edge_env(entry, target)}


def _ports(component: dict) -> list[dict]:
    ports = []
    for given in component.get("ports", []):
        port = {"name": given["name"]} if "name" in given else {}
        port["port"] = given["port"]
        port["targetPort"] = model.target_port(given)
        port["protocol"] = model.protocol(given)
        if "nodePort" in given:
            port["nodePort"] = given["nodePort"]
        ports.append(port)
    return ports


def _service(component: dict) -> dict:
    given = component.get("service", {})
    return {
        "type": model.service_type(component),
        "name": given.get("name", ""),
        "annotations": dict(given.get("annotations", {})),
        "headless": given.get("headless", False),
        "externalTrafficPolicy": given.get("externalTrafficPolicy", ""),
        "loadBalancerSourceRanges": list(given.get("loadBalancerSourceRanges", [])),
        "loadBalancerClass": given.get("loadBalancerClass", ""),
        "sessionAffinity": given.get("sessionAffinity", ""),
        "sessionAffinityTimeoutSeconds": given.get("sessionAffinityTimeoutSeconds", 0),
        "ipFamilyPolicy": given.get("ipFamilyPolicy", ""),
        "ipFamilies": list(given.get("ipFamilies", [])),
    }


def _ingress(component: dict) -> dict:
    given = component.get("ingress")
    ingress = {"enabled": given is not None}
    given = given or {}
    for key, default in (("host", ""), ("path", "/"), ("pathType", "Prefix")):
        ingress[key] = given.get(key, default)
    for key in ("className", "tlsSecret"):
        ingress[key] = given.get(key, "")
    return ingress


def _workload(component: dict, by_name: dict[str, dict]) -> dict:
    depends = [
        edge_values(e, by_name[model.edge_target(e)]) for e in component.get("dependsOn", [])
    ]
    return {
        "image": split_image(component["image"]),
        "command": list(component.get("command", [])),
        "args": list(component.get("args", [])),
        "replicas": model.replicas(component),
        "env": dict(component.get("env", {})),
        "secretEnv": [dict(s) for s in component.get("secretEnv", [])],
        "dependsOn": depends,
        "resources": component.get("resources", {}),
        "healthPath": component.get("healthPath", ""),
        "probes": component.get("probes", {}),
        **scaling_values(model.replicas(component)),
    }


def scaling_values(replicas: int) -> dict:
    """A workload's ``autoscaling`` and ``podDisruptionBudget`` values, both off.

    They are not part of the topology document: an operator turns them on at
    install time (``--set web.autoscaling.enabled=true``, or a values file).

    :param replicas: the component's replicas; the autoscaler's default range is
        ``max(1, replicas)`` to three times that.
    :returns: ``{"autoscaling": {enabled, minReplicas, maxReplicas,
        targetCPUUtilizationPercentage}, "podDisruptionBudget": {enabled, minAvailable}}``.
    """
    low = max(1, replicas)
    return {
        "autoscaling": {
            "enabled": False,
            "minReplicas": low,
            "maxReplicas": 3 * low,
            "targetCPUUtilizationPercentage": 80,
        },
        "podDisruptionBudget": {"enabled": False, "minAvailable": 1},
    }


def component_values(component: dict, by_name: dict[str, dict]) -> dict:
    """The values map of one component (layout in the module docstring).

    :param component: one entry of the document's ``components``.
    :param by_name: every component of the document by name (for ``dependsOn``).
    :returns: plain dicts and lists, in a fixed key order.
    """
    role = component["role"]
    values: dict = {"name": component["name"], "role": role}
    if role in WORKLOAD_ROLES:
        workload = _workload(component, by_name)
        values.update((k, workload.pop(k)) for k in ("image", "command", "args", "replicas"))
    else:
        workload = {}
        external = component.get("external", {})
        values["external"] = {
            "host": external.get("host", ""),
            "addresses": list(external.get("addresses", [])),
        }
    if role != "worker":
        values["ports"] = _ports(component)
        values["service"] = _service(component)
    if role == "frontend":
        values["ingress"] = _ingress(component)
    values.update(workload)
    return values


def build_values(document: dict) -> dict:
    """The whole values tree of a topology's chart.

    :param document: a validated topology document (DESIGN section 2).
    :returns: ``{"nameOverride", "fullnameOverride", "commonLabels",
        "networkPolicy", <values key>: <component values>...}``, in that order.
    """
    by_name = {c["name"]: c for c in document["components"]}
    values: dict = {
        "nameOverride": "",
        "fullnameOverride": "",
        "commonLabels": dict(document.get("labels", {})),
        "networkPolicy": {"enabled": False},
    }
    for component in document["components"]:
        values[values_key(component["name"])] = component_values(component, by_name)
    return values


#: Comment texts of fixed keys, by (section, key); a section is the nearest
#: enclosing key (list indices skipped), "" for the top level and "*" for a
#: component's own map. ``{name}`` is the component's name.
_TEXTS = {
    ("", "nameOverride"): "replaces the chart name in object names and labels.",
    ("", "fullnameOverride"): "replaces <release>-<chart>, the prefix of object names.",
    ("", "commonLabels"): "are put on every object, never in selectors.",
    ("", "networkPolicy"): "limits who may reach each component.",
    ("networkPolicy", "enabled"): "turns on a NetworkPolicy per component.",
    ("*", "name"): "is the component's name: the suffix of its object names.",
    ("*", "role"): "is frontend, backend, worker or external.",
    ("*", "image"): "is the container image of {name}.",
    ("*", "command"): "replaces the image's entrypoint (empty: the image's own).",
    ("*", "args"): "are the arguments of the entrypoint.",
    ("*", "replicas"): "is the number of pods of {name}.",
    ("*", "ports"): "are the ports of {name}'s Service and pods.",
    ("*", "service"): "shapes the Service of {name}.",
    ("*", "external"): "is where {name} lives, outside the cluster.",
    ("*", "ingress"): "puts an Ingress in front of the first port of {name}.",
    ("*", "env"): "are plain environment variables of {name}'s pods.",
    ("*", "secretEnv"): "are environment variables of {name}'s pods read from Secrets.",
    ("*", "dependsOn"): "are the components {name} calls and the variables each sets.",
    ("*", "resources"): "are the container's resource requests and limits.",
    ("*", "healthPath"): "is the HTTP path probed on the first port (empty: none).",
    ("*", "probes"): "are Kubernetes probes (readiness, liveness, startup); they win.",
    ("*", "autoscaling"): "scales {name} on CPU with a HorizontalPodAutoscaler.",
    ("*", "podDisruptionBudget"): "keeps pods of {name} up through node drains.",
    ("autoscaling", "enabled"): "turns the HorizontalPodAutoscaler on (replicas is then ignored).",
    ("autoscaling", "minReplicas"): "is the fewest pods the autoscaler keeps.",
    ("autoscaling", "maxReplicas"): "is the most pods the autoscaler starts.",
    ("autoscaling", "targetCPUUtilizationPercentage"): (
        "is the CPU use, in percent of resources.requests.cpu, it aims at."
    ),
    ("podDisruptionBudget", "enabled"): "turns the PodDisruptionBudget on.",
    ("podDisruptionBudget", "minAvailable"): (
        'is how many pods (a number, or a percentage like "50%") stay up.'
    ),
    ("image", "repository"): "is the image's repository.",
    ("image", "tag"): "is the image's tag (empty: none).",
    ("image", "digest"): "is the image's digest, sha256:... (empty: none).",
    ("ports", "name"): "names the Service port and the container port.",
    ("ports", "port"): "is the port on the Service.",
    ("ports", "targetPort"): "is the port the container listens on.",
    ("ports", "protocol"): "is TCP, UDP or SCTP.",
    ("ports", "nodePort"): "is opened on every node (NodePort and LoadBalancer only).",
    ("service", "type"): "is ClusterIP, NodePort, LoadBalancer or ExternalName.",
    ("service", "name"): "fixes the Service's name (empty: <release fullname>-{name}).",
    ("service", "annotations"): "are put on the Service.",
    ("service", "headless"): "makes a ClusterIP Service headless (clusterIP: None).",
    ("service", "externalTrafficPolicy"): "is Cluster or Local (NodePort, LoadBalancer).",
    ("service", "loadBalancerSourceRanges"): "are the client CIDRs a LoadBalancer admits.",
    ("service", "loadBalancerClass"): "picks the load balancer implementation.",
    ("service", "sessionAffinity"): "is None or ClientIP (empty: None).",
    ("service", "sessionAffinityTimeoutSeconds"): "is the ClientIP timeout (0: default).",
    ("service", "ipFamilyPolicy"): "is SingleStack, PreferDualStack or RequireDualStack.",
    ("service", "ipFamilies"): "are the IP families, IPv4 and/or IPv6.",
    ("external", "host"): "is the DNS name an ExternalName Service points at.",
    ("external", "addresses"): "are the IP addresses in the EndpointSlices.",
    ("ingress", "enabled"): "turns the Ingress on.",
    ("ingress", "host"): "is the host the Ingress serves (empty: any).",
    ("ingress", "path"): "is the HTTP path the Ingress routes.",
    ("ingress", "pathType"): "is Prefix, Exact or ImplementationSpecific.",
    ("ingress", "className"): "picks the IngressClass (empty: the default).",
    ("ingress", "tlsSecret"): "is the Secret holding the TLS certificate (empty: no TLS).",
    ("secretEnv", "name"): "is the variable's name.",
    ("secretEnv", "secret"): "is the Secret's name.",
    ("secretEnv", "key"): "is the key in the Secret.",
    ("dependsOn", "component"): "is the values key of the called component.",
    ("dependsOn", "env"): "maps variables to patterns of {host}, {port}, {port.<name>}.",
    ("resources", "requests"): "are the amounts reserved for the container.",
    ("resources", "limits"): "are the most the container may use.",
    ("requests", None): "is the amount of this resource reserved.",
    ("limits", None): "is the most of this resource the container may use.",
    ("commonLabels", None): "is a label on every object.",
    ("annotations", None): "is an annotation on the Service of {name}.",
}


_TOP_KEYS = frozenset(k for s, k in _TEXTS if s == "")


def _describe(values: dict, path: tuple, key: str) -> str:
    """The comment above ``key`` in the map at ``path`` of a values tree."""
    sections = [p for p in path if isinstance(p, str)]
    component = values[path[0]] if path and path[0] not in _TOP_KEYS else None
    if not path:
        text = _TEXTS.get(("", key)) or (
            f"is the {values[key]['role']} component {values[key]['name']}."
        )
    elif component is not None and len(sections) == 1:
        text = _TEXTS.get(("*", key))
    elif sections[-1] == "env":
        text = "is set from this pattern." if "dependsOn" in sections else "is set to this."
    else:
        text = _TEXTS.get((sections[-1], key)) or _TEXTS.get((sections[-1], None))
    text = text or f"is a setting of {'.'.join(map(str, path))}."
    return f"{key} {text.replace('{name}', component['name'] if component else '')}"


#: How much the block cache of :func:`dump_values` holds at most, in characters of
#: text plus bytes of key (a block of a typical component is about 3,000 characters of
#: text and 800 bytes of key, so some 4,000 blocks; a worker's memory grows by at most
#: about this many bytes, as the text is mostly ASCII).
BLOCK_CACHE_CHARS = 16_000_000

_blocks: dict[tuple[str, bytes], str] = {}
_cached_chars = 0
_blocks_lock = threading.Lock()


def dump_values(values: dict) -> str:
    """``values.yaml`` text of a tree from :func:`build_values`, with a comment line
    above every key that starts with the key's name.

    The text is written one top-level key at a time (a block: the key, its comment
    and everything under it), and the blocks are concatenated. A block depends only
    on its key and its value (:func:`_describe` reads nothing else), so each worker
    remembers the last blocks it wrote (up to :data:`BLOCK_CACHE_CHARS`), keyed by
    the key and the pickle of the value, which is exact about types (``1`` and
    ``"1"`` and ``True``, a ``str`` and a subclass of it are all told apart) and
    order: a new revision of a topology re-emits only the components that changed.
    The text is the same as one ``dump_yaml`` of the whole tree
    (``tests/test_values.py``). The cache is safe under a threaded server.

    :param values: the tree from :func:`build_values` (dicts, lists, str, int, bool).
    :returns: YAML text.
    """
    return "".join(_block(key, value) for key, value in values.items())


def _block(key: str, value) -> str:
    """The YAML text of the one-key map ``{key: value}`` of a values tree, cached."""
    cache_key = (key, pickle.dumps(value, protocol=5))
    text = _blocks.get(cache_key)
    if text is None:
        tree = {key: value}
        text = dump_yaml(tree, comment=lambda path, k: _describe(tree, path, k))
        _keep_block(cache_key, text)
    return text


def _keep_block(cache_key: tuple[str, bytes], text: str) -> None:
    """Remember a block, the oldest ones making room; one larger than the whole cache
    is not kept."""
    global _cached_chars
    size = len(cache_key[1]) + len(text)
    if size > BLOCK_CACHE_CHARS:
        return
    with _blocks_lock:
        if cache_key in _blocks:  # another thread wrote it meanwhile
            return
        while _blocks and _cached_chars + size > BLOCK_CACHE_CHARS:
            oldest = next(iter(_blocks))  # dicts keep insertion order
            _cached_chars -= len(oldest[1]) + len(_blocks.pop(oldest))
        _blocks[cache_key] = text
        _cached_chars += size


def clear_block_cache() -> None:
    """Forget every block :func:`dump_values` remembers (benchmarks of a cold render)."""
    global _cached_chars
    with _blocks_lock:
        _blocks.clear()
        _cached_chars = 0
