"""`/api/v1`: People: profiles, their posts and comments, following.

The same queries and services as the profile pages (`webapp.profiles`): a person is
found the way `/u/<username>` finds them (any case of the username), their numbers come
from the one statement the page uses, following goes through the same service."""

from __future__ import annotations

from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_smorest import abort
from sqlalchemy.orm.attributes import set_committed_value

from webapp.api.core import api_blueprint
from webapp.api.people_schemas import (
    FollowStateSchema,
    PersonPageSchema,
    ProfileCommentPageSchema,
    ProfileSchema,
)
from webapp.api.schemas import CursorArgsSchema
from webapp.models import User
from webapp.profiles import permissions, queries, services
from webapp.votes.queries import my_comment_votes
from webapp.web import found_or_404

bp = api_blueprint("People", __name__, "People: profiles, their posts and comments, following.")

# The profile pages' list length.
PAGE_SIZE = 50


def _person(username: str) -> User:
    """The person, as their profile page finds them; 404 when there is no such person.
    (The profile page shows banned people too: so does the API.)"""
    return found_or_404(queries.user_by_username(username))


@bp.route("/people/<username>")
class Person(MethodView):
    @bp.etag
    @bp.response(200, ProfileSchema)
    @bp.errors(400, 404)
    def get(self, username: str):
        """A person's profile.

        What their page shows: names, bio (cleaned HTML), website, avatar, when they
        joined, karma and counts, and whether the token's owner follows them. The
        username is matched in any case."""
        user = _person(username)
        return {
            "user": user,
            "numbers": queries.profile_numbers(user.id),
            "following": queries.is_following(current_user, user.id),
            "is_self": permissions.is_self(current_user, user),
        }


@bp.route("/people/<username>/comments")
class PersonComments(MethodView):
    @bp.etag
    @bp.arguments(CursorArgsSchema, location="query")
    @bp.response(200, ProfileCommentPageSchema)
    @bp.errors(400, 404, 422)
    def get(self, args: dict, username: str):
        """A person's comments, newest first.

        The comments tab of their profile: removed and deleted comments are left out;
        the post of each is named only where its page would show its title to the
        token's owner (`post` is null otherwise)."""
        user = _person(username)
        page = queries.comments_page(user.id, args["cursor"], PAGE_SIZE, viewer=current_user)
        votes = my_comment_votes(current_user, (entry.comment.id for entry in page.items))
        comments = []
        for entry in page.items:
            comment = entry.comment
            # Every comment here is theirs: no statement per row for the byline.
            set_committed_value(comment, "author", user)
            # What the schemas read beside the row (see ProfileCommentSchema, CommentSchema).
            comment.shows_post = entry.shows_post  # type: ignore[attr-defined]
            comment.my_vote = votes.get(comment.id, 0)  # type: ignore[attr-defined]
            comments.append(comment)
        return {"items": comments, "next": page.next_cursor}


@bp.route("/people/<username>/follow")
class Follow(MethodView):
    @bp.response(200, FollowStateSchema)
    @bp.errors(400, 403, 404)
    def put(self, username: str):
        """Follow this person.

        Following someone twice is following them once. You cannot follow yourself
        (403)."""
        user = _person(username)
        if not permissions.can_follow(current_user, user):
            # The service refuses it too, as 400 (a page's bad form): the API says 403,
            # may not, as for every rule about who may act.
            abort(403, message=str(_l("You cannot follow yourself.")))
        services.follow(current_user, user)
        return _follow_state(user)

    @bp.response(200, FollowStateSchema)
    @bp.errors(400, 404)
    def delete(self, username: str):
        """Stop following this person.

        Unfollowing someone you do not follow changes nothing."""
        user = _person(username)
        services.unfollow(current_user, user)
        return _follow_state(user)


def _follow_state(user: User) -> dict:
    return {
        "following": queries.is_following(current_user, user.id),
        "followers": queries.profile_numbers(user.id).followers,
    }


def _people(username: str, direction: str, cursor: str | None) -> dict:
    user = _person(username)
    page = queries.people_page(user.id, direction, cursor, PAGE_SIZE)
    return {"items": [person for _follow, person in page.items], "next": page.next_cursor}


@bp.route("/people/<username>/followers")
class Followers(MethodView):
    @bp.etag
    @bp.arguments(CursorArgsSchema, location="query")
    @bp.response(200, PersonPageSchema)
    @bp.errors(400, 404, 422)
    def get(self, args: dict, username: str):
        """Who follows this person, most recent first."""
        return _people(username, "followers", args["cursor"])


@bp.route("/people/<username>/following")
class Following(MethodView):
    @bp.etag
    @bp.arguments(CursorArgsSchema, location="query")
    @bp.response(200, PersonPageSchema)
    @bp.errors(400, 404, 422)
    def get(self, args: dict, username: str):
        """Whom this person follows, most recent first."""
        return _people(username, "following", args["cursor"])
