"""A revision's chart as stored: rendered and archived once, when it is written.

:func:`package_chart` is what the repository calls for every new revision (and
migration 0002 for the revisions stored before it); :func:`archive_files` reads
the files back out of stored bytes (previews, diffs), so that nothing served for
a stored revision depends on today's templates.
"""

from __future__ import annotations

import hashlib
import io
import tarfile
from collections.abc import Callable
from dataclasses import dataclass

from .archive import build_archive
from .errors import TopologyInvalid
from .render import render_chart
from .topology import DEFAULT_NODE_PORT_RANGE

#: ``packager(document, chart_version) -> archive bytes``, e.g. :func:`package_chart`
#: with the app's node-port range bound.
Packager = Callable[[dict, str], bytes]


@dataclass(frozen=True)
class ChartPackage:
    """A chart archive and its sha256.

    :param data: the ``.tgz`` bytes.
    :param digest: sha256 of ``data``, lowercase hex.
    """

    data: bytes
    digest: str

    @classmethod
    def of(cls, data: bytes) -> ChartPackage:
        """Wrap archive bytes with their digest."""
        return cls(data, hashlib.sha256(data).hexdigest())


def package_chart(
    document: dict,
    chart_version: str,
    *,
    node_port_range: tuple[int, int] = DEFAULT_NODE_PORT_RANGE,
) -> bytes:
    """Render ``document``'s chart and archive it (reproducible bytes).

    :param document: a validated topology document.
    :param chart_version: the chart ``version``.
    :param node_port_range: the cluster's ``--service-node-port-range``, inclusive.
    :returns: the ``.tgz`` bytes of :func:`svcgen.archive.build_archive`.
    :raises TopologyInvalid: from :func:`svcgen.render.render_chart`.
    """
    files = render_chart(document, chart_version, node_port_range=node_port_range)
    return build_archive(document["name"], files)


def prepared(package: Packager, document: dict, chart_version: str | None) -> Packager:
    """``package``, with ``document``'s chart at ``chart_version`` made now, before
    the caller's write transaction, so that the write lock (SQLite) or row lock
    (PostgreSQL) is not held while a chart renders.

    The returned packager hands back the bytes made here when asked for the same
    document (the same object) at the same version, and asks ``package`` otherwise:
    when another revision was stored between the guess and the write, the chart is
    made again at the version the revision really gets. A render error is kept and
    raised when the chart is asked for, so that errors come in the order the
    repository checks them (404 and 412 before a render's 422).

    :param package: the packager to use (:func:`svcgen.api.views.packager`).
    :param document: the validated document about to be stored.
    :param chart_version: the version its revision will probably get
        (:func:`svcgen.repository.next_chart_version`); ``None``: make nothing now.
    :returns: a :data:`Packager`.
    """
    if chart_version is None:
        return package
    try:
        made: bytes | Exception = package(document, chart_version)
    except TopologyInvalid as exc:
        made = exc

    def packager(given: dict, version: str) -> bytes:
        if given is not document or version != chart_version:
            return package(given, version)
        if isinstance(made, Exception):
            raise made
        return made

    return packager


def chart_filename(name: str, version: str) -> str:
    """The archive's file name in a chart repository, as ``helm package`` names it:
    ``<name>-<version>.tgz``."""
    return f"{name}-{version}.tgz"


def archive_files(data: bytes) -> dict[str, str]:
    """The files of a chart archive, ``{path relative to the chart root: text}``.

    :param data: ``.tgz`` bytes from :func:`package_chart`: one top directory,
        UTF-8 text files only.
    :returns: the files, sorted by path.
    """
    files = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar.getmembers():
            if not member.isfile():
                continue
            _, _, path = member.name.partition("/")
            files[path] = tar.extractfile(member).read().decode("utf-8")
    return dict(sorted(files.items()))
