"""Vote endpoints: one POST per vote; htmx swaps the widget, a plain form goes back.

Nothing is loaded before the vote: the vote's own statement checks the rules and
returns the numbers the widget shows (see webapp/votes/services.py). Only a refused
vote reads the item, to say why and where to go back to.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.htmx import is_htmx
from webapp.ratelimits import votes
from webapp.urls import back_url
from webapp.votes import services
from webapp.web import errors_return_to, signed_in

bp = Blueprint("votes", __name__)


def _requested_value() -> int:
    raw = request.form.get("value", "")
    if raw not in ("-1", "0", "1"):
        abort(400)
    return int(raw)


def _answer(kind: str, result: services.VoteResult, fallback: str):
    if is_htmx():
        return render_template(
            "votes/_widget.html",
            kind=kind,
            item=result.item,
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
    value = _requested_value()
    errors_return_to(_post_url(post_id))
    result = services.cast_vote(current_user, services.POST, post_id, value)
    return _answer("post", result, _post_url(post_id))


def _comment_url(comment_id: int) -> str:
    """A comment's permalink: it finds the comment's place in its thread when followed."""
    return url_for("comments.permalink", comment_id=comment_id)


@bp.route("/comments/<id:comment_id>/vote", methods=["POST"])
@signed_in(_comment_url)
@votes
def vote_comment(comment_id: int):
    """Vote a comment up, down, or clear the vote."""
    value = _requested_value()
    # A refused vote is flashed on the page it came from (without a `next`, the comment).
    errors_return_to(_comment_url(comment_id))
    result = services.cast_vote(current_user, services.COMMENT, comment_id, value)
    return _answer("comment", result, _comment_url(comment_id))
