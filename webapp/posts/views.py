"""Post pages: submit, read (with its comment thread), edit, delete, moderate."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from webapp.comments import queries as comment_queries
from webapp.comments.forms import CommentForm
from webapp.communities import queries as community_queries
from webapp.posts import permissions, queries, services
from webapp.posts.forms import PostForm, RemovalForm
from webapp.profiles import queries as profile_queries
from webapp.ratelimits import writes
from webapp.sanitize import editable_text
from webapp.urls import parse_id
from webapp.votes import queries as vote_queries

bp = Blueprint("posts", __name__)


def _post_or_404(post_id: int):
    post = queries.post_for_page(post_id)
    if post is None:
        abort(404)
    return post


def _canonical_url(post) -> str:
    return url_for("posts.detail", post_id=post.id, slug=post.slug)


def _fail(error: services.PostError, form=None):
    if error.status in (403, 404):
        abort(error.status)
    if form is not None and error.field:
        getattr(form, error.field).errors.append(error.message)
        return None
    flash(error.message, "error")
    return None


@bp.route("/c/<name>/submit", methods=["GET", "POST"])
@login_required
@writes
def submit(name: str):
    """Write a post in a community."""
    community = community_queries.community_by_name(name)
    if community is None:
        abort(404)
    form = PostForm()
    if form.validate_on_submit():
        try:
            post = services.submit_post(
                current_user,
                community,
                form.title.data,
                form.cleaned_body(),
                (form.url.data or "").strip(),
                form.tag_names(),
            )
        except services.PostError as error:
            _fail(error, form)
        else:
            flash(_("Your post is published."), "success")
            return redirect(_canonical_url(post), code=303)
    return render_template("posts/submit.html", form=form, community=community), (
        422 if form.errors else 200
    )


@bp.route("/p/<id:post_id>")
def short_link(post_id: int):
    """Short post links redirect to the full address with its slug."""
    post = _post_or_404(post_id)
    # A taken-down post's address may change back on restore: never a permanent redirect.
    return redirect(_canonical_url(post), code=301 if post.is_visible else 302)


@bp.route("/p/<id:post_id>/<slug>")
def detail(post_id: int, slug: str):
    """A post and its whole comment thread (or one branch of it)."""
    post = _post_or_404(post_id)
    if slug != post.slug and post.is_visible:
        return redirect(_canonical_url(post), code=301)
    sort = request.args.get("sort", "best")
    if sort not in comment_queries.COMMENT_SORTS:
        sort = "best"
    branch = None
    if "thread" in request.args:
        branch_id = parse_id(request.args["thread"])
        branch = comment_queries.comment_with_post(branch_id) if branch_id else None
        if branch is None or branch.post_id != post.id:
            abort(404)
    sidebar = community_queries.sidebar_context(post.community, current_user)
    thread = comment_queries.comment_thread(post.id, sort, root=branch)
    author_card = {}
    if post.author is not None and post.deleted_at is None:
        author_card = {
            "author_numbers": profile_queries.profile_numbers(post.author_id),
            "following_author": profile_queries.is_following(current_user, post.author_id),
        }
    return render_template(
        "posts/detail.html",
        post=post,
        **sidebar,
        thread=thread,
        max_thread_comments=comment_queries.MAX_THREAD_COMMENTS,
        my_vote=vote_queries.my_post_votes(current_user, [post.id]).get(post.id, 0),
        my_comment_votes=vote_queries.my_comment_votes(
            current_user, comment_queries.comment_ids(thread)
        ),
        branch=branch,
        sort=sort,
        comment_form=CommentForm(formdata=None),
        can_moderate=permissions.can_moderate(current_user, sidebar["membership"]),
        can_comment=permissions.can_comment(current_user, post),
        removal_form=RemovalForm(formdata=None),
        **author_card,
    )


@bp.route("/p/<id:post_id>/edit", methods=["GET", "POST"])
@login_required
@writes
def edit(post_id: int):
    """Edit your post; it then shows "edited" with the time."""
    post = _post_or_404(post_id)
    if not permissions.can_edit(current_user, post):
        abort(403)
    form = PostForm()
    if request.method == "GET":
        form.title.data = post.title
        form.body.data = editable_text(post.body_html)
        form.body_format.data = "text"
        form.url.data = post.url or ""
        form.tags.data = ", ".join(tag.name for tag in post.tags)
    if form.validate_on_submit():
        try:
            services.edit_post(
                current_user,
                post,
                form.title.data,
                form.cleaned_body(post.body_html),
                (form.url.data or "").strip(),
                form.tag_names(),
            )
        except services.PostError as error:
            _fail(error, form)
        else:
            flash(_("Your post has been updated."), "success")
            return redirect(_canonical_url(post), code=303)
    return render_template(
        "posts/edit.html",
        form=form,
        post=post,
        community=post.community,
        editing_html=post.body_html,
    ), (422 if form.errors else 200)


@bp.route("/p/<id:post_id>/delete", methods=["POST"])
@login_required
@writes
def delete(post_id: int):
    """Delete your post; the discussion under it stays."""
    post = _post_or_404(post_id)
    try:
        services.delete_post(current_user, post)
    except services.PostError as error:
        _fail(error)
    else:
        flash(_("Your post has been deleted."), "info")
    return redirect(_canonical_url(post), code=303)


@bp.route("/p/<id:post_id>/remove", methods=["POST"])
@login_required
@writes
def remove(post_id: int):
    """A moderator removes a post, giving a reason."""
    post = _post_or_404(post_id)
    form = RemovalForm()
    if not form.validate_on_submit():
        flash(
            form.reason.errors[0] if form.reason.errors else _("Say why this is removed."), "error"
        )
        return redirect(_canonical_url(post), code=303)
    try:
        services.remove_post(current_user, post, form.reason.data)
    except services.PostError as error:
        _fail(error)
    else:
        flash(_("The post has been removed."), "info")
    return redirect(_canonical_url(post), code=303)


@bp.route("/p/<id:post_id>/restore", methods=["POST"])
@login_required
@writes
def restore(post_id: int):
    """Undo a removal."""
    post = _post_or_404(post_id)
    try:
        services.restore_post(current_user, post)
    except services.PostError as error:
        _fail(error)
    return redirect(_canonical_url(post), code=303)


@bp.route("/p/<id:post_id>/pin", methods=["POST"])
@login_required
@writes
def pin(post_id: int):
    """Pin or unpin a post at the top of its community."""
    post = _post_or_404(post_id)
    try:
        services.set_pinned(current_user, post, request.form.get("pinned") == "1")
    except services.PostError as error:
        _fail(error)
    return redirect(_canonical_url(post), code=303)


@bp.route("/p/<id:post_id>/lock", methods=["POST"])
@login_required
@writes
def lock(post_id: int):
    """Lock or unlock a post's comments."""
    post = _post_or_404(post_id)
    try:
        services.set_locked(current_user, post, request.form.get("locked") == "1")
    except services.PostError as error:
        _fail(error)
    return redirect(_canonical_url(post), code=303)
