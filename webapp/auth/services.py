"""Writes for accounts. Services raise domain errors (the web channel turns them into
messages) and flush; the request or command commits."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from webapp.auth import queries, sessions, verification
from webapp.auth.passwords import hash_password, password_matches, password_problem
from webapp.domain import DomainError
from webapp.extensions import db
from webapp.models import Profile, User, utc_now
from webapp.site_settings import require_registration_open

# Compared against when the account does not exist, so that a missing account costs
# the same time as a wrong password and response times do not reveal who is registered.
_DUMMY_HASH: str | None = None


class AccountError(DomainError):
    """A rule about accounts was broken; `field` names the form field to blame."""


class EmailTaken(AccountError):
    """The address already has an account."""


def sign_up(email: str, username: str, password: str) -> User | None:
    """The public sign-up: like `register_user`, and a link to confirm the address is
    mailed to it. An address that already has an account creates nothing and returns
    None, after the same work as a new account (its owner gets a mail instead), so that
    the answer does not tell a stranger who is registered here. Refused while an admin
    has closed sign-ups."""
    require_registration_open()
    try:
        user = register_user(email, username, password)
    except EmailTaken:
        # The owner hears of it by mail (a forgotten account?); the page says nothing.
        existing = queries.user_by_identifier(queries.normalize_email(email))
        if existing is not None:
            verification.send_signup_attempt(existing)
        return None
    verification.send_confirmation(user)
    return user


def register_user(email: str, username: str, password: str) -> User:
    """Create a user and their profile in one transaction."""
    email = queries.normalize_email(email)
    username = username.strip()
    problem = password_problem(password, username=username, email=email)
    if problem:
        raise AccountError(problem, "password")
    password_hash = hash_password(password)  # before the lookup: taken or not, same time
    if queries.email_taken(email):
        raise EmailTaken(_l("An account with this email address already exists."), "email")
    if queries.username_taken(username):  # a deleted account's name is held for 30 days
        raise AccountError(_l("This username is taken. Try another."), "username")
    user = User(email=email, password_hash=password_hash)
    user.profile = Profile(username=username)
    try:
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError:
        # Two sign-ups raced for the same name or address: say which one lost, not a 500.
        if queries.email_taken(email):
            raise EmailTaken(
                _l("An account with this email address already exists."), "email"
            ) from None
        raise AccountError(_l("This username is taken. Try another."), "username") from None
    return user


def authenticate(identifier: str, password: str) -> User | None:
    """The user these credentials belong to, or None. Records the sign-in time."""
    global _DUMMY_HASH
    user = queries.user_by_identifier(identifier)
    if user is None:
        _DUMMY_HASH = _DUMMY_HASH or hash_password("not a real password")
        password_matches(_DUMMY_HASH, password)
        return None
    if not password_matches(user.password_hash, password):
        return None
    return user


def sign_in_check(identifier: str, password: str) -> User:
    """The account these credentials open; refused when they do not match or the
    account is suspended."""
    user = authenticate(identifier, password)
    if user is None:
        raise AccountError(_l("That email/username and password do not match."), "password")
    if user.is_banned:
        raise AccountError(ban_message(user), "identifier")
    return user


def ban_message(user: User):
    """Why a banned account cannot sign in, and until when."""
    from webapp.i18n import date_time

    if user.banned_until is None:
        return _l("This account is suspended. Reason: %(reason)s", reason=user.ban_reason)
    return _l(
        "This account is suspended until %(date)s. Reason: %(reason)s",
        date=date_time(user.banned_until),
        reason=user.ban_reason,
    )


def record_login(user: User) -> None:
    """Remember when the person last signed in."""
    user.last_login_at = utc_now()


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Set a new password and sign out every other session of this user."""
    if not password_matches(user.password_hash, current_password):
        raise AccountError(_l("Your current password is not correct."), "current_password")
    problem = password_problem(new_password, username=user.profile.username, email=user.email)
    if problem:
        raise AccountError(problem, "new_password")
    user.password_hash = hash_password(new_password)
    sessions.close_other_sessions(user)
    db.session.flush()


def change_email(user: User, password: str, new_email: str) -> None:
    """Move the account to a new email address (the password confirms it). The new
    address waits for confirmation; the old one is told, with a link that undoes it."""
    if not password_matches(user.password_hash, password):
        raise AccountError(_l("Your current password is not correct."), "email_password")
    old_email, old_was_confirmed = user.email, user.email_verified
    try:
        with db.session.begin_nested():
            user.email = queries.normalize_email(new_email)
            user.email_verified_at = None
    except IntegrityError:
        raise AccountError(
            _l("An account with this email address already exists."), "new_email"
        ) from None
    verification.notify_email_change(user, old_email, old_was_confirmed)
