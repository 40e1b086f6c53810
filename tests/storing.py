"""Store topologies for tests of the read side (diagram, catalog, web pages) the
way ``POST /api/v1/topologies`` does (validated, with its chart archive), but
through the repository: these tests are about reads, not about who may write.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from flask import Flask

from svcgen import repository
from svcgen.api.storage import open_session
from svcgen.api.views import packager
from svcgen.topology import validate_topology


def load(document: dict | Path) -> dict:
    """A document, or the YAML file at ``document`` parsed."""
    if isinstance(document, Path):
        return yaml.safe_load(document.read_text())
    return document


def store(app: Flask, document: dict | Path) -> None:
    """Validate ``document`` and store it as a new topology of ``app``.

    :raises svcgen.errors.TopologyInvalid: the document is not valid.
    """
    document = load(document)
    with app.test_request_context():
        validated = validate_topology(
            document, node_port_range=tuple(app.config["NODE_PORT_RANGE"])
        )
        with open_session() as session, session.begin():
            repository.create_topology(session, validated.document, package=packager())


def replace(app: Flask, document: dict) -> None:
    """Validate ``document`` and store it as the next revision of its topology."""
    with app.test_request_context():
        validated = validate_topology(
            document, node_port_range=tuple(app.config["NODE_PORT_RANGE"])
        )
        with open_session() as session, session.begin():
            repository.replace_topology(
                session, document["name"], validated.document, package=packager()
            )
