"""Report forms: filing a report, and a moderator's resolution of one."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # 3.3; stubs: 3.2
from wtforms.validators import DataRequired, Length

from webapp.models.report import (
    DETAILS_MAX,
    STATUS_BANNED,
    STATUS_DISMISSED,
    STATUS_OPEN,
    STATUS_REMOVED,
)
from webapp.moderation.forms import ban_days_field, reason_field

REASON_LABELS = {
    "spam": _l("Spam"),
    "harassment": _l("Harassment"),
    "hate": _l("Hate"),
    "violence": _l("Violence or threats"),
    "illegal": _l("Illegal content"),
    "rules": _l("Breaks the community's rules"),
    "other": _l("Something else"),
}

OUTCOME_LABELS = {
    STATUS_REMOVED: _l("Remove it"),
    STATUS_DISMISSED: _l("Dismiss the report"),
    STATUS_BANNED: _l("Ban the person"),
}

# What a resolved report says happened.
RESOLVED_LABELS = {
    STATUS_REMOVED: _l("Removed"),
    STATUS_DISMISSED: _l("Dismissed"),
    STATUS_BANNED: _l("Banned"),
    STATUS_OPEN: _l("Open"),
}
# What was reported, as a table cell names it.
KIND_LABELS = {  # nouns: "Post" and "Comment" are also buttons (verbs) elsewhere
    "post": lazy_pgettext("kind of item", "Post"),
    "comment": lazy_pgettext("kind of item", "Comment"),
    "user": lazy_pgettext("kind of item", "Person"),
    "community": lazy_pgettext("kind of item", "Community"),
}


class ReportForm(FlaskForm):
    """Why a person reports something."""

    reason = RadioField(
        _l("Why are you reporting this?"),
        choices=[SelectChoice(key, label) for key, label in REASON_LABELS.items()],
        validators=[DataRequired(_l("Choose why you report this."))],
    )
    details = TextAreaField(
        _l("Details"),
        description=_l("Optional, except for “Something else”. At most 1000 characters."),
        validators=[
            Length(max=DETAILS_MAX, message=_l("Details have at most 1000 characters.")),
        ],
    )


class ResolveForm(FlaskForm):
    """One step to resolve a report: what to do, why, and for a ban how long."""

    outcome = SelectField(
        _l("Outcome"), choices=[SelectChoice(key, label) for key, label in OUTCOME_LABELS.items()]
    )
    reason = reason_field(
        _l("Reason"),
        _l("Say why you resolve the report this way."),
        _l("Shown in the moderation log."),
    )
    ban_days = ban_days_field(
        _l("Ban for (days)"), _l("For a ban only. Leave empty for a ban until it is lifted.")
    )

    def offer(self, outcomes: tuple[str, ...]) -> ResolveForm:
        """Offer only the outcomes that fit the report (and the resolver)."""
        self.outcome.choices = [SelectChoice(key, OUTCOME_LABELS[key]) for key in outcomes]
        return self
