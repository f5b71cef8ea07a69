"""Every write a person can make on the site, through the real forms, by two people."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import select

from tests.conftest import TEST_PASSWORD
from tests.support.forms import csrf_token_from, submit
from tests.support.own_app import count, image_upload
from webapp.extensions import db
from webapp.models import (
    Comment,
    CommentVote,
    Community,
    Follow,
    Membership,
    Post,
    PostVote,
    Profile,
)


class WritePaths:
    """Everything a person can change on the site, through the real forms, by two
    people: `steps` in order; then `sweep` posts to every other POST route."""

    def __init__(self, app: Flask, prefix: str):
        self.app = app
        self.alice_name, self.bob_name = f"{prefix}_alice", f"{prefix}_bob"
        self.community = f"{prefix}_club"
        self.alice = app.test_client()
        self.bob = app.test_client()
        self.post_id = 0
        self.post_page = ""
        self.comment_id = 0
        self.steps = [
            self.sign_up,
            self.sign_in,
            self.start_community,
            self.edit_community,
            self.publish,
            self.edit_post,
            self.join,
            self.comment,
            self.edit_comment,
            self.vote,
            self.follow,
            self.upload,
            self.edit_profile,
            self.preferences,
            self.delete_comment,
            self.leave_and_unfollow,
            self.delete_post,
            self.sign_out,
        ]

    def sign_up(self):
        for name, client in ((self.alice_name, self.alice), (self.bob_name, self.bob)):
            fields = {
                "email": f"{name}@example.org",
                "username": name,
                "password": TEST_PASSWORD,
                "password_confirm": TEST_PASSWORD,
            }
            assert submit(client, "/auth/register", fields).status_code == 303
        assert count(self.app, Profile, Profile.username.in_([self.alice_name, self.bob_name])) == 2

    def sign_in(self):
        for name, client in ((self.alice_name, self.alice), (self.bob_name, self.bob)):
            fields = {"identifier": name, "password": TEST_PASSWORD, "remember": "y"}
            assert submit(client, "/auth/login", fields).status_code == 302
            assert name in client.get("/").get_data(as_text=True)

    def start_community(self):
        fields = {"name": self.community, "title": "Club", "description": "", "rules": ""}
        response = submit(self.alice, "/c/new", fields)
        assert response.status_code in (302, 303), response.get_data(as_text=True)
        assert count(self.app, Community, Community.name == self.community) == 1

    def edit_community(self):
        fields = {"title": "The club", "description": "About it.", "rules": "Be kind."}
        response = submit(self.alice, f"/c/{self.community}/edit", fields)
        assert response.status_code in (302, 303), response.get_data(as_text=True)
        assert "The club" in self.alice.get(f"/c/{self.community}").get_data(as_text=True)

    def publish(self):
        fields = {"title": "Hello", "body": "Words.", "body_format": "text", "url": "", "tags": ""}
        response = submit(self.alice, f"/c/{self.community}/submit", fields)
        assert response.status_code == 303, response.get_data(as_text=True)
        self.post_page = response.headers["Location"]
        self.post_id = int(re.search(r"/p/(\d+)", self.post_page).group(1))
        assert self.alice.get(self.post_page).status_code == 200

    def edit_post(self):
        fields = {"title": "Hello again", "body": "More.", "body_format": "text", "url": ""}
        response = submit(self.alice, f"/p/{self.post_id}/edit", {**fields, "tags": ""})
        assert response.status_code == 303, response.get_data(as_text=True)
        self.post_page = response.headers["Location"]
        assert "Hello again" in self.bob.get(self.post_page).get_data(as_text=True)

    def join(self):
        response = submit(self.bob, "/", {}, post_url=f"/c/{self.community}/join")
        assert response.status_code == 303
        assert count(self.app, Membership) == 2  # the owner and bob

    def comment(self):
        fields = {"body": "A comment", "body_format": "text"}
        comments = f"/p/{self.post_id}/comments"
        response = submit(self.bob, self.post_page, fields, post_url=comments)
        assert response.status_code == 303, response.get_data(as_text=True)
        with self.app.app_context():
            self.comment_id = db.session.scalar(select(Comment.id))

    def edit_comment(self):
        fields = {"body": "An edited comment", "body_format": "text"}
        response = submit(self.bob, f"/comments/{self.comment_id}/edit", fields)
        assert response.status_code == 303, response.get_data(as_text=True)

    def vote(self):
        up = {"value": "1"}
        post_vote = f"/p/{self.post_id}/vote"
        assert submit(self.bob, self.post_page, up, post_url=post_vote).status_code == 303
        comment_vote = f"/comments/{self.comment_id}/vote"
        assert submit(self.alice, self.post_page, up, post_url=comment_vote).status_code == 303
        assert count(self.app, PostVote) == 1 and count(self.app, CommentVote) == 1

    def follow(self):
        profile = f"/u/{self.alice_name}"
        assert submit(self.bob, profile, {}, post_url=f"{profile}/follow").status_code == 303
        assert count(self.app, Follow) == 1

    def upload(self):
        token = csrf_token_from(self.alice.get("/").get_data(as_text=True))
        response = self.alice.post(
            "/media/upload",
            data={"image": image_upload()},
            headers={"X-CSRFToken": token},
            content_type="multipart/form-data",
        )
        assert response.status_code == 201, response.get_data(as_text=True)
        assert self.alice.get(response.json["url"]).status_code == 200

    def edit_profile(self):
        token = csrf_token_from(self.alice.get("/settings/profile").get_data(as_text=True))
        fields = {
            "display_name": "Alice",
            "first_name": "",
            "last_name": "",
            "bio": "Hi.",
            "body_format": "text",
            "website": "",
            "avatar": image_upload("me.png"),
            "csrf_token": token,
        }
        response = self.alice.post(
            "/settings/profile", data=fields, content_type="multipart/form-data"
        )
        assert response.status_code == 303, response.get_data(as_text=True)
        with self.app.app_context():
            profile = db.session.scalar(select(Profile).where(Profile.username == self.alice_name))
            assert profile.display_name == "Alice" and profile.avatar_path

    def preferences(self):
        fields = {"language": "de", "timezone": "Europe/Berlin"}
        assert submit(self.alice, "/settings/preferences", fields).status_code == 303
        fields = {"language": "en", "next": "/"}
        assert submit(self.alice, "/", fields, post_url="/language").status_code == 302

    def delete_comment(self):
        delete = f"/comments/{self.comment_id}/delete"
        assert submit(self.bob, self.post_page, {}, post_url=delete).status_code == 303
        assert "An edited comment" not in self.bob.get(self.post_page).get_data(as_text=True)

    def leave_and_unfollow(self):
        profile = f"/u/{self.alice_name}"
        assert submit(self.bob, profile, {}, post_url=f"{profile}/unfollow").status_code == 303
        community = f"/c/{self.community}"
        assert submit(self.bob, community, {}, post_url=f"{community}/leave").status_code == 303
        assert count(self.app, Follow) == 0 and count(self.app, Membership) == 1

    def delete_post(self):
        delete = f"/p/{self.post_id}/delete"
        assert submit(self.alice, self.post_page, {}, post_url=delete).status_code == 303
        with self.app.app_context():
            assert not db.session.get(Post, self.post_id).is_visible

    def sign_out(self):
        response = submit(self.bob, "/", {}, post_url="/auth/logout")
        assert response.status_code in (302, 303)
        assert self.bob.get("/settings/profile").status_code == 302  # signed out

    def sweep(self, done: set[str]) -> list[tuple[str, int]]:
        """POST (with a CSRF token) to every POST route the steps did not take, as alice:
        each answers, refuses or redirects, and none fails."""
        values = {
            "post_id": self.post_id,
            "comment_id": self.comment_id,
            "name": self.community,
            "username": self.bob_name,
            "device_id": 1,
        }
        answers = []
        rules = [
            rule
            for rule in self.app.url_map.iter_rules()
            if "POST" in (rule.methods or ()) and rule.endpoint not in done
        ]
        for rule in sorted(rules, key=lambda rule: ("logout" in rule.endpoint, rule.rule)):
            path = rule.rule
            for argument in rule.arguments:
                path = re.sub(rf"<(?:[^:>]+:)?{argument}>", str(values.get(argument, 1)), path)
            token = csrf_token_from(self.alice.get("/").get_data(as_text=True))
            response = self.alice.post(path, data={"csrf_token": token, "reason": "Spam."})
            answers.append((path, response.status_code))
        return answers
