"""Forms of the admin's people pages: ban, unban, admin rights and purge."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import get_timezone
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from webapp.moderation.log import BAN_DAYS_MAX, BAN_DAYS_MESSAGE, REASON_MAX


def _reason_field(label, missing_message=None, description=None):
    presence = DataRequired(missing_message) if missing_message is not None else Optional()
    length = Length(max=REASON_MAX, message=_l("A reason has at most 500 characters."))
    return TextAreaField(label, [presence, length], description=description)


class BanForm(FlaskForm):
    """Ban a person: a reason, and either a number of days, an end date or neither
    (until an admin lifts it)."""

    reason = _reason_field(
        _l("Reason"),
        _l("Say why this person is banned."),
        _l("Shown to the person when they try to sign in, and in the moderation log."),
    )
    days = IntegerField(
        _l("For how many days (leave empty for no end)"),
        [
            Optional(),
            NumberRange(
                min=1,
                max=BAN_DAYS_MAX,
                message=BAN_DAYS_MESSAGE,
            ),
        ],
    )
    until = DateField(
        _l("Or until this date"),
        [Optional()],
        description=_l("The ban ends at the start of that day, in your time zone."),
    )

    def validate_until(self, field) -> None:
        if field.data is not None and self.days.data is not None:
            raise ValidationError(_l("Give a number of days or a date, not both."))

    def ends_at(self) -> datetime | None:
        """When the ban ends (UTC), or None for no end."""
        if self.days.data is not None:
            return datetime.now(UTC) + timedelta(days=self.days.data)
        if self.until.data is not None:
            return start_of_day(self.until.data)
        return None


def start_of_day(day: date) -> datetime:
    """Midnight of `day` in the viewer's time zone, in UTC."""
    zone = ZoneInfo(str(get_timezone() or "UTC"))  # flask_babel gives pytz: use its name
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)


class UnbanForm(FlaskForm):
    """Lift a ban (the reason is optional)."""

    # Not "reason": the ban form on the same page has that id.
    unban_reason = _reason_field(_l("Reason (optional)"))


class AdminRightsForm(FlaskForm):
    """Make a person an admin or take it away: the button is the whole form."""


class PurgeForm(FlaskForm):
    """Remove everything a person wrote: the reason goes into the log."""

    reason = _reason_field(
        _l("Reason"),
        _l("Say why everything this person wrote is removed."),
        _l("Shown in the moderation log."),
    )
