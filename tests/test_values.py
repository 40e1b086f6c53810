"""values.yaml: the layout built from a topology, and the emitter's text."""

from __future__ import annotations

import re
import sys
import threading

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from svcgen.model import service_type
from svcgen.values import (
    _describe,
    build_values,
    clear_block_cache,
    component_values,
    dump_values,
    edge_values,
    split_image,
)
from svcgen.yamlemit import dump_yaml
from tests.examples import EXAMPLES, shop_document
from tests.strategies import topologies

TRICKY = [
    "{{ .Release.Name }}",
    "yes",
    "no",
    "on",
    "0123",
    "6.10",
    "1e3",
    "0x1F",
    "1_000",
    "12:30",
    "true",
    "null",
    "~",
    "",
    " padded ",
    "line one\nline two\n",
    "#comment",
    ": x",
    "- item",
    "'single' \"double\"",
    "tab\there",
    "unicode: é ü 日本 🚀",
    "\u2028 \x85 \ufeff",
    "back\\slash",
    "[% raw %] [[ x ]] [# c #]",
]


def _load(path):
    return yaml.safe_load(path.read_text())


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ("nginx:1.27", ("nginx", "1.27", "")),
        ("nginx", ("nginx", "", "")),
        ("ghcr.io/example/shop-api:2.3.1", ("ghcr.io/example/shop-api", "2.3.1", "")),
        ("registry:5000/team/app", ("registry:5000/team/app", "", "")),
        ("registry:5000/team/app:v2", ("registry:5000/team/app", "v2", "")),
        ("nginx@sha256:" + "a" * 64, ("nginx", "", "sha256:" + "a" * 64)),
        ("nginx:1.27@sha256:" + "b" * 64, ("nginx", "1.27", "sha256:" + "b" * 64)),
    ],
)
def test_split_image(image, expected):
    assert split_image(image) == dict(zip(("repository", "tag", "digest"), expected, strict=True))


@pytest.mark.parametrize(
    ("component", "expected"),
    [
        ({"role": "frontend"}, "NodePort"),
        ({"role": "backend"}, "ClusterIP"),
        ({"role": "worker"}, None),
        ({"role": "external", "external": {"host": "db.example.com"}}, "ExternalName"),
        ({"role": "external", "external": {"addresses": ["192.0.2.1"]}}, "ClusterIP"),
        ({"role": "frontend", "service": {"type": "LoadBalancer"}}, "LoadBalancer"),
        ({"role": "backend", "service": {"type": "NodePort"}}, "NodePort"),
    ],
)
def test_service_type_defaults_by_role(component, expected):
    assert service_type(component) == expected


def test_edge_values_default_and_pattern():
    db = {"name": "orders-db", "role": "external", "ports": [{"port": 5432}]}
    assert edge_values("orders-db", db) == {
        "component": "ordersDb",
        "env": {"ORDERS_DB_HOST": "{host}", "ORDERS_DB_PORT": "{port}"},
    }
    portless = {"name": "db", "role": "external", "external": {"host": "db.example.com"}}
    assert edge_values("db", portless) == {"component": "db", "env": {"DB_HOST": "{host}"}}
    edge = {"name": "orders-db", "env": {"DATABASE_ADDR": "{host}:{port}"}}
    assert edge_values(edge, db) == {
        "component": "ordersDb",
        "env": {"DATABASE_ADDR": "{host}:{port}"},
    }


def test_seed_values_layout():
    values = build_values(_load(EXAMPLES[0].parent / "seed-shop.yaml"))
    assert list(values) == [
        "nameOverride", "fullnameOverride", "commonLabels", "networkPolicy", "web", "api", "ordersDb",
    ]  # fmt: skip
    assert values["nameOverride"] == values["fullnameOverride"] == ""
    assert values["commonLabels"] == {"team": "storefront"}
    assert values["networkPolicy"] == {"enabled": False}
    web = values["web"]
    assert web["image"] == {"repository": "nginx", "tag": "1.27", "digest": ""}
    assert web["replicas"] == 2
    assert web["ports"] == [
        {"name": "http", "port": 80, "targetPort": 80, "protocol": "TCP", "nodePort": 30008}
    ]
    assert web["service"]["type"] == "NodePort"
    assert web["dependsOn"] == [
        {"component": "api", "env": {"API_HOST": "{host}", "API_PORT": "{port}"}}
    ]
    assert web["ingress"]["enabled"] is False
    api = values["api"]
    assert api["env"] == {"LOG_LEVEL": "info"}
    assert api["secretEnv"] == [{"name": "DB_PASSWORD", "secret": "shop-db", "key": "password"}]
    assert api["resources"]["limits"] == {"memory": "256Mi"}
    assert api["healthPath"] == "/healthz"
    assert "ingress" not in api
    db = values["ordersDb"]
    assert db["name"] == "orders-db"
    assert db["external"] == {"host": "orders.db.example.com", "addresses": []}
    assert db["service"]["type"] == "ExternalName"
    assert db["ports"] == [{"port": 5432, "targetPort": 5432, "protocol": "TCP"}]
    assert "image" not in db and "dependsOn" not in db


def test_worker_has_no_ports_or_service_and_replicas_default_to_one():
    worker = {"name": "jobs", "role": "worker", "image": "busybox"}
    values = component_values(worker, {"jobs": worker})
    assert "ports" not in values and "service" not in values
    assert values["replicas"] == 1
    assert values["image"] == {"repository": "busybox", "tag": "", "digest": ""}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_key_has_a_comment_starting_with_its_name(example):
    text = dump_values(build_values(_load(example)))
    lines = text.splitlines()
    key_line = re.compile(r'^(\s*)(?:- )?"?([^"#:]+)"?:(?: |$)')
    checked = 0
    for i, line in enumerate(lines):
        match = key_line.match(line)
        if not match or line.lstrip().startswith("#"):
            continue
        above = lines[i - 1].strip()
        assert above.startswith(f"# {match.group(2)} "), (i, line, above)
        checked += 1
    assert checked > 50


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_values_text_loads_back_with_yaml_1_1_and_1_2(example):
    values = build_values(_load(example))
    text = dump_values(values)
    assert yaml.safe_load(text) == values  # PyYAML reads YAML 1.1, like Helm's go-yaml v2
    assert YAML(typ="safe", pure=True).load(text) == values  # ruamel reads YAML 1.2


@pytest.mark.parametrize("value", TRICKY)
def test_tricky_strings_stay_strings(value):
    data = {"env": {"VALUE": value}, value or "empty": value}
    text = dump_yaml(data, comment=lambda path, key: f"{key} is tricky\nand long")
    assert yaml.safe_load(text) == data
    assert YAML(typ="safe", pure=True).load(text) == data


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cs",))))
def test_any_text_round_trips(value):
    data = {"value": value, "list": [value], "map": {"k": value}}
    assert yaml.safe_load(dump_yaml(data)) == data


def test_dump_is_deterministic_and_never_folds_long_lines():
    data = {"long": "x " * 500, "url": "http://example.com/" + "a" * 300}
    text = dump_yaml(data)
    assert text == dump_yaml(dict(data))
    assert len(text.splitlines()) == 2


def test_long_keys_are_written_as_plain_keys():
    key = ("a" * 60 + ".") * 3 + "example.com/" + "n" * 63  # the longest annotation key
    data = {"annotations": {key: "v"}}
    text = dump_yaml(data, comment=lambda path, k: f"{k} is long")
    assert f'  "{key}": v\n' in text and "? " not in text
    assert yaml.safe_load(text) == data


def _whole(values: dict) -> str:
    """values.yaml written by one ``dump_yaml`` of the whole tree, no cache."""
    return dump_yaml(values, comment=lambda path, key: _describe(values, path, key))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_values_written_block_by_block_equal_one_dump_of_the_tree(example):
    values = build_values(_load(example))
    clear_block_cache()
    assert dump_values(values) == _whole(values)  # every block emitted
    assert dump_values(values) == _whole(values)  # every block from the cache


@settings(max_examples=60, deadline=None)
@given(topologies())
def test_any_topology_values_block_by_block_equal_one_dump(document):
    values = build_values(document)
    assert dump_values(values) == _whole(values)


def test_the_block_cache_never_serves_a_changed_component_stale():
    document = shop_document()
    first = dump_values(build_values(document))
    document["components"][1]["replicas"] = 3
    document["components"][0]["env"] = {"MODE": "1"}
    changed = build_values(document)
    text = dump_values(changed)
    assert text == _whole(changed) and text != first
    assert "  replicas: 3\n" in text and '    MODE: "1"\n' in text


def test_the_block_cache_is_bounded_by_its_size_in_characters(monkeypatch):
    import svcgen.values as values_module

    clear_block_cache()
    one = build_values(shop_document())
    dump_values(one)
    budget = values_module._cached_chars * 2  # room for two revisions' blocks
    monkeypatch.setattr(values_module, "BLOCK_CACHE_CHARS", budget)
    for replicas in range(1, 10):
        document = shop_document()
        document["components"][1]["replicas"] = replicas
        document["components"][0]["env"] = {"BIG": "x" * (budget // 3 if replicas == 5 else 1)}
        values = build_values(document)
        assert dump_values(values) == _whole(values)
        held = sum(len(key[1]) + len(text) for key, text in values_module._blocks.items())
        assert held == values_module._cached_chars <= budget
    document["components"][0]["env"] = {"HUGE": "x" * budget}  # bigger than the cache
    values = build_values(document)
    assert dump_values(values) == _whole(values)
    assert values_module._cached_chars <= budget
    assert all(b"HUGE" not in key[1] for key in values_module._blocks)


def test_the_block_cache_tells_a_string_subclass_from_a_plain_string():
    # repr(DoubleQuotedScalarString("abc")) == repr("abc"), but they are written differently
    base = {"nameOverride": "", "fullnameOverride": "", "networkPolicy": {"enabled": False}}
    clear_block_cache()
    plain = {**base, "commonLabels": {"team": "abc"}}
    quoted = {**base, "commonLabels": {"team": DoubleQuotedScalarString("abc")}}
    for values in (plain, quoted, plain, quoted):
        assert dump_values(values) == _whole(values)
    assert '  team: "abc"\n' in dump_values(quoted) and "  team: abc\n" in dump_values(plain)


def test_the_block_cache_survives_concurrent_renders(monkeypatch):
    """``flask run`` serves from threads: no lost or double-counted block, no error."""
    import svcgen.values as values_module

    monkeypatch.setattr(values_module, "BLOCK_CACHE_CHARS", 20_000)
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    clear_block_cache()
    errors = []

    def work(worker: int) -> None:
        for round_ in range(25):
            document = shop_document()
            document["components"][0]["replicas"] = (worker * 1000 + round_) % 97 + 1
            values = build_values(document)
            try:
                if dump_values(values) != _whole(values):
                    errors.append("wrong text")
            except Exception as exc:  # noqa: BLE001 - any error is the failure
                errors.append(repr(exc))

    try:
        threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        sys.setswitchinterval(switch)
    assert not any(thread.is_alive() for thread in threads), "a worker hung"
    held = sum(len(key[1]) + len(text) for key, text in values_module._blocks.items())
    assert errors == []
    assert values_module._cached_chars == held <= values_module.BLOCK_CACHE_CHARS
