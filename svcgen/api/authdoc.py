"""The OpenAPI side of authentication and rate limits: a ``bearerAuth`` security
scheme, and on each operation the role it needs (:func:`svcgen.api.auth.required_role`)
with the 401, 403 and 429 answers it may give.

An apispec plugin, so that every operation of every blueprint is described the
same way without a decorator on each view.
"""

from __future__ import annotations

from apispec import BasePlugin
from flask_smorest import Api

from .auth import is_open, required_role
from .limits import UNLIMITED_PATHS

#: The name of the security scheme in ``components.securitySchemes``.
SCHEME = "bearerAuth"


class AuthPlugin(BasePlugin):
    """Adds ``security`` and the 401/403/429 responses to each operation."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        """Describe each operation of ``path`` (an OpenAPI path such as
        ``/api/v1/topologies/{name}``)."""
        for method, operation in (operations or {}).items():
            if method.upper() not in {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}:
                continue
            responses = operation.setdefault("responses", {})
            if path not in UNLIMITED_PATHS:
                responses.setdefault("429", "TOO_MANY_REQUESTS")
            if is_open(path):
                continue
            needed = required_role(method.upper(), path)
            responses.setdefault("401", "UNAUTHORIZED")
            if needed is None:
                # open unless the server sets AUTH_READS=required; a wrong token is a 401
                operation["security"] = [{}, {SCHEME: []}]
                continue
            operation["security"] = [{SCHEME: []}]
            responses.setdefault("403", "FORBIDDEN")
            role = f"Needs a bearer token of role {needed} or above."
            operation["description"] = f"{operation.get('description', '')}\n\n{role}".strip()


def document(api: Api) -> None:
    """Register the security scheme and the plugin; call before blueprints are registered.

    :param api: the app's :class:`flask_smorest.Api`.
    """
    api.spec.components.security_scheme(
        SCHEME,
        {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token: 'svcgen token create --name NAME --role ROLE'. "
            "Reads are open unless the server sets AUTH_READS=required; writes need "
            "writer, /api/v1/tokens admin.",
        },
    )
    plugin = AuthPlugin()
    plugin.init_spec(api.spec)
    api.spec.plugins.append(plugin)
