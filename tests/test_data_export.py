"""Your data: the JSON download holds exactly what a person wrote and did, never a
secret and nothing of anyone else's; the zip adds their uploaded images; both are
rate limited per account and only for the signed-in person."""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from datetime import date

import pytest
from sqlalchemy import select, update

from tests.conftest import AuthActions
from tests.support.api import make_token
from webapp.account_data import export
from webapp.auth.tokens import make_token as make_signed_token
from webapp.communities import services as community_services
from webapp.extensions import db, limiter
from webapp.media.services import media_root
from webapp.models import (
    ApiToken,
    Comment,
    CommentVote,
    Community,
    Follow,
    Membership,
    Post,
    PostVote,
    Profile,
    RecoveryCode,
    User,
    utc_now,
)
from webapp.profiles import services as profile_services
from webapp.unit_of_work import unit_of_work
from webapp.votes import services as vote_services

DATA = "/settings/account/data"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
AVATAR = "avatars/2026/12/alice-avatar-test"
ALICE_IMAGE = "images/2026/12/alice-picture-test.webp"
CAROL_IMAGE = "images/2026/12/carol-picture-test.webp"


def person(user_id: int) -> User:
    return db.session.get(User, user_id)


@pytest.fixture
def write(app, db_session):
    def run(action):
        with app.test_request_context(), unit_of_work():
            result = action()
        db.session.expire_all()
        return result

    return run


@pytest.fixture
def media_files(app):
    """Alice's avatar in every size and an image in her post; one in Carol's post."""
    with app.app_context():
        root = media_root()
    paths = [f"{AVATAR}-{size}.webp" for size in (64, 128, 256)] + [ALICE_IMAGE, CAROL_IMAGE]
    for relative in paths:
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(f"RIFF-{relative}".encode())
    yield paths
    for folder in ("avatars/2026/12", "images/2026/12"):
        for relative in paths:
            if relative.startswith(folder):
                (root / relative).unlink(missing_ok=True)
    shutil.rmtree(root / "avatars" / "2026", ignore_errors=True)


@pytest.fixture
def account(app, client, make_user, content, write, media_files):
    """Alice joined Carol's "books", posted there (two tags, an image), commented on
    Carol's post, voted up Carol's post and down Carol's comment, follows Carol and is
    followed by Bob; she has an API token, two-factor sign-in and a recovery code. She
    is signed in on `client` (before two-factor sign-in was turned on)."""
    ids = {name: make_user(name) for name in ("alice", "bob", "carol")}
    ids["books"] = content.community(ids["carol"], title="Books")
    write(
        lambda: community_services.join_community(
            person(ids["alice"]), db.session.get(Community, ids["books"])
        )
    )
    ids["post"] = content.post(
        ids["alice"],
        ids["books"],
        title="My favourite novels",
        body=f'<p>Read these</p><p><img src="/media/{ALICE_IMAGE}"></p>',
        tags=["poetry", "novels"],
    )
    ids["carol_post"] = content.post(
        ids["carol"],
        ids["books"],
        title="Carols secret diary",
        body=f'<p>Private thoughts</p><p><img src="/media/{CAROL_IMAGE}"></p>',
    )
    ids["carol_comment"] = content.comment(
        ids["carol"], ids["carol_post"], body="<p>Carol here</p>"
    )
    ids["comment"] = content.comment(
        ids["alice"], ids["carol_post"], parent_id=ids["carol_comment"], body="<p>Agreed!</p>"
    )
    write(
        lambda: vote_services.vote_on_post(
            person(ids["alice"]), db.session.get(Post, ids["carol_post"]), 1
        )
    )
    write(
        lambda: vote_services.vote_on_comment(
            person(ids["alice"]), db.session.get(Comment, ids["carol_comment"]), -1
        )
    )
    write(lambda: profile_services.follow(person(ids["alice"]), person(ids["carol"])))
    write(lambda: profile_services.follow(person(ids["bob"]), person(ids["alice"])))
    ids["token_secret"] = make_token(app, ids["alice"], scope="read", name="backup script")

    def settle():
        alice = person(ids["alice"])
        alice.profile.display_name = "Alice A."
        alice.profile.first_name = "Alice"
        alice.profile.last_name = "Liddell"
        alice.profile.bio_html = "<p>Reader.</p>"
        alice.profile.website = "https://alice.example"
        alice.profile.avatar_path = AVATAR
        alice.locale = "de"
        alice.timezone = "Europe/Berlin"
        alice.totp_secret = TOTP_SECRET
        alice.totp_enabled_at = utc_now()
        db.session.add(RecoveryCode(user_id=alice.id, code_hash="f" * 64))

    AuthActions(client).login("alice")
    write(settle)
    return ids


def download(client, path: str):
    return client.get(path)


def test_the_json_holds_exactly_what_alice_wrote_and_did(app, client, account):
    response = download(client, f"{DATA}.json")

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    today = date.today().isoformat()
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="quorum-alice-{today}.json"'
    )
    assert "no-store" in response.headers["Cache-Control"]
    data = json.loads(response.get_data(as_text=True))

    alice = person(account["alice"])
    post = db.session.get(Post, account["post"])
    comment = db.session.get(Comment, account["comment"])
    post_vote = db.session.get(PostVote, (account["alice"], account["carol_post"]))
    comment_vote = db.session.get(CommentVote, (account["alice"], account["carol_comment"]))
    follow = db.session.get(Follow, (account["alice"], account["carol"]))
    followed = db.session.get(Follow, (account["bob"], account["alice"]))
    membership = db.session.get(Membership, (account["alice"], account["books"]))
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == account["alice"]))
    assert data["format_version"] == 1
    assert data["exported_at"].startswith(today)
    assert data["account"] == {
        "username": "alice",
        "email": "alice@example.org",
        "email_confirmed": False,
        "email_confirmed_at": None,
        "created_at": alice.created_at.isoformat(),
        "last_sign_in_at": alice.last_login_at.isoformat(),
        "language": "de",
        "time_zone": "Europe/Berlin",
        "two_factor_enabled": True,
        "is_admin": False,
    }
    assert data["profile"] == {
        "display_name": "Alice A.",
        "first_name": "Alice",
        "last_name": "Liddell",
        "bio_html": "<p>Reader.</p>",
        "website": "https://alice.example",
        "avatar": [f"{AVATAR}-64.webp", f"{AVATAR}-128.webp", f"{AVATAR}-256.webp"],
    }
    assert data["posts"] == [
        {
            "id": post.id,
            "url": f"http://localhost/p/{post.id}",
            "community": "books",
            "title": "My favourite novels",
            "body_html": post.body_html,
            "link": None,
            "tags": ["novels", "poetry"],
            "created_at": post.created_at.isoformat(),
            "edited_at": None,
            "score": 0,
            "upvotes": 0,
            "downvotes": 0,
            "comment_count": 0,
            "removed_at": None,
            "deleted_at": None,
        }
    ]
    assert f"/media/{ALICE_IMAGE}" in post.body_html
    assert data["comments"] == [
        {
            "id": comment.id,
            "url": f"http://localhost/comments/{comment.id}",
            "post_id": account["carol_post"],
            "parent_id": account["carol_comment"],
            "body_html": "<p>Agreed!</p>",
            "created_at": comment.created_at.isoformat(),
            "edited_at": None,
            "score": 0,
            "upvotes": 0,
            "downvotes": 0,
            "removed_at": None,
            "deleted_at": None,
        }
    ]
    assert data["post_votes"] == [
        {
            "post_id": account["carol_post"],
            "value": 1,
            "created_at": post_vote.created_at.isoformat(),
        }
    ]
    assert data["comment_votes"] == [
        {
            "comment_id": account["carol_comment"],
            "value": -1,
            "created_at": comment_vote.created_at.isoformat(),
        }
    ]
    assert data["following"] == [{"username": "carol", "since": follow.created_at.isoformat()}]
    assert data["followers"] == [{"username": "bob", "since": followed.created_at.isoformat()}]
    assert data["memberships"] == [
        {"community": "books", "role": "member", "joined_at": membership.joined_at.isoformat()}
    ]
    assert data["api_tokens"] == [
        {
            "name": "backup script",
            "scope": "read",
            "created_at": token.created_at.isoformat(),
            "last_used_at": None,
            "revoked_at": None,
        }
    ]
    assert list(data) == [
        "format_version",
        "exported_at",
        "account",
        "profile",
        "posts",
        "comments",
        "post_votes",
        "comment_votes",
        "following",
        "followers",
        "memberships",
        "api_tokens",
    ]


def test_no_secret_and_nobody_elses_data_is_in_the_file(app, client, account):
    alice = person(account["alice"])
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == alice.id))
    with app.test_request_context():
        confirm_link_token = make_signed_token("confirm-email", {"u": alice.id, "e": alice.email})
    body = download(client, f"{DATA}.json").get_data()

    secrets = [
        alice.password_hash,
        alice.password_hash.split("$")[-1],
        account["token_secret"],
        token.token_hash,
        token.token_hint,
        TOTP_SECRET,
        "f" * 64,  # the recovery code's hash
        confirm_link_token,
    ]
    for secret in secrets:
        assert secret.encode() not in body, secret
    others = ["carol@example.org", "bob@example.org", "Carols secret diary", "Carol here"]
    for foreign in others:
        assert foreign.encode() not in body, foreign


def test_a_large_history_is_read_in_batches(app, client, account, write, count_statements):
    """More comments than one batch: every one is in the file, in id order, read by
    keyset pages (statements grow with batches, not with rows)."""
    alice_id, post_id = account["alice"], account["carol_post"]

    def many():
        for number in range(export.BATCH_SIZE + 20):
            db.session.add(
                Comment(
                    post_id=post_id,
                    author_id=alice_id,
                    body_html=f"<p>n{number}</p>",
                    path=f"x{number:05d}",
                )
            )

    write(many)
    with count_statements() as counter:
        body = client.get(f"{DATA}.json").get_data(as_text=True)
    comments = json.loads(body)["comments"]
    assert len(comments) == export.BATCH_SIZE + 21
    assert [c["id"] for c in comments] == sorted(c["id"] for c in comments)
    comment_reads = [s for s in counter.statements if "FROM comments" in s and "LIMIT" in s]
    assert len(comment_reads) == 2  # a full batch, then the short last one
    assert counter.count < 40


def test_the_zip_holds_the_json_and_alices_images_only(app, client, account, media_files):
    response = download(client, f"{DATA}.zip")

    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    today = date.today().isoformat()
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="quorum-alice-{today}.zip"'
    )
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    assert sorted(archive.namelist()) == [
        "data.json",
        f"images/{AVATAR}-128.webp",
        f"images/{AVATAR}-256.webp",
        f"images/{AVATAR}-64.webp",
        f"images/{ALICE_IMAGE}",
    ]
    data = json.loads(archive.read("data.json"))
    assert data["account"]["username"] == "alice"
    assert [post["title"] for post in data["posts"]] == ["My favourite novels"]
    assert archive.read(f"images/{AVATAR}-64.webp") == f"RIFF-{AVATAR}-64.webp".encode()
    assert archive.read(f"images/{ALICE_IMAGE}") == f"RIFF-{ALICE_IMAGE}".encode()


def test_an_image_missing_from_the_store_is_left_out(app, client, account, media_files):
    with app.app_context():
        (media_root() / ALICE_IMAGE).unlink()
    names = zipfile.ZipFile(io.BytesIO(download(client, f"{DATA}.zip").get_data())).namelist()
    assert f"images/{ALICE_IMAGE}" not in names
    assert "data.json" in names


def test_downloads_are_rate_limited_per_account(app, client, account, monkeypatch):
    limiter.reset()  # account ids repeat between tests: start from empty budgets
    monkeypatch.setitem(app.config, "EXPORT_RATE_LIMIT", "2 per minute")
    assert client.get(f"{DATA}.json").status_code == 200
    assert client.get(f"{DATA}.zip").status_code == 200
    assert client.get(f"{DATA}.json").status_code == 429
    assert client.get(f"{DATA}.zip").status_code == 429
    other = app.test_client()  # Bob's budget is his own
    AuthActions(other).login("bob")
    assert other.get(f"{DATA}.json").status_code == 200
    limiter.reset()


@pytest.mark.parametrize("path", [DATA, f"{DATA}.json", f"{DATA}.zip"])
def test_guests_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert re.search(r"/auth/login\?next=", response.headers["Location"])


def test_the_page_explains_the_download_and_links_to_both_files(client, account):
    html = download(client, DATA).get_data(as_text=True)
    assert 'href="/settings/account/data.json"' in html
    assert 'href="/settings/account/data.zip"' in html
    # Alice reads the site in German.
    assert '<html lang="de"' in html
    assert (
        "Die Personen, denen du folgst, und die Personen, die dir folgen, nach Benutzername."
        in html
    )
    assert "Passwörter, Tokens und Zwei-Faktor-Geheimnisse sind nie enthalten" in html


def test_deleted_and_removed_posts_are_in_the_file_with_their_state(app, client, account, write):
    now = utc_now()
    write(
        lambda: db.session.execute(
            update(Post).where(Post.id == account["post"]).values(deleted_at=now)
        )
    )
    data = json.loads(download(client, f"{DATA}.json").get_data(as_text=True))
    assert data["posts"][0]["deleted_at"] == now.isoformat()
    assert data["posts"][0]["removed_at"] is None
    assert db.session.scalar(select(Profile.username).where(Profile.user_id == account["alice"]))
