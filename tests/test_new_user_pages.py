"""Small things a newcomer trips over: one search box on the search page."""

from __future__ import annotations


def test_the_search_page_has_one_search_box(client):
    html = client.get("/search?q=books").get_data(as_text=True)
    assert html.count('type="search"') == 1
    assert html.count('role="search"') <= 1
    # every other page keeps the header's box
    assert client.get("/all").get_data(as_text=True).count('type="search"') == 1
