"""Forms of the admin's people pages: ban, unban, admin rights and purge."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import get_timezone
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms.validators import Optional, ValidationError

from webapp.moderation.forms import ban_days_field, reason_field


class BanForm(FlaskForm):
    """Ban a person: a reason, and either a number of days, an end date or neither
    (until an admin lifts it)."""

    reason = reason_field(
        _l("Reason"),
        _l("Say why this person is banned."),
        _l("Shown to the person when they try to sign in, and in the moderation log."),
    )
    days = ban_days_field(_l("For how many days (leave empty for no end)"))
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
    unban_reason = reason_field(_l("Reason (optional)"))


class AdminRightsForm(FlaskForm):
    """Make a person an admin or take it away: the button is the whole form."""


class PurgeForm(FlaskForm):
    """Remove everything a person wrote: the reason goes into the log."""

    reason = reason_field(
        _l("Reason"),
        _l("Say why everything this person wrote is removed."),
        _l("Shown in the moderation log."),
    )
