"""`/api/v1`: Tags: the list, one tag, suggestions.

The same queries as the tag pages (`webapp.tags`): tags by use, one tag found from its
name in any script as `/t/<tag>` finds it (percent-encoded in the URL, normalized:
"Bücher" and "bücher" are one tag), and what the tag field suggests while typing."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import abort
from marshmallow import Schema, fields, validate

from webapp.api.core import api_blueprint
from webapp.api.schemas import CursorArgsSchema, TagSchema, page_of
from webapp.tags import queries
from webapp.tags.names import normalize_tag, split_tags

bp = api_blueprint("Tags", __name__, "Tags: the list, one tag, suggestions.")

# The tags page's list length, and how much of the tag field suggestions look at.
PAGE_SIZE = 100
TYPED_MAX = 200


TagPageSchema = page_of(TagSchema, "TagPage")


class SuggestionArgsSchema(Schema):
    q = fields.String(
        load_default="",
        validate=validate.Length(max=TYPED_MAX),
        metadata={
            "description": (
                "The tag field as typed so far (comma-separated, any script): the last "
                "tag is completed, tags already typed are left out."
            ),
            "example": "fiction, sci",
        },
    )


class SuggestionsSchema(Schema):
    items = fields.List(fields.Nested(TagSchema), required=True)


@bp.route("/tags")
class Tags(MethodView):
    @bp.etag
    @bp.arguments(CursorArgsSchema, location="query")
    @bp.response(200, TagPageSchema)
    @bp.errors(400, 422)
    def get(self, args: dict):
        """Every tag in use, most used first."""
        page = queries.tags_by_use(args["cursor"], PAGE_SIZE)
        return {"items": page.items, "next": page.next_cursor}


# Registered before /tags/<tag:name>, which would otherwise take "suggestions" as a tag.
@bp.route("/tags/suggestions")
class TagSuggestions(MethodView):
    @bp.etag
    @bp.arguments(SuggestionArgsSchema, location="query")
    @bp.response(200, SuggestionsSchema)
    @bp.errors(400, 422)
    def get(self, args: dict):
        """What the tag field suggests while typing.

        Known tags starting with the last tag typed (in any script: "ش" suggests
        "شعر"), most used first, without the tags already typed before it."""
        *done, last = split_tags(args["q"])
        done_names = {normalize_tag(part) for part in done}
        suggestions = queries.tags_starting_with(normalize_tag(last))
        return {"items": [tag for tag in suggestions if tag.name not in done_names]}


@bp.route("/tags/<tag:name>")
class OneTag(MethodView):
    @bp.etag
    @bp.response(200, TagSchema)
    @bp.errors(400, 404)
    def get(self, name: str):
        """One tag and how many posts carry it.

        The name may be in any script, percent-encoded, in any case: it is normalized
        as the tag pages normalize it."""
        tag = queries.tag_by_name(name)
        if tag is None:
            abort(404)
        return tag
