"""One transaction per request or command: services flush, the boundary commits, and
after-commit hooks run only for work that was really stored.

The tests run inside an outer transaction (see `db_session` in conftest.py): a commit
releases a SAVEPOINT, which is what the session sees as its commit.
"""

from __future__ import annotations

import pytest
from flask import Response
from sqlalchemy import func, select

from webapp.communities import services as community_services
from webapp.domain import DomainError
from webapp.extensions import db
from webapp.models import Community, Membership, Post, User
from webapp.posts import services as post_services
from webapp.unit_of_work import (
    after_commit,
    commit_successful_request,
    pending_hooks,
    unit_of_work,
)


@pytest.fixture
def alice(make_user):
    return make_user("alice")


def user(user_id: int) -> User:
    return db.session.get(User, user_id)


def community_named(name: str) -> Community | None:
    db.session.expire_all()
    return db.session.scalar(select(Community).where(Community.name == name))


def post_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Post))


def create_films(user_id: int) -> Community:
    return community_services.create_community(
        user(user_id), "films", "Films", "About films.", "Be kind."
    )


def submit_to(community: Community, user_id: int, title: str = "First", url=None) -> Post:
    return post_services.submit_post(user(user_id), community, title, "<p>Hi</p>", url, [])


# --- after_commit ---------------------------------------------------------------------


def test_a_hook_runs_once_after_the_commit(app, alice):
    calls: list[str] = []
    with app.test_request_context():
        with unit_of_work():
            create_films(alice)
            after_commit(lambda: calls.append("committed"))
            assert (calls, pending_hooks()) == ([], 1)
        assert (calls, pending_hooks()) == (["committed"], 0)
        with unit_of_work():  # a later commit does not run it again
            community_services.join_community(user(alice), community_named("films"))
    assert calls == ["committed"]
    films = community_named("films")
    assert (films.title, films.member_count) == ("Films", 1)


def test_hooks_run_in_the_order_they_were_registered(app, alice):
    calls: list[int] = []
    with app.test_request_context(), unit_of_work():
        after_commit(lambda: calls.append(1))
        create_films(alice)
        after_commit(lambda: calls.append(2))
    assert calls == [1, 2]


def test_a_savepoint_inside_the_work_does_not_run_the_hooks(app, alice, make_user):
    """create_community and join_community use nested transactions (savepoints) of
    their own: ending those is not the commit."""
    bob = make_user("bob")
    calls: list[str] = []
    with app.test_request_context(), unit_of_work():
        after_commit(lambda: calls.append("committed"))
        films = create_films(alice)  # a savepoint that is released
        community_services.join_community(user(bob), films)
        assert community_services.join_community(user(bob), films) is False  # rolled back
        assert (calls, pending_hooks()) == ([], 1)
    assert calls == ["committed"]
    assert community_named("films").member_count == 2


def test_a_hook_registered_before_a_savepoint_does_not_run_when_the_work_fails(app, alice):
    """create_community releases a savepoint of its own; the work then fails, and
    nothing was stored: the hook must not have run."""
    calls: list[str] = []
    failing = pytest.raises(RuntimeError, match="after the savepoint")
    with app.test_request_context(), failing, unit_of_work():
        after_commit(lambda: calls.append("committed"))
        create_films(alice)
        raise RuntimeError("after the savepoint")
    assert calls == []
    assert community_named("films") is None


def test_work_that_raises_is_rolled_back_and_fires_no_hook(app, alice):
    calls: list[str] = []
    with app.test_request_context():
        with pytest.raises(RuntimeError, match="boom"), unit_of_work():
            create_films(alice)
            after_commit(lambda: calls.append("committed"))
            raise RuntimeError("boom")
        assert (calls, pending_hooks()) == ([], 0)
        assert community_named("films") is None
        with unit_of_work():  # the dropped hook stays dropped at the next commit
            community_services.create_community(user(alice), "music", "Music", "", "")
    assert calls == []
    assert community_named("films") is None
    assert community_named("music").title == "Music"


def test_a_domain_error_rolls_back_the_work_and_its_hook(app, alice):
    calls: list[str] = []
    with app.test_request_context():
        with pytest.raises(DomainError) as caught, unit_of_work():
            films = create_films(alice)
            after_commit(lambda: calls.append("committed"))
            submit_to(films, alice, url="javascript:alert(1)")
        assert caught.value.field == "url"
    assert calls == []
    assert community_named("films") is None
    assert post_count() == 0


def test_a_service_alone_stores_nothing(app, alice):
    """Services flush and never commit: without the unit of work, the end of the
    request throws their work away."""
    calls: list[str] = []
    with app.test_request_context():
        films = create_films(alice)
        after_commit(lambda: calls.append("committed"))
        assert films.id is not None  # flushed: it has its id
    assert calls == []
    assert community_named("films") is None
    assert db.session.scalar(select(func.count()).select_from(Membership)) == 0


# --- two services, one transaction ----------------------------------------------------


def test_two_services_in_one_unit_of_work_commit_together(app, alice):
    with app.test_request_context(), unit_of_work():
        submit_to(create_films(alice), alice, "Opening night")
    films = community_named("films")
    post = db.session.scalar(select(Post))
    assert (post.title, post.community_id, films.post_count) == ("Opening night", films.id, 1)


def test_two_services_in_one_unit_of_work_roll_back_together(app, alice):
    failing = pytest.raises(RuntimeError, match="after both")
    with app.test_request_context(), failing, unit_of_work():
        submit_to(create_films(alice), alice, "Opening night")
        raise RuntimeError("after both")
    assert community_named("films") is None
    assert post_count() == 0


def test_a_refusal_by_the_second_service_undoes_the_first(app, alice):
    with app.test_request_context(), pytest.raises(DomainError) as caught, unit_of_work():
        submit_to(create_films(alice), alice, title="   ")
    assert (caught.value.field, str(caught.value.message)) == ("title", "Give your post a title.")
    assert community_named("films") is None
    assert post_count() == 0


# --- the request boundary: commit_successful_request ----------------------------------


@pytest.mark.parametrize("status", [200, 201, 204, 302, 303])
def test_a_successful_request_commits_and_runs_its_hooks(app, alice, status):
    calls: list[str] = []
    with app.test_request_context("/c/new", method="POST"):
        create_films(alice)
        after_commit(lambda: calls.append("committed"))
        response = Response(status=status)
        assert commit_successful_request(response) is response
        assert calls == ["committed"]
    # the request is over (its session closed): what was committed stays
    assert community_named("films").title == "Films"
    assert calls == ["committed"]


@pytest.mark.parametrize("status", [400, 403, 404, 409, 422, 429, 500])
def test_a_failed_request_rolls_back_and_drops_its_hooks(app, alice, status):
    calls: list[str] = []
    with app.test_request_context("/c/new", method="POST"):
        create_films(alice)
        after_commit(lambda: calls.append("committed"))
        commit_successful_request(Response(status=status))
        # rolled back now, not only when the request ends
        assert (calls, pending_hooks()) == ([], 0)
        assert community_named("films") is None
        with unit_of_work():  # a later commit in the same session does not revive the hook
            community_services.create_community(user(alice), "music", "Music", "", "")
    assert calls == []
    assert community_named("films") is None


def test_a_read_with_a_change_commits_it(app, alice):
    """A GET that wrote something (e.g. a counter) is committed too."""
    calls: list[str] = []
    with app.test_request_context("/c/", method="GET"):
        create_films(alice)
        after_commit(lambda: calls.append("committed"))
        commit_successful_request(Response(status=200))
        assert calls == ["committed"]
    assert community_named("films").title == "Films"


def test_the_request_boundary_is_the_last_after_request_hook(app):
    """Registered first, it runs after every other after_request function (Flask runs
    them in reverse), so nothing changes the outcome once it has committed."""
    assert app.after_request_funcs[None][0] is commit_successful_request
