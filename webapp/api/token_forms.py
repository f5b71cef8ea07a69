"""The form that creates a personal access token on /settings/tokens."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # 3.3; stubs: 3.2

from webapp.api.tokens import NAME_MAX
from webapp.models.token import SCOPE_READ, SCOPE_WRITE

# What a token may do, as the page says it.
SCOPE_LABELS = {
    SCOPE_READ: _l("Read"),
    SCOPE_WRITE: _l("Read and write"),
}


class TokenForm(FlaskForm):
    """A name (so the person knows later what uses the token) and what it may do. The
    service checks both (the same rules for `flask api-token create`)."""

    name = StringField(
        _l("Name"),
        description=_l("What will use it, e.g. “backup script”. At most 100 characters."),
        render_kw={"maxlength": NAME_MAX, "autocomplete": "off"},
    )
    scope = RadioField(
        _l("What it may do"),
        choices=[SelectChoice(key, label) for key, label in SCOPE_LABELS.items()],
        default=SCOPE_READ,
        # An unknown value reaches the service, which says what a token can do.
        validate_choice=False,
    )
