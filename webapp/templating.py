"""Template globals shared by every page."""

from __future__ import annotations

from flask import Flask, current_app, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from webapp.sanitize import plain_text_to_html


def has_endpoint(endpoint: str) -> bool:
    """Whether a page exists yet: links to areas not built are left out, not broken."""
    return endpoint in current_app.view_functions


def current_path() -> str:
    """This page's path and query, for `next` links back to it."""
    return request.full_path.rstrip("?")


def url_with(**changes) -> str:
    """This page's URL with some query arguments changed (None removes one)."""
    arguments = {**request.args.to_dict(), **changes}
    arguments = {key: value for key, value in arguments.items() if value is not None}
    return url_for(request.endpoint, **(request.view_args or {}), **arguments)


def paragraphs(text: str | None) -> Markup:
    """Plain text shown as escaped paragraphs (descriptions, rules, reasons)."""
    return Markup(plain_text_to_html(text or ""))


def editor_labels() -> dict[str, str]:
    """Translated names for the rich-text editor's toolbar buttons (read by editor.js)."""
    return {
        "toolbar": _("Formatting"),
        "header": _("Heading"),
        "bold": _("Bold"),
        "italic": _("Italic"),
        "underline": _("Underline"),
        "strike": _("Strikethrough"),
        "list:ordered": _("Numbered list"),
        "list:bullet": _("Bulleted list"),
        "blockquote": _("Quote"),
        "code-block": _("Code block"),
        "link": _("Link"),
        "image": _("Image"),
        "clean": _("Clear formatting"),
        "placeholder": _("Write something…"),
        "uploading": _("Uploading the image…"),
        "upload_failed": _("The image could not be uploaded."),
    }


def can_vote_on(item) -> bool:
    """Show vote buttons: on visible items not written by the viewer (guests see them
    too, and are asked to sign in when they press one)."""
    from flask_login import current_user

    if not item.is_visible:
        return False
    return not current_user.is_authenticated or item.author_id != current_user.id


def init_app(app: Flask) -> None:
    from webapp.moderation_log import action_label

    app.jinja_env.filters["paragraphs"] = paragraphs
    app.jinja_env.globals["action_label"] = action_label
    app.jinja_env.globals["editor_labels"] = editor_labels
    app.jinja_env.globals["can_vote_on"] = can_vote_on
    from webapp.profiles.avatars import avatar_url

    app.jinja_env.globals["avatar_url"] = avatar_url
    app.jinja_env.globals.update(
        has_endpoint=has_endpoint, current_path=current_path, url_with=url_with
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def site_context():
        return {"site_name": current_app.config["SITE_NAME"]}
