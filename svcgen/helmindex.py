"""The ``index.yaml`` of svcgen's Helm chart repository (Helm ``pkg/repo``
``IndexFile``): one entry per stored revision of every topology.

The text depends only on what is stored: charts sorted by name, each chart's
versions newest first (versions rise with revision numbers, so this is also
SemVer order), every entry's keys sorted, and ``generated`` the time of the
newest revision stored, so the same charts always give the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from .history import ChartEntry
from .package import chart_filename
from .render import chart_metadata
from .yamlemit import dump_yaml

#: ``generated`` of an empty repository.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def rfc3339(moment: datetime) -> str:
    """An aware datetime as RFC 3339 UTC text, milliseconds, ``Z``."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def index_entry(entry: ChartEntry) -> dict:
    """One version's entry: what ``Chart.yaml`` says plus ``created``, ``digest``
    and a ``urls`` item relative to the repository (``shop-0.2.0.tgz``)."""
    metadata = chart_metadata(entry.document, entry.chart_version)
    fields = {
        "apiVersion": metadata["apiVersion"],
        "created": rfc3339(entry.created_at),
        "description": str(metadata["description"]),
        "digest": entry.digest,
        "name": entry.name,
        "type": metadata["type"],
        "urls": [chart_filename(entry.name, entry.chart_version)],
        "version": str(entry.chart_version),
    }
    if "appVersion" in metadata:
        fields["appVersion"] = str(metadata["appVersion"])
    return dict(sorted(fields.items()))


def build_index(entries: Iterable[ChartEntry]) -> bytes:
    """The repository index of ``entries``.

    :param entries: stored charts in any order.
    :returns: UTF-8 YAML: ``apiVersion: v1``, ``entries`` by chart name (sorted),
        each a list newest revision first, and ``generated``.
    """
    ordered = sorted(entries, key=lambda e: (e.name, -e.number))
    charts: dict[str, list[dict]] = {}
    for entry in ordered:
        charts.setdefault(entry.name, []).append(index_entry(entry))
    newest = max((e.created_at for e in ordered), default=EPOCH)
    index = {"apiVersion": "v1", "entries": charts, "generated": rfc3339(newest)}
    return dump_yaml(index).encode("utf-8")
