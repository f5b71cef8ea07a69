"""Template globals shared by every page."""

from __future__ import annotations

from flask import Flask, current_app, request


def has_endpoint(endpoint: str) -> bool:
    """Whether a page exists yet: links to areas not built are left out, not broken."""
    return endpoint in current_app.view_functions


def current_path() -> str:
    """This page's path and query, for `next` links back to it."""
    return request.full_path.rstrip("?")


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(has_endpoint=has_endpoint, current_path=current_path)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def site_context():
        return {"site_name": current_app.config["SITE_NAME"]}
