"""``/api/docs``: Swagger UI served from the app itself, so that the docs page
works inside a closed network (flask-smorest's default loads it from a CDN).

The assets are the Swagger UI distribution that the ``flask-swagger-ui`` package
ships (Swagger UI 5, which reads OpenAPI 3.1); only its files are used.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from flask import Blueprint, Flask, send_from_directory

#: Where the page loads its scripts and styles from.
ASSETS_URL = "/api/docs/assets/"

blp = Blueprint("docs_assets", __name__)


def swagger_ui_dist() -> Path:
    """The folder of Swagger UI's ``swagger-ui-bundle.js``, ``swagger-ui.css``, ...

    :returns: ``flask_swagger_ui/dist`` in the installed package (not imported).
    :raises ModuleNotFoundError: ``flask-swagger-ui`` is not installed.
    """
    spec = importlib.util.find_spec("flask_swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("flask-swagger-ui is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "dist"


@blp.route(f"{ASSETS_URL}<path:filename>")
def asset(filename: str):
    """One Swagger UI file; unknown names are a JSON 404."""
    return send_from_directory(swagger_ui_dist(), filename, max_age=86400)


def init_app(app: Flask) -> None:
    """Point flask-smorest's Swagger UI page at the local assets; call before
    :class:`flask_smorest.Api` is initialised.

    :param app: the app.
    """
    app.config.setdefault("OPENAPI_SWAGGER_UI_PATH", "docs")
    app.config.setdefault("OPENAPI_SWAGGER_UI_URL", ASSETS_URL)
    app.config.setdefault("OPENAPI_SWAGGER_UI_CONFIG", {"validatorUrl": None})
    app.register_blueprint(blp)
