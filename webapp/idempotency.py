"""Submitted once, stored once. Each rendered post or comment form carries a random key;
the first submit of that key claims it in the same transaction as what it creates, and
any later (or concurrent) submit of the same key is answered with the first result.

On PostgreSQL a concurrent second claim waits on the unique index until the first
transaction ends, then finds its row; a rolled-back first attempt frees the key."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from wtforms import HiddenField
from wtforms.validators import Optional, Regexp

from webapp.extensions import db
from webapp.models import FormSubmission, User, utc_now

# How long a key is remembered: far longer than any double click or retry.
KEPT_FOR = timedelta(days=1)


def new_key() -> str:
    return secrets.token_urlsafe(18)


class SubmittedOnce:
    """A form mixin: a hidden key, new for each rendered form, kept on re-render."""

    submission_key = HiddenField(
        default=new_key, validators=[Optional(), Regexp(r"^[A-Za-z0-9_-]{16,64}$")]
    )


def _earlier(user: User, key: str) -> FormSubmission | None:
    statement = select(FormSubmission).where(
        FormSubmission.user_id == user.id, FormSubmission.key == key
    )
    return db.session.scalar(statement)


@dataclass
class Claim:
    """The outcome of claiming a form's key."""

    submission: FormSubmission | None = None
    # Set when the same form was submitted before: answer with it, create nothing.
    earlier_url: str | None = None

    def fulfil(self, result_url: str) -> None:
        """Record where the result of the claimed form lives."""
        if self.submission is not None:
            self.submission.result_url = result_url[:500]
            db.session.flush()


def claim(user: User, key: str | None) -> Claim:
    """Claim `key` for what this request is about to create (a form without a key, such
    as an old page's, is not de-duplicated)."""
    if not key:
        return Claim()
    earlier = _earlier(user, key)
    if earlier is not None:
        return Claim(earlier_url=earlier.result_url)
    submission = FormSubmission(user_id=user.id, key=key)
    try:
        with db.session.begin_nested():
            db.session.add(submission)
    except IntegrityError:
        # A concurrent submit of the same form claimed it first and has committed.
        winner = _earlier(user, key)
        return Claim(earlier_url=winner.result_url if winner is not None else "")
    db.session.execute(
        delete(FormSubmission).where(
            FormSubmission.user_id == user.id, FormSubmission.created_at < utc_now() - KEPT_FOR
        )
    )
    return Claim(submission=submission)
