"""Vote endpoints: one POST per button; htmx swaps the widget, a plain form goes back."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.comments import queries as comment_queries
from webapp.htmx import is_htmx, redirect_for_htmx, sign_in_first
from webapp.posts import queries as post_queries
from webapp.ratelimits import votes
from webapp.urls import back_url
from webapp.votes import services

bp = Blueprint("votes", __name__)


def _requested_value() -> int | None:
    raw = request.form.get("value", "")
    return int(raw) if raw in ("-1", "0", "1") else None


def _respond(kind: str, item, result: services.VoteResult, fallback: str):
    if is_htmx():
        response = current_app.make_response(
            render_template(
                "votes/_widget.html",
                kind=kind,
                item=item,
                score=result.score,
                my_vote=result.my_vote,
                can_vote=True,
            )
        )
        response.vary.add("HX-Request")
        return response
    return redirect(back_url(fallback), code=303)


def _vote(kind: str, item, fallback: str, cast):
    if not current_user.is_authenticated:
        return sign_in_first(back_url(fallback))
    value = _requested_value()
    if value is None:
        abort(400)
    try:
        result = cast(current_user, item, value)
    except services.VoteError as error:
        if is_htmx():
            abort(error.status)
        flash(error.message, "error")
        return redirect_for_htmx(back_url(fallback))
    return _respond(kind, item, result, fallback)


@bp.route("/p/<id:post_id>/vote", methods=["POST"])
@votes
def vote_post(post_id: int):
    """Vote a post up, down, or clear the vote."""
    post = post_queries.post_for_page(post_id)
    if post is None:
        abort(404)
    fallback = url_for("posts.detail", post_id=post.id, slug=post.slug)
    return _vote("post", post, fallback, services.vote_on_post)


@bp.route("/comments/<id:comment_id>/vote", methods=["POST"])
@votes
def vote_comment(comment_id: int):
    """Vote a comment up, down, or clear the vote."""
    comment = comment_queries.comment_with_post(comment_id)
    if comment is None:
        abort(404)
    post = comment.post
    fallback = url_for("posts.detail", post_id=post.id, slug=post.slug) + f"#comment-{comment.id}"
    return _vote("comment", comment, fallback, services.vote_on_comment)
