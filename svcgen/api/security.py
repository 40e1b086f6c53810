"""Security headers on every response, the Content-Security-Policy chosen by path.

Every response gets ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``
and ``Referrer-Policy: no-referrer``. The API, the chart repository and the
probes answer data, never pages, so their CSP allows nothing at all
(:data:`API_CSP`). The HTML pages (``/``, ``/topologies/...``, their ``/assets/``,
and the Swagger UI at ``/api/docs``) get :data:`PAGE_CSP`: scripts, styles,
images and fonts from the same origin only. Only the docs page, whose HTML comes
from the flask-swagger-ui package and never holds user data, may run inline
scripts: Swagger UI's start-up script, allowed by its SHA-256 hash (computed once
per distinct page, never ``'unsafe-inline'``). svcgen's own pages run no script at
all, so a script injected into one would not run. Inline styles are allowed, as
Swagger UI sets ``style`` attributes. The token endpoints also send
``Cache-Control: no-store``: a new token must not stay in a cache.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re

from flask import Flask, Response, request

from .paths import TOKEN_PATHS, Paths

#: The CSP of every response that is not a page.
API_CSP = "default-src 'none'; frame-ancestors 'none'"

#: The CSP of the HTML pages; ``{scripts}`` takes the hashes of inline scripts.
PAGE_CSP = (
    "default-src 'none'; script-src 'self'{scripts}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)

#: The Swagger UI page, the one page with an inline script.
DOCS_PATHS = ("/api/docs", "/api/docs/")

#: The HTML pages and their assets.
PAGE_PATHS = Paths("/", "/topologies/", "/assets/", "/api/docs", "/api/docs/")

#: Headers every response carries.
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}

_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL | re.IGNORECASE)


def init_app(app: Flask) -> None:
    """Add the headers to every response, error pages included.

    :param app: the app.
    """
    app.after_request(add_security_headers)


#: The headers added when missing, with their lower-case names, precomputed: what
#: every response gets, and what a response that is not a page gets besides.
_COMMON = tuple((name.lower(), name, value) for name, value in HEADERS.items())
_CSP = "content-security-policy"


def is_page(path: str) -> bool:
    """Whether ``path`` is an HTML page or one of its assets."""
    return path in PAGE_PATHS


@functools.lru_cache(maxsize=8)
def inline_script_hashes(html: str) -> tuple[str, ...]:
    """CSP source expressions (``'sha256-...'``) of each inline ``<script>`` in ``html``.

    :param html: a page.
    :returns: one per inline script, in page order, duplicates dropped (cached: the
        docs page is the same bytes on every request).
    """
    hashes = []
    for body in _INLINE_SCRIPT.findall(html):
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        if f"'sha256-{digest}'" not in hashes:
            hashes.append(f"'sha256-{digest}'")
    return tuple(hashes)


def content_security_policy(path: str, response: Response) -> str:
    """The CSP of ``response`` to a request for ``path``."""
    if not is_page(path):
        return API_CSP
    hashes: tuple[str, ...] = ()
    if path in DOCS_PATHS and response.mimetype == "text/html" and not response.is_streamed:
        hashes = inline_script_hashes(response.get_data(as_text=True))
    return PAGE_CSP.format(scripts="".join(f" {h}" for h in hashes))


def add_security_headers(response: Response) -> Response:
    """``after_request``: set the headers above, keeping any a view chose itself.

    The response's header names are read once; the headers and the CSP of a
    response that is not a page are constants (this runs on every request).
    """
    path = request.path
    headers = response.headers
    present = {key.lower() for key, _ in headers}
    for lower, name, value in _COMMON:
        if lower not in present:
            headers.add(name, value)
    if _CSP not in present:
        headers.add("Content-Security-Policy", content_security_policy(path, response))
    if path in TOKEN_PATHS:
        headers["Cache-Control"] = "no-store"
    return response
