"""``/api/v1/tokens``: make, list and revoke API tokens; every method needs ``admin``
(:mod:`svcgen.api.auth`)."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from marshmallow import fields, validate

from .. import tokens
from ..auth import ROLES, TOKEN_NAME
from ..schemas import StrictSchema
from .apidoc import error_responses
from .bodies import StrictBlueprint
from .storage import open_session

blp = StrictBlueprint("tokens", __name__, description="API bearer tokens (role admin).")


class TokenSchema(ma.Schema):
    """A token as listed: never the token itself."""

    name = fields.String()
    role = fields.String(metadata={"enum": list(ROLES)})
    createdAt = fields.String(metadata={"format": "date-time"})
    revokedAt = fields.String(allow_none=True, metadata={"format": "date-time"})


class NewTokenSchema(TokenSchema):
    """A token just made, with the token: shown in this answer only."""

    token = fields.String(metadata={"description": "send as 'Authorization: Bearer <token>'"})


class TokenListSchema(ma.Schema):
    """Every token, revoked ones included, oldest first."""

    items = fields.List(fields.Nested(TokenSchema))


#: The messages of a token request's fields: the topology document's wording
#: (:mod:`svcgen.fields`), not marshmallow's ("Not a valid string.").
_FIELD_MESSAGES = {
    "required": "is required",
    "null": "may not be null",
    "invalid": "must be a string",
}


class TokenRequestSchema(StrictSchema):
    """What a new token is: its holder's name and its role; another field is refused,
    naming the nearest known one."""

    name = fields.String(
        required=True,
        error_messages=_FIELD_MESSAGES,
        validate=validate.Regexp(
            TOKEN_NAME,
            error="must be 1 to 63 lower case letters, digits or '-', "
            "starting and ending with a letter or digit",
        ),
    )
    role = fields.String(
        required=True,
        error_messages=_FIELD_MESSAGES,
        validate=validate.OneOf(ROLES, error="must be one of " + ", ".join(ROLES)),
    )


@blp.route("/tokens")
class Tokens(MethodView):
    """The API's tokens."""

    @blp.response(200, TokenListSchema)
    @error_responses(blp, 401, 403)
    def get(self):
        """List tokens (never the tokens themselves)"""
        with open_session() as session, session.begin():
            found = tokens.list_tokens(session)
        return {"items": [t.as_dict() for t in found]}

    @blp.arguments(TokenRequestSchema())
    @blp.response(201, NewTokenSchema)
    @error_responses(blp, 400, 401, 403, 409, 415)
    def post(self, wanted: dict):
        """Make a token; the answer is the only time it is shown"""
        with open_session() as session, session.begin():
            stored, token = tokens.create_token(session, wanted["name"], wanted["role"])
        return {**stored.as_dict(), "token": token}


@blp.route("/tokens/<name>")
class Token(MethodView):
    """One token."""

    @blp.response(200, TokenSchema, description="Revoked (or already revoked)")
    @error_responses(blp, 401, 403, 404)
    def delete(self, name: str):
        """Revoke a token from now on"""
        with open_session() as session, session.begin():
            revoked = tokens.revoke_token(session, name)
        return revoked.as_dict()
