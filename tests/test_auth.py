"""Bearer tokens: roles, 401 and 403, tokens stored hashed, the token API and CLI,
and the audit trail (a revision's ``createdBy`` is the token's name)."""

from __future__ import annotations

import hashlib
import re

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from svcgen import auth
from svcgen.cli import main

from .conftest import UNKNOWN_TOKEN, create_token

BASE = "/api/v1/topologies"


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def assert_401(response, *, invalid_token: bool) -> dict:
    assert response.status_code == 401
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith('Bearer realm="svcgen"')
    assert ('error="invalid_token"' in challenge) is invalid_token
    body = response.get_json()
    assert body["code"] == 401 and body["status"] == "Unauthorized" and body["message"]
    return body


@pytest.fixture
def anonymous(app):
    """A client of ``app`` that sends no token."""
    return app.test_client(token=None)


def test_tokens_look_alike_and_differ():
    made = {auth.generate_token() for _ in range(50)}
    assert len(made) == 50
    for token in made:
        assert token.startswith("svcgen_") and len(token) == 50 and auth.well_formed(token)
    assert not auth.well_formed("svcgen_short")
    assert not auth.well_formed("ghp_" + "a" * 46)
    assert not auth.well_formed("svcgen_" + "a" * 42 + "!")


def test_digest_is_sha256_and_compared_in_constant_time():
    token = auth.generate_token()
    assert auth.token_digest(token) == hashlib.sha256(token.encode()).hexdigest()
    assert auth.digests_match(token, auth.token_digest(token))
    assert not auth.digests_match(token + "x", auth.token_digest(token))


@pytest.mark.parametrize(
    ("role", "needed", "allowed"),
    [
        ("reader", "reader", True),
        ("reader", "writer", False),
        ("writer", "reader", True),
        ("writer", "writer", True),
        ("writer", "admin", False),
        ("admin", "writer", True),
        ("admin", "admin", True),
        ("root", "reader", False),
    ],
)
def test_roles_include_the_ones_below(role, needed, allowed):
    assert auth.role_allows(role, needed) is allowed


def test_writes_need_a_token(anonymous, shop):
    body = assert_401(anonymous.post(BASE, json=shop), invalid_token=False)
    assert "Authorization: Bearer" in body["message"]
    assert_401(anonymous.put(f"{BASE}/shop", json=shop), invalid_token=False)
    assert_401(anonymous.delete(f"{BASE}/shop"), invalid_token=False)
    assert anonymous.get(f"{BASE}/shop").status_code == 404  # nothing was stored


@pytest.mark.parametrize(
    "header",
    [
        "Bearer " + UNKNOWN_TOKEN,  # well formed, unknown
        "Bearer not-a-token",  # malformed
        "Bearer ",  # empty
        "Basic dXNlcjpwYXNz",  # another scheme
        "svcgen_" + "0" * 43,  # no scheme
    ],
)
def test_wrong_tokens_are_401(anonymous, shop, header):
    response = anonymous.post(BASE, json=shop, headers={"Authorization": header})
    assert_401(response, invalid_token=True)


def test_a_wrong_token_is_401_on_reads_too(anonymous):
    """A client learns of a revoked token at once, not at its next write."""
    assert anonymous.get(BASE).status_code == 200
    assert_401(anonymous.get(BASE, headers=bearer(UNKNOWN_TOKEN)), invalid_token=True)


def test_reader_may_read_but_not_write(anonymous, database_url, shop):
    reader = create_token(database_url, "reader")
    response = anonymous.post(BASE, json=shop, headers=bearer(reader))
    assert response.status_code == 403
    assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]
    body = response.get_json()
    assert body["code"] == 403 and "needs writer" in body["message"]
    assert anonymous.get(BASE, headers=bearer(reader)).status_code == 200


def test_writer_writes_and_is_named_in_the_revisions(anonymous, database_url, shop):
    writer = create_token(database_url, "writer", name="portal")
    assert anonymous.post(BASE, json=shop, headers=bearer(writer)).status_code == 201
    shop["description"] = "by the admin"
    admin = create_token(database_url, "admin", name="ops")
    assert anonymous.put(f"{BASE}/shop", json=shop, headers=bearer(admin)).status_code == 200
    items = anonymous.get(f"{BASE}/shop/revisions").get_json()["items"]
    assert [i["createdBy"] for i in items] == ["portal", "ops"]
    assert anonymous.get(f"{BASE}/shop/revisions/1").get_json()["createdBy"] == "portal"
    assert anonymous.delete(f"{BASE}/shop", headers=bearer(writer)).status_code == 200


def test_writers_may_not_manage_tokens(anonymous, database_url):
    writer = create_token(database_url, "writer")
    for response in (
        anonymous.get("/api/v1/tokens", headers=bearer(writer)),
        anonymous.post(
            "/api/v1/tokens", json={"name": "x", "role": "admin"}, headers=bearer(writer)
        ),
        anonymous.delete("/api/v1/tokens/x", headers=bearer(writer)),
    ):
        assert response.status_code == 403, response.get_json()
    assert_401(anonymous.get("/api/v1/tokens"), invalid_token=False)


def test_validate_and_render_are_open_like_reads(anonymous, shop):
    assert anonymous.post("/api/v1/validate", json=shop).status_code == 200
    response = anonymous.post("/api/v1/render", json=shop)
    assert response.status_code == 200 and response.mimetype == "application/gzip"


def test_reads_can_require_a_token(make_app, database_url, shop):
    app = make_app(DATABASE_URL=database_url, AUTH_READS="required")
    anonymous = app.test_client(token=None)
    assert anonymous.post("/api/v1/topologies", json=shop).status_code == 401
    for url in (BASE, f"{BASE}/shop", "/charts/index.yaml"):
        assert_401(anonymous.get(url), invalid_token=False)
    assert_401(anonymous.post("/api/v1/validate", json=shop), invalid_token=False)
    for url in ("/healthz", "/readyz", "/api/openapi.json", "/api/docs"):
        assert anonymous.get(url).status_code == 200, url  # probes and the API's description
    reader = create_token(database_url, "reader")
    assert anonymous.get(BASE, headers=bearer(reader)).status_code == 200
    assert anonymous.post("/api/v1/validate", json=shop, headers=bearer(reader)).status_code == 200


def test_auth_reads_setting_is_checked(make_app, database_url):
    with pytest.raises(ValueError, match="AUTH_READS"):
        make_app(DATABASE_URL=database_url, AUTH_READS="sometimes")


def test_token_api_makes_lists_and_revokes(client, anonymous, database_url, shop):
    made = client.post("/api/v1/tokens", json={"name": "portal", "role": "writer"})
    assert made.status_code == 201
    assert made.headers["Cache-Control"] == "no-store"
    body = made.get_json()
    token = body.pop("token")
    assert auth.well_formed(token)
    assert body["name"] == "portal" and body["role"] == "writer" and body["revokedAt"] is None
    # times spelled as every other answer spells them (RFC 3339, UTC, Z)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", body["createdAt"])

    listed = client.get("/api/v1/tokens").get_json()["items"]
    assert [t["name"] for t in listed if t["name"] == "portal"] == ["portal"]
    assert token not in client.get("/api/v1/tokens").get_data(as_text=True)

    assert anonymous.post(BASE, json=shop, headers=bearer(token)).status_code == 201
    again = client.post("/api/v1/tokens", json={"name": "portal", "role": "reader"})
    assert again.status_code == 409

    revoked = client.delete("/api/v1/tokens/portal")
    assert revoked.status_code == 200 and revoked.get_json()["revokedAt"]
    assert client.delete("/api/v1/tokens/portal").status_code == 200  # again: no change
    assert client.delete("/api/v1/tokens/nobody").status_code == 404
    assert_401(anonymous.put(f"{BASE}/shop", json=shop, headers=bearer(token)), invalid_token=True)
    listed = {t["name"]: t for t in client.get("/api/v1/tokens").get_json()["items"]}
    assert listed["portal"]["revokedAt"] == revoked.get_json()["revokedAt"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Portal", "role": "writer"}, "name"),
        ({"name": "x" * 64, "role": "writer"}, "name"),
        ({"name": "portal", "role": "root"}, "role"),
        ({"role": "writer"}, "name"),
        ({"name": "portal", "role": "writer", "extra": 1}, "extra"),
    ],
)
def test_token_api_refuses_bad_requests(client, body, field):
    response = client.post("/api/v1/tokens", json=body)
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == [field]


def test_tokens_are_stored_hashed(client, database_url):
    token = client.post("/api/v1/tokens", json={"name": "ci", "role": "reader"}).get_json()["token"]
    engine = create_engine(database_url, poolclass=NullPool)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM api_token WHERE name = 'ci'")).all()
    engine.dispose()
    assert len(rows) == 1
    assert token not in repr(rows)
    assert rows[0].digest == hashlib.sha256(token.encode()).hexdigest()


def test_cli_makes_lists_and_revokes(database_url, monkeypatch, app, shop):
    monkeypatch.setenv("DATABASE_URL", database_url)
    runner = CliRunner()
    made = runner.invoke(main, ["token", "create", "--name", "pipeline", "--role", "writer"])
    assert made.exit_code == 0, made.output
    token = made.stdout.strip()
    assert auth.well_formed(token) and "never shown again" in made.stderr

    anonymous = app.test_client(token=None)
    assert anonymous.post(BASE, json=shop, headers=bearer(token)).status_code == 201
    assert anonymous.get(f"{BASE}/shop/revisions").get_json()["items"][0]["createdBy"] == "pipeline"

    listed = runner.invoke(main, ["token", "list"])
    assert listed.exit_code == 0 and "pipeline\twriter\t" in listed.stdout
    assert token not in listed.output
    assert (
        runner.invoke(main, ["token", "create", "--name", "pipeline", "--role", "reader"]).exit_code
        == 1
    )
    assert (
        runner.invoke(main, ["token", "create", "--name", "Bad_", "--role", "reader"]).exit_code
        == 2
    )

    revoked = runner.invoke(main, ["token", "revoke", "pipeline"])
    assert revoked.exit_code == 0 and "revoked" in revoked.stdout
    assert runner.invoke(main, ["token", "revoke", "nobody"]).exit_code == 1
    assert "revoked" in runner.invoke(main, ["token", "list"]).stdout
    assert_401(anonymous.delete(f"{BASE}/shop", headers=bearer(token)), invalid_token=True)


def test_cli_says_when_the_database_is_not_migrated(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    result = CliRunner().invoke(main, ["token", "list"])
    assert result.exit_code == 1 and "alembic upgrade head" in result.stderr


@pytest.mark.parametrize("url", ["bogus", "nosuchdb://x/y"])
def test_cli_says_when_the_database_url_cannot_be_read(monkeypatch, url):
    monkeypatch.setenv("DATABASE_URL", url)
    result = CliRunner().invoke(main, ["token", "list"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert result.stderr.startswith("error: the database cannot be used (")
    assert "Traceback" not in result.stderr + result.stdout


def test_a_deeply_nested_token_request_is_400_not_500(client):
    """webargs parses the token API's JSON; nesting past the recursion limit is a bad body."""
    body = "[" * 100_000 + "]" * 100_000
    response = client.post("/api/v1/tokens", data=body, content_type="application/json")
    assert response.status_code == 400, response.get_json()
    assert (
        response.get_json()["message"] == "the body is nested too deeply; send a flat JSON object"
    )
    assert client.get("/api/v1/tokens").status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("PATCH", "/api/v1/topologies/shop", 405),
        ("POST", "/metrics", 405),
        ("DELETE", "/no/such/path", 404),
    ],
)
def test_a_wrong_method_or_path_is_405_or_404_without_a_token(anonymous, method, path, status):
    response = anonymous.open(path, method=method)
    assert response.status_code == status
    assert response.get_json()["code"] == status


def test_a_token_request_naming_a_key_twice_is_refused(client):
    body = b'{"name": "twice", "role": "reader", "role": "admin"}'
    response = client.post(
        "/api/v1/tokens", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.get_json()["message"] == (
        "the key 'role' appears twice in one object; keep one"
    )
    listed = client.get("/api/v1/tokens").get_json()["items"]
    assert "twice" not in [t["name"] for t in listed] and len(listed) == 1
    broken = client.post(
        "/api/v1/tokens", data=b'{"name": ', headers={"Content-Type": "application/json"}
    )
    assert broken.status_code == 400 and "not valid JSON" in broken.get_json()["message"]


@pytest.mark.parametrize(
    "content_type, body",
    [
        ("application/x-www-form-urlencoded", b"name=z3&role=reader"),
        ("application/yaml", b"name: z3\nrole: reader\n"),
        (None, b'{"name": "z3", "role": "reader"}'),
    ],
)
def test_a_token_request_that_is_not_json_is_415(client, content_type, body):
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post("/api/v1/tokens", data=body, headers=headers)
    assert response.status_code == 415
    assert "send it with Content-Type: application/json" in response.get_json()["message"]


def test_a_token_request_with_a_huge_number_or_compressed_is_refused_plainly(client):
    huge = b'{"name": "n1", "role": "reader", "x": ' + b"9" * 5000 + b"}"
    response = client.post("/api/v1/tokens", data=huge, content_type="application/json")
    assert response.status_code == 400 and "not valid JSON" in response.get_json()["message"]
    assert len(response.get_json()["message"]) < 300
    packed = client.post(
        "/api/v1/tokens",
        data=b'{"name": "n2", "role": "reader"}',
        headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    assert packed.status_code == 415
    assert "Content-Encoding 'gzip' is not supported" in packed.get_json()["message"]
    names = [t["name"] for t in client.get("/api/v1/tokens").get_json()["items"]]
    assert "n1" not in names and "n2" not in names


MAPPING = "must be a mapping of fields (a JSON object / YAML map)"


@pytest.mark.parametrize(
    ("body", "message", "errors"),
    [
        (
            {"name": 123, "role": "reader"},
            "invalid body field 'name': must be a string",
            [(["name"], "must be a string")],
        ),
        (
            {"name": "ci"},
            "invalid body field 'role': is required",
            [(["role"], "is required")],
        ),
        (
            {"name": "ci", "role": "reader", "rol": "x"},
            "invalid body field 'rol': is not a known field here; did you mean 'role'? "
            "Known fields: name, role",
            [(["rol"], "is not a known field here; did you mean 'role'? Known fields: name, role")],
        ),
        ([], f"invalid body: {MAPPING}", [([], MAPPING)]),
        ("ci", f"invalid body: {MAPPING}", [([], MAPPING)]),
        (
            {},
            "invalid body field 'name': is required (and 1 more)",
            [(["name"], "is required"), (["role"], "is required")],
        ),
    ],
    ids=["not a string", "missing", "unknown field", "a list", "a string", "empty"],
)
def test_a_bad_token_request_says_what_in_the_documents_words(client, body, message, errors):
    """The token API's 422s read like a topology's (not marshmallow's 'Not a valid
    string.' or an '_schema' path), call a body field a body field, and store nothing."""
    response = client.post("/api/v1/tokens", json=body)
    assert response.status_code == 422
    got = response.get_json()
    assert got["message"] == message
    assert [(e["path"], e["message"]) for e in got["errors"]] == errors
    assert len(client.get("/api/v1/tokens").get_json()["items"]) == 1
