"""The one exception tree of svcgen.

Every error svcgen raises on purpose derives from :class:`SvcgenError`. The core
(schemas, rules, render, archive, repository) raises these and knows nothing of
HTTP or exit codes; ``svcgen.api.errors`` turns them into HTTP responses and
``svcgen.cli`` into exit codes, each in exactly one place.

::

    SvcgenError
    ├── BodyMalformed          the body is not JSON or YAML, or not a mapping (HTTP 400)
    ├── TopologyInvalid        the document breaks a rule; carries every field error (422)
    ├── TopologyNotFound       no topology of that name, or no such revision (404)
    ├── TopologyExists         POST of a name that is taken (409)
    ├── PreconditionFailed     If-Match names a revision that is no longer current (412)
    ├── Unauthenticated        no bearer token, or one that is malformed, unknown or revoked (401)
    ├── PermissionDenied       the token's role is too low for the request (403)
    ├── TokenNotFound          no API token of that name (404)
    └── TokenExists            an API token of that name exists, or existed (409)
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass

Path = tuple[str | int, ...]


#: How much of a refused value an error message quotes.
SHOWN_MAX = 80


def shown(value: str) -> str:
    """``value`` quoted for an error message, cut to :data:`SHOWN_MAX` characters so a
    refused 100 KB string is not sent back whole."""
    if len(value) <= SHOWN_MAX:
        return repr(value)
    return f"{value[:SHOWN_MAX]!r}... ({len(value)} characters)"


def json_type(value: object) -> str:
    """A phrase naming a parsed value's type, for messages a person reads: ``null``,
    ``a boolean``, ``a number``, ``a string``, ``a list`` or ``a mapping``, and for the
    types only YAML has, ``a date``, ``a date and time``, ``a set`` or ``binary data``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, datetime.datetime):  # YAML timestamps (2026-01-01T10:00:00)
        return "a date and time"
    if isinstance(value, datetime.date):  # YAML dates (2026-01-01)
        return "a date"
    if isinstance(value, set | frozenset):  # YAML !!set
        return "a set"
    if isinstance(value, bytes):  # YAML !!binary
        return "binary data"
    return type(value).__name__


@dataclass(frozen=True)
class FieldError:
    """One problem with one field of a topology document.

    :param path: keys and list indices from the document root to the field,
        e.g. ``("components", 1, "ports", 0, "nodePort")``; ``()`` for the root.
    :param message: a sentence a person can act on.
    """

    path: Path
    message: str

    @property
    def field(self) -> str:
        """The path as one dotted string, keys spelled as the document spells them:
        ``components.1.ports.0.nodePort``; ``""`` for the root."""
        return ".".join(_spelled(p) for p in self.path)

    def as_dict(self) -> dict:
        """``{"path": [...], "field": "components.1.ports.0.nodePort", "message": ...}``."""
        return {
            "path": list(self.path),
            "field": self.field,
            "message": self.message,
        }


def _spelled(part: object) -> str:
    """A path part as the document spells it: list indices and strings as they are,
    a YAML ``null`` / ``true`` key as ``null`` / ``true`` (never Python's ``None``)."""
    if isinstance(part, bool) or part is None or isinstance(part, float):
        return json.dumps(part)
    return str(part)


class SvcgenError(Exception):
    """Base of every error svcgen raises on purpose."""


class BodyMalformed(SvcgenError):
    """The request body cannot be parsed as JSON or YAML, or is not a mapping."""


class TopologyInvalid(SvcgenError):
    """The topology document breaks one or more rules.

    :param errors: every :class:`FieldError` found, in document order.
    """

    def __init__(self, errors: list[FieldError]):
        self.errors = list(errors)
        first = self.errors[0] if self.errors else None
        summary = f"{first.field or '(document)'}: {first.message}" if first else ""
        super().__init__(f"the topology is invalid ({len(self.errors)} problem(s)); {summary}")


class TopologyNotFound(SvcgenError):
    """No topology of that name exists, or it has no such revision."""


class TopologyExists(SvcgenError):
    """A topology of that name exists already (create, not replace)."""


class PreconditionFailed(SvcgenError):
    """``If-Match`` does not name the topology's current revision, or the ETag of
    the download asked for."""


class Unauthenticated(SvcgenError):
    """The request needs a bearer token and has none, or one that is malformed,
    unknown or revoked.

    :param message: what is wrong, for a person.
    :param invalid_token: a token was given but is not valid (RFC 6750
        ``error="invalid_token"``); ``False`` when none was given.
    """

    def __init__(self, message: str, *, invalid_token: bool = False):
        super().__init__(message)
        self.invalid_token = invalid_token


class PermissionDenied(SvcgenError):
    """The token is valid, but its role is lower than the request needs."""


class TokenNotFound(SvcgenError):
    """No API token of that name exists."""


class TokenExists(SvcgenError):
    """An API token of that name exists, or existed and was revoked (names are never reused)."""
