"""Confirmation before a destructive action: a page of its own without JavaScript (the
GET of the action's address), the same form inside a native <dialog> with htmx
(static/js/confirm.js), and an Undo offered with the next page's messages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import abort, render_template, request, session
from flask_login import current_user

from webapp.communities.permissions import require_moderator
from webapp.htmx import is_htmx
from webapp.moderation.forms import RemovalForm
from webapp.web import errors_show_in

UNDO_KEY = "undo"


@dataclass
class Confirmation:
    """What to ask before `action` (a POST address) runs, and what it acts on."""

    title: str
    question: str
    action: str
    button: str
    cancel_url: str
    # {"title": ..., "html": ...}: what the action acts on, shown as a quote.
    preview: dict[str, Any] = field(default_factory=dict)

    def page(self, reason_form: Any = None, status: int = 200):
        """The question as a page, or as the dialog's fragment for htmx."""
        template = "confirm/_form.html" if is_htmx() else "confirm/page.html"
        return render_template(template, ask=self, reason_form=reason_form), status


def ask_first(ask: Confirmation, allowed: bool):
    """For a GET of a delete address: the question (403 when not `allowed`). None for
    the POST that answers it."""
    if request.method != "GET":
        return None
    if not allowed:
        abort(403)
    return ask.page()


def ask_moderator_for_reason(
    ask: Confirmation, community_id: int, remove: Callable[[str | None], None]
):
    """A moderator's removal: the GET asks for the reason (moderators only); the POST
    calls `remove(reason)`, or asks again with the form's message. None once removed."""
    form = RemovalForm()
    if request.method == "GET":
        require_moderator(current_user, community_id)
        return ask.page(reason_form=form)
    errors_show_in(form, lambda: ask.page(reason_form=form, status=422), "reason")
    remove(form.reason.data)
    return None


def offer_undo(action: str, label: str) -> None:
    """Show an Undo button (a POST to `action`) with the next page's messages."""
    session[UNDO_KEY] = {"action": action, "label": label}


def take_undo() -> dict[str, str] | None:
    """The Undo offered by the previous request, shown once (a Jinja global)."""
    return session.pop(UNDO_KEY, None)
