"""URL converters: `<id:post_id>` matches only ids the database can hold, so a huge or
odd number in a URL is a 404 rather than an integer-overflow error."""

from __future__ import annotations

from werkzeug.routing import BaseConverter, ValidationError

from webapp.urls import parse_id


class IdConverter(BaseConverter):
    regex = r"[0-9]{1,10}"

    def to_python(self, value: str) -> int:
        parsed = parse_id(value)
        if parsed is None:
            raise ValidationError()
        return parsed

    def to_url(self, value) -> str:
        return str(int(value))
