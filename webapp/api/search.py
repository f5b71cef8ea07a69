"""`/api/v1`: Search: posts, comments, communities, people and tags.

The search page's own interface (`webapp.search.queries.search`): the same syntax,
filters, sorts, engines and highlighted snippets. The page numbers its result pages
(at most 25: the best 500 results); the API hands the next page out as a signed cursor."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from marshmallow import Schema, fields, validate
from sqlalchemy import Integer, literal_column

from webapp.api.community_schemas import CommunitySummarySchema
from webapp.api.core import api_blueprint
from webapp.api.schemas import (
    CommentSchema,
    PersonRefSchema,
    PostSchema,
    TagSchema,
    cursor_field,
    no_nul,
)
from webapp.feeds.queries import TOP_WINDOWS
from webapp.pagination import SortKey, decode_cursor, encode_cursor
from webapp.search import queries as search_queries
from webapp.search.engines import COUNT_CAP
from webapp.search.queries import KINDS, MAX_PAGES, SORTS, SearchRequest
from webapp.search.syntax import MAX_QUERY_LENGTH
from webapp.votes import queries as vote_queries

bp = api_blueprint("Search", __name__, "Search: posts, comments, communities, people and tags.")

# What one result of each type is called in a result (`type`, and the key holding it).
ITEM_NAMES = {
    "posts": "post",
    "comments": "comment",
    "communities": "community",
    "people": "person",
    "tags": "tag",
}
_PAGE_KEYS = (SortKey(literal_column("search_result_page", Integer)),)
FILTER_MAX = 30  # community names, tags and usernames have at most 30 characters


class SearchArgsSchema(Schema):
    cursor = cursor_field()
    q = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=MAX_QUERY_LENGTH), no_nul],
        metadata={
            "description": 'Words (all must match), "a phrase", -excluded, this OR that; '
            "the last word also matches as a prefix.",
            "example": '"open source" -java',
        },
    )
    type = fields.String(
        load_default="posts",
        validate=validate.OneOf(KINDS),
        metadata={"description": "What to search."},
    )
    sort = fields.String(
        load_default="relevance",
        validate=validate.OneOf(SORTS),
        metadata={"description": "relevance (with score and freshness), new or top."},
    )
    community = fields.String(
        load_default="",
        validate=[validate.Length(max=FILTER_MAX), no_nul],
        metadata={"description": "Only in this community (its name)."},
    )
    tag = fields.String(
        load_default="",
        validate=[validate.Length(max=FILTER_MAX), no_nul],
        metadata={"description": "Only posts with this tag."},
    )
    author = fields.String(
        load_default="",
        validate=[validate.Length(max=FILTER_MAX), no_nul],
        metadata={"description": "Only by this person (a username)."},
    )
    t = fields.String(
        load_default="all",
        validate=validate.OneOf(tuple(TOP_WINDOWS)),
        metadata={"description": "Only from the last day, week, month or year, or all."},
    )


class SearchHitSchema(Schema):
    """One result: `type` names it and the one key that holds it (post, comment,
    community, person or tag); the other four keys are absent."""

    type = fields.String(required=True, validate=validate.OneOf(tuple(ITEM_NAMES.values())))
    title_html = fields.String(
        required=True,
        allow_none=True,
        metadata={
            "description": "The title or name with the matched words in <mark> (escaped "
            "HTML); null when the type has none."
        },
    )
    snippet_html = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "An excerpt with the matched words in <mark> (escaped HTML)."},
    )
    post = fields.Nested(PostSchema)
    comment = fields.Nested(CommentSchema)
    community = fields.Nested(CommunitySummarySchema)
    person = fields.Nested(PersonRefSchema)
    tag = fields.Nested(TagSchema)


CountsSchema = Schema.from_dict(
    {kind: fields.Integer(required=True) for kind in KINDS}, name="SearchCounts"
)


class SearchPageSchema(Schema):
    type = fields.String(required=True, validate=validate.OneOf(KINDS))
    items = fields.List(fields.Nested(SearchHitSchema), required=True)
    next = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "Pass as `cursor` for the next page; null at the end."},
    )
    counts = fields.Nested(
        CountsSchema,
        required=True,
        metadata={
            "description": f"Results of each type for these words and filters; above "
            f"{COUNT_CAP} counting stops (a count of {COUNT_CAP + 1} means more than {COUNT_CAP}); "
            "counts may lag new content by up to a minute."
        },
    )
    unknown_filter = fields.Boolean(
        required=True,
        metadata={"description": "A filter names no community, tag or person: no results."},
    )


def _mark_my_votes(kind: str, items: list) -> None:
    """The token owner's votes on a page of posts or comments (one query)."""
    if kind == "posts":
        votes = vote_queries.my_post_votes(current_user, [post.id for post in items])
    elif kind == "comments":
        votes = vote_queries.my_comment_votes(current_user, [comment.id for comment in items])
    else:
        return
    for item in items:
        item.my_vote = votes.get(item.id, 0)


@bp.route("/search")
class Search(MethodView):
    @bp.etag
    @bp.arguments(SearchArgsSchema, location="query")
    @bp.response(200, SearchPageSchema)
    @bp.errors(400, 422)
    def get(self, args):
        """Search posts, comments, communities, people or tags.

        The search page's syntax, filters (`community`, `tag`, `author`, `t`) and sorts,
        twenty results a page with highlighted snippets, and how many results each type
        has. Removed, deleted and banned people's content is never found. Results go as
        deep as the page's: 25 pages."""
        position = decode_cursor(args["cursor"], _PAGE_KEYS)
        page = min(max(position[0], 1), MAX_PAGES) if position else 1
        request = SearchRequest(
            text=args["q"],
            kind=args["type"],
            sort=args["sort"],
            community=args["community"].strip(),
            tag=args["tag"].strip(),
            author=args["author"].strip(),
            window=args["t"],
            page=page,
        )
        found = search_queries.search(request)
        counts = search_queries.counts(request)
        name = ITEM_NAMES[request.kind]
        _mark_my_votes(request.kind, [hit.item for hit in found.hits])
        items = [
            {
                "type": name,
                "title_html": str(hit.title) if hit.title is not None else None,
                "snippet_html": str(hit.snippet) if hit.snippet is not None else None,
                name: hit.item,
            }
            for hit in found.hits
        ]
        return {
            "type": request.kind,
            "items": items,
            "next": encode_cursor(_PAGE_KEYS, page + 1) if found.has_next else None,
            "counts": {kind: counts.get(kind, 0) for kind in KINDS},
            "unknown_filter": found.unknown_filter,
        }
