"""``/api/v1/topologies``: create, list, read, replace, delete; revisions and ETags."""

from __future__ import annotations

import copy
import json

import pytest
import yaml

from .conftest import document_of

BASE = "/api/v1/topologies"


def create(client, document, **kwargs):
    response = client.post(BASE, json=document, **kwargs)
    assert response.status_code == 201, response.get_json()
    return response


def revision_count(client, name):
    response = client.get(f"{BASE}/{name}/revisions")
    return len(response.get_json()["items"]) if response.status_code == 200 else 0


def test_post_stores_revision_1_with_location_and_etag(client, shop):
    response = create(client, shop)
    body = response.get_json()
    assert response.headers["Location"] == f"{BASE}/shop"
    assert response.headers["ETag"].startswith('"') and response.headers["ETag"].endswith('"')
    assert body["revision"] == 1
    assert body["chartVersion"] == "0.1.0"
    assert body["createdAt"] == body["updatedAt"]
    assert body["createdAt"].endswith("Z")
    assert body["warnings"] == []
    assert document_of(body) == shop
    assert list(body)[: len(shop)] == list(shop)  # the document's key order is kept


def test_post_yaml_body(client, shop):
    for number, media in enumerate(("application/yaml", "application/x-yaml", "text/yaml")):
        shop["name"] = f"shop-{number}"
        response = client.post(BASE, data=yaml.safe_dump(shop, sort_keys=False), content_type=media)
        assert response.status_code == 201, response.get_json()
        assert document_of(response.get_json()) == shop


def test_post_json_with_charset(client, shop):
    response = client.post(
        BASE, data=json.dumps(shop), content_type="application/json; charset=utf-8"
    )
    assert response.status_code == 201


def test_post_duplicate_name_is_409_and_stores_nothing(client, shop):
    create(client, shop)
    changed = copy.deepcopy(shop)
    changed["description"] = "another"
    response = client.post(BASE, json=changed)
    assert response.status_code == 409
    assert response.get_json()["code"] == 409
    assert "shop" in response.get_json()["message"]
    assert client.get(f"{BASE}/shop").get_json()["description"] == shop["description"]
    assert revision_count(client, "shop") == 1


def test_post_invalid_is_422_with_field_paths(client, shop):
    shop["components"][0]["ports"][0]["nodePort"] = 80
    response = client.post(BASE, json=shop)
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == 422 and body["status"] == "Unprocessable Entity"
    error = body["errors"][0]
    assert error["path"] == ["components", 0, "ports", 0, "nodePort"]
    assert error["field"] == "components.0.ports.0.nodePort"
    assert error["message"]
    assert client.get(f"{BASE}/shop").status_code == 404


def test_get_returns_document_and_server_fields(client, shop):
    etag = create(client, shop).headers["ETag"]
    response = client.get(f"{BASE}/shop")
    assert response.status_code == 200
    assert response.headers["ETag"] == etag
    body = response.get_json()
    assert document_of(body) == shop
    assert {"revision", "chartVersion", "createdAt", "updatedAt", "warnings"} <= set(body)


def test_get_recomputes_warnings(client, shop):
    from svcgen.api import views

    shop["components"][1]["service"] = {"type": "NodePort"}  # a back end exposed on nodes
    body = create(client, shop).get_json()
    assert body["warnings"], body
    views._warnings_cache.clear()  # a fresh worker: nothing remembered from the POST
    assert client.get(f"{BASE}/shop").get_json()["warnings"] == body["warnings"]
    assert body["warnings"][0]["path"][:2] == ["components", 1]


def test_get_unknown_is_404_json(client):
    response = client.get(f"{BASE}/nothing")
    assert response.status_code == 404
    assert response.get_json()["message"] == "no topology named 'nothing'"


def test_put_increments_revisions_1_2_3(client, shop):
    create(client, shop)
    for number in (2, 3):
        shop["description"] = f"revision {number}"
        response = client.put(f"{BASE}/shop", json=shop)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        assert body["revision"] == number
        assert body["chartVersion"] == f"0.{number}.0"
        assert body["updatedAt"] >= body["createdAt"]
    got = client.get(f"{BASE}/shop").get_json()
    assert got["revision"] == 3 and got["description"] == "revision 3"
    history = client.get(f"{BASE}/shop/revisions").get_json()["items"]
    assert [r["revision"] for r in history] == [1, 2, 3]
    old = client.get(f"{BASE}/shop/revisions/1").get_json()
    assert old["description"] == "Front end, back end and an external data source"


def test_put_changes_etag(client, shop):
    first = create(client, shop).headers["ETag"]
    second = client.put(f"{BASE}/shop", json=shop).headers["ETag"]
    assert first != second
    assert client.get(f"{BASE}/shop").headers["ETag"] == second


def test_put_if_match_current_succeeds(client, shop):
    etag = create(client, shop).headers["ETag"]
    response = client.put(f"{BASE}/shop", json=shop, headers={"If-Match": etag})
    assert response.status_code == 200
    star = client.put(f"{BASE}/shop", json=shop, headers={"If-Match": "*"})
    assert star.status_code == 200 and star.get_json()["revision"] == 3


@pytest.mark.parametrize("stale", ["old", "old and weak"])
def test_put_stale_if_match_is_412_and_changes_nothing(client, shop, stale):
    etag = create(client, shop).headers["ETag"]
    current = client.put(f"{BASE}/shop", json=shop).headers["ETag"]
    tag = etag if stale == "old" else f"W/{etag}"  # the current one weak: its own test
    shop["description"] = "lost update"
    response = client.put(f"{BASE}/shop", json=shop, headers={"If-Match": tag})
    assert response.status_code == 412
    assert response.get_json()["code"] == 412
    assert response.get_json()["message"] == (
        "topology 'shop' has changed: its current revision is 2; "
        "GET it again, make your change to that, and send its ETag in If-Match"
    )
    after = client.get(f"{BASE}/shop")
    assert after.get_json()["revision"] == 2
    assert after.get_json()["description"] != "lost update"
    assert after.headers["ETag"] == current
    assert revision_count(client, "shop") == 2


def test_put_unknown_is_404(client, shop):
    response = client.put(f"{BASE}/shop", json=shop)
    assert response.status_code == 404
    assert response.is_json


def test_put_invalid_leaves_revisions_unchanged(client, shop):
    create(client, shop)
    shop["components"][0]["ports"][0]["port"] = "80"
    response = client.put(f"{BASE}/shop", json=shop)
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "components.0.ports.0.port"
    assert revision_count(client, "shop") == 1
    assert client.get(f"{BASE}/shop").get_json()["revision"] == 1


def test_put_name_must_match_path(client, shop):
    create(client, shop)
    shop["name"] = "other"
    response = client.put(f"{BASE}/shop", json=shop)
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["path"] == ["name"]
    assert "'shop'" in response.get_json()["errors"][0]["message"]
    assert revision_count(client, "shop") == 1


def test_put_chart_version_must_rise(client, shop):
    shop["chartVersion"] = "1.4.0"
    assert create(client, shop).get_json()["chartVersion"] == "1.4.0"
    for lower in ("1.4.0", "1.3.9", "1.4.0-rc.1", "1.4.0+build.7"):
        shop["chartVersion"] = lower
        response = client.put(f"{BASE}/shop", json=shop)
        assert response.status_code == 422, lower
        error = response.get_json()["errors"][0]
        assert error["path"] == ["chartVersion"]
        assert "1.4.0" in error["message"]
    del shop["chartVersion"]  # the server's 0.2.0 would go backwards
    dropped = client.put(f"{BASE}/shop", json=shop)
    assert dropped.status_code == 422
    message = dropped.get_json()["errors"][0]["message"]
    assert message.startswith(
        "is not set, so the server would use 0.2.0, which is not higher than 1.4.0"
    )
    assert revision_count(client, "shop") == 1
    shop["chartVersion"] = "1.10.0"
    response = client.put(f"{BASE}/shop", json=shop)
    assert response.status_code == 200
    assert response.get_json()["chartVersion"] == "1.10.0"
    assert response.get_json()["revision"] == 2


def test_put_chart_version_prerelease_to_release(client, shop):
    shop["chartVersion"] = "2.0.0-alpha.2"
    create(client, shop)
    for version in ("2.0.0-alpha.10", "2.0.0-beta", "2.0.0"):
        shop["chartVersion"] = version
        assert client.put(f"{BASE}/shop", json=shop).status_code == 200, version


def test_delete_then_get_is_404_and_name_is_free(client, shop):
    create(client, shop)
    client.put(f"{BASE}/shop", json=shop)
    response = client.delete(f"{BASE}/shop")
    assert response.status_code == 200
    assert response.get_json() == {
        "deleted": {
            "name": "shop",
            "revisions": [1, 2],
            "charts": ["shop-0.1.0.tgz", "shop-0.2.0.tgz"],
        }
    }
    assert client.get(f"{BASE}/shop").status_code == 404
    assert client.get(f"{BASE}/shop/revisions").status_code == 404
    assert client.get(f"{BASE}/shop/chart").status_code == 404
    assert client.delete(f"{BASE}/shop").status_code == 404
    # the name is free; its chart versions go on above the deleted one's (test_retired_charts)
    again = create(client, {**shop, "chartVersion": "0.3.0"}).get_json()
    assert (again["revision"], again["chartVersion"]) == (1, "0.3.0")


def test_delete_stale_if_match_is_412(client, shop):
    stale = create(client, shop).headers["ETag"]
    current = client.put(f"{BASE}/shop", json=shop).headers["ETag"]
    response = client.delete(f"{BASE}/shop", headers={"If-Match": stale})
    assert response.status_code == 412
    assert client.get(f"{BASE}/shop").status_code == 200
    assert client.delete(f"{BASE}/shop", headers={"If-Match": current}).status_code == 200


def test_list_is_paginated_newest_first(client, shop):
    names = [f"shop-{i}" for i in range(5)]
    for name in names:
        shop["name"] = name
        create(client, shop)
    first = client.get(f"{BASE}?page=1&page_size=2").get_json()
    assert [t["name"] for t in first["items"]] == ["shop-4", "shop-3"]
    assert first["page"] == 1 and first["pageSize"] == 2
    assert first["totalItems"] == 5 and first["totalPages"] == 3
    last = client.get(f"{BASE}?page=3&page_size=2").get_json()
    assert [t["name"] for t in last["items"]] == ["shop-0"]
    assert client.get(f"{BASE}?page=4&page_size=2").get_json()["items"] == []
    item = first["items"][0]
    assert set(item) == {
        "name",
        "description",
        "revision",
        "chartVersion",
        "createdAt",
        "updatedAt",
    }
    default = client.get(BASE).get_json()
    assert default["pageSize"] == 20 and len(default["items"]) == 5


def test_list_empty(client):
    body = client.get(BASE).get_json()
    assert body == {"items": [], "page": 1, "pageSize": 20, "totalItems": 0, "totalPages": 0}


@pytest.mark.parametrize(
    "query, field", [("page=0", "page"), ("page_size=101", "page_size"), ("page=x", "page")]
)
def test_list_bad_paging_is_422(client, query, field):
    response = client.get(f"{BASE}?{query}")
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == field


def test_revision_unknown_is_404(client, shop):
    create(client, shop)
    assert client.get(f"{BASE}/shop/revisions/2").status_code == 404
    assert client.get(f"{BASE}/other/revisions/1").status_code == 404


def test_a_weak_if_match_is_told_to_drop_w(client, shop):
    """Writes compare ETags strongly (RFC 9110 section 13.1.1): the current tag sent as
    weak never matches, and the 412 says so rather than that the topology changed."""
    create(client, shop)
    tag = client.get(f"{BASE}/shop").headers["ETag"]
    said = (
        "If-Match names the current ETag as weak (W/...); PUT and DELETE compare ETags "
        "strongly (RFC 9110 section 13.1.1): send it without W/"
    )
    shop["description"] = "lost update"
    put = client.put(f"{BASE}/shop", json=shop, headers={"If-Match": f"W/{tag}"})
    assert (put.status_code, put.get_json()["message"]) == (412, said)
    gone = client.delete(f"{BASE}/shop", headers={"If-Match": f"W/{tag}"})
    assert (gone.status_code, gone.get_json()["message"]) == (412, said)
    after = client.get(f"{BASE}/shop").get_json()
    assert after["revision"] == 1 and after["description"] != "lost update"


@pytest.mark.parametrize("held", ["*", "current", "W/current", '"other", current'])
def test_if_none_match_naming_the_topology_refuses_the_write(client, shop, held):
    """RFC 9110 section 13.1.2: If-None-Match that is * (the topology exists) or names
    its current ETag (weak comparison) makes a PUT or DELETE a 412 that changes nothing;
    one naming only other tags lets it through."""
    create(client, shop)
    tag = client.get(f"{BASE}/shop").headers["ETag"]
    header = held.replace("current", tag)
    which = "is *" if held == "*" else "names the current revision's ETag"
    said = f"If-None-Match {which}, so the topology is not changed (RFC 9110 section 13.1.2); "
    shop["description"] = "not stored"
    put = client.put(f"{BASE}/shop", json=shop, headers={"If-None-Match": header})
    assert (put.status_code, put.get_json()["message"]) == (
        412,
        said + "a PUT replaces an existing topology, a POST creates one",
    )
    gone = client.delete(f"{BASE}/shop", headers={"If-None-Match": header})
    assert (gone.status_code, gone.get_json()["message"]) == (
        412,
        said + "drop If-None-Match to delete it",
    )
    after = client.get(f"{BASE}/shop").get_json()
    assert after["revision"] == 1 and after["description"] != "not stored"
    both = client.put(f"{BASE}/shop", json=shop, headers={"If-Match": tag, "If-None-Match": header})
    # If-Match passes, If-None-Match still refuses, and its message is the one given
    assert (both.status_code, both.get_json()["message"]) == (
        412,
        said + "a PUT replaces an existing topology, a POST creates one",
    )
    other = client.put(f"{BASE}/shop", json=shop, headers={"If-None-Match": '"other"'})
    assert other.status_code == 200 and other.get_json()["revision"] == 2
    assert client.delete(f"{BASE}/shop", headers={"If-None-Match": '"other"'}).status_code == 200


@pytest.mark.parametrize("header", ["If-Match", "If-None-Match"])
@pytest.mark.parametrize("value", ["garbage words", ",", '"unterminated', "  "])
def test_an_unreadable_precondition_of_either_kind_is_412(client, shop, header, value):
    """Neither precondition header is taken for none when it names no tag."""
    create(client, shop)
    tag = client.get(f"{BASE}/shop").headers["ETag"]
    said = (
        f"{header} names no entity tag: send the ETag as the server sent it, in double "
        f'quotes ({header}: {tag[:9]}...")'
    )
    put = client.put(f"{BASE}/shop", json=shop, headers={header: value})
    assert (put.status_code, put.get_json()["message"]) == (412, said)
    gone = client.delete(f"{BASE}/shop", headers={header: value})
    assert (gone.status_code, gone.get_json()["message"]) == (412, said)
    assert client.get(f"{BASE}/shop").get_json()["revision"] == 1


@pytest.mark.parametrize("value", ["garbage", '"garbage"', 'W/"x", "0123"', '""', 'W/"", "2W6?1$"'])
def test_an_if_match_that_is_no_etag_of_ours_says_so(client, shop, value):
    """A tag that cannot be a revision's (svcgen's are 40 hexadecimal digits) is not
    told the topology has changed; an empty tag, which Werkzeug reads as None, is one
    (it was a 500, found by the OpenAPI fuzzer). A topology that does not exist is a
    404 first."""
    missing = client.delete(f"{BASE}/nope", headers={"If-Match": value})
    assert (missing.status_code, missing.get_json()["message"]) == (404, "no topology named 'nope'")
    create(client, shop)
    response = client.put(f"{BASE}/shop", json=shop, headers={"If-Match": value})
    assert (response.status_code, response.get_json()["message"]) == (
        412,
        "If-Match names no ETag svcgen makes (40 hexadecimal digits in double quotes): GET "
        "the topology and send its ETag header as it came",
    )
    assert client.get(f"{BASE}/shop").get_json()["revision"] == 1


def test_a_get_answer_can_be_edited_and_put_back(client, shop):
    """GET, edit, PUT with If-Match: the keys the server set are dropped, and the
    chartVersion it chose is not taken for one the user set."""
    create(client, shop)
    got = client.get(f"{BASE}/shop")
    body = got.get_json()
    assert {"revision", "chartVersion", "createdAt", "updatedAt", "warnings"} <= set(body)
    body["description"] = "edited"
    put = client.put(f"{BASE}/shop", json=body, headers={"If-Match": got.headers["ETag"]})
    assert put.status_code == 200, put.get_json()
    assert (put.json["revision"], put.json["chartVersion"]) == (2, "0.2.0")
    stored = client.get(f"{BASE}/shop/revisions/2").get_json()
    document = document_of(stored)
    assert document.pop("createdBy") is not None
    assert document == {**shop, "description": "edited"}
    # had 0.2.0 been kept as the user's chartVersion, sending it back again would be a 422
    again = client.get(f"{BASE}/shop")
    put = client.put(
        f"{BASE}/shop", json=again.get_json(), headers={"If-Match": again.headers["ETag"]}
    )
    assert (put.status_code, put.json["chartVersion"]) == (200, "0.3.0")


def test_a_chart_version_the_user_set_is_theirs_when_sent_back(client, shop):
    create(client, {**shop, "chartVersion": "1.4.0"})
    body = client.get(f"{BASE}/shop").get_json()
    refused = client.put(f"{BASE}/shop", json=body)
    assert refused.status_code == 422
    assert "1.4.0 is not higher than 1.4.0" in refused.json["errors"][0]["message"]
    body["chartVersion"] = "1.5.0"
    assert client.put(f"{BASE}/shop", json=body).json["chartVersion"] == "1.5.0"


def test_a_put_to_a_topology_that_does_not_exist_is_404_before_the_body(client, shop):
    for name, body in (("nosuch", shop), ("CLOUD-SHOP", {**shop, "name": "CLOUD-SHOP"})):
        response = client.put(f"{BASE}/{name}", json=body)
        assert response.status_code == 404, response.get_json()
        assert response.get_json()["message"] == f"no topology named {name!r}"
    broken = client.put(f"{BASE}/nosuch", data=b"{", content_type="application/json")
    assert broken.status_code == 404


def test_an_older_revisions_answer_can_be_put_back_to_roll_back(client, shop):
    create(client, shop)
    client.put(f"{BASE}/shop", json={**shop, "description": "second"})
    first = client.get(f"{BASE}/shop/revisions/1").get_json()
    assert first["createdBy"] and first["chartVersion"] == "0.1.0"
    rolled = client.put(f"{BASE}/shop", json=first)  # no If-Match: last writer wins
    assert rolled.status_code == 200, rolled.get_json()
    assert (rolled.json["revision"], rolled.json["chartVersion"]) == (3, "0.3.0")
    assert rolled.json["description"] == shop["description"]


def test_a_stale_if_match_is_412_before_the_body_is_looked_at(client, shop):
    stale = create(client, shop).headers["ETag"]
    client.put(f"{BASE}/shop", json={**shop, "description": "second"})
    for body, content_type in (
        (b'{"name": "shop"}', "application/json"),
        (b"{", "application/json"),
        (b"name: shop", "text/plain"),
    ):
        response = client.put(
            f"{BASE}/shop", data=body, content_type=content_type, headers={"If-Match": stale}
        )
        assert response.status_code == 412, (body, response.get_json())
        assert "its current revision is 2" in response.get_json()["message"]
