"""Confirmation before a destructive action: a page of its own without JavaScript (the
GET of the action's address), the same form inside a native <dialog> with htmx."""

from __future__ import annotations

from typing import Any

from flask import render_template, session

from webapp.htmx import is_htmx


def confirmation(
    *,
    title: str,
    question: str,
    action: str,
    button: str,
    cancel_url: str,
    preview: dict[str, Any],
    reason_form: Any = None,
    status: int = 200,
):
    """Ask before `action` (a POST address) runs. `preview` shows what it acts on:
    {"title": ..., "html": ...}; `reason_form` adds a required reason (moderators)."""
    template = "confirm/_form.html" if is_htmx() else "confirm/page.html"
    context = {
        "title": title,
        "question": question,
        "action": action,
        "button": button,
        "cancel_url": cancel_url,
        "preview": preview,
        "reason_form": reason_form,
    }
    return render_template(template, **context), status


UNDO_KEY = "undo"


def offer_undo(action: str, label: str) -> None:
    """Show an Undo button (a POST to `action`) with the next page's messages."""
    session[UNDO_KEY] = {"action": action, "label": label}


def take_undo() -> dict[str, str] | None:
    """The Undo offered by the previous request, shown once (a Jinja global)."""
    return session.pop(UNDO_KEY, None)
