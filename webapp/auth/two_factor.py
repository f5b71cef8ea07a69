"""Two-factor sign-in: turning it on and off, recovery codes, and checking a second
factor. Services raise TwoFactorError (its `field` names the form field to blame) and
flush; the request commits, and the mails about it go out after the commit.

No code works twice: an accepted code's time step is stored with a conditional UPDATE
(only when it is later than the last one accepted), and a recovery code is spent with a
conditional UPDATE too, so two requests racing with one code cannot both succeed."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, exists, func, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from webapp.auth import totp
from webapp.auth.passwords import password_matches
from webapp.auth.tokens import fingerprint, make_token, read_token
from webapp.domain import DomainError
from webapp.extensions import db
from webapp.mail import send_mail
from webapp.models import RecoveryCode, User, utc_now

DEVICE_PURPOSE = "two-factor-device"
DEVICE_FOR = timedelta(days=30)
RECOVERY_CODE_COUNT = 10
# Lower-case letters and digits without the look-alikes 0/o, 1/l/i.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_HALF = 5  # a code reads "xxxxx-xxxxx"

WRONG_PASSWORD = _l("Your current password is not correct.")
WRONG_CODE = _l("That code is not right. Type the code your app shows now.")
USED_CODE = _l("That code was used already. Wait for the next one.")
NOT_A_CODE = _l("Enter the 6-digit code from your app.")
NOT_A_CODE_OR_RECOVERY = _l("Enter the 6-digit code from your app or one of your recovery codes.")
WRONG_RECOVERY_CODE = _l("That recovery code is not right.")
USED_RECOVERY_CODE = _l("That recovery code was used already. Each one works only once.")


class TwoFactorError(DomainError):
    """A two-factor rule was broken; `field` names the form field to blame."""


def now_seconds() -> float:
    """The Unix time codes are checked against (one place, so tests can move it)."""
    return time.time()


def device_state(user: User) -> str:
    """A fingerprint of what a remembered device or a waiting sign-in trusted: a new
    secret (2FA turned off and on) or a new password makes it stale."""
    return fingerprint(user.totp_secret, user.password_hash)


def device_token(user: User) -> str:
    """The value of a "remember this device" cookie for `user` (signed, dated)."""
    return make_token(DEVICE_PURPOSE, {"user": user.id, "state": device_state(user)})


def device_token_valid(user: User, token: str | None) -> bool:
    """Whether `token` remembers this browser for `user`: genuine, younger than 30
    days, and made for the secret and password the account has now."""
    if not token:
        return False
    try:
        payload = read_token(DEVICE_PURPOSE, token, int(DEVICE_FOR.total_seconds()))
    except DomainError:  # forged, altered or expired: the code is asked for, as usual
        return False
    if not isinstance(payload, dict) or payload.get("user") != user.id:
        return False
    state = payload.get("state")
    return isinstance(state, str) and hmac.compare_digest(state, device_state(user))


def setup_in_progress(user: User) -> bool:
    """A secret was made for the app but not yet confirmed with a first code."""
    return bool(user.totp_secret) and user.totp_enabled_at is None


def _check_password(user: User, password: str, field: str) -> None:
    if not password_matches(user.password_hash, password):
        raise TwoFactorError(WRONG_PASSWORD, field)


def start_setup(user: User, password: str) -> None:
    """Make a new secret for the person's authenticator app (the password proves it is
    them). Two-factor sign-in counts only once a first code confirms the app has it."""
    if user.has_two_factor:
        raise TwoFactorError(_l("Two-factor sign-in is already on."), status=409)
    _check_password(user, password, "password")
    user.totp_secret = totp.new_secret()
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.flush()


def cancel_setup(user: User) -> None:
    """Forget a secret that was never confirmed (two-factor sign-in stays off)."""
    if setup_in_progress(user):
        user.totp_secret = None
        user.totp_last_step = None
        db.session.flush()


def confirm_setup(user: User, code: str) -> list[str]:
    """Turn two-factor sign-in on with a first code from the app; returns the new
    recovery codes (shown once: only their hashes are kept)."""
    if not setup_in_progress(user):
        raise TwoFactorError(_l("Start the setup again: it was not in progress."), status=409)
    if totp.normalize_code(code) is None:
        raise TwoFactorError(NOT_A_CODE, "code")
    _accept_app_code(user, code, "code")
    user.totp_enabled_at = utc_now()
    codes = _replace_recovery_codes(user)
    send_mail(user.email, "two_factor_on", user.locale, username=user.profile.username)
    return codes


def renew_recovery_codes(user: User, password: str, code: str) -> list[str]:
    """Replace every recovery code with ten new ones (password and a current code, or a
    recovery code, prove it is them); returns the new codes."""
    _require_on(user)
    _check_password(user, password, "password")
    check_second_factor(user, code, "code")
    return _replace_recovery_codes(user)


def turn_off(user: User, password: str, code: str) -> None:
    """Turn two-factor sign-in off: needs the password and a current code (or a recovery
    code). The secret and the recovery codes are deleted; remembered devices go stale."""
    _require_on(user)
    _check_password(user, password, "password")
    check_second_factor(user, code, "code")
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.flush()
    send_mail(user.email, "two_factor_off", user.locale, username=user.profile.username)


def _require_on(user: User) -> None:
    if not user.has_two_factor:
        raise TwoFactorError(_l("Two-factor sign-in is off."), status=409)


def check_second_factor(user: User, code: str, field: str = "code") -> str:
    """Accept a code from the app or an unused recovery code, once: "app" or
    "recovery", whichever it was. Raises TwoFactorError on `field` otherwise."""
    _require_on(user)
    if totp.normalize_code(code) is not None:
        _accept_app_code(user, code, field)
        return "app"
    recovery = normalize_recovery_code(code)
    if recovery is None:
        raise TwoFactorError(NOT_A_CODE_OR_RECOVERY, field)
    _spend_recovery_code(user, recovery, field)
    return "recovery"


def _accept_app_code(user: User, code: str, field: str) -> None:
    secret = user.totp_secret or ""
    step = totp.matching_step(secret, code, now_seconds())
    if step is None:
        raise TwoFactorError(WRONG_CODE, field)
    # Only if no code of this step or a later one was accepted: of two requests racing
    # with one code, the second finds the row changed (PostgreSQL re-reads it after the
    # first commits; SQLite lets one writer in at a time) and updates nothing.
    claimed = db.session.execute(
        update(User)
        .where(User.id == user.id)
        .where(or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise TwoFactorError(USED_CODE, field)
    set_committed_value(user, "totp_last_step", step)


# -- Recovery codes --------------------------------------------------------------------


def normalize_recovery_code(code: str | None) -> str | None:
    """The ten characters of a typed recovery code (any case, with or without the dash
    and spaces), or None when it cannot be one."""
    if code is None or len(code) > 40:
        return None
    cleaned = "".join(code.split()).replace("-", "").lower()
    if len(cleaned) != 2 * RECOVERY_HALF or any(c not in RECOVERY_ALPHABET for c in cleaned):
        return None
    return cleaned


def recovery_code_hash(code: str) -> str:
    """What is stored of a recovery code: the SHA-256 of its ten characters."""
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def _new_recovery_code() -> str:
    characters = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(2 * RECOVERY_HALF))
    return f"{characters[:RECOVERY_HALF]}-{characters[RECOVERY_HALF:]}"


def _replace_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(
        RecoveryCode(user_id=user.id, code_hash=recovery_code_hash(code.replace("-", "")))
        for code in codes
    )
    db.session.flush()
    return codes


def _spend_recovery_code(user: User, code: str, field: str) -> None:
    code_hash = recovery_code_hash(code)
    spent = db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == code_hash)
        .where(RecoveryCode.used_at.is_(None))
        .values(used_at=utc_now())
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount == 1:  # type: ignore[attr-defined]
        return
    known = db.session.scalar(
        select(exists().where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == code_hash))
    )
    raise TwoFactorError(USED_RECOVERY_CODE if known else WRONG_RECOVERY_CODE, field)


def recovery_codes_left(user: User) -> int:
    """How many of the person's recovery codes are still unused."""
    statement = (
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )
    return int(db.session.scalar(statement) or 0)
