"""marshmallow schemas of the topology document (DESIGN section 2).

These check each field alone: its type, its syntax, its range. Rules that need
several fields or components at once live in :mod:`svcgen.rules`. ``load`` returns
the document's own camelCase keys unchanged (no ``data_key``, no defaults), so what
is stored is what the user wrote.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping

import semver
from marshmallow import Schema, ValidationError, validate, validates_schema
from marshmallow import fields as mf

from . import k8s, syntax
from .fields import Bool, Int, Nested, NestedList, Str, StrList, StrMap
from .syntax import states

ROLES = ("frontend", "backend", "worker", "external")

# Limits on what one document may hold, so that no request costs the server much
# more than its size: each is a 422 naming the field. Kubernetes has no limit on
# most of these; the numbers are far above what a real topology uses.
#: Characters in a free-text value: env values, annotation values, command/args words.
MAX_TEXT_LENGTH = 8192
#: Characters in a dependsOn env pattern such as ``http://{host}:{port}/v1``.
MAX_PATTERN_LENGTH = 1024
#: Characters in an image reference.
MAX_IMAGE_LENGTH = 512
#: Characters in an environment variable name.
MAX_ENV_NAME_LENGTH = 253
#: Words in ``command``, ``args`` and an exec probe's ``command``.
MAX_WORDS = 100
#: Entries in ``env``; and in ``secretEnv``.
MAX_ENV = 200
#: Entries in ``dependsOn`` per component (200 components each depending on all
#: others took 20 s to render; 100 keeps a full topology within a few seconds).
MAX_DEPENDS_ON = 100
#: dependsOn entries in a whole topology. Rendering costs about 0.5 ms per edge on
#: top of about 1 s for 200 components (measured: 200 x 100 edges took 11 s), so
#: 1000 keeps the largest chart at about 2 s.
MAX_EDGES = 1000
#: Ports in a whole topology (200 components of 100 ports each took 7 s to render).
MAX_PORTS = 1000
#: ``env`` and ``secretEnv`` entries in a whole topology (200 x 200 took 7 s).
MAX_ENV_TOTAL = 2000
#: Variables one dependsOn edge may set.
MAX_EDGE_ENV = 50
#: Entries in ``labels``; and in a Service's ``annotations``.
MAX_LABELS = 100
MAX_ANNOTATIONS = 100
#: Entries in ``loadBalancerSourceRanges``.
MAX_SOURCE_RANGES = 100
#: Resource names in ``requests``; and in ``limits``.
MAX_RESOURCES = 20
SERVICE_TYPES = ("ClusterIP", "NodePort", "LoadBalancer", "ExternalName")
PROTOCOLS = ("TCP", "UDP", "SCTP")

# An OCI image reference (distribution/reference grammar): [domain[:port]/]path[:tag][@digest].
# The digest's algorithm is go-digest's ``[a-z0-9]+([.+_-][a-z0-9]+)*`` (digest.Parse, which
# the reference parser calls), as the chart's values.schema.json requires too.
_IMAGE = re.compile(
    r"^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*"
    r"(?::[0-9]+)?/)?"
    r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
    r"(?::[\w][\w.-]{0,127})?(?:@[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,})?$"
)
_words = validate.Length(max=MAX_WORDS, error=f"may list at most {MAX_WORDS} words")
_SECRET_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")


def _pattern(regex: re.Pattern, sentence: str):
    return lambda value: [] if regex.fullmatch(value) else [sentence]


def _max_len(n: int):
    return lambda value: [f"must be no more than {n} characters"] if len(value) > n else []


def _bounded(check, n: int):
    """``check``, after a length limit of ``n`` characters (its messages quote the value)."""
    return lambda value: (
        [f"must be no more than {n} characters"] if len(value) > n else check(value)
    )


_env_name = _bounded(k8s.c_identifier, MAX_ENV_NAME_LENGTH)


def _http_path(value: str) -> list[str]:
    ok = value.startswith("/") and not any(c.isspace() for c in value) and len(value) <= 1024
    return [] if ok else ["must be an absolute HTTP path starting with '/' and without spaces"]


def _label_key(value: str) -> list[str]:
    return k8s.qualified_name(value)


def _annotation_key(value: str) -> list[str]:
    # Kubernetes ValidateAnnotations lower-cases keys before checking them.
    return k8s.qualified_name(value.lower())


def _topology_name(value: str) -> list[str]:
    # DNS-1123 label, at most 53: Helm's release-name limit (ValidateReleaseName).
    return k8s.dns1123_label(value, max_length=53)


def _component_name(value: str) -> list[str]:
    # Objects are named <release fullname>-<component> within 63 characters: keep room for it.
    return k8s.dns1035_label(value, max_length=50)


#: Helm parses chart versions with Masterminds/semver, whose numbers are uint64.
_UINT64_MAX = 2**64 - 1


def _chart_version(value: str) -> list[str]:
    """Strict SemVer 2 (Helm 4 lint ``validateChartVersionStrictSemVerV2``) whose
    major, minor and patch fit Helm's uint64 (else Helm cannot load the chart),
    above ``0.0.0-0`` (Helm lint ``validateChartVersion``: constraint ``>0.0.0-0``)."""
    if not semver.Version.is_valid(value):
        return ["must be a SemVer 2 version such as 1.4.0 (no 'v', no leading zeros)"]
    version = semver.Version.parse(value)
    if max(version.major, version.minor, version.patch) > _UINT64_MAX:
        return [f"has a number above {_UINT64_MAX}, the largest Helm can read"]
    if version <= semver.Version.parse("0.0.0-0"):
        return ["must be above 0.0.0-0, the lowest version helm lint accepts (e.g. 0.0.1)"]
    return []


def _chart_text(value: str) -> list[str]:
    # Helm's chart loader runs Metadata.Validate, whose sanitizeString turns every
    # whitespace character into ' ' and drops what Go's unicode.IsPrint refuses
    # (pkg/chart/v2/metadata.go): such an appVersion would not reach the templates'
    # .Chart.AppVersion (the app.kubernetes.io/version label) as written.
    if all(c == " " or (c.isprintable() and not c.isspace()) for c in value):
        return []
    return [
        "must be printable text on one line (no tabs, line breaks or control characters): "
        "Helm changes them when it loads Chart.yaml"
    ]


def did_you_mean(key: str, known: list[str]) -> str:
    """The end of a sentence about an unknown name: ``"; did you mean 'x'?"`` naming
    the nearest of ``known`` (difflib), or ``"."`` when none is near."""
    close = difflib.get_close_matches(key, known, n=1)
    return f"; did you mean '{close[0]}'?" if close else "."


class StrictSchema(Schema):
    """A schema that refuses unknown fields, naming the nearest known one."""

    class Meta:
        unknown = "exclude"  # reported by _reject_unknown with a better sentence

    error_messages = {"type": "must be a mapping of fields (a JSON object / YAML map)"}

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def _reject_unknown(self, data, original_data, **kwargs):
        if not isinstance(original_data, Mapping):
            return
        known = sorted(self.load_fields)
        errors = {}
        for key in original_data:
            if key not in self.load_fields:
                hint = did_you_mean(str(key), known)
                errors[key] = [f"is not a known field here{hint} Known fields: {', '.join(known)}"]
        if errors:
            raise ValidationError(errors)


class PortSchema(StrictSchema):
    """One port of a component: ``name``, ``port``, ``targetPort``, ``nodePort``, ``protocol``."""

    # The container port carries this name, so it is an IANA service name (IsValidPortName).
    name = Str(check=k8s.iana_svc_name, metadata=states(syntax.IANA_SVC_NAME))
    port = Int(
        required=True, validate=validate.Range(1, 65535, error="must be between 1 and 65535")
    )
    targetPort = Int(validate=validate.Range(1, 65535, error="must be between 1 and 65535"))
    nodePort = Int(validate=validate.Range(1, 65535, error="must be between 1 and 65535"))
    protocol = Str(
        validate=validate.OneOf(PROTOCOLS, error="must be one of TCP, UDP or SCTP (upper case)")
    )


class ServiceSchema(StrictSchema):
    """How a component's Service is made (DESIGN section 2, ``service``)."""

    type = Str(
        validate=validate.OneOf(SERVICE_TYPES, error="must be one of " + ", ".join(SERVICE_TYPES))
    )
    name = Str(check=k8s.dns1035_label, metadata=states(syntax.DNS1035_LABEL))
    annotations = StrMap(
        key_check=_annotation_key,
        max_entries=MAX_ANNOTATIONS,
        max_value_length=MAX_TEXT_LENGTH,
        metadata=states(propertyNames=syntax.ANNOTATION_KEY),
    )
    headless = Bool()
    externalTrafficPolicy = Str(
        validate=validate.OneOf(("Cluster", "Local"), error="must be Cluster or Local")
    )
    loadBalancerSourceRanges = StrList(
        check=k8s.cidr,
        max_item_length=64,
        validate=validate.Length(
            max=MAX_SOURCE_RANGES, error=f"may list at most {MAX_SOURCE_RANGES} ranges"
        ),
        metadata=states(items=syntax.CIDR),
    )
    loadBalancerClass = Str(
        check=k8s.qualified_name, max_length=317, metadata=states(syntax.QUALIFIED_NAME)
    )
    sessionAffinity = Str(
        validate=validate.OneOf(("None", "ClientIP"), error="must be None or ClientIP")
    )
    sessionAffinityTimeoutSeconds = Int(
        validate=validate.Range(1, 86400, error="must be between 1 and 86400 seconds")
    )
    ipFamilyPolicy = Str(
        validate=validate.OneOf(
            ("SingleStack", "PreferDualStack", "RequireDualStack"),
            error="must be SingleStack, PreferDualStack or RequireDualStack",
        )
    )
    ipFamilies = StrList(
        check=lambda v: [] if v in ("IPv4", "IPv6") else ["must be IPv4 or IPv6"],
        validate=validate.Length(1, 2, error="must list one or two families"),
        metadata=states(items={"enum": ["IPv4", "IPv6"]}),
    )


class IngressSchema(StrictSchema):
    """An Ingress in front of a frontend's first port."""

    host = Str(
        check=k8s.ingress_host,
        max_length=255,
        metadata=states(syntax.INGRESS_HOST),
    )
    path = Str(check=_http_path, max_length=1024, metadata=states(syntax.HTTP_PATH))
    pathType = Str(
        validate=validate.OneOf(
            ("Prefix", "Exact", "ImplementationSpecific"),
            error="must be Prefix, Exact or ImplementationSpecific",
        )
    )
    className = Str(check=k8s.dns1123_subdomain, metadata=states(syntax.DNS1123_SUBDOMAIN))
    tlsSecret = Str(check=k8s.dns1123_subdomain, metadata=states(syntax.DNS1123_SUBDOMAIN))


class SecretEnvSchema(StrictSchema):
    """An environment variable read from a Secret: a reference, never a value."""

    name = Str(
        required=True,
        check=k8s.c_identifier,
        max_length=MAX_ENV_NAME_LENGTH,
        metadata=states(syntax.C_IDENTIFIER),
    )
    secret = Str(
        required=True, check=k8s.dns1123_subdomain, metadata=states(syntax.DNS1123_SUBDOMAIN)
    )
    key = Str(
        required=True,
        check=lambda v: (
            _max_len(253)(v)
            + _pattern(_SECRET_KEY, "must consist of letters, digits, '-', '_' or '.'")(v)
        ),
        metadata=states(pattern=_SECRET_KEY.pattern, maxLength=253),
    )


class DependsOnSchema(StrictSchema):
    """An edge given with the variables it sets: ``{name, env: {VAR: pattern}}``."""

    name = Str(required=True, max_length=63)
    env = StrMap(
        key_check=_env_name,
        required=True,
        max_entries=MAX_EDGE_ENV,
        max_value_length=MAX_PATTERN_LENGTH,
        metadata=states(propertyNames=syntax.C_IDENTIFIER),
    )


#: Built once: a document may carry a thousand edges.
_DEPENDS_ON_SCHEMA = DependsOnSchema()


class DependsOnField(mf.Field):
    """A ``dependsOn`` entry: a component name, or a :class:`DependsOnSchema` mapping."""

    default_error_messages = {
        "invalid": "must be a component name or a mapping with 'name' and 'env'",
        "null": "may not be null",
    }

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            if len(value) > 63:
                raise ValidationError("must be no more than 63 characters (a component name)")
            return value
        if isinstance(value, Mapping):
            return _DEPENDS_ON_SCHEMA.load(value)
        raise self.make_error("invalid")


_QUANTITIES = states(
    propertyNames=syntax.QUALIFIED_NAME, additionalProperties=syntax.RESOURCE_QUANTITY
)


def _quantities() -> StrMap:
    """A map of resource name to quantity (``requests`` or ``limits``)."""
    return StrMap(
        key_check=_label_key,
        value_check=k8s.quantity,
        allow_numbers=True,
        max_entries=MAX_RESOURCES,
        max_value_length=64,
        metadata=_QUANTITIES,
    )


class ResourcesSchema(StrictSchema):
    """Container resource ``requests`` and ``limits``: resource name to quantity."""

    requests = _quantities()
    limits = _quantities()


class ExternalSchema(StrictSchema):
    """Where an external data source lives: a DNS ``host`` or fixed IP ``addresses``."""

    # A DNS-1123 subdomain (253) and the one trailing dot an ExternalName may have.
    host = Str(check=k8s.external_name, max_length=254, metadata=states(syntax.EXTERNAL_HOST))
    addresses = StrList(
        check=k8s.endpoint_address,
        max_item_length=64,
        validate=validate.Length(1, 100, error="must list 1 to 100 addresses"),
        metadata=states(items=syntax.IP_ADDRESS),
    )


class PortRefField(mf.Field):
    """A probe's port: a number 1-65535 or the name of one of the component's ports."""

    default_error_messages = {
        "invalid": "must be a port number (1-65535) or the name of one of this component's ports",
        "null": "may not be null",
    }

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise self.make_error("invalid")
        if isinstance(value, int) and not 1 <= value <= 65535:
            raise self.make_error("invalid")
        if isinstance(value, str) and k8s.iana_svc_name(value):
            raise self.make_error("invalid")
        return value


class HttpGetSchema(StrictSchema):
    """``httpGet`` probe action."""

    path = Str(required=True, check=_http_path, metadata=states(syntax.HTTP_PATH))
    port = PortRefField(required=True)
    scheme = Str(validate=validate.OneOf(("HTTP", "HTTPS"), error="must be HTTP or HTTPS"))


class TcpSocketSchema(StrictSchema):
    """``tcpSocket`` probe action."""

    port = PortRefField(required=True)


class GrpcSchema(StrictSchema):
    """``grpc`` probe action (a number only, as Kubernetes requires)."""

    port = Int(
        required=True, validate=validate.Range(1, 65535, error="must be between 1 and 65535")
    )
    service = Str(max_length=253)


class ExecSchema(StrictSchema):
    """``exec`` probe action."""

    command = StrList(
        required=True,
        max_item_length=MAX_TEXT_LENGTH,
        validate=validate.Length(1, MAX_WORDS, error=f"must list 1 to {MAX_WORDS} words"),
    )


_SECONDS = validate.Range(0, 3600, error="must be between 0 and 3600 seconds")
_POSITIVE_SECONDS = validate.Range(1, 3600, error="must be between 1 and 3600 seconds")
_THRESHOLD = validate.Range(1, 100, error="must be between 1 and 100")


class ProbeSchema(StrictSchema):
    """One Kubernetes probe: exactly one action and its timings."""

    #: :meth:`_one_action` stated in JSON Schema (see :mod:`svcgen.schema_export`).
    json_schema = {"oneOf": [{"required": [a]} for a in ("httpGet", "tcpSocket", "grpc", "exec")]}

    httpGet = Nested(HttpGetSchema)
    tcpSocket = Nested(TcpSocketSchema)
    grpc = Nested(GrpcSchema)
    exec = Nested(ExecSchema)
    initialDelaySeconds = Int(validate=_SECONDS)
    periodSeconds = Int(validate=_POSITIVE_SECONDS)
    timeoutSeconds = Int(validate=_POSITIVE_SECONDS)
    successThreshold = Int(validate=_THRESHOLD)
    failureThreshold = Int(validate=_THRESHOLD)

    @validates_schema
    def _one_action(self, data, **kwargs):
        actions = [a for a in ("httpGet", "tcpSocket", "grpc", "exec") if a in data]
        if len(actions) != 1:
            raise ValidationError(
                "needs exactly one action of httpGet, tcpSocket, grpc or exec"
                + (f"; it has {', '.join(actions)}" if actions else ""),
                "_schema",
            )


class ProbesSchema(StrictSchema):
    """``probes``: ``readiness``, ``liveness``, ``startup``."""

    readiness = Nested(ProbeSchema)
    liveness = Nested(ProbeSchema)
    startup = Nested(ProbeSchema)


class ComponentSchema(StrictSchema):
    """One component: a group of pods (frontend, backend, worker) or an external data source."""

    name = Str(
        required=True, check=_component_name, metadata=states(syntax.DNS1035_LABEL, maxLength=50)
    )
    role = Str(
        required=True, validate=validate.OneOf(ROLES, error="must be one of " + ", ".join(ROLES))
    )
    image = Str(
        check=_pattern(
            _IMAGE, "must be an image reference such as 'nginx:1.27' or 'ghcr.io/org/app:1.0'"
        ),
        max_length=MAX_IMAGE_LENGTH,
        metadata=states(pattern=_IMAGE.pattern),
    )
    command = StrList(max_item_length=MAX_TEXT_LENGTH, validate=_words)
    args = StrList(max_item_length=MAX_TEXT_LENGTH, validate=_words)
    replicas = Int(validate=validate.Range(0, 1000, error="must be between 0 and 1000"))
    ports = NestedList(
        PortSchema, validate=validate.Length(max=100, error="may list at most 100 ports")
    )
    service = Nested(ServiceSchema)
    ingress = Nested(IngressSchema)
    env = StrMap(
        key_check=_env_name,
        max_entries=MAX_ENV,
        max_value_length=MAX_TEXT_LENGTH,
        metadata=states(propertyNames=syntax.C_IDENTIFIER),
    )
    secretEnv = NestedList(
        SecretEnvSchema,
        validate=validate.Length(max=MAX_ENV, error=f"may list at most {MAX_ENV} variables"),
    )
    dependsOn = mf.List(
        DependsOnField(),
        validate=validate.Length(
            max=MAX_DEPENDS_ON,
            error=f"may list at most {MAX_DEPENDS_ON} components; "
            "group the callers behind one backend instead",
        ),
        error_messages={"invalid": "must be a list"},
    )
    resources = Nested(ResourcesSchema)
    healthPath = Str(check=_http_path, max_length=1024, metadata=states(syntax.HTTP_PATH))
    probes = Nested(ProbesSchema)
    external = Nested(ExternalSchema)


class TopologySchema(StrictSchema):
    """The topology document (DESIGN section 2)."""

    name = Str(
        required=True, check=_topology_name, metadata=states(syntax.DNS1123_LABEL, maxLength=53)
    )
    description = Str(
        validate=validate.Length(max=1000, error="must be no more than 1000 characters")
    )
    appVersion = Str(
        check=_chart_text,
        validate=validate.Length(1, 100, error="must be 1 to 100 characters"),
        metadata=states(syntax.PRINTABLE),
    )
    chartVersion = Str(check=_chart_version, max_length=128, metadata=states(syntax.SEMVER))
    labels = StrMap(
        key_check=_label_key,
        value_check=k8s.label_value,
        max_entries=MAX_LABELS,
        metadata=states(
            propertyNames=syntax.QUALIFIED_NAME, additionalProperties=syntax.LABEL_VALUE
        ),
    )
    components = NestedList(
        ComponentSchema,
        required=True,
        validate=validate.Length(1, 200, error="must list 1 to 200 components"),
    )

    @validates_schema
    def _totals(self, data, **kwargs):
        """What the whole topology may hold: :data:`MAX_EDGES`, :data:`MAX_PORTS`,
        :data:`MAX_ENV_TOTAL` (each component's own limits are its fields')."""
        components = data.get("components", [])
        problems = []
        for what, limit, count in (
            ("dependsOn entries", MAX_EDGES, lambda c: len(c.get("dependsOn", []))),
            ("ports", MAX_PORTS, lambda c: len(c.get("ports", []))),
            (
                "env and secretEnv entries",
                MAX_ENV_TOTAL,
                lambda c: len(c.get("env", {})) + len(c.get("secretEnv", [])),
            ),
        ):
            total = sum(count(c) for c in components)
            if total > limit:
                problems.append(
                    f"have {total} {what} in all; at most {limit} are allowed in one topology"
                )
        if problems:
            raise ValidationError(problems, "components")
