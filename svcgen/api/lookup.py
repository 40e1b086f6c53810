"""One revision of a topology, read in a transaction of its own (for the views that
draw or describe a revision: the diagram, the catalog entities, the web pages)."""

from __future__ import annotations

from .. import history, repository
from ..stored import StoredRevision
from .storage import open_session


def find_revision(name: str, number: int | None) -> StoredRevision:
    """Revision ``number`` of topology ``name``, or its current revision.

    :param name: the topology's name.
    :param number: a revision number, or ``None`` for the current revision.
    :raises svcgen.errors.TopologyNotFound: no such topology or revision (a 404).
    """
    with open_session() as session, session.begin():
        if number is None:
            return repository.get_topology(session, name).revision
        return history.get_revision(session, name, number)
