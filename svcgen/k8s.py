"""Kubernetes string syntaxes, as the API server checks them.

Each function returns a list of problems (empty when the value is valid), each a
sentence ending without a period, so callers can report every problem at once.
Sources are in ``kubernetes/kubernetes``:
``staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go`` (``IsDNS1035Label``,
``IsDNS1123Label``, ``IsDNS1123Subdomain``, ``IsValidPortName``, ``IsQualifiedName``,
``IsValidLabelValue``) and ``.../util/validation/ip.go`` (``IsValidIP``, ``IsValidCIDR``).
"""

from __future__ import annotations

import ipaddress
import re

DNS1123_LABEL_RE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS1035_LABEL_RE = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
DNS1123_SUBDOMAIN_RE = re.compile(
    r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
)
_QUALIFIED_NAME_PART = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
LABEL_VALUE_RE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
_IANA_SVC_NAME = re.compile(r"^[-a-z0-9]+$")
C_IDENTIFIER_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# apimachinery resource.Quantity: a signed decimal number with an optional suffix.
QUANTITY = re.compile(
    r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+|Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?$"
)

DNS1123_LABEL_MAX = 63
DNS1123_SUBDOMAIN_MAX = 253
IANA_SVC_NAME_MAX = 15
#: ``TotalAnnotationSizeLimitB`` in apimachinery ``objectmeta.go``: 256 KiB.
TOTAL_ANNOTATION_SIZE_MAX = 256 * 1024


def _label(value: str, pattern: re.Pattern, max_length: int, shape: str) -> list[str]:
    problems = []
    if len(value) > max_length:
        problems.append(f"must be no more than {max_length} characters")
    if not pattern.fullmatch(value):
        problems.append(f"must consist of lower-case letters, digits or '-', {shape}")
    return problems


def dns1123_label(value: str, max_length: int = DNS1123_LABEL_MAX) -> list[str]:
    """Problems with ``value`` as an RFC 1123 label (``IsDNS1123Label``): 1 to 63
    lower-case alphanumerics or ``-``, starting and ending alphanumeric.

    :param max_length: a tighter cap where a caller needs one (Helm's 53 for release names).
    """
    shape = "and start and end with a letter or digit (e.g. 'my-name' or '123-abc')"
    return _label(value, DNS1123_LABEL_RE, max_length, shape)


def dns1035_label(value: str, max_length: int = DNS1123_LABEL_MAX) -> list[str]:
    """Problems with ``value`` as an RFC 1035 label (``IsDNS1035Label``, the Service
    name syntax): like :func:`dns1123_label` but the first character is a letter."""
    shape = "start with a letter and end with a letter or digit (e.g. 'my-name' or 'abc-123')"
    return _label(value, DNS1035_LABEL_RE, max_length, shape)


def dns1123_subdomain(value: str) -> list[str]:
    """Problems with ``value`` as an RFC 1123 subdomain (``IsDNS1123Subdomain``):
    at most 253 characters, dot-separated labels of lower-case alphanumerics and ``-``."""
    problems = []
    if len(value) > DNS1123_SUBDOMAIN_MAX:
        problems.append(f"must be no more than {DNS1123_SUBDOMAIN_MAX} characters")
    if not DNS1123_SUBDOMAIN_RE.fullmatch(value):
        problems.append(
            "must be a lower-case DNS name: letters, digits, '-' and '.', each dot-separated "
            "part starting and ending with a letter or digit (e.g. 'db.example.com')"
        )
    return problems


def iana_svc_name(value: str) -> list[str]:
    """Problems with ``value`` as an IANA service name (``IsValidPortName``), the
    syntax of container port names and of a string ``targetPort``: 1 to 15
    lower-case alphanumerics or ``-``, at least one letter, no ``--``, no ``-`` at
    either end."""
    problems = []
    if len(value) > IANA_SVC_NAME_MAX:
        problems.append(f"must be no more than {IANA_SVC_NAME_MAX} characters")
    if not _IANA_SVC_NAME.fullmatch(value):
        problems.append("must contain only lower-case letters, digits and '-'")
    if not re.search(r"[a-z]", value):
        problems.append("must contain at least one letter (a-z)")
    if "--" in value:
        problems.append("must not contain consecutive hyphens")
    if value.startswith("-") or value.endswith("-"):
        problems.append("must not begin or end with a hyphen")
    return problems


def qualified_name(value: str, *, lower_prefix_only: bool = True) -> list[str]:
    """Problems with ``value`` as a qualified name (``IsQualifiedName``): the syntax
    of label keys, annotation keys and ``loadBalancerClass``: an optional DNS-1123
    subdomain prefix and ``/``, then a name of 1 to 63 characters, alphanumeric at
    both ends with ``-``, ``_`` or ``.`` inside."""
    parts = value.split("/")
    if len(parts) > 2:
        return [
            "must be a name, optionally with one DNS prefix and '/' (e.g. 'example.com/my-name')"
        ]
    problems = []
    if len(parts) == 2:
        prefix, name = parts
        if not prefix:
            problems.append("has an empty prefix before '/'")
        else:
            problems += [f"prefix {p}" for p in dns1123_subdomain(prefix)]
    else:
        name = parts[0]
    if not name:
        problems.append("needs a name part")
    elif len(name) > DNS1123_LABEL_MAX:
        problems.append(f"name part must be no more than {DNS1123_LABEL_MAX} characters")
    elif not _QUALIFIED_NAME_PART.fullmatch(name):
        problems.append(
            "name part must consist of letters, digits, '-', '_' or '.', and start and end "
            "with a letter or digit (e.g. 'MyName' or 'my.name')"
        )
    return problems


def label_value(value: str) -> list[str]:
    """Problems with ``value`` as a label value (``IsValidLabelValue``): empty, or
    at most 63 characters, alphanumeric at both ends with ``-``, ``_`` or ``.`` inside."""
    problems = []
    if len(value) > DNS1123_LABEL_MAX:
        problems.append(f"must be no more than {DNS1123_LABEL_MAX} characters")
    if not LABEL_VALUE_RE.fullmatch(value):
        problems.append(
            "must be empty or consist of letters, digits, '-', '_' or '.', and start and "
            "end with a letter or digit"
        )
    return problems


def c_identifier(value: str) -> list[str]:
    """Problems with ``value`` as an environment variable name svcgen accepts: a C
    identifier (``IsCIdentifier``), so every shell and runtime can read it."""
    if C_IDENTIFIER_RE.fullmatch(value):
        return []
    return [
        "must be a C identifier: letters, digits and '_', not starting with a digit (e.g. 'LOG_LEVEL')"
    ]


def ip_address(value: str) -> list[str]:
    """Problems with ``value`` as an IPv4 or IPv6 address (``IsValidIP``)."""
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return ["must be an IPv4 or IPv6 address (e.g. 192.0.2.10 or 2001:db8::10)"]
    return []


def external_name(value: str) -> list[str]:
    """Problems with ``value`` as an ExternalName Service's ``externalName``: a DNS-1123
    subdomain with at most one trailing dot (``ValidateService``). An IP address, which
    Kubernetes would take for a name, is refused with a hint (the DNS CNAME it makes
    cannot point at an address)."""
    if not ip_address(value):
        return [
            "is an IP address; an ExternalName is a DNS name, so give IPs as 'addresses' instead"
        ]
    return dns1123_subdomain(value[:-1] if value.endswith(".") else value)


def ingress_host(value: str) -> list[str]:
    """Problems with ``value`` as an Ingress rule's ``host``: a DNS-1123 subdomain, with
    an optional leading ``*.`` wildcard, and not an IP address (``ValidateIngressSpec``:
    "must be a DNS name, not an IP address")."""
    if not ip_address(value):
        return ["is an IP address; an Ingress host must be a DNS name"]
    return dns1123_subdomain(value[2:] if value.startswith("*.") else value)


def endpoint_address(value: str) -> list[str]:
    """Problems with ``value`` as an EndpointSlice address of an outside server:
    a valid IP that is not unspecified, loopback, link-local or multicast (the
    addresses Kubernetes' ``ValidateNonSpecialIP`` refuses for endpoints)."""
    problems = ip_address(value)
    if problems:
        return problems
    ip = ipaddress.ip_address(value)
    if ip.is_unspecified or ip.is_loopback or ip.is_link_local or ip.is_multicast:
        return ["may not be an unspecified, loopback, link-local or multicast address"]
    return []


def cidr(value: str) -> list[str]:
    """Problems with ``value`` as a CIDR (``IsValidCIDR``), host bits allowed as
    Kubernetes allows them (it only warns)."""
    try:
        ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        return ["must be a CIDR, an address and a prefix length (e.g. 10.0.0.0/8 or 2001:db8::/64)"]
    if "/" not in value:
        return ["must be a CIDR, an address and a prefix length (e.g. 10.0.0.0/8 or 2001:db8::/64)"]
    return []


def quantity(value: str) -> list[str]:
    """Problems with ``value`` as a resource quantity (apimachinery ``resource.ParseQuantity``)."""
    if QUANTITY.fullmatch(value):
        return []
    return ["must be a Kubernetes quantity (e.g. '100m', '0.5', '128Mi', '1Gi')"]
