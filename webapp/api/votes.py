"""`/api/v1`: votes on posts and comments: up, down, clear. The votes service decides
(nobody votes on what they wrote: 403; removed or deleted things take no votes: 409),
exactly as it does for the vote buttons on the pages."""

from __future__ import annotations

from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from marshmallow import Schema, fields, validate

from webapp.api.core import api_blueprint
from webapp.api.posts import found
from webapp.comments import queries as comment_queries
from webapp.posts import queries as post_queries
from webapp.votes import services
from webapp.votes.services import VOTE_VALUES

bp = api_blueprint("Votes", __name__, "Votes on posts and comments: up, down, clear.")


class VoteInSchema(Schema):
    value = fields.Integer(
        required=True,
        strict=True,
        validate=validate.OneOf(VOTE_VALUES),
        metadata={"description": "1 up, -1 down, 0 clears your vote."},
    )


class VoteResultSchema(Schema):
    """The thing's counts after the vote, and the token owner's vote."""

    score = fields.Integer(required=True)
    upvotes = fields.Integer(required=True)
    downvotes = fields.Integer(required=True)
    my_vote = fields.Integer(required=True, validate=validate.OneOf(VOTE_VALUES))


def _result(item, my_vote: int) -> dict:
    return {
        "score": item.score,
        "upvotes": item.upvotes,
        "downvotes": item.downvotes,
        "my_vote": my_vote,
    }


def _vote_on_post(post_id: int, value: int) -> dict:
    post = found(post_queries.post_for_page(post_id), _l("There is no such post."))
    return _result(post, services.vote_on_post(current_user, post, value).my_vote)


def _vote_on_comment(comment_id: int, value: int) -> dict:
    comment = found(comment_queries.comment_with_post(comment_id), _l("There is no such comment."))
    return _result(comment, services.vote_on_comment(current_user, comment, value).my_vote)


@bp.route("/posts/<id:post_id>/vote")
class PostVote(MethodView):
    @bp.arguments(VoteInSchema, example={"value": 1})
    @bp.response(200, VoteResultSchema)
    @bp.errors(404, 409, 422)
    def put(self, data, post_id: int):
        """Vote a post up (1), down (-1), or clear your vote (0).

        Your own posts are refused (403), as are removed and deleted ones (409).
        """
        return _vote_on_post(post_id, data["value"])

    @bp.response(200, VoteResultSchema)
    @bp.errors(404, 409)
    def delete(self, post_id: int):
        """Clear your vote on a post (the same as voting 0)."""
        return _vote_on_post(post_id, 0)


@bp.route("/comments/<id:comment_id>/vote")
class CommentVote(MethodView):
    @bp.arguments(VoteInSchema, example={"value": -1})
    @bp.response(200, VoteResultSchema)
    @bp.errors(404, 409, 422)
    def put(self, data, comment_id: int):
        """Vote a comment up (1), down (-1), or clear your vote (0).

        Your own comments are refused (403), as are removed or deleted comments and the
        comments of a removed or deleted post (409).
        """
        return _vote_on_comment(comment_id, data["value"])

    @bp.response(200, VoteResultSchema)
    @bp.errors(404, 409)
    def delete(self, comment_id: int):
        """Clear your vote on a comment (the same as voting 0)."""
        return _vote_on_comment(comment_id, 0)
