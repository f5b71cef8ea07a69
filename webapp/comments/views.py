"""Comment endpoints: post a comment or reply (in-line with htmx, or on a reply page),
edit, delete, and moderator removal."""

from __future__ import annotations

from functools import partial

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from webapp import idempotency
from webapp.comments import permissions, queries, services
from webapp.comments.forms import CommentForm
from webapp.comments.queries import MAX_VISIBLE_DEPTH, ThreadNode
from webapp.confirmation import Confirmation, ask_first, ask_moderator_for_reason, offer_undo
from webapp.htmx import is_htmx, redirect_for_htmx
from webapp.posts import queries as post_queries
from webapp.ratelimits import writes
from webapp.sanitize import editable_text
from webapp.urls import parse_id
from webapp.web import errors_return_to, errors_show_in, found_or_404, render_form, signed_in

bp = Blueprint("comments", __name__)


def _comment_url(comment) -> str:
    post = comment.post
    arguments = {"post_id": post.id, "slug": post.slug}
    if comment.depth >= MAX_VISIBLE_DEPTH:
        arguments["thread"] = comment.parent_id
    elif post.comment_count > queries.COMMENT_PAGE_SIZE:
        # A long thread is paged: the comment may not be on the first page, so link to
        # the branch of its top-level comment, where it always is.
        arguments["thread"] = int(comment.path.split("/", 1)[0])
    return url_for("posts.detail", **arguments) + f"#comment-{comment.id}"


def _comment(comment_id: int):
    return found_or_404(queries.comment_with_post(comment_id))


def _post_url(post_id: int) -> str:
    return url_for("posts.short_link", post_id=post_id)


def _comment_form_response(form, post, parent):
    """The comment form with its messages: in place for htmx, as a page otherwise."""
    context = {"form": form, "post": post, "parent": parent}
    if is_htmx():
        slot = f"#reply-slot-{parent.id}" if parent else "#comment-form-slot"
        response = make_response(render_template("comments/_comment_form.html", **context))
        response.headers["HX-Retarget"] = slot
        response.headers["HX-Reswap"] = "innerHTML"
        return response
    return render_template("comments/reply.html", **context), 422


@bp.route("/p/<id:post_id>/comments", methods=["POST"])
@signed_in(_post_url)
@writes
def create(post_id: int):
    """Add a comment to a post, or a reply to one of its comments."""
    post = found_or_404(post_queries.post_for_page(post_id))
    form = CommentForm()
    parent_id = parse_id(form.parent_id.data)
    parent = queries.comment_with_post(parent_id) if parent_id else None
    if not form.validate_on_submit():
        return _comment_form_response(form, post, parent)
    errors_show_in(form, lambda: _comment_form_response(form, post, parent), "body")
    once = idempotency.claim(current_user, form.submission_key.data)
    if once.earlier_url is not None:  # the same form again: the first comment stands
        return ("", 204) if is_htmx() else redirect(once.earlier_url or _post_url(post_id), 303)
    comment = services.add_comment(current_user, post, parent_id, form.body.rich_text())
    comment_url = _comment_url(queries.comment_with_post(comment.id))
    once.fulfil(comment_url)
    if is_htmx():
        return render_template(
            "comments/_created.html",
            node=ThreadNode(comment),
            post=post,
            parent=parent,
            form=CommentForm(formdata=None),
            can_comment=True,
        )
    flash(_("Your comment is posted."), "success")
    return redirect(comment_url, code=303)


@bp.route("/comments/<id:comment_id>")
def permalink(comment_id: int):
    """A comment's lasting address: its place in its thread (the branch it is on when
    the thread is long or it is nested deep)."""
    return redirect(_comment_url(_comment(comment_id)), code=302)


@bp.route("/comments/<id:comment_id>/reply")
@signed_in()
def reply(comment_id: int):
    """The reply form: a page without JavaScript, a fragment for htmx."""
    parent = _comment(comment_id)
    post = parent.post
    if not permissions.can_reply(current_user, parent):
        flash(_("This discussion takes no new replies here."), "error")
        return redirect_for_htmx(url_for("posts.detail", post_id=post.id, slug=post.slug))
    form = CommentForm(formdata=None, parent_id=str(parent.id))
    template = "comments/_comment_form.html" if is_htmx() else "comments/reply.html"
    return render_template(template, form=form, post=post, parent=parent)


@bp.route("/comments/<id:comment_id>/edit", methods=["GET", "POST"])
@signed_in()
@writes
def edit(comment_id: int):
    """Edit your comment."""
    comment = _comment(comment_id)
    if not permissions.can_edit(current_user, comment):
        abort(403)
    form = CommentForm()
    if request.method == "GET":
        form.body.data = editable_text(comment.body_html)

    def page():
        return render_form("comments/edit.html", form, comment=comment, post=comment.post)

    if form.validate_on_submit():
        errors_show_in(form, page)
        services.edit_comment(current_user, comment, form.body.rich_text())
        flash(_("Your comment has been updated."), "success")
        return redirect(_comment_url(comment), code=303)
    return page()


def _confirmation(comment, title: str, question: str, action: str, button: str):
    post = comment.post
    # A taken-down post's title is not shown to the commenter.
    hidden = _("[deleted]") if post.deleted_at else _("[removed]")
    preview = {"title": post.title if post.is_visible else hidden, "html": comment.body_html}
    return Confirmation(title, question, action, button, _comment_url(comment), preview)


@bp.route("/comments/<id:comment_id>/delete", methods=["GET", "POST"])
@signed_in()
@writes
def delete(comment_id: int):
    """Delete your comment (after a confirmation; undo for a few minutes); its replies
    stay in the thread."""
    comment = _comment(comment_id)
    errors_return_to(_comment_url(comment))
    ask = _confirmation(
        comment,
        _("Delete comment"),
        _("Delete this comment? Replies to it stay."),
        url_for("comments.delete", comment_id=comment.id),
        _("Delete"),
    )
    if question := ask_first(ask, permissions.can_delete(current_user, comment)):
        return question
    services.delete_comment(current_user, comment)
    flash(_("Your comment has been deleted."), "info")
    offer_undo(url_for("comments.undelete", comment_id=comment.id), _("Undo"))
    return redirect(_comment_url(comment), code=303)


@bp.route("/comments/<id:comment_id>/undelete", methods=["POST"])
@signed_in()
@writes
def undelete(comment_id: int):
    """Bring back a comment you deleted a few minutes ago."""
    comment = _comment(comment_id)
    errors_return_to(_comment_url(comment))
    services.undelete_comment(current_user, comment)
    flash(_("Your comment is back."), "success")
    return redirect(_comment_url(comment), code=303)


@bp.route("/comments/<id:comment_id>/remove", methods=["GET", "POST"])
@signed_in()
@writes
def remove(comment_id: int):
    """A moderator removes a comment, giving a reason (on a confirmation form)."""
    comment = _comment(comment_id)
    ask = _confirmation(
        comment,
        _("Remove comment"),
        _("Remove this comment from the discussion? The reason goes into the log."),
        url_for("comments.remove", comment_id=comment.id),
        _("Remove comment"),
    )
    # The service checks who may remove and that a reason was given.
    remove_it = partial(services.remove_comment, current_user, comment)
    if question := ask_moderator_for_reason(ask, comment.post.community_id, remove_it):
        return question
    flash(_("The comment has been removed."), "info")
    return redirect(_comment_url(comment), code=303)
