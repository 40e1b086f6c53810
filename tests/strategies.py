"""hypothesis strategies of topology documents (DESIGN section 2) and release names.

:func:`topologies` builds documents that respect every rule by construction and
reach every field the schemas accept: all four roles, external hosts and IPv4 /
IPv6 addresses, several ports with names, protocols, targetPorts and nodePorts
(unique in the topology, only on NodePort and LoadBalancer Services), every
Service field where its type allows it, ingress, env, secretEnv, both forms of
``dependsOn`` with ``{host}`` / ``{port}`` / ``{port.<name>}`` patterns,
resources, ``healthPath`` or probes of each action, command, args, replicas,
labels, description, appVersion and chartVersion. User strings are drawn from
arbitrary unicode text and from strings that YAML or Go templates could take
for something else.

:func:`documents` is :func:`topologies` with, now and then, one field spoilt
(wrong type, stray whitespace, an unknown key, a value out of range), so that
rejection is exercised too.
"""

from __future__ import annotations

import copy
import functools
import ipaddress

import semver
from hypothesis import strategies as st

from svcgen.naming import RESERVED_VALUES_KEYS, env_prefix, values_key
from svcgen.pod_rules import quantity_value

#: Strings that a YAML 1.1 or 1.2 reader, a Go template or a shell could take
#: for something other than plain text.
TRICKY = [
    "",
    " ",
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "Y",
    "NO",
    "true",
    "False",
    "null",
    "Null",
    "~",
    "0123",
    "6.10",
    "1e3",
    "0x1F",
    "0o17",
    "0b101",
    "1_000",
    ".inf",
    "-.Inf",
    ".NaN",
    "2001-12-14",
    "12:30:45",
    "<<",
    "=",
    "- a",
    "? a",
    "a: b",
    "a #b",
    "#",
    "&anchor",
    "*alias",
    "!tag",
    "|",
    ">-",
    "%YAML",
    "@",
    "`",
    "'single'",
    '"double"',
    "\\",
    "\\n",
    "line1\nline2",
    "trailing\n",
    "\n",
    " leading",
    "trailing ",
    "tab\there",
    "\r\n",
    "{{ .Release.Name }}",
    '{{ fail "boom" }}',
    '{{ include "svcgen.fullname" . }}',
    "{{- /* c */ -}}",
    "[[ key ]] [% if %] [# c #]",
    "${HOME} $(id) `id`",
    "{host}",
    "{}",
    "[a, b]",
    "{a: b}",
    "ünïcödé ✓ 日本語 🎉",
    "\u2028\u2029\x85\ufeff",
    "\x00\x07\x1b\x7f",
    "\u00a0nbsp",
]

#: Label values (``IsValidLabelValue``) that YAML could read as non-strings.
TRICKY_LABEL_VALUES = [
    "",
    "yes",
    "no",
    "on",
    "Off",
    "y",
    "N",
    "true",
    "NULL",
    "null",
    "0123",
    "6.10",
    "1e3",
    "1E-3",
    "0x1F",
    "0o17",
    "0b101",
    "1_000",
    "2001-12-14",
    "2001-1-1",
    "123",
    "0",
    "a.b_c-d",
    "x" * 63,
]

#: Image tags (``[\\w][\\w.-]{0,127}``) that YAML could read as non-strings.
TRICKY_TAGS = ["yes", "0123", "6.10", "true", "null", "1e3", "1_000", "0x1F", "latest", "On", "y"]

_PORT_NAMES = ["http", "https", "grpc", "metrics", "yes", "on", "n", "y", "null", "true", "1a"]
_NODE_PORT_TYPES = ("NodePort", "LoadBalancer")
_ANNOTATION_KEYS = [
    "example.com/a",
    "service.beta.kubernetes.io/aws-load-balancer-type",
    "Example.COM/Mixed_Case",
    "yes",
    "null",
    "0123",
    "a" * 63,
    "sub." * 60 + "example.com/" + "n" * 63,
]


@functools.cache
def user_text(max_size: int = 30) -> st.SearchStrategy[str]:
    """Any string a user may give: arbitrary unicode (no lone surrogates), the
    :data:`TRICKY` strings, and the two glued together."""
    text = st.text(st.characters(exclude_categories=("Cs",)), max_size=max_size)
    tricky = st.sampled_from(TRICKY)
    # NUL is refused everywhere (no container or YAML reader takes it).
    glued = st.one_of(tricky, text, st.builds(lambda a, b: a + b, tricky, text))
    return glued.map(lambda s: s.replace("\x00", ""))


def _regex(pattern: str) -> st.SearchStrategy[str]:
    return st.from_regex(pattern, fullmatch=True)


@functools.cache
def dns1035_labels(max_length: int = 63) -> st.SearchStrategy[str]:
    """RFC 1035 labels (Service-name syntax) of at most ``max_length`` characters."""
    short = _regex(r"[a-z]([-a-z0-9]{0,8}[a-z0-9])?")
    longest = _regex(rf"[a-z][-a-z0-9]{{{max_length - 2}}}[a-z0-9]")
    return st.one_of(short, short, short, longest).filter(lambda s: len(s) <= max_length)


@functools.cache
def release_names() -> st.SearchStrategy[str]:
    """Helm release names that make valid object names: DNS-1035 labels up to 53."""
    return st.one_of(st.just("rel"), dns1035_labels(53))


@functools.cache
def dns1123_labels(max_length: int = 63) -> st.SearchStrategy[str]:
    """RFC 1123 labels (may start with a digit) of at most ``max_length`` characters."""
    short = _regex(r"[a-z0-9]([-a-z0-9]{0,8}[a-z0-9])?")
    longest = _regex(rf"[a-z0-9][-a-z0-9]{{{max_length - 2}}}[a-z0-9]")
    words = st.sampled_from(["yes", "null", "true", "0123", "1e3", "6", "no"])
    return st.one_of(short, short, words, longest).filter(lambda s: len(s) <= max_length)


@functools.cache
def dns1123_subdomains() -> st.SearchStrategy[str]:
    """RFC 1123 subdomains: dot-separated labels, at most 253 characters."""
    labels = st.lists(dns1123_labels(), min_size=1, max_size=4)
    long_one = st.just(".".join(["a" * 63] * 3) + "." + "b" * 61)
    return st.one_of(labels.map(".".join), long_one).filter(lambda s: len(s) <= 253)


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


@functools.cache
def hosts() -> st.SearchStrategy[str]:
    """DNS names of servers (ExternalName, Ingress host): subdomains that are no IP address."""
    return dns1123_subdomains().filter(lambda h: not _is_ip(h))


@functools.cache
def label_values() -> st.SearchStrategy[str]:
    """Kubernetes label values, YAML-ambiguous ones included."""
    drawn = _regex(r"([A-Za-z0-9][-A-Za-z0-9_.]{0,20})?[A-Za-z0-9]")
    return st.one_of(st.sampled_from(TRICKY_LABEL_VALUES), drawn)


@functools.cache
def qualified_names() -> st.SearchStrategy[str]:
    """Label keys / ``loadBalancerClass``: an optional DNS prefix and ``/``, then a name."""
    name = _regex(r"([A-Za-z0-9][-A-Za-z0-9_.]{0,10})?[A-Za-z0-9]")
    prefix = dns1123_subdomains().map(lambda p: p + "/")
    return st.builds(lambda p, n: p + n, st.one_of(st.just(""), prefix), name)


@functools.cache
def semvers() -> st.SearchStrategy[str]:
    """SemVer 2 versions, with pre-release and build parts and large numbers."""
    number = st.one_of(st.integers(0, 20), st.integers(0, 2**64 - 1))
    ident = st.one_of(number.map(str), _regex(r"[0-9]*[A-Za-z-][0-9A-Za-z-]{0,5}"))
    build = _regex(r"[0-9A-Za-z-]{1,6}")
    pre = st.lists(ident, min_size=1, max_size=3).map(lambda p: "-" + ".".join(p))
    meta = st.lists(build, min_size=1, max_size=2).map(lambda p: "+" + ".".join(p))
    versions = st.builds(
        lambda a, b, c, p, m: f"{a}.{b}.{c}{p}{m}",
        number,
        number,
        number,
        st.one_of(st.just(""), pre),
        st.one_of(st.just(""), meta),
    )
    # helm lint takes only versions above 0.0.0-0 (validateChartVersion).
    return versions.filter(lambda v: semver.Version.parse(v) > semver.Version.parse("0.0.0-0"))


@functools.cache
def images() -> st.SearchStrategy[str]:
    """Image references: optional registry (with port), path, tag and/or digest."""
    registry = st.sampled_from(["", "ghcr.io/", "registry:5000/", "localhost/", "a.b.c:1/"])
    path = st.sampled_from(["nginx", "org/app", "a/b/c-d", "my_app", "x__y", "a.b-c"])
    tag = st.one_of(st.sampled_from(TRICKY_TAGS), _regex(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}"))
    algorithm = st.one_of(
        st.sampled_from(["sha256", "sha512"]),
        _regex(r"[a-z0-9]{1,6}([-_+.][a-z0-9]{1,4}){0,2}"),
    )
    digest = st.builds(lambda a, h: f"@{a}:{h}", algorithm, _regex(r"[0-9a-fA-F]{32,64}"))
    return st.builds(
        lambda r, p, t, d: r + p + t + d,
        registry,
        path,
        st.one_of(st.just(""), tag.map(lambda t: ":" + t)),
        st.one_of(st.just(""), st.just(""), digest),
    )


@functools.cache
def http_paths() -> st.SearchStrategy[str]:
    """Absolute HTTP paths without whitespace, template-like text included."""
    chars = st.characters(exclude_categories=("Cs", "Zs", "Zl", "Zp", "Cc"))
    drawn = st.text(chars, max_size=15).map(lambda s: "/" + s)
    fixed = st.sampled_from(["/", "/healthz", "/{{.Release.Name}}", "/a#b", "/yes", "/~", "/0123"])
    return st.one_of(fixed, drawn).filter(lambda p: not any(c.isspace() for c in p))


@functools.cache
def quantities() -> st.SearchStrategy:
    """Resource quantities: strings such as ``100m`` / ``1.5Gi`` / ``1e3``, and numbers."""
    suffix = st.sampled_from(["", "m", "k", "M", "G", "Ki", "Mi", "Gi", "e3", "E-2"])
    number = st.sampled_from(["1", "100", "0.5", ".5", "2.", "128", "0"])
    as_text = st.builds(lambda n, s: n + s, number, suffix)
    return st.one_of(as_text, st.integers(0, 64), st.sampled_from([0.5, 1.25, 2.0]))


_VAR_NAMES = _regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}") | st.sampled_from(["yes", "Y", "null", "on"])
# Wiring pattern text between placeholders.
_LITERAL = user_text(12).map(lambda s: s.replace("}", ""))
# networking validation of Exact and Prefix paths: no //, /./, /../ or %2F, no /. or /.. at the end.
_CLEAN_PATHS = http_paths().filter(
    lambda p: (
        not any(b in p for b in ("//", "/./", "/../", "%2f", "%2F"))
        and not p.endswith(("/.", "/.."))
    )
)
# Helm rewrites whitespace and drops unprintable characters of Chart.yaml text.
_APP_VERSIONS = (
    user_text(20)
    .map(lambda s: "".join(c for c in s if c == " " or (c.isprintable() and not c.isspace())))
    .filter(lambda s: 1 <= len(s) <= 100)
)


def _unique_by(items: list, key) -> list:
    seen, out = set(), []
    for item in items:
        if key(item) not in seen:
            seen.add(key(item))
            out.append(item)
    return out


@st.composite
def _resources(draw) -> dict:
    """requests and limits that Kubernetes takes: each request within its limit;
    extended resources and hugepages whole, with a limit equal to the request."""
    requests, limits = {}, {}
    for name in sorted(draw(st.sets(st.sampled_from(["cpu", "memory", "ephemeral-storage"])))):
        pair = draw(st.lists(quantities(), min_size=2, max_size=2))
        low, high = sorted(pair, key=quantity_value)
        if draw(st.booleans()):
            requests[name] = low
        if draw(st.booleans()) or name not in requests:
            limits[name] = high
    if draw(st.booleans()):
        gpus = draw(st.integers(0, 8))
        limits["example.com/gpu"] = draw(st.sampled_from([gpus, str(gpus)]))
        if draw(st.booleans()):
            requests["example.com/gpu"] = gpus
    if draw(st.integers(0, 4)) == 0:
        pages = draw(st.sampled_from(["2Mi", "4Mi", "0"]))
        limits["hugepages-2Mi"] = requests["hugepages-2Mi"] = pages
        limits.setdefault("memory", "1Gi")
    resources = {}
    if requests or draw(st.booleans()):
        resources["requests"] = requests
    if limits or draw(st.booleans()):
        resources["limits"] = limits
    return resources


@st.composite
def _ports(draw, node_ports: list[int], allow_node_ports: bool) -> list[dict]:
    """1-3 ports of one component; names required when there are several."""
    count = draw(st.integers(1, 3))
    names = draw(
        st.lists(
            st.one_of(st.sampled_from(_PORT_NAMES), _regex(r"[a-z]{1,6}(-[a-z0-9]{1,4})?")),
            min_size=count,
            max_size=count,
            unique=True,
        )
    )
    ports = []
    for i in range(count):
        port: dict = {"port": draw(st.sampled_from([80, 443, 53, 8080]) | st.integers(1, 65535))}
        if count > 1 or draw(st.booleans()):
            port["name"] = names[i]
        if draw(st.booleans()):
            port["targetPort"] = draw(st.integers(1, 65535))
        protocol = draw(st.sampled_from([None, "TCP", "UDP", "SCTP"]))
        if protocol:
            port["protocol"] = protocol
        ports.append(port)
    ports = _unique_by(ports, lambda p: (p["port"], p.get("protocol", "TCP")))
    if count > 1 and len(ports) == 1 and "name" not in ports[0]:
        ports[0]["name"] = names[0]
    if allow_node_ports:
        for port in ports:
            if node_ports and draw(st.booleans()):
                port["nodePort"] = node_ports.pop()
        # The same port on TCP and UDP may share one nodePort (DESIGN section 2).
        first = ports[0]
        if "nodePort" in first and draw(st.integers(0, 4)) == 0:
            other = "UDP" if first.get("protocol", "TCP") == "TCP" else "TCP"
            twin = {"name": names[0] + "-x", "port": first["port"], "protocol": other}
            twin["nodePort"] = first["nodePort"]
            first.setdefault("name", names[0])
            pairs = {(p["port"], p.get("protocol", "TCP")) for p in ports}
            if (twin["port"], other) not in pairs and twin["name"] not in names:
                ports.append(twin)
    return ports


@st.composite
def _service(draw, kind: str | None, default: str, fixed_names: list[str]) -> dict:
    """A ``service`` map whose every field fits the Service type ``kind``, or
    ``default`` (the role's default type, DESIGN section 2) when ``kind`` is None."""
    effective = kind or default
    svc: dict = {}
    if kind is not None:
        svc["type"] = kind
    if fixed_names and draw(st.integers(0, 3)) == 0:
        svc["name"] = fixed_names.pop()
    if draw(st.booleans()):
        keys = draw(st.lists(st.sampled_from(_ANNOTATION_KEYS) | qualified_names(), max_size=3))
        svc["annotations"] = {k: draw(user_text()) for k in keys}
        if draw(st.integers(0, 9)) == 0:
            mode = draw(st.sampled_from(["Auto", "auto", ""]))
            svc["annotations"]["service.kubernetes.io/topology-mode"] = mode
            svc["annotations"]["service.kubernetes.io/topology-aware-hints"] = mode
    if effective == "ClusterIP" and draw(st.booleans()):
        svc["headless"] = draw(st.booleans())
    if effective in _NODE_PORT_TYPES and draw(st.booleans()):
        svc["externalTrafficPolicy"] = draw(st.sampled_from(["Cluster", "Local"]))
    if effective == "LoadBalancer":
        if draw(st.booleans()):
            cidr = st.sampled_from(["10.0.0.0/8", "192.0.2.1/32", "2001:db8::/64", "0.0.0.0/0"])
            svc["loadBalancerSourceRanges"] = draw(st.lists(cidr, max_size=3))
        if draw(st.booleans()):
            svc["loadBalancerClass"] = draw(qualified_names())
    if draw(st.booleans()):
        svc["sessionAffinity"] = draw(st.sampled_from(["None", "ClientIP"]))
        if draw(st.booleans()):
            svc["sessionAffinityTimeoutSeconds"] = draw(st.integers(1, 86400))
    if effective != "ExternalName" and draw(st.booleans()):
        families = draw(st.sampled_from([["IPv4"], ["IPv6"], ["IPv4", "IPv6"], ["IPv6", "IPv4"]]))
        policies = ["PreferDualStack", "RequireDualStack"]
        if len(families) == 1:
            policies.append("SingleStack")
        if draw(st.booleans()):
            svc["ipFamilies"] = families
        if "ipFamilies" not in svc or len(families) == 2 or draw(st.booleans()):
            svc["ipFamilyPolicy"] = draw(st.sampled_from(policies))
    return svc


@st.composite
def _probe(draw, ports: list[dict]) -> dict:
    names = [p["name"] for p in ports if "name" in p]
    port_ref = st.integers(1, 65535) | (st.sampled_from(names) if names else st.integers(1, 9))
    action = draw(st.sampled_from(["httpGet", "tcpSocket", "grpc", "exec"]))
    if action == "httpGet":
        body = {"path": draw(http_paths()), "port": draw(port_ref)}
        if draw(st.booleans()):
            body["scheme"] = draw(st.sampled_from(["HTTP", "HTTPS"]))
    elif action == "tcpSocket":
        body = {"port": draw(port_ref)}
    elif action == "grpc":
        body = {"port": draw(st.integers(1, 65535))}
        if draw(st.booleans()):
            body["service"] = draw(user_text())
    else:
        body = {"command": draw(st.lists(user_text(), min_size=1, max_size=3))}
    probe = {action: body}
    for field, low, high in (
        ("initialDelaySeconds", 0, 3600),
        ("periodSeconds", 1, 3600),
        ("timeoutSeconds", 1, 3600),
        ("failureThreshold", 1, 100),
    ):
        if draw(st.integers(0, 3)) == 0:
            probe[field] = draw(st.integers(low, high))
    return probe


@st.composite
def _pod_fields(draw, component: dict) -> None:
    """image, command, args, replicas, resources, healthPath or probes, in place."""
    component["image"] = draw(images())
    for field in ("command", "args"):
        if draw(st.booleans()):
            component[field] = draw(st.lists(user_text(), max_size=3))
    if draw(st.booleans()):
        component["replicas"] = draw(st.sampled_from([0, 1, 3, 1000]))
    if draw(st.booleans()):
        component["resources"] = draw(_resources())
    ports = component.get("ports", [])
    kinds = draw(st.sets(st.sampled_from(["readiness", "liveness", "startup"])))
    if ports and draw(st.booleans()):
        component["healthPath"] = draw(http_paths())
        kinds.discard("readiness")
        kinds.discard("liveness")
    if kinds and draw(st.booleans()):
        component["probes"] = {kind: draw(_probe(ports)) for kind in sorted(kinds)}
        if "readiness" in kinds and draw(st.booleans()):
            component["probes"]["readiness"]["successThreshold"] = draw(st.integers(1, 100))


@st.composite
def _skeleton(draw, name: str, node_ports: list[int], fixed_names: list[str]) -> dict:
    """A component without its ``dependsOn``, env or secretEnv."""
    role = draw(st.sampled_from(["frontend", "backend", "worker", "external"]))
    component: dict = {"name": name, "role": role}
    if role == "external":
        if draw(st.booleans()):
            host = draw(hosts())
            component["external"] = {"host": host + draw(st.sampled_from(["", "."]))}
            kinds, default = [None, "ExternalName"], "ExternalName"
        else:
            address = st.sampled_from(
                ["192.0.2.10", "198.51.100.7", "10.1.2.3", "2001:db8::10", "2001:db8::1:2",
                 "fd00::5", "::ffff:192.0.2.1", "203.0.113.255"]
            )  # fmt: skip
            component["external"] = {
                "addresses": draw(st.lists(address, min_size=1, max_size=4, unique=True))
            }
            kinds, default = [None, "ClusterIP"], "ClusterIP"  # selectorless
        kind = draw(st.sampled_from(kinds))
        if "addresses" in component["external"] or draw(st.booleans()):
            component["ports"] = draw(_ports(node_ports, allow_node_ports=False))
        service = draw(_service(kind, default, fixed_names))
        if service:
            component["service"] = service
        return component
    if role in ("frontend", "backend"):
        kind = draw(st.sampled_from([None, "ClusterIP", "NodePort", "LoadBalancer"]))
        effective = kind or ("NodePort" if role == "frontend" else "ClusterIP")
        component["ports"] = draw(_ports(node_ports, effective in _NODE_PORT_TYPES))
        service = draw(_service(kind, effective, fixed_names))
        if service or draw(st.booleans()):
            component["service"] = service
    if role == "frontend" and draw(st.booleans()):
        ingress = {}
        if draw(st.booleans()):
            ingress["host"] = draw(st.sampled_from(["", "*."])) + draw(hosts())
        if draw(st.booleans()):
            ingress["pathType"] = draw(
                st.sampled_from(["Prefix", "Exact", "ImplementationSpecific"])
            )
        if draw(st.booleans()):
            path = http_paths()
            if ingress.get("pathType", "Prefix") != "ImplementationSpecific":
                path = _CLEAN_PATHS
            ingress["path"] = draw(path)
        for field in ("className", "tlsSecret"):
            if draw(st.booleans()):
                ingress[field] = draw(dns1123_subdomains())
        component["ingress"] = ingress
    draw(_pod_fields(component))
    return component


def _pattern_parts(target: dict) -> list[str]:
    placeholders = ["{host}"]
    if target.get("ports"):
        placeholders.append("{port}")
        placeholders += [f"{{port.{p['name']}}}" for p in target["ports"] if "name" in p]
    return placeholders


@st.composite
def _wiring(draw, component: dict, components: list[dict]) -> None:
    """dependsOn (names and ``{name, env}`` patterns), env and secretEnv, in place,
    so that no variable is set twice."""
    targets = [c for c in components if c["role"] != "worker" and c is not component]
    chosen = (
        draw(st.lists(st.sampled_from(targets), unique_by=lambda c: c["name"])) if targets else []
    )
    taken: set[str] = set()
    edges = []
    var_names, literal = _VAR_NAMES, _LITERAL
    for target in chosen:
        if draw(st.booleans()):
            prefix = env_prefix(target["name"])
            wanted = {f"{prefix}_HOST"} | ({f"{prefix}_PORT"} if target.get("ports") else set())
            if wanted & taken:
                continue
            taken |= wanted
            edges.append(target["name"])
            continue
        env = {}
        for var in draw(st.lists(var_names, min_size=1, max_size=3)):
            if var in taken:
                continue
            parts = draw(st.lists(st.sampled_from(_pattern_parts(target)) | literal, max_size=4))
            env[var] = "".join(parts)
            taken.add(var)
        if env:
            edges.append({"name": target["name"], "env": env})
    if edges:
        component["dependsOn"] = edges
    if draw(st.booleans()):
        env = {}
        for var in draw(st.lists(var_names, max_size=4)):
            if var not in taken:
                env[var] = draw(user_text())
                taken.add(var)
        component["env"] = env
    if draw(st.booleans()):
        secret_env = []
        for var in draw(st.lists(var_names, max_size=2)):
            if var not in taken:
                secret = draw(dns1123_subdomains())
                key = draw(_regex(r"[-._a-zA-Z0-9]{1,12}"))
                secret_env.append({"name": var, "secret": secret, "key": key})
                taken.add(var)
        component["secretEnv"] = secret_env


@functools.cache
def _component_names(max_count: int) -> st.SearchStrategy[list[str]]:
    tricky = st.sampled_from(["yes", "no", "on", "y", "null", "true", "web", "api", "a--b", "db"])
    name = st.one_of(tricky, dns1035_labels(50), _regex(r"[a-z]{1,4}(-[a-z0-9]{1,4}){0,3}"))
    names = st.lists(name, min_size=1, max_size=max_count, unique_by=values_key)
    return names.filter(lambda ns: not RESERVED_VALUES_KEYS & {values_key(n) for n in ns})


@st.composite
def topologies(draw, max_components: int = 5) -> dict:
    """A topology document that follows every rule of DESIGN section 2."""
    names = draw(_component_names(max_components))
    node_ports = draw(st.lists(st.integers(30000, 32767), min_size=12, max_size=12, unique=True))
    fixed_names = draw(st.lists(dns1035_labels(), max_size=3, unique=True))
    components = [draw(_skeleton(n, node_ports, fixed_names)) for n in names]
    for component in components:
        if component["role"] != "external":
            draw(_wiring(component, components))
    document: dict = {"name": draw(dns1123_labels(53))}
    if draw(st.booleans()):
        document["description"] = draw(user_text(60))
    if draw(st.booleans()):
        # Helm rewrites whitespace and drops unprintable characters of Chart.yaml text.
        document["appVersion"] = draw(_APP_VERSIONS)
    if draw(st.booleans()):
        document["chartVersion"] = draw(semvers())
    if draw(st.booleans()):
        keys = st.one_of(qualified_names(), st.sampled_from(["yes", "team", "0123", "null"]))
        keys = keys.filter(
            lambda k: not k.startswith("app.kubernetes.io/") and k != "helm.sh/chart"
        )
        document["labels"] = draw(st.dictionaries(keys, label_values(), max_size=4))
    document["components"] = components
    return document


def _leaves(value, path=()):
    """Every (path, value) in a document, containers included."""
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))


def _set(document, path, value) -> None:
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


@st.composite
def documents(draw) -> dict:
    """:func:`topologies`, or one of them with one field spoilt: a wrong type, stray
    whitespace or control characters, an unknown key, a number out of range, a
    removed required field."""
    document = draw(topologies())
    if draw(st.integers(0, 3)) != 3:
        return document
    document = copy.deepcopy(document)
    path, value = draw(st.sampled_from([p for p in _leaves(document) if p[0]]))
    spoilt = [None, True, 0, -1, 70000, "80", "", [], {}, {"x": 1}, 1.5]
    if isinstance(value, str):
        spoilt += [value + "\n", " " + value, value + "\x00", value.upper(), value * 9]
    if isinstance(value, int) and not isinstance(value, bool):
        spoilt += [value + 1, value - 1, str(value), value + 30000]
    how = draw(st.sampled_from(["replace", "unknown", "delete"]))
    if how == "unknown" and isinstance(value, dict):
        value[draw(st.sampled_from(["nmae", "Ports", "extra", "type "]))] = 1
    elif how == "delete" and isinstance(value, dict) and value:
        del value[draw(st.sampled_from(sorted(value, key=str)))]
    else:
        _set(document, path, draw(st.sampled_from(spoilt)))
    return document
