"""A form submitted twice (double click, a retried request) stores its post or comment
once, and the second submit lands on the first result."""

from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.parse
import urllib.request

import pytest
from sqlalchemy import create_engine, func, select, text

from tests.support.databases import fresh_database, is_postgres
from tests.support.forms import csrf_token_from
from tests.support.live_server import serve
from webapp.extensions import db
from webapp.models import Comment, Post

KEY = re.compile(
    r'name="submission_key" type="hidden" value="([^"]+)"|name="submission_key" value="([^"]+)"'
)


def form_fields(html: str) -> dict:
    key = KEY.search(html)
    assert key, "the form carries no submission key"
    return {"csrf_token": csrf_token_from(html), "submission_key": key.group(1) or key.group(2)}


def count(model, **where) -> int:
    statement = select(func.count()).select_from(model).filter_by(**where)
    return db.session.scalar(statement)


@pytest.fixture
def community(content, make_user, auth):
    owner = make_user("owner")
    community_id = content.community(owner, "books")
    make_user("writer")
    auth.login("writer")
    return community_id


def post_form(client) -> dict:
    page = client.get("/c/books/submit").get_data(as_text=True)
    return {
        **form_fields(page),
        "title": "Only once",
        "body": "Typed once.",
        "body_format": "text",
        "url": "",
        "tags": "",
    }


def test_submitting_the_same_post_form_twice_publishes_one_post(client, community):
    fields = post_form(client)
    first = client.post("/c/books/submit", data=fields)
    second = client.post("/c/books/submit", data=fields)
    assert first.status_code == second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    assert count(Post, title="Only once") == 1
    # A new form is a new post, even with the same words.
    assert client.post("/c/books/submit", data=post_form(client)).status_code == 303
    assert count(Post, title="Only once") == 2


def test_a_refused_submit_does_not_use_up_the_form(client, community):
    fields = post_form(client)
    refused = client.post("/c/books/submit", data={**fields, "title": ""})
    assert refused.status_code == 422
    assert fields["submission_key"] in refused.get_data(as_text=True)  # kept on re-render
    assert client.post("/c/books/submit", data=fields).status_code == 303
    assert count(Post, title="Only once") == 1


def test_submitting_the_same_comment_form_twice_posts_one_comment(client, content, community):
    post_url = client.post("/c/books/submit", data=post_form(client)).headers["Location"]
    page = client.get(post_url).get_data(as_text=True)
    post_id = int(post_url.split("/p/")[1].split("/")[0])
    fields = {**form_fields(page), "body": "Said once.", "body_format": "text"}
    first = client.post(f"/p/{post_id}/comments", data=fields)
    second = client.post(f"/p/{post_id}/comments", data=fields)
    assert first.status_code == second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    assert count(Comment, post_id=post_id) == 1
    again = client.post(f"/p/{post_id}/comments", data=fields, headers={"HX-Request": "true"})
    assert again.status_code == 204  # htmx: nothing new to insert
    assert count(Comment, post_id=post_id) == 1


class Browser:
    """A cookie-keeping HTTP client for the real server (gunicorn)."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> str:
        with self.opener.open(self.base_url + path, timeout=30) as response:
            return response.read().decode()

    def submit(self, path: str, fields: dict, form_path: str | None = None) -> str:
        token = csrf_token_from(self.get(form_path or path))
        data = urllib.parse.urlencode({"csrf_token": token, **fields}).encode()
        with self.opener.open(self.base_url + path, data=data, timeout=30) as response:
            return response.read().decode()

    def cookie_header(self) -> str:
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.jar)


@pytest.mark.deployment
@pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL for parallel writers")
def test_concurrent_submits_of_one_form_publish_one_post(tmp_path):
    """Six submits of one form at once, to gunicorn's workers: one post."""
    with fresh_database(tmp_path, "idempotency") as url, serve(url) as base_url:
        writer = Browser(base_url)
        password = "correct horse battery"
        writer.submit(
            "/auth/register",
            {"email": "w@example.org", "username": "writer", "password": password,
             "password_confirm": password},
        )  # fmt: skip
        writer.submit("/auth/login", {"identifier": "writer", "password": password})
        fields = {"name": "books", "title": "Books", "description": "", "rules": ""}
        writer.submit("/c/new", fields)
        page = writer.get("/c/books/submit")
        form = {
            **form_fields(page),
            "title": "Raced",
            "body": "Sent six times.",
            "body_format": "text",
            "url": "",
            "tags": "",
        }
        body = urllib.parse.urlencode(form).encode()
        barrier = threading.Barrier(6)
        answers: list[str] = []

        def send() -> None:
            request = urllib.request.Request(
                base_url + "/c/books/submit", data=body, headers={"Cookie": writer.cookie_header()}
            )
            barrier.wait(timeout=10)
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    answers.append(response.url)
            except Exception as error:  # collected and asserted on below
                answers.append(repr(error))

        threads = [threading.Thread(target=send) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=90)
        engine = create_engine(url)
        try:
            with engine.connect() as connection:
                stored = (
                    connection.execute(text("SELECT id FROM posts WHERE title = 'Raced'"))
                    .scalars()
                    .all()
                )
        finally:
            engine.dispose()
        assert len(stored) == 1
        assert len(answers) == 6 and all(f"/p/{stored[0]}/" in answer for answer in answers), (
            answers
        )
