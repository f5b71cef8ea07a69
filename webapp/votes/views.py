"""Vote endpoints: one POST per button; htmx swaps the widget, a plain form goes back."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.comments import queries as comment_queries
from webapp.htmx import is_htmx
from webapp.posts import queries as post_queries
from webapp.ratelimits import votes
from webapp.urls import back_url
from webapp.votes import services
from webapp.web import errors_return_to, found_or_404, signed_in

bp = Blueprint("votes", __name__)


def _requested_value() -> int:
    raw = request.form.get("value", "")
    if raw not in ("-1", "0", "1"):
        abort(400)
    return int(raw)


def _vote(kind: str, item, fallback: str, cast):
    errors_return_to(fallback)
    result = cast(current_user, item, _requested_value())
    if is_htmx():
        return render_template(
            "votes/_widget.html",
            kind=kind,
            item=item,
            score=result.score,
            my_vote=result.my_vote,
        )
    return redirect(back_url(fallback), code=303)


def _post_url(post_id: int) -> str:
    return url_for("posts.short_link", post_id=post_id)


@bp.route("/p/<id:post_id>/vote", methods=["POST"])
@signed_in(_post_url)
@votes
def vote_post(post_id: int):
    """Vote a post up, down, or clear the vote."""
    post = found_or_404(post_queries.post_for_page(post_id))
    fallback = url_for("posts.detail", post_id=post.id, slug=post.slug)
    return _vote("post", post, fallback, services.vote_on_post)


def _comment_url_of(comment) -> str:
    post = comment.post
    return url_for("posts.detail", post_id=post.id, slug=post.slug) + f"#comment-{comment.id}"


def _comment_url(comment_id: int) -> str:
    comment = comment_queries.comment_with_post(comment_id)
    return _comment_url_of(comment) if comment else url_for("feeds.home")


@bp.route("/comments/<id:comment_id>/vote", methods=["POST"])
@signed_in(_comment_url)
@votes
def vote_comment(comment_id: int):
    """Vote a comment up, down, or clear the vote."""
    comment = found_or_404(comment_queries.comment_with_post(comment_id))
    return _vote("comment", comment, _comment_url_of(comment), services.vote_on_comment)
