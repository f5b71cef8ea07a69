"""Community forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from webapp.communities import queries, services


class CommunityDetailsForm(FlaskForm):
    """What a community says about itself."""

    title = StringField(
        _l("Title"),
        validators=[
            DataRequired(_l("Give the community a title.")),
            Length(max=100, message=_l("A title has at most 100 characters.")),
        ],
    )
    description = TextAreaField(
        _l("Description"),
        description=_l("What is this community about?"),
        validators=[
            Optional(),
            Length(max=5000, message=_l("A description has at most 5,000 characters.")),
        ],
    )
    rules = TextAreaField(
        _l("Rules"),
        validators=[
            Optional(),
            Length(max=5000, message=_l("The rules have at most 5,000 characters.")),
        ],
    )

    def details(self) -> tuple[str, str, str]:
        """Title, description and rules as sent, in the order the services take them."""
        return self.title.data or "", self.description.data or "", self.rules.data or ""


class NewCommunityForm(CommunityDetailsForm):
    """Create a community: a permanent name plus its details."""

    name = StringField(
        _l("Name"),
        description=_l("3–30 lowercase letters, digits or underscores; it becomes /c/name."),
        validators=[
            DataRequired(_l("Choose a name.")),
            Length(3, 30, message=_l("A name has 3 to 30 characters.")),
            Regexp(
                r"^[a-z0-9_]+$",
                message=_l("Use only lowercase letters, digits and underscores."),
            ),
        ],
    )

    def validate_name(self, field) -> None:
        if services.is_reserved_name(field.data or ""):
            raise ValidationError(services.RESERVED_NAME)
        if queries.community_by_name(field.data) is not None:
            raise ValidationError(_l("A community with this name already exists."))


class ModeratorForm(FlaskForm):
    """Appoint or dismiss a moderator by username."""

    username = StringField(
        _l("Username"),
        validators=[
            DataRequired(_l("Enter a username.")),
            Length(max=30, message=_l("A username has at most 30 characters.")),
        ],
    )
