"""Building content for tests through the real services."""

from __future__ import annotations

from flask import Flask

from webapp.comments import services as comment_services
from webapp.communities import services as community_services
from webapp.extensions import db
from webapp.models import Comment, Community, Post, User
from webapp.posts import services as post_services
from webapp.unit_of_work import unit_of_work


class ContentBuilder:
    """Create communities, posts and comments as a given user would."""

    def __init__(self, app: Flask):
        self.app = app

    def user(self, user_id: int) -> User:
        return db.session.get(User, user_id)

    def _stored(self, write) -> int:
        """Run `write` as one committed unit of work, as a request would; its id."""
        with self.app.test_request_context():
            with unit_of_work():
                created = write()
            return created.id if created is not None else 0

    def community(self, owner_id: int, name: str = "books", title: str = "Books") -> int:
        return self._stored(
            lambda: community_services.create_community(
                self.user(owner_id), name, title, "About books.", "Be kind."
            )
        )

    def join(self, user_id: int, community_id: int) -> None:
        self._stored(
            lambda: (
                community_services.join_community(
                    self.user(user_id), db.session.get(Community, community_id)
                )
                and None
            )
        )

    def post(
        self,
        author_id: int,
        community_id: int,
        title: str = "A post",
        body: str = "<p>Body</p>",
        tags: list[str] | None = None,
    ) -> int:
        return self._stored(
            lambda: post_services.submit_post(
                self.user(author_id),
                db.session.get(Community, community_id),
                title,
                body,
                None,
                tags or [],
            )
        )

    def comment(
        self, author_id: int, post_id: int, parent_id: int | None = None, body: str = "<p>Hi</p>"
    ) -> int:
        return self._stored(
            lambda: comment_services.add_comment(
                self.user(author_id), db.session.get(Post, post_id), parent_id, body
            )
        )

    @staticmethod
    def reload(model, key):
        db.session.expire_all()
        return db.session.get(model, key)


__all__ = ["Comment", "Community", "ContentBuilder", "Post"]
