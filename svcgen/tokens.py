"""Storage of API tokens: the only module besides :mod:`svcgen.repository` that
sees ORM rows, handing out :class:`StoredToken`.

As there, the caller owns the transaction (``with session.begin():``) and these
functions only flush. :func:`authenticate`, run before every request that sends
a token, reads columns with a statement built once, on a session or a Core
connection.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .auth import ROLES, digests_match, generate_token, token_digest, well_formed
from .errors import TokenExists, TokenNotFound
from .helmindex import rfc3339
from .models import ApiToken
from .stored import now, utc


@dataclass(frozen=True)
class StoredToken:
    """An API token as stored: never the token itself.

    :param name: who holds it.
    :param role: ``reader``, ``writer`` or ``admin``.
    :param created_at: when it was made (aware, UTC).
    :param revoked_at: when it was revoked, ``None`` while valid.
    """

    name: str
    role: str
    created_at: datetime
    revoked_at: datetime | None

    def as_dict(self) -> dict:
        """``{"name", "role", "createdAt", "revokedAt"}``, times in RFC 3339 UTC as every
        other answer spells them (:func:`svcgen.helmindex.rfc3339`), or ``null``."""
        return {
            "name": self.name,
            "role": self.role,
            "createdAt": rfc3339(self.created_at),
            "revokedAt": rfc3339(self.revoked_at) if self.revoked_at else None,
        }


def _stored(row) -> StoredToken:
    revoked = utc(row.revoked_at) if row.revoked_at is not None else None
    return StoredToken(row.name, row.role, utc(row.created_at), revoked)


def create_token(session: Session, name: str, role: str) -> tuple[StoredToken, str]:
    """Make a token; the token itself is returned here and nowhere else, ever.

    :param session: a session inside the caller's transaction.
    :param name: a name no token has had (see :func:`svcgen.auth.name_problems`).
    :param role: one of :data:`svcgen.auth.ROLES`.
    :returns: the stored token and the token to hand to its holder.
    :raises ValueError: ``role`` is not a role.
    :raises TokenExists: a token of that name exists or was revoked.
    """
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    taken = TokenExists(f"a token named {name!r} exists or existed; token names are never reused")
    if session.scalar(select(ApiToken.id).where(ApiToken.name == name)) is not None:
        raise taken
    token = generate_token()
    row = ApiToken(name=name, role=role, digest=token_digest(token), created_at=now())
    session.add(row)
    try:
        session.flush()
    except IntegrityError:  # made by a concurrent request since the check above
        raise taken from None
    return _stored(row), token


def list_tokens(session: Session) -> list[StoredToken]:
    """Every token, revoked ones included, oldest first."""
    rows = session.scalars(select(ApiToken).order_by(ApiToken.created_at, ApiToken.id))
    return [_stored(row) for row in rows]


def revoke_token(session: Session, name: str) -> StoredToken:
    """Revoke token ``name`` from now on; revoking a revoked token changes nothing.

    :returns: the token, with ``revoked_at`` set.
    :raises TokenNotFound: no token of that name.
    """
    row = session.scalar(select(ApiToken).where(ApiToken.name == name))
    if row is None:
        raise TokenNotFound(f"no token named {name!r}")
    if row.revoked_at is None:
        row.revoked_at = now()
        session.flush()
    return _stored(row)


#: :func:`authenticate`'s query, built once; it reads columns, not an ORM entity.
_BY_DIGEST = select(
    ApiToken.name, ApiToken.role, ApiToken.created_at, ApiToken.revoked_at, ApiToken.digest
).where(ApiToken.digest == bindparam("digest"))


def authenticate(session: Session | Connection, token: str) -> StoredToken | None:
    """The valid token that ``token`` is, or ``None``.

    :param session: a session or a Core connection, in the caller's transaction.
    :param token: as sent in ``Authorization: Bearer <token>``.
    :returns: ``None`` when the token is malformed, unknown or revoked.
    """
    if not well_formed(token):
        return None
    row = session.execute(_BY_DIGEST, {"digest": token_digest(token)}).first()
    if row is None or row.revoked_at is not None or not digests_match(token, row.digest):
        return None
    return _stored(row)
