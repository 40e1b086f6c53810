"""The views of the web pages: ``/`` (topologies, searchable) and
``/topologies/<name>`` (one revision: diagram, Services, warnings, revisions,
chart files, download, Helm commands)."""

from __future__ import annotations

import re
import shutil

from flask import Blueprint, Response, render_template, request
from werkzeug.exceptions import BadRequest

from .. import history, repository
from ..api.schemas import MAX_REVISION
from ..api.storage import open_session
from ..api.views import timestamp, warnings_of
from ..package import archive_files, chart_filename
from ..services import service_rows
from .highlight import highlight_file, stylesheet

bp = Blueprint(
    "web", __name__, template_folder="templates", static_folder="static", static_url_path="/assets"
)

#: Topologies a page of ``/`` lists.
PAGE_SIZE = 50

#: Chart files shown first, in this order; the rest follow by path.
FIRST_FILES = ("Chart.yaml", "values.yaml", "README.md", "values.schema.json")


def label_filters(values: list[str]) -> list[tuple[str, str | None]]:
    """``?label=`` values as ``(key, value)``: ``team=storefront`` is
    ``("team", "storefront")``, ``team`` alone is ``("team", None)`` (any value).
    One value may hold several, separated by spaces or commas (label keys and
    values never contain either)."""
    filters = []
    for raw in values:
        for item in re.split(r"[\s,]+", raw):
            key, sep, value = item.partition("=")
            if key:
                filters.append((key, value if sep else None))
    return filters


def matches(document: dict, query: str, labels: list[tuple[str, str | None]]) -> bool:
    """True when the topology's name contains ``query`` (case-insensitive) and it
    carries every label of ``labels``."""
    if query.lower() not in document["name"].lower():
        return False
    have = document.get("labels", {})
    return all(k in have and (v is None or have[k] == v) for k, v in labels)


@bp.get("/")
def index():
    """The topologies, newest first, filtered by ``?q=`` (a substring of the name)
    and ``?label=key=value`` (repeatable; all must match), :data:`PAGE_SIZE` a page
    (``?page=n``)."""
    query = request.args.get("q", "").strip()
    label_args = request.args.getlist("label")
    labels = label_filters(label_args)
    page = _whole_number("page", 1, 1_000_000) or 1
    with open_session() as session, session.begin():
        found, total = repository.list_topologies(session)
    matching = [t for t in found if matches(t.revision.document, query, labels)]
    pages = max(1, -(-len(matching) // PAGE_SIZE))
    return render_template(
        "index.html",
        topologies=matching[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        matching=len(matching),
        total=total,
        query=query,
        label_text=" ".join(label_args),
        labels=labels,
        page=page,
        pages=pages,
        page_args={"q": query or None, "label": label_args or None},
        timestamp=timestamp,
    )


@bp.get("/topologies/<name>")
def topology(name: str):
    """One revision of a topology (the current one, or ``?revision=n``)."""
    number = _revision_arg()
    with open_session() as session, session.begin():
        revisions = history.list_revisions(session, name)
        found, data = history.get_chart(session, name, number)
    files = archive_files(data)
    ordered = [p for p in FIRST_FILES if p in files] + sorted(set(files) - set(FIRST_FILES))
    base = request.url_root.rstrip("/")
    return render_template(
        "topology.html",
        revision=found,
        current=revisions[-1].number,
        document=found.document,
        rows=service_rows(found.document),
        warnings=warnings_of(found.document, etag=found.etag),
        revisions=revisions,
        files=[(path, highlight_file(path, files[path])) for path in ordered],
        chart_file=chart_filename(found.name, found.chart_version),
        repo_url=f"{base}/charts",
        dot_installed=shutil.which("dot") is not None,
        timestamp=timestamp,
    )


@bp.get("/assets/pygments.css")
def pygments_css():
    """The stylesheet of highlighted chart files (Pygments' default style)."""
    return Response(stylesheet(), mimetype="text/css")


def _revision_arg() -> int | None:
    return _whole_number("revision", 1, MAX_REVISION)


def _whole_number(name: str, low: int, high: int) -> int | None:
    """Query parameter ``name`` as a whole number from ``low`` to ``high``, ``None`` if absent.

    :raises BadRequest: it is given and is not such a number.
    """
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        raise BadRequest(f"{name} must be a whole number from {low} to {high}, not {raw!r}")
    return int(raw)
