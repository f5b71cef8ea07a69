"""Template globals shared by every page."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, has_request_context, request
from flask_babel import gettext as _
from markupsafe import Markup

from webapp.feeds import cards
from webapp.sanitize import plain_text_to_html
from webapp.urls import fast_url_for, page_url, refuse_unusable_host


def current_path() -> str:
    """This page's path and query, for `next` links back to it."""
    return request.full_path.rstrip("?")


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


def permission_helpers() -> dict[str, Callable[..., bool]]:
    """The permission rules templates may ask, by name: each is the one function its
    area's services use too, so a page never shows a button the service would refuse."""
    from webapp.admin.permissions import can_open_admin
    from webapp.comments import permissions as comments
    from webapp.communities import permissions as communities
    from webapp.posts import permissions as posts
    from webapp.profiles import permissions as profiles
    from webapp.votes import permissions as votes

    return {
        "can_edit_post": posts.can_edit,
        "can_delete_post": posts.can_delete,
        "can_see_removed_post": posts.can_see_removed,
        "can_edit_comment": comments.can_edit,
        "can_delete_comment": comments.can_delete,
        "can_undelete_comment": comments.can_undelete,
        "can_reply_to": comments.can_reply,
        "can_remove_comment": comments.can_remove,
        "can_restore_comment": comments.can_restore,
        "can_edit_community": communities.can_edit,
        "can_leave_community": communities.can_leave,
        "can_dismiss_moderators": communities.can_dismiss_moderators,
        "can_edit_profile": profiles.can_edit_profile,
        "can_open_admin": can_open_admin,
        "shows_follow_button": profiles.shows_follow_button,
        "shows_vote_buttons": votes.shows_vote_buttons,
    }


def init_app(app: Flask) -> None:
    from webapp.confirmation import take_undo
    from webapp.i18n import SITE_DEFAULT_LANGUAGE
    from webapp.meta.theme import THEME_CHOICES, current_theme
    from webapp.moderation.log import action_label
    from webapp.profiles.avatars import avatar_url
    from webapp.reports.queries import open_reports_link
    from webapp.site_settings import ANNOUNCEMENT_COOKIE, current_settings, visible_announcement

    app.jinja_env.filters["paragraphs"] = paragraphs
    app.jinja_env.globals.update(
        current_theme=current_theme,
        theme_choices=THEME_CHOICES,
        action_label=action_label,
        editor_labels=editor_labels,
        avatar_url=avatar_url,
        current_path=current_path,
        open_reports_link=open_reports_link,
        take_undo=take_undo,
        # This page's URL with query arguments changed: only the keys the page declares
        # (webapp.urls.carries_query) are kept from the request.
        url_with=page_url,
        # url_for's very answer, cheaper where a page builds one kind of link many times.
        fast_url_for=fast_url_for,
        # Post cards kept rendered, with the viewer's vote widget put in (feeds/cards.py).
        stored_cards=cards.stored_cards,
        keep_card=cards.keep_card,
        with_vote_widget=cards.with_vote_widget,
        card_vote_slot=cards.VOTE_SLOT,
        **permission_helpers(),
    )
    # First of all hooks: every page, error pages included, builds links with url_for.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_unusable_host)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    # The locale selector's last resort is the site's default language (webapp.i18n).
    app.extensions[SITE_DEFAULT_LANGUAGE] = lambda: current_settings().default_language

    @app.context_processor
    def site_context():
        # The settings come from the request's copy or the shared cache: no statement.
        settings = current_settings()
        dismissed = request.cookies.get(ANNOUNCEMENT_COOKIE) if has_request_context() else None
        return {
            "site_name": settings.site_name,
            "site_settings": settings,
            "announcement": visible_announcement(settings, dismissed),
        }
