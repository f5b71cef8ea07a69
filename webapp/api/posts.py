"""`/api/v1`: posts and the feeds (home, all, community, tag, person) with the pages'
sorts, windows and signed cursors; reading, writing, editing and deleting a post.

Reads go through the feeds' and posts' query functions, writes through the post
services: the API and the pages are two doors to the same rules."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NoReturn, TypeVar

from flask import current_app
from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_smorest import abort

from webapp.api.core import api_blueprint
from webapp.api.post_schemas import (
    CommunityPostPageSchema,
    FeedArgsSchema,
    PostDetailSchema,
    PostEditSchema,
    PostInSchema,
    PostPageSchema,
)
from webapp.communities import queries as community_queries
from webapp.communities.permissions import membership_of
from webapp.feeds import queries as feed_queries
from webapp.models import Post
from webapp.posts import permissions, queries, services
from webapp.profiles import queries as profile_queries
from webapp.sanitize import RichText, editable_text
from webapp.tags import queries as tag_queries
from webapp.votes.queries import my_post_votes

bp = api_blueprint("Posts", __name__, "Posts and the feeds: home, all, community, tag and person.")

T = TypeVar("T")

POST_EXAMPLE = {
    "community": "books",
    "title": "What are you reading this week?",
    "link": None,
    "body": "<p>I started <strong>The Dispossessed</strong>.</p>",
    "body_format": "html",
    "tags": ["reading", "Science Fiction"],
}


def _with_my_votes(posts: Iterable[Post], votes: dict[int, int]) -> list[Post]:
    """The posts, each carrying the token owner's vote for PostSchema."""
    shown = list(posts)
    for post in shown:
        post.my_vote = votes.get(post.id, 0)  # type: ignore[attr-defined]
    return shown


def _feed(args: dict, **filters) -> dict:
    """One page of a feed for the token's owner, as the pages read it."""
    page = feed_queries.feed_page(
        feed_queries.FeedOrder.from_args(args["sort"], args["t"]),
        args["cursor"],
        current_app.config["FEED_PAGE_SIZE"],
        current_user,
        **filters,
    )
    return {"items": _with_my_votes(page.items, page.my_votes), "next": page.next_cursor}


def found(thing: T | None, message) -> T:
    """`thing`, or a 404 saying what was not found."""
    if thing is None:
        not_found(message)
    return thing


def not_found(message) -> NoReturn:
    abort(404, message=str(message))
    raise AssertionError("abort raises")


def _post_or_404(post_id: int) -> Post:
    return found(queries.post_for_page(post_id), _l("There is no such post."))


# -- Feeds ---------------------------------------------------------------------------------


@bp.route("/feeds/home")
class HomeFeed(MethodView):
    @bp.etag
    @bp.arguments(FeedArgsSchema, location="query")
    @bp.response(200, PostPageSchema)
    @bp.errors(422)
    def get(self, args):
        """The token owner's home feed.

        Posts of the communities they joined and of the people they follow, as `/`
        shows them; until they join or follow anything, every post (as the page does).
        """
        if not feed_queries.subscriptions(current_user.id).any:
            return _feed(args)
        return _feed(args, home_of=current_user.id)


@bp.route("/feeds/all")
class AllFeed(MethodView):
    @bp.etag
    @bp.arguments(FeedArgsSchema, location="query")
    @bp.response(200, PostPageSchema)
    @bp.errors(422)
    def get(self, args):
        """Every post on the site, as `/all` shows them."""
        return _feed(args)


@bp.route("/communities/<name>/posts")
class CommunityFeed(MethodView):
    @bp.etag
    @bp.arguments(FeedArgsSchema, location="query")
    @bp.response(200, CommunityPostPageSchema)
    @bp.errors(404, 422)
    def get(self, args, name: str):
        """A community's posts.

        Pinned posts come apart, in `pinned`, on the first page only (as the
        community's page shows them above its feed); `items` never holds them.
        """
        community = found(
            community_queries.community_by_name(name), _l("There is no such community.")
        )
        pinned = [] if args["cursor"] else feed_queries.pinned_posts(community.id)
        page = _feed(args, community_id=community.id)
        votes = my_post_votes(current_user, (post.id for post in pinned))
        return {"pinned": _with_my_votes(pinned, votes), **page}


@bp.route("/tags/<name>/posts")
class TagFeed(MethodView):
    @bp.etag
    @bp.arguments(FeedArgsSchema, location="query")
    @bp.response(200, PostPageSchema)
    @bp.errors(404, 422)
    def get(self, args, name: str):
        """The posts with one tag (the name as typed or normalized: `Bücher` is `bücher`)."""
        tag = found(tag_queries.tag_by_name(name), _l("There is no such tag."))
        return _feed(args, tag_id=tag.id)


@bp.route("/people/<username>/posts")
class PersonFeed(MethodView):
    @bp.etag
    @bp.arguments(FeedArgsSchema, location="query")
    @bp.response(200, PostPageSchema)
    @bp.errors(404, 422)
    def get(self, args, username: str):
        """The posts one person wrote, as their profile lists them."""
        person = found(profile_queries.user_by_username(username), _l("There is no such person."))
        return _feed(args, author_id=person.id)


# -- One post ------------------------------------------------------------------------------


@bp.route("/posts")
class Posts(MethodView):
    @bp.arguments(PostInSchema, example=POST_EXAMPLE)
    @bp.response(201, PostDetailSchema)
    @bp.errors(400, 404, 422)
    def post(self, data):
        """Publish a post.

        The body is cleaned by the site's sanitizer (HTML as Quill writes it, or plain
        text made into paragraphs); the post returned carries the cleaned HTML. Tags are
        normalized (`Science Fiction` → `science-fiction`).
        """
        community = found(
            community_queries.community_by_name(data["community"]),
            _l("There is no such community."),
        )
        post = services.submit_post(
            current_user,
            community,
            data["title"],
            RichText(data["body"], data["body_format"]),
            data.get("link"),
            data.get("tags", []),
        )
        return _shown(post.id)


def _shown(post_id: int) -> Post:
    """A post as GET /posts/{id} answers it for the token's owner."""
    post = _post_or_404(post_id)
    post.my_vote = my_post_votes(current_user, [post.id]).get(post.id, 0)  # type: ignore[attr-defined]
    post.moderator_sees = post.removed_at is not None and permissions.can_see_removed(  # type: ignore[attr-defined]
        current_user, post, membership_of(current_user, post.community_id)
    )
    return post


@bp.route("/posts/<id:post_id>")
class OnePost(MethodView):
    @bp.etag
    @bp.response(200, PostDetailSchema)
    @bp.errors(404)
    def get(self, post_id: int):
        """A post, as its page shows it.

        A deleted post keeps its place without its words; a removed one shows its words
        only to the community's moderators (and site admins), with `removal_reason`.
        """
        return _shown(post_id)

    @bp.arguments(PostEditSchema, example={"title": "A better title", "tags": ["reading"]})
    @bp.response(200, PostDetailSchema)
    @bp.errors(400, 403, 404, 422)
    def patch(self, data, post_id: int):
        """Edit your post: only the fields sent change; it then shows `edited_at`."""
        post = _post_or_404(post_id)
        if "body" in data:
            body = RichText(data["body"], data["body_format"])
        else:
            # Its own text, unchanged, keeps the stored HTML exactly (see submitted_html).
            body = RichText(editable_text(post.body_html), "text")
        services.edit_post(
            current_user,
            post,
            data.get("title", post.title),
            body,
            data.get("link", post.url),
            data["tags"] if "tags" in data else [tag.name for tag in post.tags],
        )
        return _shown(post.id)

    @bp.response(204)
    @bp.errors(403, 404)
    def delete(self, post_id: int):
        """Delete your post; its comments stay, under "[deleted]"."""
        services.delete_post(current_user, _post_or_404(post_id))
