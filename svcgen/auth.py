"""Bearer tokens and roles, without HTTP: what a token looks like, how it is
hashed, and which role may do what.

Roles are ordered, each including the ones before it::

    reader  <  writer  <  admin
    (reads)    (POST, PUT, DELETE of topologies)    (API tokens)

A token is ``svcgen_`` followed by 43 characters of ``secrets.token_urlsafe(32)``
(256 random bits); the prefix lets secret scanners and people recognise one.
Only its SHA-256 digest is stored (:func:`token_digest`).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

#: The roles, lowest first; each includes every role before it.
ROLES = ("reader", "writer", "admin")

#: What every token starts with.
TOKEN_PREFIX = "svcgen_"

#: Random bytes in a token (``secrets.token_urlsafe`` writes them as 43 characters).
TOKEN_BYTES = 32

_TOKEN = re.compile(rf"^{TOKEN_PREFIX}[A-Za-z0-9_-]{{43}}$")

#: A token's name: a DNS-1123 label (lower case letters, digits, '-'), 1 to 63 characters.
TOKEN_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")


def generate_token() -> str:
    """A new random token.

    :returns: ``svcgen_<43 URL-safe characters>``, from :func:`secrets.token_urlsafe`.
    """
    return TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)


def well_formed(token: str) -> bool:
    """Whether ``token`` has the shape :func:`generate_token` gives (prefix, length,
    alphabet); a malformed token is refused without a database lookup."""
    return bool(_TOKEN.match(token))


def token_digest(token: str) -> str:
    """The SHA-256 of ``token``, lowercase hex: what is stored instead of the token.

    A plain cryptographic hash is the standard choice for API tokens (GitHub's and
    PyPI's tokens are stored this way): a token carries 256 random bits, so it cannot
    be guessed or found by a dictionary, and a slow password hash (bcrypt, argon2)
    would add only latency to every request. Being deterministic, the digest is
    also the key a token is looked up by. The stdlib's :mod:`hashlib` is used; no
    dependency is needed for it.

    :param token: the token as sent.
    :returns: 64 hex digits.
    """
    return hashlib.sha256(token.encode()).hexdigest()


def digests_match(token: str, stored_digest: str) -> bool:
    """Whether ``token`` hashes to ``stored_digest``, compared in constant time
    (:func:`hmac.compare_digest`), so that timing tells nothing of a stored digest."""
    return hmac.compare_digest(token_digest(token), stored_digest)


def role_allows(role: str, needed: str) -> bool:
    """Whether a token of ``role`` may do what needs ``needed``.

    :param role: the token's role, one of :data:`ROLES`.
    :param needed: the least role the request needs.
    :returns: ``True`` when ``role`` is ``needed`` or above it; an unknown role allows nothing.
    """
    if role not in ROLES or needed not in ROLES:
        return False
    return ROLES.index(role) >= ROLES.index(needed)


def name_problems(name: str) -> list[str]:
    """What is wrong with a token name, as sentences (empty when it is fine)."""
    if TOKEN_NAME.match(name):
        return []
    return [
        "must be 1 to 63 lower case letters, digits or '-', starting and ending with a letter or digit"
    ]
