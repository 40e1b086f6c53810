"""The ``svcgen`` command line: offline validation and rendering for pipelines.

``svcgen validate FILE`` and ``svcgen render FILE -o DIR`` need no server and no
database; they call the same core as the HTTP API. ``svcgen token create|list|revoke``
manage the API's bearer tokens in the database ``DATABASE_URL`` names. Exit codes:
0 success, 1 the topology is malformed or invalid (or a token command failed), 2 a
usage error (click's own).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .auth import ROLES
from .config import DEFAULT_MAX_CONTENT_LENGTH
from .errors import BodyMalformed, FieldError, TopologyInvalid
from .helmindex import rfc3339
from .topology import (
    DEFAULT_NODE_PORT_RANGE,
    ValidatedTopology,
    chart_version_for,
    parse_document,
    validate_topology,
)


class NodePortRange(click.ParamType):
    """``LOW-HIGH``, the cluster's ``--service-node-port-range`` (kube-apiserver flag)."""

    name = "LOW-HIGH"

    def convert(self, value, param, ctx):
        if isinstance(value, tuple):
            return value
        try:
            low, high = (int(part) for part in value.split("-"))
        except ValueError:
            self.fail(f"{value!r} is not a range such as 30000-32767", param, ctx)
        if not 1 <= low <= high <= 65535:
            self.fail(f"{value!r}: need 1 <= LOW <= HIGH <= 65535", param, ctx)
        return (low, high)


_max_bytes_option = click.option(
    "--max-bytes",
    type=click.IntRange(min=0),
    default=DEFAULT_MAX_CONTENT_LENGTH,
    show_default=True,
    help="Refuse a larger document, as the server does (SVCGEN_MAX_CONTENT_LENGTH); 0: no limit.",
)

_range_option = click.option(
    "--node-port-range",
    type=NodePortRange(),
    default="-".join(map(str, DEFAULT_NODE_PORT_RANGE)),
    show_default=True,
    help="The cluster's --service-node-port-range.",
)


def _load(file, node_port_range, *, max_bytes: int = 0, as_json: bool = False) -> ValidatedTopology:
    """Read, parse and validate; report problems on stderr (and, with ``as_json``,
    as ``{"valid": false, "errors": [...]}`` on stdout) and exit 1.

    :param max_bytes: refuse a document larger than this, as the server would with a
        413; 0: no limit.
    """
    name = getattr(file, "name", "<stdin>")
    content_type = "application/json" if str(name).endswith(".json") else "application/yaml"
    data = file.read()
    try:
        if max_bytes and len(data) > max_bytes:
            raise BodyMalformed(
                f"the document is {len(data)} bytes; the server refuses bodies over "
                f"{max_bytes} bytes (SVCGEN_MAX_CONTENT_LENGTH) with a 413: split it, or "
                "pass --max-bytes to match the server's setting"
            )
        return validate_topology(
            parse_document(data, content_type), node_port_range=node_port_range
        )
    except BodyMalformed as exc:
        errors = [FieldError((), str(exc))]
    except TopologyInvalid as exc:
        errors = exc.errors
    for error in errors:
        click.echo(f"{name}: error: {_where(error)}: {error.message}", err=True)
    if as_json:
        click.echo(json.dumps({"valid": False, "errors": [e.as_dict() for e in errors]}, indent=2))
    sys.exit(1)


def _where(error: FieldError) -> str:
    return error.field or "(document)"


def _print_warnings(file, topology: ValidatedTopology) -> None:
    for warning in topology.warnings:
        click.echo(
            f"{getattr(file, 'name', '<stdin>')}: warning: {_where(warning)}: {warning.message}",
            err=True,
        )


@click.group()
@click.version_option(package_name="svcgen")
def main():
    """svcgen: application topologies in, Helm charts whose Services have the right types out."""


@main.command()
@click.argument("file", type=click.File("rb"))
@_range_option
@_max_bytes_option
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON on stdout.")
def validate(file, node_port_range, max_bytes, as_json):
    """Validate the topology in FILE (YAML or JSON; '-' for stdin) without storing it."""
    topology = _load(file, node_port_range, max_bytes=max_bytes, as_json=as_json)
    if as_json:
        click.echo(
            json.dumps(
                {"valid": True, "warnings": [w.as_dict() for w in topology.warnings]}, indent=2
            )
        )
    else:
        _print_warnings(file, topology)
        click.echo(f"{topology.name}: valid ({len(topology.warnings)} warning(s))")


@main.command()
@click.argument("file", type=click.File("rb"))
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Directory to write the chart into, as DIR/<name>/.",
)
@click.option(
    "--package",
    "package",
    is_flag=True,
    help="Also write the reproducible archive DIR/<name>-<version>.tgz.",
)
@_range_option
@_max_bytes_option
def render(file, out_dir, package, node_port_range, max_bytes):
    """Render the Helm chart of the topology in FILE into DIR/<name>/."""
    from .archive import build_archive
    from .render import render_chart, write_chart_dir

    topology = _load(file, node_port_range, max_bytes=max_bytes)
    _print_warnings(file, topology)
    version = chart_version_for(topology.document, 1)
    files = render_chart(topology.document, version, node_port_range=node_port_range)
    try:
        chart_dir = write_chart_dir(files, topology.name, out_dir)
    except (FileExistsError, OSError) as exc:
        click.echo(f"cannot write the chart: {exc}", err=True)
        sys.exit(1)
    click.echo(str(chart_dir))
    if package:
        archive = out_dir / f"{topology.name}-{version}.tgz"
        archive.write_bytes(build_archive(topology.name, files))
        click.echo(str(archive))


@main.group()
def token():
    """API tokens, in the database DATABASE_URL names (as the server uses it).

    Run 'alembic upgrade head' (or 'make migrate') first.
    """


def _token_session():
    """A session factory on the app's database, and its engine to dispose of."""
    from .config import database_url
    from .db import make_engine, make_sessionmaker

    engine = make_engine(database_url())
    return engine, make_sessionmaker(engine)


def _token_command(work):
    """Run ``work(session)`` in one transaction; svcgen's and the database's errors
    become a message on stderr and exit code 1."""
    from sqlalchemy.exc import SQLAlchemyError

    from .errors import SvcgenError

    engine = None
    try:
        engine, session_factory = _token_session()  # an unreadable URL fails here
        with session_factory() as session, session.begin():
            return work(session)
    except SvcgenError as exc:
        click.echo(f"error: {exc}", err=True)
    except SQLAlchemyError as exc:
        click.echo(
            f"error: the database cannot be used ({type(exc).__name__}); is DATABASE_URL "
            "right and migrated ('alembic upgrade head')?",
            err=True,
        )
    finally:
        if engine is not None:
            engine.dispose()
    sys.exit(1)


def _token_name(ctx, param, value):
    from .auth import name_problems

    problems = name_problems(value)
    if problems:
        raise click.BadParameter(f"{value!r} {problems[0]}")
    return value


@token.command("create")
@click.option("--name", required=True, callback=_token_name, help="Who holds it, e.g. portal.")
@click.option(
    "--role",
    type=click.Choice(ROLES),
    required=True,
    help="reader: reads; writer: also POST, PUT, DELETE of topologies; admin: also tokens.",
)
def token_create(name, role):
    """Make a token and print it on stdout, once: it is stored only hashed."""
    from . import tokens

    stored, secret = _token_command(lambda session: tokens.create_token(session, name, role))
    click.echo(secret)
    click.echo(
        f"token {stored.name!r} (role {stored.role}) made; keep it now, it is never shown "
        "again. Send it as 'Authorization: Bearer <token>'.",
        err=True,
    )


@token.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
def token_list(as_json):
    """List tokens: name, role, when made and revoked (never the token)."""
    from . import tokens

    found = _token_command(tokens.list_tokens)
    if as_json:
        click.echo(json.dumps([t.as_dict() for t in found], indent=2))
        return
    for t in found:
        state = f"revoked {rfc3339(t.revoked_at)}" if t.revoked_at else "valid"
        click.echo(f"{t.name}\t{t.role}\t{rfc3339(t.created_at)}\t{state}")


@token.command("revoke")
@click.argument("name")
def token_revoke(name):
    """Revoke token NAME: from now on it is refused (401)."""
    from . import tokens

    revoked = _token_command(lambda session: tokens.revoke_token(session, name))
    click.echo(f"token {revoked.name!r} revoked at {rfc3339(revoked.revoked_at)}")
