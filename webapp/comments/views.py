"""Comment endpoints: post a comment or reply (in-line with htmx, or on a reply page),
edit, delete, and moderator removal."""

from __future__ import annotations

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
from flask_login import current_user, login_required

from webapp.comments import permissions, queries, services
from webapp.comments.forms import CommentForm
from webapp.comments.queries import MAX_VISIBLE_DEPTH, ThreadNode
from webapp.communities import queries as community_queries
from webapp.htmx import is_htmx, redirect_for_htmx, sign_in_first
from webapp.posts import permissions as post_permissions
from webapp.posts import queries as post_queries
from webapp.posts.forms import RemovalForm
from webapp.ratelimits import writes
from webapp.sanitize import editable_text
from webapp.urls import parse_id

bp = Blueprint("comments", __name__)


def _comment_url(comment) -> str:
    post = comment.post
    arguments = {"post_id": post.id, "slug": post.slug}
    if comment.depth >= MAX_VISIBLE_DEPTH:
        arguments["thread"] = comment.parent_id
    return url_for("posts.detail", **arguments) + f"#comment-{comment.id}"


def _comment_or_404(comment_id: int):
    comment = queries.comment_with_post(comment_id)
    if comment is None:
        abort(404)
    return comment


def _form_error_response(form, post, parent):
    """Re-show the form with its messages: in place for htmx, as a page otherwise."""
    context = {"form": form, "post": post, "parent": parent}
    if is_htmx():
        slot = f"#reply-slot-{parent.id}" if parent else "#comment-form-slot"
        response = make_response(render_template("comments/_comment_form.html", **context))
        response.headers["HX-Retarget"] = slot
        response.headers["HX-Reswap"] = "innerHTML"
        return response
    return render_template("comments/reply.html", **context), 422


@bp.route("/p/<id:post_id>/comments", methods=["POST"])
@writes
def create(post_id: int):
    """Add a comment to a post, or a reply to one of its comments."""
    post = post_queries.post_for_page(post_id)
    if post is None:
        abort(404)
    if not current_user.is_authenticated:
        return sign_in_first(url_for("posts.detail", post_id=post.id, slug=post.slug))
    form = CommentForm()
    parent_id = parse_id(form.parent_id.data)
    parent = queries.comment_with_post(parent_id) if parent_id else None
    if not form.validate_on_submit():
        return _form_error_response(form, post, parent)
    try:
        comment = services.add_comment(current_user, post, parent_id, form.cleaned_body())
    except services.CommentError as error:
        if error.field or is_htmx():
            form.body.errors.append(error.message)
            return _form_error_response(form, post, parent)
        flash(error.message, "error")
        return redirect(url_for("posts.detail", post_id=post.id, slug=post.slug), code=303)
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
    return redirect(_comment_url(queries.comment_with_post(comment.id)), code=303)


@bp.route("/comments/<id:comment_id>/reply")
def reply(comment_id: int):
    """The reply form: a page without JavaScript, a fragment for htmx."""
    parent = _comment_or_404(comment_id)
    post = parent.post
    if not current_user.is_authenticated:
        return sign_in_first(request.full_path.rstrip("?"))
    if not post_permissions.can_comment(current_user, post) or not parent.is_visible:
        flash(_("This discussion takes no new replies here."), "error")
        return redirect_for_htmx(url_for("posts.detail", post_id=post.id, slug=post.slug))
    form = CommentForm(formdata=None, parent_id=str(parent.id))
    template = "comments/_comment_form.html" if is_htmx() else "comments/reply.html"
    response = make_response(render_template(template, form=form, post=post, parent=parent))
    response.vary.add("HX-Request")
    return response


@bp.route("/comments/<id:comment_id>/edit", methods=["GET", "POST"])
@login_required
@writes
def edit(comment_id: int):
    """Edit your comment."""
    comment = _comment_or_404(comment_id)
    if not permissions.can_edit(current_user, comment):
        abort(403)
    form = CommentForm()
    if request.method == "GET":
        form.body.data = editable_text(comment.body_html)
        form.body_format.data = "text"
    if form.validate_on_submit():
        try:
            services.edit_comment(current_user, comment, form.cleaned_body(comment.body_html))
        except services.CommentError as error:
            if error.status == 403:
                abort(403)
            form.body.errors.append(error.message)
        else:
            flash(_("Your comment has been updated."), "success")
            return redirect(_comment_url(comment), code=303)
    return render_template("comments/edit.html", form=form, comment=comment, post=comment.post), (
        422 if form.errors else 200
    )


@bp.route("/comments/<id:comment_id>/delete", methods=["POST"])
@login_required
@writes
def delete(comment_id: int):
    """Delete your comment; its replies stay in the thread."""
    comment = _comment_or_404(comment_id)
    try:
        services.delete_comment(current_user, comment)
    except services.CommentError as error:
        abort(error.status)
    flash(_("Your comment has been deleted."), "info")
    return redirect(_comment_url(comment), code=303)


@bp.route("/comments/<id:comment_id>/remove", methods=["POST"])
@login_required
@writes
def remove(comment_id: int):
    """A moderator removes a comment, giving a reason."""
    comment = _comment_or_404(comment_id)
    form = RemovalForm()
    membership = community_queries.membership_of(current_user, comment.post.community_id)
    if not permissions.can_moderate(current_user, membership):
        abort(403)
    if form.validate_on_submit():
        services.remove_comment(current_user, comment, form.reason.data)
        flash(_("The comment has been removed."), "info")
    else:
        flash(_("Say why this is removed."), "error")
    return redirect(_comment_url(comment), code=303)
