"""Chart versions only rise, under a name, for good (DESIGN section 4).

Within a topology, each revision's chart version must be higher than the last
(SemVer 2 precedence, semver.org section 11, by the ``semver`` library). Across a
delete, too: Helm clients keep the charts they pulled by name and version
(``helm pull``, ``~/.cache/helm/repository``), so a topology made again under a
deleted one's name must not publish a version the old one published with other
bytes. :func:`retire` records the highest version a deleted topology published
(table ``retired_chart``, migration 0004) and :func:`check_not_retired` makes a
new topology of that name start above it.
"""

from __future__ import annotations

import semver
from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import FieldError, TopologyInvalid
from .models import RetiredChart
from .stored import now


def check_rises(new: str, last: str, *, server_set: bool = False, last_is: str = "") -> None:
    """``new`` is a SemVer 2 version higher than ``last``.

    :param new: the chart version about to be stored.
    :param last: the version it must exceed (the last revision's, or a retired one).
    :param server_set: ``new`` is the server's ``0.<revision>.0`` because the document
        sets no ``chartVersion``; the message then says so.
    :param last_is: what ``last`` is, for the message; the last revision's by default.
    :raises TopologyInvalid: on ``chartVersion``: ``new`` is not SemVer 2 or not higher
        than ``last``.
    """
    if not semver.Version.is_valid(new):
        raise TopologyInvalid([FieldError(("chartVersion",), f"{new!r} is not a SemVer 2 version")])
    if not semver.Version.is_valid(last) or semver.Version.parse(new) > semver.Version.parse(last):
        return
    what = last_is or "the last revision's"
    message = (
        f"is not set, so the server would use {new}, which is not higher than {last}, {what}; "
        f"the chart version must rise with every revision: set chartVersion above {last}"
        if server_set
        else (
            f"the chart version must rise with every revision: {new} is not higher than "
            f"{last}, {what}; set chartVersion above {last}"
        )
    )
    raise TopologyInvalid([FieldError(("chartVersion",), message)])


def check_not_retired(session: Session, name: str, version: str, *, server_set: bool) -> None:
    """A new topology ``name`` starts above every chart version a deleted topology of
    that name published.

    :param session: a session inside the caller's transaction.
    :param version: the new topology's first chart version.
    :param server_set: the document sets no ``chartVersion`` (see :func:`check_rises`).
    :raises TopologyInvalid: on ``chartVersion``, saying which version to exceed.
    """
    retired = session.scalar(select(RetiredChart.chart_version).where(RetiredChart.name == name))
    if retired is not None:
        check_rises(
            version,
            retired,
            server_set=server_set,
            last_is=(
                f"the highest a deleted topology named {name!r} published (Helm clients may "
                "hold that chart, so its versions are never reused)"
            ),
        )


def retire(session: Session, name: str, versions: list[str]) -> None:
    """Record that topology ``name``, which published ``versions``, is being deleted.

    :param session: a session inside the caller's (deleting) transaction.
    :param versions: every chart version of its revisions (SemVer 2; empty: nothing).
    """
    highest = max(versions, key=semver.Version.parse, default=None)
    if highest is None:
        return
    row = session.get(RetiredChart, name)
    if row is None:
        session.add(RetiredChart(name=name, chart_version=highest, retired_at=now()))
        return
    row.chart_version = max(row.chart_version, highest, key=semver.Version.parse)
    row.retired_at = now()
