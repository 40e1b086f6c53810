"""Syntax highlighting of chart files, on the server, by Pygments.

The page links :func:`stylesheet` (served by svcgen itself, no asset from
elsewhere); :func:`highlight_file` picks a lexer by the file's name: Helm
templates are YAML with ``{{ }}`` actions, for which Pygments' ``yaml+jinja``
lexer is the closest.
"""

from __future__ import annotations

import functools

from markupsafe import Markup
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name

#: The CSS class of every highlighted block.
CSS_CLASS = "highlight"


def lexer_name(path: str) -> str:
    """The Pygments lexer for a chart file: ``yaml+jinja`` for templates and
    ``.tpl``/``NOTES.txt``, ``yaml``, ``json``, ``markdown``, else ``text``.

    :param path: the path relative to the chart root, e.g. ``templates/web-service.yaml``.
    """
    if path.startswith("templates/"):
        return "yaml+jinja"
    suffix = path.rsplit(".", 1)[-1] if "." in path else ""
    return {"yaml": "yaml", "yml": "yaml", "json": "json", "md": "markdown"}.get(suffix, "text")


def highlight_file(path: str, source: str) -> Markup:
    """``source`` as highlighted HTML (a ``<div class="highlight"><pre>``); Pygments
    escapes the text itself, so the result is safe to insert as is.

    :param path: names the file (chooses the lexer, see :func:`lexer_name`).
    :param source: the file's text.
    """
    lexer = get_lexer_by_name(lexer_name(path), stripnl=False, ensurenl=True)
    return Markup(highlight(source, lexer, HtmlFormatter(cssclass=CSS_CLASS)))


@functools.cache
def stylesheet() -> str:
    """The CSS of Pygments' default style for ``.highlight`` blocks."""
    return HtmlFormatter(cssclass=CSS_CLASS).get_style_defs(f".{CSS_CLASS}")
