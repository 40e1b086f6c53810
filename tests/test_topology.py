"""Parsing bodies and files into documents, and chart versions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from svcgen.errors import BodyMalformed, TopologyInvalid
from svcgen.topology import chart_version_for, parse_document, validate_topology

from .examples import EXAMPLES


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_validates_unchanged(path: Path):
    document = parse_document(path.read_bytes(), "application/yaml")
    assert document == yaml.safe_load(path.read_text())
    assert validate_topology(document).document == yaml.safe_load(path.read_text())


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_json_and_yaml_give_the_same_document(path: Path):
    document = yaml.safe_load(path.read_text())
    assert parse_document(json.dumps(document), "application/json; charset=utf-8") == document
    assert parse_document(json.dumps(document).encode(), None) == document  # JSON is YAML


@pytest.mark.parametrize(
    ("body", "content_type", "says"),
    [
        (b"{", "application/json", "not valid JSON"),
        (b"name: [", "application/yaml", "not valid YAML"),
        (b"- a\n- b\n", "application/yaml", "not a list"),
        (b"42", "application/json", "not a number"),
        (b'{"a": 1, "a": 2}', "application/json", "the key .a. appears twice"),
        (b"\xff\xfe", "application/yaml", "not UTF-8"),
    ],
)
def test_malformed_bodies_are_refused_with_a_reason(body, content_type, says):
    with pytest.raises(BodyMalformed, match=says):
        parse_document(body, content_type)


TOPOLOGY_IS = "a JSON object or YAML mapping with at least 'name' and 'components'"


@pytest.mark.parametrize(
    ("body", "content_type", "says"),
    [
        (b"", "application/json", f"the document is empty: send {TOPOLOGY_IS}"),
        (b" \n\t", "application/yaml", f"the document is empty: send {TOPOLOGY_IS}"),
        (
            b"# a comment only\n",
            "application/yaml",
            f"the document is empty (null): send {TOPOLOGY_IS}",
        ),
        (b"null", "application/json", f"the document is empty (null): send {TOPOLOGY_IS}"),
        (
            b"name: shop\ncomponents: [\n",
            "application/yaml",
            "the document is not valid YAML: while parsing a flow node: expected the node "
            "content, but found the end of the document at line 3 column 1",
        ),
        (
            b"name: shop\n  bad: indent\n",
            "application/yaml",
            "the document is not valid YAML: mapping values are not allowed here at line 2 column 6",
        ),
        (
            b'name: "shop\n\ncomponents: []\n',
            "application/yaml",
            "the document is not valid YAML: while scanning a quoted scalar at line 1 column 7: "
            "found unexpected end of stream at line 4 column 1",
        ),
        (
            b"name: x\ncomponents: *nope\n",
            "application/yaml",
            "the document is not valid YAML: found undefined alias 'nope' at line 2 column 13",
        ),
        (
            b"a: 1\nb: 2\na: 3\n",
            "application/yaml",
            "the document is not valid YAML: the key 'a' appears twice in one mapping, "
            "at line 1 column 1 and at line 3 column 1; keep one",
        ),
        (
            b"2026-01-01: a\n2026-01-01: b\n",
            "application/yaml",
            'the document is not valid YAML: the key "2026-01-01" appears twice in one '
            "mapping, at line 1 column 1 and at line 2 column 1; keep one",
        ),
        (
            b"name: a\x00b\n",
            "application/yaml",
            "the document is not valid YAML: the character U+0000 is not allowed in YAML at "
            "line 1 column 8: remove it, or write it as an escape inside double quotes",
        ),
        (
            b"a:\n  image: \x1b[0mnginx\n",
            "application/yaml",
            "the document is not valid YAML: the character U+001B is not allowed in YAML at "
            "line 2 column 10: remove it, or write it as an escape inside double quotes",
        ),
        (
            b"name: x\ncomponents: &c [1, *c]\n",
            "application/yaml",
            "the YAML alias *c at line 2 column 20 is inside the value its anchor &c names: "
            "a document cannot contain itself",
        ),
        (
            b"a: &m {b: 1, <<: *m}\n",
            "application/yaml",
            "the YAML alias *m at line 1 column 18 is inside the value its anchor &m names: "
            "a document cannot contain itself",
        ),
        (
            b'{"name": "shop',
            "application/json",
            "the document is not valid JSON: Unterminated string starting at line 1 column 10",
        ),
        (
            b"name: shop\ncomponents: []\n",
            "application/json",
            "the document is not valid JSON: Expecting value at line 1 column 1; the body "
            "reads as YAML: send it as YAML (Content-Type: application/yaml)",
        ),
    ],
    ids=[
        "empty JSON",
        "blank YAML",
        "comment only",
        "null",
        "unclosed flow",
        "bad indent",
        "unclosed quote",
        "unknown alias",
        "duplicate key",
        "duplicate date key",
        "NUL",
        "terminal colour",
        "alias inside its anchor",
        "merge of itself",
        "unterminated JSON string",
        "YAML sent as JSON",
    ],
)
def test_an_unreadable_document_is_told_what_and_where_in_one_line(body, content_type, says):
    """No PyYAML ``<unicode string>`` or quoted source lines: one sentence, with the
    line and column counted from 1 as JSON's errors count them."""
    with pytest.raises(BodyMalformed) as info:
        parse_document(body, content_type)
    assert str(info.value) == says


def test_yaml_values_keep_their_yaml_types_and_are_refused_where_a_string_belongs():
    doc = parse_document(EXAMPLES[0].read_text() + "\n", "application/yaml")
    doc["appVersion"] = parse_document("v: 6.10", "application/yaml")["v"]
    with pytest.raises(TopologyInvalid) as info:
        validate_topology(doc)
    assert [e.path for e in info.value.errors] == [("appVersion",)]
    assert "quote" in info.value.errors[0].message


def test_chart_version_is_server_set_unless_the_document_sets_it():
    assert chart_version_for({"name": "shop"}, 1) == "0.1.0"
    assert chart_version_for({"name": "shop"}, 12) == "0.12.0"
    assert chart_version_for({"name": "shop", "chartVersion": "1.4.0"}, 12) == "1.4.0"


def test_a_byte_order_mark_is_allowed_in_json_as_in_yaml():
    assert parse_document(b'\xef\xbb\xbf{"name": "x"}', "application/json") == {"name": "x"}
    assert parse_document(b"\xef\xbb\xbfname: x\n", "application/yaml") == {"name": "x"}


def test_yaml_merge_keys_are_no_duplicates():
    text = "base: &b {port: 80}\nother:\n  <<: *b\n  name: x\n"
    assert parse_document(text, "application/yaml")["other"] == {"port": 80, "name": "x"}


def test_error_fields_spell_yaml_keys_as_yaml_does():
    doc = parse_document(
        "name: s\ncomponents:\n  - {name: w, role: worker, image: busybox, env: {null: a, true: b}}\n",
        "application/yaml",
    )
    with pytest.raises(TopologyInvalid) as info:
        validate_topology(doc)
    assert {e.as_dict()["field"] for e in info.value.errors} == {
        "components.0.env.null",
        "components.0.env.true",
    }


@pytest.mark.parametrize(
    ("written", "shown_as", "advice"),
    [
        ("0120", "0120", "quote it if it is text"),
        ("-0120", "-0120", "quote it if it is text"),
        ("1:20", "1:20", "quote it if it is text"),
        ("0x1F90", "0x1F90", "quote it if it is text"),
        ("0b11", "0b11", "quote it if it is text"),
        ("1_000", "1_000", "quote it if it is text"),
        ("08", "08", "quote it if it is text"),  # a string to YAML 1.1, 8 to YAML 1.2
        ("0089", "0089", "quote it if it is text"),
        ("1:30.5", "1:30.5", "quote it if it is text"),  # a float in base 60
        ("1_0.5", "1_0.5", "quote it if it is text"),
        ("!!int '010'", "010", "drop the tag"),
    ],
)
def test_numbers_yaml_versions_read_differently_are_refused(written, shown_as, advice):
    """YAML 1.1 (PyYAML, Helm's reader) takes 0120 as octal 80, 1:20 as base 60 and 08 as
    text; YAML 1.2 takes them as 120, as text and as 8: svcgen refuses them rather than
    guess, saying where."""
    with pytest.raises(BodyMalformed) as info:
        parse_document(f"name: shop\nreplicas: {written}\n", "application/yaml")
    assert str(info.value) == (
        f"the number {shown_as!r} at line 2 column 11 is written in a YAML 1.1 form (octal, "
        "hexadecimal, binary, base 60, with underscores or leading zeros) that YAML 1.2 "
        f"readers take differently: write it in decimal without leading zeros, or {advice}"
    )


@pytest.mark.parametrize(
    ("written", "says"),
    [
        (
            "!!int abc",
            "the value 'abc' at line 1 column 4 is tagged !!int but is not a whole "
            "number: remove the tag, or write the number",
        ),
        (
            "!!int ''",
            "the value '' at line 1 column 4 is tagged !!int but is not a whole "
            "number: remove the tag, or write the number",
        ),
        (
            "!!int [1]",
            "the document is not valid YAML: expected a scalar node, but found "
            "sequence at line 1 column 4",
        ),
    ],
)
def test_an_int_tag_on_what_is_no_number_says_so(written, says):
    with pytest.raises(BodyMalformed) as info:
        parse_document(f"n: {written}\n", "application/yaml")
    assert str(info.value) == says


@pytest.mark.parametrize(
    ("written", "read"),
    [("'08'", "08"), ("1.5", 1.5), ("6.10", 6.1), ("1e3", "1e3"), ("'1:20'", "1:20")],
)
def test_quoted_text_and_plain_decimals_read_as_ever(written, read):
    assert parse_document(f"n: {written}\n", "application/yaml") == {"n": read}


@pytest.mark.parametrize(
    "body",
    [b'{"a": 1,}', b"{'a': 1}", b"- a\n- b\n", b"plain text", b'["name: shop"'],
)
def test_json_typos_get_no_yaml_hint(body):
    """Only a body that reads as a YAML mapping from its first character is told to
    send YAML; a JSON object or list with a typo is told only where JSON failed."""
    with pytest.raises(BodyMalformed) as info:
        parse_document(body, "application/json")
    assert "YAML" not in str(info.value)


def test_the_yaml_hint_does_not_parse_a_large_body_again():
    """A JSON body that failed past its first character gets no hint; the message
    names where JSON failed, at its end."""
    body = '{"a": [' + ",".join(['"x"'] * 20000) + ",]}"
    with pytest.raises(BodyMalformed) as info:
        parse_document(body, "application/json")
    assert str(info.value) == (
        f"the document is not valid JSON: Expecting value at line 1 column {len(body) - 1}"
    )


@pytest.mark.parametrize(
    ("written", "read"), [("0", 0), ("-0", 0), ("8080", 8080), ("+1", 1), ("-12", -12)]
)
def test_decimal_numbers_read_as_ever(written, read):
    assert parse_document(f"n: {written}\n", "application/yaml") == {"n": read}


def test_the_yaml_hint_reads_only_the_first_events():
    """A YAML mapping sent as JSON is told to send YAML even when the YAML is broken
    further down: the hint reads the body's first events, not the whole body."""
    body = "name: shop\ncomponents: [\n" + "  - x,\n" * 1000  # an unclosed flow list
    with pytest.raises(BodyMalformed) as info:
        parse_document(body, "application/json")
    assert str(info.value) == (
        "the document is not valid JSON: Expecting value at line 1 column 1; the body "
        "reads as YAML: send it as YAML (Content-Type: application/yaml)"
    )
