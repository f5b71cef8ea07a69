"""`/api/v1/me`: who the token belongs to, and what the token may do."""

from __future__ import annotations

from flask import g
from flask.views import MethodView
from flask_login import current_user
from marshmallow import Schema, fields

from webapp.api.core import api_blueprint
from webapp.api.schemas import PersonRefSchema

bp = api_blueprint("Me", __name__, "The token's owner.")


class MeSchema(Schema):
    """The token's owner as others see them, and what only they see."""

    person = fields.Nested(PersonRefSchema, required=True)
    scope = fields.String(required=True, metadata={"description": "read, or write."})
    is_admin = fields.Boolean(required=True)
    locale = fields.String(allow_none=True, required=True)
    timezone = fields.String(allow_none=True, required=True)


@bp.route("/me")
class Me(MethodView):
    @bp.etag
    @bp.response(200, MeSchema)
    @bp.errors()
    def get(self):
        """The person this token acts for."""
        user = current_user._get_current_object()
        return {
            "person": user,
            "scope": g.api_token.scope,
            "is_admin": user.is_admin,
            "locale": user.locale,
            "timezone": user.timezone,
        }
