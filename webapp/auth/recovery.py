"""Password reset: a signed link by mail that works for one hour and only once.

The link names the account and a fingerprint of its password hash and address: setting
a password (through the link or otherwise) or changing the address spends it.
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l

from webapp.auth import queries, sessions, verification
from webapp.auth.passwords import hash_password, password_problem
from webapp.auth.services import AccountError
from webapp.auth.tokens import TokenInvalid, fingerprint, make_token
from webapp.auth.verification import OpenedLink
from webapp.extensions import db
from webapp.locking import lock_for_update
from webapp.mail import compose_mail, rehearse_beside_response, send_mail
from webapp.models import User

RESET_PURPOSE = "password-reset"
RESET_MAX_AGE = 3600  # one hour, as the mail says

_RESET_SPENT = _l(
    "This link has been used already, or the password has changed since it was sent. "
    "Ask for a new one."
)


def _state_of(user: User) -> str:
    return fingerprint(user.password_hash, user.email)


def _reset_link(user_id: int, state: str) -> str:
    token = make_token(RESET_PURPOSE, {"u": user_id, "f": state})
    return url_for("auth.reset_password", token=token, _external=True)


def request_password_reset(email: str) -> None:
    """Mail a reset link to the account that uses `email`, if there is one. Nothing
    tells the asker which: without an account the same lookup, link and mail are made
    (and dropped), and the mail leaves after the response in either case."""
    user = queries.user_by_identifier(queries.normalize_email(email)) if "@" in email else None
    if user is None:
        # The same work as for an account (a link and a rendered mail), sent nowhere.
        decoy = compose_mail(
            "nobody@invalid",
            "password_reset",
            None,
            username="",
            link=_reset_link(0, fingerprint(email)),
        )
        rehearse_beside_response(decoy)
        return
    link = _reset_link(user.id, _state_of(user))
    # Handing a mail to the server takes time that an unknown address would not: it
    # happens beside the response, not before it.
    send_mail(
        user.email,
        "password_reset",
        verification.mail_language(user),
        beside_response=True,
        username=user.profile.username,
        link=link,
    )


def _while_password_is(payload: dict[str, Any]) -> User | None:
    user = db.session.get(User, payload["u"])
    return user if user is not None and _state_of(user) == payload.get("f") else None


def open_reset_link(token: str) -> OpenedLink:
    """The account a reset link is for, or why the link does not work."""
    return verification.open_link(
        RESET_PURPOSE, token, RESET_MAX_AGE, _while_password_is, _RESET_SPENT
    )


def reset_password(token: str, new_password: str) -> User:
    """Set the password the link's owner chose, sign out every device of the account,
    and count the address as confirmed (the link arrived there). The link is spent."""
    user, payload = verification.read_link(
        RESET_PURPOSE, token, RESET_MAX_AGE, _while_password_is, _RESET_SPENT
    )
    lock_for_update(user)  # the same link sent twice at once: the second finds it spent
    if _while_password_is(payload) is None:
        raise TokenInvalid(_RESET_SPENT, status=400)
    problem = password_problem(new_password, username=user.profile.username, email=user.email)
    if problem:
        raise AccountError(problem, "new_password")
    user.password_hash = hash_password(new_password)
    sessions.close_all_sessions(user)
    verification.mark_confirmed(user)
    db.session.flush()
    return user
