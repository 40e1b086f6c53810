"""svcgen's web pages: the list of topologies at ``/`` and a page per topology at
``/topologies/<name>``, rendered on the server by Jinja (autoescaped HTML, no
JavaScript), with their own CSS under ``/assets/``.

Modules: ``pages`` (the blueprint and its views), ``highlight`` (Pygments for
chart files), ``errors`` (errors of the pages as HTML; every other path keeps JSON).
"""

from __future__ import annotations

from flask import Flask

from .errors import html_errors
from .pages import bp


def init_app(app: Flask) -> None:
    """Register the pages and the HTML error pages on ``app``.

    :param app: the app, after :func:`svcgen.api.errors.init_app`.
    """
    app.register_blueprint(bp)
    app.after_request(html_errors)
