"""YAML and JSON bodies: a safe loader that refuses deep nesting (400), too many
aliases (400) and alias expansion beyond the size limit (413, the "billion
laughs"), quickly, with nothing stored."""

from __future__ import annotations

import time

import pytest

from svcgen.errors import BodyMalformed
from svcgen.topology import MAX_ALIASES, MAX_DEPTH, MAX_DIGITS, parse_document

BASE = "/api/v1/topologies"
TOPOLOGY = (
    "name: shop\ncomponents:\n  - {name: web, role: frontend, image: nginx, ports: [{port: 80}]}\n"
)


def nested(levels: int) -> str:
    """A mapping whose ``a`` holds lists nested so that the document is ``levels`` deep."""
    return "a: " + "[" * (levels - 1) + "]" * (levels - 1) + "\n"


@pytest.mark.parametrize("media", ["application/yaml", "application/json"])
def test_depth_limit_on_both_sides(media):
    inner = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)
    fits = f'{{"a": {inner}}}'
    assert parse_document(fits, media) == {"a": parse_document(f'{{"b": {inner}}}', media)["b"]}
    with pytest.raises(BodyMalformed, match="nests more than 32 levels"):
        parse_document(f'{{"a": [{inner}]}}', media)


@pytest.mark.parametrize("media", ["application/yaml", "application/json"])
def test_very_deep_nesting_is_400_not_a_crash(client, media):
    for body in ("[" * 100_000, '{"a": ' * 50_000, "- " * 50_000 + "x"):
        response = client.post(BASE, data=body, content_type=media)
        assert response.status_code == 400, response.get_json()
        assert response.get_json()["code"] == 400
    assert client.get(BASE).get_json()["totalItems"] == 0


def test_a_deep_document_is_refused_with_a_clear_message(client):
    response = client.post(
        BASE, data=TOPOLOGY + nested(MAX_DEPTH + 1), content_type="application/yaml"
    )
    assert response.status_code == 400
    assert "nests more than 32 levels deep" in response.get_json()["message"]


def test_alias_count_limit_on_both_sides():
    def doc(aliases: int) -> str:
        return "x: &x v\nitems: [" + ", ".join(["*x"] * aliases) + "]\n"

    assert len(parse_document(doc(MAX_ALIASES))["items"]) == MAX_ALIASES
    with pytest.raises(BodyMalformed, match="more than 1000 YAML aliases"):
        parse_document(doc(MAX_ALIASES + 1))


def billion_laughs(levels: int = 9) -> str:
    """The classic: each level a list of nine aliases of the one before, 9**9 'lol's."""
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for n in range(1, levels + 1):
        lines.append(f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_413_at_once(client):
    started = time.monotonic()
    for path in (BASE, "/api/v1/validate", "/api/v1/render"):
        response = client.post(
            path, data=TOPOLOGY + billion_laughs(), content_type="application/yaml"
        )
        assert response.status_code == 413, response.get_json()
        assert "aliases are expanded" in response.get_json()["message"]
    assert time.monotonic() - started < 10
    assert client.get(BASE).get_json()["totalItems"] == 0


def test_unsafe_yaml_tags_are_refused(client):
    body = TOPOLOGY + "x: !!python/object/apply:os.system ['echo pwned']\n"
    response = client.post(BASE, data=body, content_type="application/yaml")
    assert response.status_code == 400
    assert client.get(BASE).get_json()["totalItems"] == 0


@pytest.mark.parametrize("media", ["application/yaml", "application/json"])
def test_digit_limit_on_both_sides(media):
    assert parse_document('{"a": ' + "9" * MAX_DIGITS + "}", media)["a"] == 10**MAX_DIGITS - 1
    with pytest.raises(BodyMalformed, match="more than 100 digits"):
        parse_document('{"a": ' + "9" * (MAX_DIGITS + 1) + "}", media)


@pytest.mark.parametrize(
    ("body", "media"),
    [
        ("a: 2026-13-45", "application/yaml"),  # a date that does not exist
        ("a: !!bool maybe", "application/yaml"),
        ("a: !!timestamp x", "application/yaml"),
        ("a: !!int x", "application/yaml"),
        ("a: 0x" + "f" * 5000, "application/yaml"),  # found by hypothesis: a 500 before
        ("{0x" + "f" * 200 + ": 1}", "application/yaml"),
        ('{"a": ' + "1" * 5000 + "}", "application/json"),  # Python's 4300-digit limit
        ('{"a": NaN}', "application/json"),
        ('{"a": -Infinity}', "application/json"),
    ],
)
def test_values_that_cannot_be_read_are_400(client, body, media):
    with pytest.raises(BodyMalformed):
        parse_document(body, media)
    response = client.post("/api/v1/validate", data=body, content_type=media)
    assert response.status_code == 400 and response.get_json()["code"] == 400
