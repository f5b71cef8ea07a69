"""Quorum: the application factory."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from webapp.config import PROJECT_ROOT, build_config


def create_app(config_overrides: dict[str, Any] | None = None) -> Flask:
    """Build a configured Quorum app: config, extensions, blueprints, CLI."""
    instance_path = Path(
        (config_overrides or {}).get("INSTANCE_PATH") or PROJECT_ROOT / "instance"
    ).resolve()
    instance_path.mkdir(parents=True, exist_ok=True)
    from webapp.faults import FaultTolerantFlask

    app = FaultTolerantFlask(
        __name__,
        instance_path=str(instance_path),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.update(build_config(instance_path, config_overrides))

    if app.config["PROXY_FIX_HOPS"]:
        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # Flask's documented middleware pattern
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops
        )

    from webapp.converters import IdConverter, TagConverter

    app.url_map.converters["id"] = IdConverter
    app.url_map.converters["tag"] = TagConverter  # a tag name in any script
    _init_extensions(app)
    _register_blueprints(app)
    from webapp.api import blueprints as api_blueprints

    api_blueprints.init_app(app)

    from webapp import cli, errors, faults, htmx, i18n, security, templating, unit_of_work

    faults.init_app(app)
    unit_of_work.init_app(app)
    htmx.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    from webapp import (
        faults,
        mail,
        models,  # noqa: F401  (registers every table on the metadata)
    )
    from webapp.auth.loader import init_login
    from webapp.extensions import cache, csrf, db, limiter, migrate

    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(PROJECT_ROOT / "migrations"), compare_type=True, render_as_batch=True
    )
    csrf.init_app(app)
    faults.prepare_stores(app)  # Redis answers quickly or counts as down
    cache.init_app(app)
    faults.guard_cache(app)  # an unreachable cache store misses instead of failing
    limiter.init_app(app)
    init_login(app)
    mail.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from webapp.account_data.views import bp as account_data_bp
    from webapp.admin.views import bp as admin_bp
    from webapp.api.docs_views import bp as api_docs_bp
    from webapp.api.token_views import bp as api_tokens_bp

    # Their routes are on auth_bp: importing them adds them.
    from webapp.auth import email_views, two_factor_views  # noqa: F401
    from webapp.auth.views import bp as auth_bp
    from webapp.comments.views import bp as comments_bp
    from webapp.communities.views import bp as communities_bp
    from webapp.discovery.views import bp as discovery_bp
    from webapp.feeds.views import bp as feeds_bp
    from webapp.media.views import bp as media_bp
    from webapp.meta.views import bp as meta_bp
    from webapp.moderation.views import bp as mod_bp
    from webapp.posts.views import bp as posts_bp
    from webapp.profiles.views import bp as profiles_bp
    from webapp.reports.views import bp as reports_bp
    from webapp.search.views import bp as search_bp
    from webapp.syndication.views import bp as syndication_bp
    from webapp.tags.views import bp as tags_bp
    from webapp.votes.views import bp as votes_bp

    for blueprint in (
        meta_bp,
        auth_bp,
        feeds_bp,
        communities_bp,
        posts_bp,
        comments_bp,
        tags_bp,
        media_bp,
        votes_bp,
        profiles_bp,
        search_bp,
        admin_bp,
        mod_bp,
        api_tokens_bp,
        api_docs_bp,
        reports_bp,
        account_data_bp,
        syndication_bp,
        discovery_bp,
    ):
        app.register_blueprint(blueprint)


def _is_sqlite(dbapi_connection) -> bool:
    return type(dbapi_connection).__module__ == "sqlite3"


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """SQLite enforces foreign keys only when asked, per connection; WAL lets readers
    and one writer work at once; busy_timeout waits for a lock instead of failing."""
    if not _is_sqlite(dbapi_connection):
        return
    # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin, so
    # that SAVEPOINTs and rollbacks behave as on PostgreSQL (see `_sqlite_begin`).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection) -> None:
    """Open a real SQLite transaction where SQLAlchemy begins one."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN")
