"""What the removed-content pages share (the admin's at /admin/content, a community's
at /c/<name>/mod/content): the tabs, and restoring a post or comment."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from webapp.admin import content_queries
from webapp.comments.services import restore_comment
from webapp.htmx import is_htmx, render_page_or_partial
from webapp.models import Comment
from webapp.posts.services import restore_post
from webapp.urls import back_url
from webapp.web import errors_return_to

PAGE_SIZE = 25
CONTENT_KEYS = ("kind", "show")


def content_filters() -> tuple[str, str]:
    kind = request.args.get("kind", "post")
    show = request.args.get("show", "removed")
    if kind not in content_queries.CONTENT_KINDS:
        kind = "post"
    if show not in content_queries.CONTENT_SHOWS:
        show = "removed"
    return kind, show


def render_content(page_template: str, restore_endpoint: str, community=None, **context):
    """The page (or, for htmx, its rows) of removed or reported posts or comments."""
    kind, show = content_filters()
    page = content_queries.content_page(
        kind,
        show,
        request.args.get("cursor"),
        PAGE_SIZE,
        community.id if community is not None else None,
    )
    return render_page_or_partial(
        page_template,
        "reports/_content_rows.html",
        page=page,
        kind=kind,
        show=show,
        community=community,
        restore_endpoint=restore_endpoint,
        **context,
    )


def restore_in_place(kind: str, item_id: int, page_url: str, community_id: int | None = None):
    """Restore a removed post or comment (the services check who may); htmx gets the
    row back marked as restored, a plain form goes back to the list with a message."""
    errors_return_to(page_url)
    item = content_queries.content_item(kind, item_id)
    if item is None:  # as found_or_404, which would widen Post | Comment to Base
        abort(404)
    if isinstance(item, Comment):  # what content_item loads for kind "comment"
        community = content_queries.community_of_comment(item)
        if community_id is not None and community != community_id:
            abort(404)
        restore_comment(current_user, item)
    else:
        if community_id is not None and item.community_id != community_id:
            abort(404)
        restore_post(current_user, item)
    if is_htmx():
        return render_template("reports/_restored.html", kind=kind, item_id=item_id)
    flash(_("Restored. It shows again where it was."), "success")
    return redirect(back_url(page_url), code=303)
