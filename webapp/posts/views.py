"""Post pages: submit, read (with its comment thread), edit, delete, moderate."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp import idempotency
from webapp.caching import cached_guest_page, post_scopes
from webapp.comments import queries as comment_queries
from webapp.comments.forms import CommentForm
from webapp.communities import queries as community_queries
from webapp.confirmation import Confirmation, ask_first, ask_moderator_for_reason
from webapp.htmx import is_htmx
from webapp.models import Comment
from webapp.posts import permissions, queries, services
from webapp.posts.forms import PostForm
from webapp.ratelimits import writes
from webapp.sanitize import editable_text
from webapp.urls import carries_query, parse_id
from webapp.web import errors_return_to, errors_show_in, found_or_404, render_form, signed_in

bp = Blueprint("posts", __name__)


def _post(post_id: int):
    return found_or_404(queries.post_for_page(post_id))


def _acted_on_post(post_id: int):
    """The post of a POST action; a refused action is explained on its page."""
    post = _post(post_id)
    errors_return_to(_canonical_url(post))
    return post


def _canonical_url(post) -> str:
    return url_for("posts.detail", post_id=post.id, slug=post.slug)


def _back_to_post(post_id: int) -> str:
    return url_for("posts.short_link", post_id=post_id)


@bp.route("/submit")
@signed_in()
def choose_community():
    """The header's New post: choose the community (yours first), then write."""
    chosen = community_queries.community_by_name(request.args.get("community") or "")
    if chosen is not None:
        return redirect(url_for("posts.submit", name=chosen.name))
    choices = community_queries.posting_choices(current_user)
    return render_template("posts/choose_community.html", choices=choices)


@bp.route("/c/<name>/submit", methods=["GET", "POST"])
@signed_in()
@writes
def submit(name: str):
    """Write a post in a community."""
    community = found_or_404(community_queries.community_by_name(name))
    form = PostForm()

    def page():
        return render_form("posts/submit.html", form, community=community)

    if form.validate_on_submit():
        errors_show_in(form, page)
        once = idempotency.claim(current_user, form.submission_key.data)
        if once.earlier_url is None:
            post = services.submit_post(current_user, community, *form.submitted())
            once.fulfil(_canonical_url(post))
        flash(_("Your post is published."), "success")
        return redirect(once.earlier_url or _canonical_url(post), code=303)
    return page()


@bp.route("/p/<id:post_id>")
def short_link(post_id: int):
    """Short post links redirect to the full address with its slug."""
    post = _post(post_id)
    # A taken-down post's address may change back on restore: never a permanent redirect.
    return redirect(_canonical_url(post), code=301 if post.is_visible else 302)


@bp.route("/p/<id:post_id>/<slug>")
@carries_query("sort", "thread")
@cached_guest_page(post_scopes)
def detail(post_id: int, slug: str):
    """A post and a page of its comment thread (or of one branch of it)."""
    post = _post(post_id)
    if slug != post.slug and post.is_visible:
        return redirect(_canonical_url(post), code=301)
    sort, branch = _thread_choice(post)
    after = request.args.get("after") or None
    page = queries.post_page(post, current_user, sort, branch, after)
    return render_template(
        "posts/detail.html",
        **page.context(),
        comment_form=CommentForm(formdata=None),
    )


def _thread_choice(post) -> tuple[str, Comment | None]:
    """The comment order asked for, and the branch (`?thread=<comment id>`) if any."""
    sort = request.args.get("sort", "best")
    if sort not in comment_queries.COMMENT_SORTS:
        sort = "best"
    branch = None
    if "thread" in request.args:
        branch_id = parse_id(request.args["thread"])
        branch = comment_queries.comment_with_post(branch_id) if branch_id else None
        if branch is None or branch.post_id != post.id:
            abort(404)
    return sort, branch


@bp.route("/p/<id:post_id>/comments/more")
def more_comments(post_id: int):
    """The next page of a thread, which htmx appends in place of the "More" link; without
    htmx, the same page as part of the post's own page."""
    post = _post(post_id)
    sort, branch = _thread_choice(post)
    after = request.args.get("after") or None
    if not is_htmx():
        thread = branch.id if branch else None
        page_url = url_for(
            "posts.detail", post_id=post.id, slug=post.slug, sort=sort, thread=thread, after=after
        )
        return redirect(page_url)
    page = queries.more_comments(post, current_user, sort, branch, after)
    return render_template("comments/_more_comments.html", **page.context())


@bp.route("/p/<id:post_id>/edit", methods=["GET", "POST"])
@signed_in()
@writes
def edit(post_id: int):
    """Edit your post; it then shows "edited" with the time."""
    post = _post(post_id)
    if not permissions.can_edit(current_user, post):
        abort(403)
    form = PostForm()
    if request.method == "GET":
        form.title.data = post.title
        form.body.data = editable_text(post.body_html)
        form.url.data = post.url or ""
        form.tags.data = ", ".join(tag.name for tag in post.tags)

    def page():
        return render_form(
            "posts/edit.html",
            form,
            post=post,
            community=post.community,
            editing_html=post.body_html,
        )

    if form.validate_on_submit():
        errors_show_in(form, page)
        services.edit_post(current_user, post, *form.submitted())
        flash(_("Your post has been updated."), "success")
        return redirect(_canonical_url(post), code=303)
    return page()


@bp.route("/p/<id:post_id>/delete", methods=["GET", "POST"])
@signed_in(_back_to_post)
@writes
def delete(post_id: int):
    """Delete your post (after a confirmation); the discussion under it stays."""
    post = _acted_on_post(post_id)
    ask = _confirmation(
        post,
        _("Delete post"),
        _("Delete this post? Its comments stay, under “[deleted]”."),
        url_for("posts.delete", post_id=post.id),
        _("Delete"),
    )
    if question := ask_first(ask, permissions.can_delete(current_user, post)):
        return question
    services.delete_post(current_user, post)
    flash(_("Your post has been deleted."), "info")
    return redirect(_canonical_url(post), code=303)


@bp.route("/p/<id:post_id>/remove", methods=["GET", "POST"])
@signed_in(_back_to_post)
@writes
def remove(post_id: int):
    """A moderator removes a post, giving a reason (on a confirmation form)."""
    post = _acted_on_post(post_id)
    ask = _confirmation(
        post,
        _("Remove post"),
        _("Remove this post from the community? The reason goes into the log."),
        url_for("posts.remove", post_id=post.id),
        _("Remove post"),
    )
    # The service checks who may remove and that a reason was given.
    remove_it = partial(services.remove_post, current_user, post)
    if question := ask_moderator_for_reason(ask, post.community_id, remove_it):
        return question
    flash(_("The post has been removed."), "info")
    return redirect(_canonical_url(post), code=303)


def _confirmation(post, title: str, question: str, action: str, button: str) -> Confirmation:
    preview = {"title": post.title, "html": post.body_html}
    return Confirmation(title, question, action, button, _canonical_url(post), preview)


@bp.route("/p/<id:post_id>/restore", methods=["POST"])
@signed_in(_back_to_post)
@writes
def restore(post_id: int):
    """Undo a removal."""
    post = _acted_on_post(post_id)
    services.restore_post(current_user, post)
    return redirect(_canonical_url(post), code=303)


@bp.route("/p/<id:post_id>/pin", methods=["POST"])
@signed_in(_back_to_post)
@writes
def pin(post_id: int):
    """Pin or unpin a post at the top of its community."""
    post = _acted_on_post(post_id)
    services.set_pinned(current_user, post, request.form.get("pinned") == "1")
    return redirect(_canonical_url(post), code=303)


@bp.route("/p/<id:post_id>/lock", methods=["POST"])
@signed_in(_back_to_post)
@writes
def lock(post_id: int):
    """Lock or unlock a post's comments."""
    post = _acted_on_post(post_id)
    services.set_locked(current_user, post, request.form.get("locked") == "1")
    return redirect(_canonical_url(post), code=303)
