"""Mail: localized plain-text + HTML messages, sent once the database has committed.

With `MAIL_SERVER` set, Flask-Mailman sends over SMTP (`MAIL_PORT`, `MAIL_USE_TLS`,
`MAIL_USE_SSL`, `MAIL_USERNAME`, `MAIL_PASSWORD`, `MAIL_FROM`). Without it (the embedded
default of `make run`), every message is written to `instance/outbox/` as one `.eml`
file that any mail program opens, and the log says where.

`send_mail` renders the message at once, in the recipient's language (so a link or a
date inside it is that of the request that caused it), and hands it to the mail server
only after the transaction commits: a write that rolls back sends nothing. A mail that
cannot be delivered is logged; it never turns the page that caused it into an error.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Mapping
from contextlib import nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_app_context, render_template
from flask_babel import force_locale
from flask_mailman import EmailMultiAlternatives, Mail
from flask_mailman.backends.base import BaseEmailBackend

from webapp.config import OUTBOX_BACKEND
from webapp.unit_of_work import after_commit

log = logging.getLogger(__name__)

mail = Mail()


class OutboxEmailBackend(BaseEmailBackend):
    """Writes each message to `MAIL_OUTBOX` as `<time>-<random>.eml` (no server needed)."""

    def send_messages(self, email_messages) -> int:
        folder = Path(current_app.config["MAIL_OUTBOX"])
        folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
            path = folder / f"{stamp}-{secrets.token_hex(3)}.eml"
            # Whole or not at all: a reader of the outbox never sees half a message.
            partial = path.with_suffix(".partial")
            partial.write_bytes(message.message().as_bytes())
            partial.replace(path)
            log.warning("Mail to %s written to %s", ", ".join(message.to), path)
            sent += 1
        return sent


def recipient_locale(locale: str | None) -> str:
    """The language to write to someone in: theirs, else the site's default."""
    from webapp.i18n import normalize_locale, site_default_language

    return normalize_locale(locale) or site_default_language()


def render_mail(
    template: str, locale: str | None, context: Mapping[str, Any]
) -> tuple[str, str, str]:
    """(subject, text, html) of `mail/<template>` in `locale`. The text template's first
    line is the subject; the HTML template extends `mail/base.html`."""
    from webapp.site_settings import current_settings

    context = {"site_name": current_settings().site_name, **context}
    with force_locale(recipient_locale(locale)):
        text = render_template(f"mail/{template}.txt", **context)
        html = render_template(f"mail/{template}.html", **context)
    subject, _, body = text.lstrip().partition("\n")
    return subject.strip(), body.strip() + "\n", html


def compose_mail(
    to: str, template: str, locale: str | None = None, **context: Any
) -> EmailMultiAlternatives:
    """`mail/<template>` written to `to` in `locale`, ready to send."""
    subject, text, html = render_mail(template, locale, context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=current_app.config["MAIL_FROM"],
        to=[to],
    )
    message.attach_alternative(html, "text/html")
    return message


def send_mail(
    to: str,
    template: str,
    locale: str | None = None,
    *,
    beside_response: bool = False,
    **context: Any,
) -> EmailMultiAlternatives:
    """Write `mail/<template>` to `to` in `locale` now; send it after the commit. With
    `beside_response`, the mail server is talked to in a thread of its own, so the answer
    does not wait for it (the answer's timing then tells nothing about the mail)."""
    message = compose_mail(to, template, locale, **context)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if beside_response:
        after_commit(lambda: threading.Thread(target=deliver, args=(app, message)).start())
    else:
        after_commit(lambda: deliver(app, message))
    return message


def rehearse_beside_response(message: EmailMultiAlternatives) -> None:
    """What `send_mail(..., beside_response=True)` costs this process (a thread, after
    the commit, that builds the message's bytes), without sending it anywhere: an answer
    that must not tell whether a mail went out does this when none does."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def build() -> None:
        with app.app_context():
            message.message().as_bytes()

    after_commit(lambda: threading.Thread(target=build).start())


def deliver(app: Flask, message: EmailMultiAlternatives) -> bool:
    """Hand one message to the mail server (or the outbox); False when that failed."""
    # After a request's or command's commit the app context is there already; pushing
    # and leaving a second one would close the session whose commit is still running.
    with nullcontext() if has_app_context() else app.app_context():
        try:
            message.send()
        except Exception:  # a mail server that is down must not break the page
            log.exception("Could not send mail to %s", ", ".join(message.to))
            return False
    return True


def init_app(app: Flask) -> None:
    mail.init_app(app)
    if app.config["MAIL_BACKEND"] == OUTBOX_BACKEND and not app.testing:
        log.info("No MAIL_SERVER: mail is written to %s", app.config["MAIL_OUTBOX"])
