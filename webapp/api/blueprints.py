"""Every blueprint of the API, in the order the OpenAPI document lists them."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from webapp.api import (
        comments,
        communities,
        me,
        people,
        posts,
        reports,
        search,
        tags,
        votes,
    )
    from webapp.api.core import init_api

    init_api(
        app,
        [
            me.bp,
            people.bp,
            communities.bp,
            posts.bp,
            comments.bp,
            votes.bp,
            tags.bp,
            search.bp,
            reports.bp,
        ],
    )
