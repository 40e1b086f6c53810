"""The string syntaxes of :mod:`svcgen.k8s` stated as JSON Schema fragments.

Each constant is what a field's ``metadata={"json_schema": ...}`` says about a
value that one of the ``k8s`` checks accepts: a ``pattern`` (written in the
subset of regular expressions that ECMA-262 and Python's :mod:`re` read alike)
and length bounds. A fragment may accept more than its check (a CIDR's address
part, an annotation prefix's length), never less: a portal form built from the
JSON Schema must not refuse a value the server takes. ``tests/test_json_schema.py``
holds each fragment against its check on sample values.
"""

from __future__ import annotations

from .k8s import (
    C_IDENTIFIER_RE,
    DNS1035_LABEL_RE,
    DNS1123_LABEL_MAX,
    DNS1123_LABEL_RE,
    DNS1123_SUBDOMAIN_MAX,
    DNS1123_SUBDOMAIN_RE,
    IANA_SVC_NAME_MAX,
    LABEL_VALUE_RE,
    QUANTITY,
)

_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_SUBDOMAIN = rf"{_LABEL}(\.{_LABEL})*"
_NAME_PART = r"[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?"

#: ``IsDNS1123Label``: lower-case alphanumerics and ``-``.
DNS1123_LABEL = {"pattern": DNS1123_LABEL_RE.pattern, "maxLength": DNS1123_LABEL_MAX}

#: ``IsDNS1035Label``, the Service name syntax: a DNS-1123 label starting with a letter.
DNS1035_LABEL = {"pattern": DNS1035_LABEL_RE.pattern, "maxLength": DNS1123_LABEL_MAX}

#: ``IsDNS1123Subdomain``: dot-separated DNS-1123 labels.
DNS1123_SUBDOMAIN = {"pattern": DNS1123_SUBDOMAIN_RE.pattern, "maxLength": DNS1123_SUBDOMAIN_MAX}

#: An Ingress host: a DNS-1123 subdomain, optionally after ``*.``.
INGRESS_HOST = {"pattern": rf"^(\*\.)?{_SUBDOMAIN}$", "maxLength": DNS1123_SUBDOMAIN_MAX + 2}

#: An ExternalName host: a DNS-1123 subdomain, optionally with the root's trailing dot.
EXTERNAL_HOST = {"pattern": rf"^{_SUBDOMAIN}\.?$"}

#: ``IsValidPortName``: at least one letter, no ``--``, no ``-`` at either end.
#: (Segments joined by single '-', one of them holding a letter: no lookahead, so
#: Go's RE2, which checks a chart's values.schema.json, reads it too.)
IANA_SVC_NAME = {
    "pattern": r"^([a-z0-9]+-)*[a-z0-9]*[a-z][a-z0-9]*(-[a-z0-9]+)*$",
    "maxLength": IANA_SVC_NAME_MAX,
}

#: ``IsQualifiedName``: label keys and ``loadBalancerClass`` (the prefix's own
#: 253-character limit is left to the server).
QUALIFIED_NAME = {"pattern": rf"^({_SUBDOMAIN}/)?{_NAME_PART}$"}

#: Annotation keys: a qualified name whose prefix is checked once lower-cased.
ANNOTATION_KEY = {
    "pattern": r"^([A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*/)?"
    + _NAME_PART
    + "$"
}

#: ``IsValidLabelValue``: empty, or alphanumeric at both ends.
LABEL_VALUE = {
    "pattern": LABEL_VALUE_RE.pattern,
    "maxLength": DNS1123_LABEL_MAX,
}

#: ``IsCIdentifier``: environment variable names.
C_IDENTIFIER = {"pattern": C_IDENTIFIER_RE.pattern}

#: ``resource.ParseQuantity``.
RESOURCE_QUANTITY = {"pattern": QUANTITY.pattern}

#: ``IsValidCIDR``, loosely: an address, ``/``, a prefix length of at most three digits
#: (spaces around allowed, as the API server trims ``loadBalancerSourceRanges``).
CIDR = {"pattern": r"^\s*[0-9A-Fa-f:.]+/[0-9]{1,3}\s*$"}

#: ``IsValidIP``, loosely: four dot-separated numbers of at most three digits (IPv4),
#: or hexadecimal digits, dots and at least one colon (IPv6).
IP_ADDRESS = {"pattern": r"^([0-9]{1,3}(\.[0-9]{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$"}

#: Text Helm keeps as written: no control characters (line breaks, tabs); loosely.
PRINTABLE = {"pattern": r"^[^\u0000-\u001f\u007f]*$"}

#: An absolute HTTP path without white space.
HTTP_PATH = {"pattern": r"^/\S*$", "maxLength": 1024}

#: SemVer 2 (semver.org's regular expression, digits spelled ``[0-9]``).
SEMVER = {
    "pattern": r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)"
    r"(-((0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)(\.(0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(\+([0-9a-zA-Z-]+(\.[0-9a-zA-Z-]+)*))?$"
}


def states(fragment: dict | None = None, **more) -> dict:
    """Field metadata that states a field's JSON Schema.

    :param fragment: one of the constants above, or any JSON Schema keywords.
    :param more: keywords added to (or overriding) ``fragment``, e.g. ``maxLength=50``.
    :returns: ``{"json_schema": {...}}``, for a field's ``metadata=``; the exporter
        (:mod:`svcgen.schema_export`) merges it into what it derives from the field.
    """
    return {"json_schema": {**(fragment or {}), **more}}
