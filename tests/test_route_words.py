"""Names that a route already uses (/c/new) cannot be given to a community: the
reserved words come from the URL map, so a route added later reserves its own."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import suite_settings
from tests.support.forms import submit
from webapp import create_app
from webapp.communities import services
from webapp.extensions import db
from webapp.models import Community
from webapp.unit_of_work import unit_of_work
from webapp.urls import route_words


def test_route_words_come_from_the_url_map(app):
    with app.app_context():
        assert "new" in route_words("communities.page", "name")
        assert route_words("profiles.profile", "username") == frozenset()
        assert route_words("tags.tag", "name") == frozenset()


def test_a_route_added_later_reserves_its_word(tmp_path):
    later = create_app(suite_settings(f"sqlite:///{tmp_path / 'unused.db'}", tmp_path / "i"))
    later.add_url_rule("/c/Trending", "trending", lambda: "")
    later.add_url_rule("/u/me", "me", lambda: "")
    later.add_url_rule("/c/<name>/about", "about", lambda name: "")
    with later.app_context():
        assert route_words("communities.page", "name") == {"new", "trending"}
        assert route_words("profiles.profile", "username") == {"me"}
        assert services.is_reserved_name("TRENDING")


def community_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Community))


def test_a_reserved_name_is_refused_on_the_name_field(client, auth, make_user):
    make_user("alice")
    auth.login("alice")
    before = community_count()
    response = submit(client, "/c/new", {"name": "new", "title": "New things"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This name is reserved by the site. Choose another." in html
    assert 'value="New things"' in html  # what was typed is kept
    assert community_count() == before
    assert client.get("/c/new").status_code == 200  # still the form


def test_the_service_refuses_a_reserved_name_for_any_caller(app, make_user, content):
    alice = make_user("alice")
    with (
        app.test_request_context(),
        pytest.raises(services.CommunityError) as refused,
        unit_of_work(),
    ):
        services.create_community(content.user(alice), "new", "New", "", "")
    assert refused.value.field == "name"
    assert str(refused.value.message) == "This name is reserved by the site. Choose another."
