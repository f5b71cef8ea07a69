"""Confirming email addresses: the link sent at sign-up and after a change, the notice to
the old address with its "undo" link, and the site rule that posting waits until the
address is confirmed.

Every mailed link is a signed token (webapp/auth/tokens.py) naming the account and the
state it expects; once that state changes (the address, the password) the link is spent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from webapp.auth import queries, sessions
from webapp.auth.tokens import TokenExpired, TokenInvalid, make_token, read_token
from webapp.domain import DomainError
from webapp.extensions import db
from webapp.locking import lock_for_update
from webapp.mail import send_mail
from webapp.models import User, utc_now
from webapp.site_settings import current_settings

CONFIRM_PURPOSE = "confirm-email"
UNDO_PURPOSE = "undo-email-change"
# Both links work for a week: long enough for a holiday, short enough to be forgotten.
LINK_MAX_AGE = 7 * 24 * 3600


class VerificationError(DomainError):
    """A rule about confirming or changing an address was broken."""


class UnconfirmedEmail(VerificationError):
    """Posting waits for a confirmed address. The form keeps what was typed (the HTML
    channel shows this refusal in the form, not on an error page): confirming takes a
    minute, and the text is sent again afterwards."""

    keeps_form = True


# -- Mailed links ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenedLink:
    """What a mailed link opens: the account and the token's payload, or why it does not
    work (too old, altered, made for something else, or spent)."""

    user: User | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    problem: str | None = None


def read_link(
    purpose: str,
    token: str,
    max_age: int,
    account_of: Callable[[dict[str, Any]], User | None],
    spent_message,
) -> tuple[User, dict[str, Any]]:
    """The account a link acts on and its payload; raises TokenExpired or TokenInvalid.
    `account_of(payload)` returns the account while the state the token expects still
    holds, else None (the link is spent: `spent_message` says so)."""
    payload = read_token(purpose, token, max_age)
    user = None
    if isinstance(payload, dict) and isinstance(payload.get("u"), int):
        user = account_of(payload)
    if user is None:
        raise TokenInvalid(spent_message, status=400)
    return user, payload


def open_link(
    purpose: str,
    token: str,
    max_age: int,
    account_of: Callable[[dict[str, Any]], User | None],
    spent_message,
) -> OpenedLink:
    """Like `read_link`, for the page a link leads to: a link that does not work is an
    answer to show (with a way to ask for a new one), not a broken rule."""
    try:
        user, payload = read_link(purpose, token, max_age, account_of, spent_message)
    except (TokenExpired, TokenInvalid) as error:
        return OpenedLink(problem=str(error.message))
    return OpenedLink(user=user, payload=payload)


def mail_language(user: User) -> str | None:
    """The account's language, else that of the page that caused the mail (the person
    who just signed up or asked for a link reads it)."""
    if user.locale:
        return user.locale
    locale = get_locale()
    return str(locale) if locale is not None else None


# -- Confirming an address ------------------------------------------------------------------


def send_confirmation(user: User) -> None:
    """Mail the account's address a link that confirms it (after the commit)."""
    token = make_token(CONFIRM_PURPOSE, {"u": user.id, "e": user.email})
    send_mail(
        user.email,
        "confirm_email",
        mail_language(user),
        username=user.profile.username,
        email=user.email,
        link=url_for("auth.confirm_email", token=token, _external=True),
    )


def _while_address_is(payload: dict[str, Any]) -> User | None:
    user = db.session.get(User, payload["u"])
    return user if user is not None and user.email == payload.get("e") else None


_CONFIRM_SPENT = _l("This link is for an address your account no longer uses. Ask for a new one.")


def open_confirmation(token: str) -> OpenedLink:
    """The account a confirmation link is for, or why the link does not work."""
    return open_link(CONFIRM_PURPOSE, token, LINK_MAX_AGE, _while_address_is, _CONFIRM_SPENT)


def confirm_email(token: str) -> User:
    """Mark the address the link was sent to as confirmed (again is harmless)."""
    user, _payload = read_link(
        CONFIRM_PURPOSE, token, LINK_MAX_AGE, _while_address_is, _CONFIRM_SPENT
    )
    mark_confirmed(user)
    return user


def mark_confirmed(user: User) -> None:
    """The person proved they read mail at the account's address."""
    if user.email_verified_at is None:
        user.email_verified_at = utc_now()
        db.session.flush()


def resend_confirmation(user: User) -> None:
    """Send a new confirmation link (the old ones keep working until they expire)."""
    if user.email_verified:
        raise VerificationError(_l("Your email address is confirmed already."), status=409)
    send_confirmation(user)


def send_signup_attempt(user: User) -> None:
    """Someone tried to sign up with this account's address: tell its owner, who may
    have forgotten the account (the sign-up page itself says nothing)."""
    send_mail(
        user.email,
        "signup_attempt",
        user.locale,
        username=user.profile.username,
        sign_in_link=url_for("auth.login", identifier=user.email, _external=True),
        reset_link=url_for("auth.forgot_password", email=user.email, _external=True),
    )


def require_confirmed_to_post(user: User) -> None:
    """Refuse (403) a new post, comment or community while the site wants confirmed
    addresses and this one is not confirmed yet."""
    if current_settings().posting_requires_verified_email and not user.email_verified:
        raise UnconfirmedEmail(
            _l(
                "Confirm your email address before you post: use the link we sent you, "
                "or ask for a new one."
            ),
            status=403,
        )


# -- A changed address: the notice to the old one, and undoing the change -------------------


def notify_email_change(user: User, old_email: str, old_was_confirmed: bool) -> None:
    """After a change of address: a confirmation link to the new address, and to the
    old one a notice with a link that undoes the change (for a week)."""
    send_confirmation(user)
    token = make_token(
        UNDO_PURPOSE,
        {"u": user.id, "old": old_email, "new": user.email, "v": old_was_confirmed},
    )
    send_mail(
        old_email,
        "email_changed",
        mail_language(user),
        username=user.profile.username,
        new_email=user.email,
        link=url_for("auth.undo_email_change", token=token, _external=True),
    )


def _while_changed(payload: dict[str, Any]) -> User | None:
    user = db.session.get(User, payload["u"])
    if user is None or not isinstance(payload.get("old"), str):
        return None
    return user if user.email == payload.get("new") else None


_UNDO_SPENT = _l(
    "This change was undone already, or the address has changed again since this mail was sent."
)


def open_undo_link(token: str) -> OpenedLink:
    """The account an "undo the change" link is for, or why it does not work."""
    return open_link(UNDO_PURPOSE, token, LINK_MAX_AGE, _while_changed, _UNDO_SPENT)


def undo_email_change(token: str) -> tuple[User, str]:
    """Give the account its old address back (confirmed if it was) and sign out every
    device: whoever changed it may be signed in. Returns the account and the address."""
    user, payload = read_link(UNDO_PURPOSE, token, LINK_MAX_AGE, _while_changed, _UNDO_SPENT)
    lock_for_update(user)  # two clicks at once: the second one finds the link spent
    if _while_changed(payload) is None:
        raise TokenInvalid(_UNDO_SPENT, status=400)
    old_email = payload["old"]
    taken = VerificationError(
        _l(
            "The address %(email)s belongs to another account now, so it cannot come back "
            "to this one.",
            email=old_email,
        ),
        status=409,
    )
    if queries.email_taken(old_email):
        raise taken
    try:
        with db.session.begin_nested():
            user.email = old_email
            user.email_verified_at = utc_now() if payload.get("v") else None
    except IntegrityError:
        raise taken from None
    sessions.close_all_sessions(user)
    db.session.flush()
    return user, old_email
