"""Profiles, following, and profile settings."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from tests.support.forms import csrf_token_from, submit
from tests.support.images import encoded, picture
from tests.support.uploads import PROFILE_FIELDS, Uploader
from webapp.extensions import db, limiter
from webapp.models import Follow, Profile, User


@pytest.fixture
def people(make_user, content):
    alice, bob = make_user("Alice"), make_user("bob")
    community = content.community(alice)
    post = content.post(alice, community, "Alice writes")
    content.comment(bob, post, body="<p>Bob replies</p>")
    return {"alice": alice, "bob": bob, "community": community, "post": post}


def test_profile_shows_who_they_are_and_their_numbers(client, people, auth):
    auth.login("bob")
    submit(client, "/", {"value": "1"}, post_url=f"/p/{people['post']}/vote")
    auth.logout()
    html = client.get("/u/Alice").get_data(as_text=True)
    assert "@Alice" in html and "Alice writes" in html
    assert "<dt>Karma</dt><dd>1</dd>" in html and "<dt>Posts</dt><dd>1</dd>" in html
    assert "0 followers" in html and "/u/alice/avatar.svg" in html
    assert client.get("/u/alice").status_code == 301  # the canonical spelling
    comments = client.get("/u/bob?tab=comments").get_data(as_text=True)
    assert "Bob replies" in comments and "Alice writes" in comments
    assert client.get("/u/nobody_here").status_code == 404


def test_follow_twice_is_one_follow_and_self_follow_is_refused(client, auth, people):
    auth.login("bob")
    for _ in range(2):
        assert submit(client, "/u/Alice", {}, post_url="/u/Alice/follow").status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Follow)) == 1
    assert "1 follower" in client.get("/u/Alice").get_data(as_text=True)
    refused = submit(client, "/u/bob", {}, post_url="/u/bob/follow", follow_redirects=True)
    assert "You cannot follow yourself." in refused.get_data(as_text=True)
    submit(client, "/u/Alice", {}, post_url="/u/Alice/unfollow")
    assert db.session.scalar(select(func.count()).select_from(Follow)) == 0


def test_htmx_follow_returns_the_button_with_the_new_count(client, auth, people):
    auth.login("bob")
    response = submit(
        client, "/u/Alice", {}, post_url="/u/Alice/follow", headers={"HX-Request": "true"}
    )
    html = response.get_data(as_text=True)
    assert "<html" not in html and "1 follower" in html and 'aria-pressed="true"' in html


def test_guest_follow_is_sent_to_sign_in(client, people):
    response = submit(client, "/u/Alice", {}, post_url="/u/Alice/follow")
    assert response.headers["Location"] == "/auth/login?next=/u/Alice"


def test_followers_and_following_lists(client, auth, people, make_user):
    make_user("carol")
    for name in ("bob", "carol"):
        auth.login(name)
        submit(client, "/u/Alice", {}, post_url="/u/Alice/follow")
        auth.logout()
    followers = client.get("/u/Alice/followers").get_data(as_text=True)
    assert "@bob" in followers and "@carol" in followers
    following = client.get("/u/bob/following").get_data(as_text=True)
    assert "@Alice" in following and "@carol" not in following


def test_generated_avatars_differ_per_person(client, people):
    alice = client.get("/u/alice/avatar.svg")
    bob = client.get("/u/bob/avatar.svg")
    assert alice.mimetype == "image/svg+xml" and alice.data != bob.data
    assert b"<script" not in alice.data


def profile_fields(**changes):
    return {
        "display_name": "Alice M.",
        "first_name": "Alice",
        "last_name": "Moreau",
        "bio": "Reader.\n\nCyclist.",
        "body_format": "text",
        "website": "https://alice.example",
        **changes,
    }


def test_profile_settings_save_and_show(client, auth, people):
    auth.login("Alice")
    response = submit(client, "/settings/profile", profile_fields())
    assert response.status_code == 303
    profile = db.session.scalar(select(Profile).where(Profile.username == "Alice"))
    assert profile.bio_html == "<p>Reader.</p><p>Cyclist.</p>"
    html = client.get("/u/Alice").get_data(as_text=True)
    assert "Alice M." in html and "https://alice.example" in html and "Cyclist." in html


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"website": "javascript:alert(1)"}, "Enter a web address starting with http://"),
        ({"display_name": "x" * 51}, "At most 50 characters."),
        ({"bio": "word " * 500}, "Keep it under 2,000 characters."),
    ],
)
def test_profile_settings_reject_bad_input(client, auth, people, changes, message):
    auth.login("Alice")
    response = submit(client, "/settings/profile", profile_fields(**changes))
    assert response.status_code == 422 and message in response.get_data(as_text=True)


def test_bio_markup_is_cleaned(client, auth, people):
    auth.login("Alice")
    submit(
        client,
        "/settings/profile",
        profile_fields(bio='<p onclick="x()">Hi<script>alert(1)</script></p>', body_format="html"),
    )
    assert db.session.scalar(select(Profile.bio_html).where(Profile.username == "Alice")) == (
        "<p>Hialert(1)</p>"
    )


def avatar_upload(client, data: bytes, **fields):
    token = csrf_token_from(client.get("/settings/profile").get_data(as_text=True))
    return client.post(
        "/settings/profile",
        data={
            **profile_fields(),
            **fields,
            "csrf_token": token,
            "avatar": (io.BytesIO(data), "me.png"),
        },
        content_type="multipart/form-data",
    )


def test_avatar_upload_is_cropped_square_in_several_sizes(client, auth, people):
    auth.login("Alice")
    buffer = io.BytesIO()
    Image.new("RGB", (300, 120), (10, 120, 200)).save(buffer, "PNG")
    assert avatar_upload(client, buffer.getvalue()).status_code == 303
    profile = db.session.scalar(select(Profile).where(Profile.username == "Alice"))
    for size in (64, 128, 256):
        served = client.get(f"/media/{profile.avatar_path}-{size}.webp")
        with Image.open(io.BytesIO(served.data)) as image:
            assert image.size == (size, size)
    assert f"/media/{profile.avatar_path}-128.webp" in client.get("/u/Alice").get_data(as_text=True)
    fields = profile_fields(remove_avatar="y")
    submit(client, "/settings/profile", fields)
    assert db.session.scalar(select(Profile.avatar_path).where(Profile.username == "Alice")) is None


def test_avatar_that_is_not_an_image_keeps_the_other_fields(client, auth, people):
    auth.login("Alice")
    response = avatar_upload(client, b"not an image", display_name="Kept Name")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "not an image we can read" in html
    assert 'value="Kept Name"' in html


def test_change_email_needs_the_password_and_a_free_address(client, auth, people):
    auth.login("Alice")
    wrong = submit(
        client,
        "/settings/account",
        {"new_email": "new@example.org", "email_password": "nope nope nope"},
        post_url="/settings/account/email",
    )
    assert wrong.status_code == 422
    assert "Your current password is not correct." in wrong.get_data(as_text=True)
    taken = submit(
        client,
        "/settings/account",
        {"new_email": "BOB@example.org", "email_password": "correct horse battery"},
        post_url="/settings/account/email",
    )
    assert "already exists" in taken.get_data(as_text=True)
    done = submit(
        client,
        "/settings/account",
        {"new_email": "New@Example.org", "email_password": "correct horse battery"},
        post_url="/settings/account/email",
    )
    assert done.status_code == 303
    assert db.session.get(User, people["alice"]).email == "new@example.org"


def test_profile_page_costs_the_same_for_few_or_many_posts(
    app, client, people, content, count_statements
):
    for index in range(30):
        content.post(people["alice"], people["community"], f"More {index}")
    client.get("/u/Alice")
    with count_statements() as many:
        client.get("/u/Alice")
    app.config["FEED_PAGE_SIZE"] = 5
    try:
        with count_statements() as few:
            client.get("/u/Alice")
    finally:
        app.config["FEED_PAGE_SIZE"] = 25
    assert many.count == few.count <= 5, many.statements


def test_avatar_shares_the_upload_budget(app, client, auth, make_user):
    make_user("alice")
    auth.login("alice")
    alice = Uploader(client, "alice", Path(app.instance_path) / "media")
    limiter.reset()  # account ids repeat between tests: start from empty budgets
    app.config["UPLOAD_RATE_LIMIT"] = "2 per minute"
    try:
        png = encoded(picture(), "PNG")
        assert alice.image(png, address="198.51.100.1").status_code == 201
        # a profile save without a picture does not count
        for _ in range(3):
            assert (
                submit(
                    client,
                    "/settings/profile",
                    PROFILE_FIELDS,
                    environ_base={"REMOTE_ADDR": "198.51.100.1"},
                ).status_code
                == 303
            )
        assert alice.avatar(png, address="198.51.100.1").status_code == 303
        third = alice.avatar(png, address="198.51.100.9")
        assert third.status_code == 429 and "Slow down" in third.get_data(as_text=True)
        assert client.get("/settings/profile").status_code == 200
    finally:
        app.config["UPLOAD_RATE_LIMIT"] = "10000 per minute"
