"""/api/v1/tags: tags by use, one tag in any script, suggestions."""

from __future__ import annotations

from urllib.parse import quote

import pytest


@pytest.fixture
def tagged(make_user, content):
    alice = make_user("alice")
    community = content.community(alice)
    content.post(alice, community, "One", tags=["Bücher", "poetry", "شعر"])
    content.post(alice, community, "Two", tags=["bücher", "poems"])
    return {"alice": alice, "community": community}


def _tag(name: str, count: int) -> dict:
    return {"name": name, "post_count": count, "url": f"http://localhost/t/{quote(name)}"}


def test_tags_are_listed_most_used_first(api_as, tagged):
    response = api_as("alice").get("/tags")
    assert response.status_code == 200
    body = response.get_json()
    assert body["next"] is None
    assert body["items"][0] == _tag("bücher", 2)
    assert sorted(tag["name"] for tag in body["items"][1:]) == ["poems", "poetry", "شعر"]


def test_tags_are_paged_with_cursors_in_constant_statements(
    api_as, make_user, content, count_statements
):
    alice = make_user("alice")
    community = content.community(alice)
    reader = api_as("alice")
    reader.get("/me")  # the token's first use writes its last_used_at
    content.post(alice, community, "First", tags=["t0", "t1"])
    with count_statements() as few:
        assert len(reader.get("/tags").get_json()["items"]) == 2
    for index in range(2, 102, 5):
        content.post(alice, community, f"Post {index}", tags=[f"t{index + i}" for i in range(5)])
    with count_statements() as many:
        first = reader.get("/tags").get_json()
    assert few.count == many.count, many.statements
    assert len(first["items"]) == 100 and first["next"]
    rest = reader.get("/tags", query_string={"cursor": first["next"]}).get_json()
    assert len(rest["items"]) == 2 and rest["next"] is None
    names = {tag["name"] for tag in first["items"] + rest["items"]}
    assert len(names) == 102


def test_one_tag_is_found_in_any_script_and_case(api_as, tagged):
    reader = api_as("alice")
    for path in ("/tags/b%C3%BCcher", "/tags/B%C3%9CCHER", "/tags/bu%CC%88cher"):
        response = reader.get(path)
        assert response.status_code == 200, path
        assert response.get_json() == _tag("bücher", 2)
    assert reader.get("/tags/" + quote("شعر")).get_json() == _tag("شعر", 1)


def test_an_unknown_or_impossible_tag_is_404(api_as, tagged):
    reader = api_as("alice")
    assert reader.get("/tags/nothing").status_code == 404
    impossible = reader.get("/tags/a+b")
    assert impossible.status_code == 404
    assert impossible.get_json()["error"]["code"] == "not_found"
    assert reader.get("/tags/" + "x" * 31).status_code == 404


def test_suggestions_complete_the_last_tag_like_the_field(api_as, tagged):
    reader = api_as("alice")
    response = reader.get("/tags/suggestions", query_string={"q": "po"})
    assert response.status_code == 200
    assert sorted(tag["name"] for tag in response.get_json()["items"]) == ["poems", "poetry"]
    typed = reader.get("/tags/suggestions", query_string={"q": "poetry, PO"}).get_json()
    assert typed == {"items": [_tag("poems", 1)]}
    persian = reader.get("/tags/suggestions", query_string={"q": "ش"}).get_json()
    assert persian == {"items": [_tag("شعر", 1)]}
    assert reader.get("/tags/suggestions").get_json() == {"items": []}
    too_long = reader.get("/tags/suggestions", query_string={"q": "x" * 201})
    assert too_long.status_code == 422 and "q" in too_long.get_json()["error"]["fields"]


def test_tags_need_a_token(client, tagged):
    for path in ("/tags", "/tags/poems", "/tags/suggestions?q=p"):
        assert client.get("/api/v1" + path).status_code == 401


def test_a_tag_answer_carries_an_etag(api_as, tagged):
    reader = api_as("alice")
    first = reader.get("/tags/poems")
    again = reader.get("/tags/poems", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
