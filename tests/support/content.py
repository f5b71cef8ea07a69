"""Building content for tests through the real services."""

from __future__ import annotations

from flask import Flask

from webapp.comments import services as comment_services
from webapp.communities import services as community_services
from webapp.extensions import db
from webapp.models import Comment, Community, Post, User
from webapp.posts import services as post_services


class ContentBuilder:
    """Create communities, posts and comments as a given user would."""

    def __init__(self, app: Flask):
        self.app = app

    def user(self, user_id: int) -> User:
        return db.session.get(User, user_id)

    def community(self, owner_id: int, name: str = "books", title: str = "Books") -> int:
        with self.app.test_request_context():
            return community_services.create_community(
                self.user(owner_id), name, title, "About books.", "Be kind."
            ).id

    def join(self, user_id: int, community_id: int) -> None:
        with self.app.test_request_context():
            community_services.join_community(
                self.user(user_id), db.session.get(Community, community_id)
            )

    def post(
        self,
        author_id: int,
        community_id: int,
        title: str = "A post",
        body: str = "<p>Body</p>",
        tags: list[str] | None = None,
    ) -> int:
        with self.app.test_request_context():
            return post_services.submit_post(
                self.user(author_id),
                db.session.get(Community, community_id),
                title,
                body,
                None,
                tags or [],
            ).id

    def comment(
        self, author_id: int, post_id: int, parent_id: int | None = None, body: str = "<p>Hi</p>"
    ) -> int:
        with self.app.test_request_context():
            return comment_services.add_comment(
                self.user(author_id), db.session.get(Post, post_id), parent_id, body
            ).id

    @staticmethod
    def reload(model, key):
        db.session.expire_all()
        return db.session.get(model, key)


__all__ = ["Comment", "Community", "ContentBuilder", "Post"]
