"""Configuration: defaults, then the environment (and `.env`), then explicit overrides.

Configuration is read only inside `create_app`, never at import time, so tests and
commands can build differently configured apps in one process.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from dotenv import load_dotenv

# Templates, static files, translations and migrations live beside the package; set
# QUORUM_ROOT when the package is installed somewhere else (e.g. site-packages).
PROJECT_ROOT = Path(os.environ.get("QUORUM_ROOT") or Path(__file__).resolve().parent.parent)
DEVELOPMENT = "development"
PRODUCTION = "production"


class ConfigurationError(RuntimeError):
    """The app cannot start with the configuration it was given."""


class DefaultConfig:
    """Settings that hold unless the environment or an override says otherwise."""

    QUORUM_ENV = DEVELOPMENT
    SITE_NAME = "Quorum"
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    BABEL_TRANSLATION_DIRECTORIES = str(PROJECT_ROOT / "translations")

    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}

    CACHE_TYPE = "SimpleCache"
    CACHE_DEFAULT_TIMEOUT = 300
    CACHE_KEY_PREFIX = "quorum:"
    # Guest pages and shared fragments (webapp/caching.py): "auto" caches them with a
    # shared cache (Redis) or in a single process; "on"/"off" force it.
    PAGE_CACHE = "auto"
    PAGE_CACHE_SECONDS = 60

    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per minute;60 per hour"
    LOGIN_FAILURE_LIMIT = "5 per minute;20 per hour"
    CHANGE_EMAIL_RATE_LIMIT = "5 per hour"
    REGISTER_RATE_LIMIT = "5 per minute;20 per hour"
    UPLOAD_RATE_LIMIT = "30 per hour"
    WRITE_RATE_LIMIT = "30 per minute;300 per hour"
    VOTE_RATE_LIMIT = "120 per minute;2000 per hour"
    # Per API token: every request, and (on top) its writes.
    API_RATE_LIMIT = "300 per minute;5000 per hour"
    API_WRITE_RATE_LIMIT = "60 per minute;600 per hour"

    PASSWORD_HASH_METHOD = "scrypt"
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    WTF_CSRF_TIME_LIMIT = 8 * 3600

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = timedelta(days=14)
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False

    PROXY_FIX_HOPS = 0
    # Host names the site answers to (Flask refuses any other Host with a 400); None
    # accepts every host, which suits development. Set it in production.
    TRUSTED_HOSTS: list[str] | None = None
    FEED_PAGE_SIZE = 25
    # The site's own address ("https://quorum.example.org") for canonical links,
    # OpenGraph, sitemaps and feeds (webapp/discovery/addresses.py).
    SITE_URL: str | None = None

    # Mail (webapp/mail.py): SMTP when MAIL_SERVER is set, else .eml files in MAIL_OUTBOX
    # (default: instance/outbox/).
    MAIL_SERVER: str | None = None
    MAIL_PORT = 587
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_FROM = "Quorum <noreply@localhost>"
    MAIL_TIMEOUT = 10
    # Per address asked for, and per account: "Forgot password?" and "send the link again".
    PASSWORD_RESET_RATE_LIMIT = "3 per 15 minutes;10 per day"
    VERIFY_EMAIL_RATE_LIMIT = "3 per 15 minutes;10 per day"
    # Codes typed at the second step of signing in, per account being signed in to.
    TWO_FACTOR_RATE_LIMIT = "5 per minute;30 per hour"
    EXPORT_RATE_LIMIT = "5 per hour"


# Environment variables the app reads, with the type each is parsed as.
ENVIRONMENT_SETTINGS: dict[str, type] = {
    "QUORUM_ENV": str,
    "SECRET_KEY": str,
    "DATABASE_URL": str,
    "REDIS_URL": str,
    "PAGE_CACHE": str,
    "PAGE_CACHE_SECONDS": int,
    "SITE_NAME": str,
    "SITE_URL": str,
    "LOGIN_RATE_LIMIT": str,
    "LOGIN_FAILURE_LIMIT": str,
    "CHANGE_EMAIL_RATE_LIMIT": str,
    "REGISTER_RATE_LIMIT": str,
    "UPLOAD_RATE_LIMIT": str,
    "WRITE_RATE_LIMIT": str,
    "VOTE_RATE_LIMIT": str,
    "API_RATE_LIMIT": str,
    "API_WRITE_RATE_LIMIT": str,
    "RATELIMIT_ENABLED": bool,
    "PROXY_FIX_HOPS": int,
    "MAX_CONTENT_LENGTH": int,
    "TRUSTED_HOSTS": list,
    "MAIL_SERVER": str,
    "MAIL_PORT": int,
    "MAIL_USE_TLS": bool,
    "MAIL_USE_SSL": bool,
    "MAIL_USERNAME": str,
    "MAIL_PASSWORD": str,
    "MAIL_FROM": str,
    "MAIL_OUTBOX": str,
    "PASSWORD_RESET_RATE_LIMIT": str,
    "VERIFY_EMAIL_RATE_LIMIT": str,
    "TWO_FACTOR_RATE_LIMIT": str,
    "EXPORT_RATE_LIMIT": str,
}

# Always trusted beside TRUSTED_HOSTS: the container's own health check (and anything
# else on the machine) reaches gunicorn by these names, and a link built for one of
# them leads to the visitor's own machine, never to someone else's site.
LOOPBACK_HOSTS = ("localhost", "127.0.0.1")
# Writes each mail to MAIL_OUTBOX when there is no MAIL_SERVER. Flask-Mailman imports a
# dotted name as "module.Class" only when it ends in "EmailBackend".
OUTBOX_BACKEND = "webapp.mail.OutboxEmailBackend"


def _names(value: str) -> list[str]:
    """Names separated by spaces (as in nginx's server_name) or commas."""
    return value.replace(",", " ").split()


def _parse(value: str, kind: type) -> Any:
    if kind is bool:
        return value.strip().lower() in {"1", "true", "yes", "on"}
    if kind is int:
        return int(value)
    if kind is list:
        return _names(value)
    return value


def normalize_database_url(url: str) -> str:
    """Accept the `postgres://` and `postgresql://` forms hosts hand out; use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def development_secret(instance_path: Path) -> str:
    """Return the development secret kept in `instance/`, creating it on first run."""
    secret_file = instance_path / "secret_key"
    if secret_file.exists():
        return secret_file.read_text().strip()
    secret = secrets.token_hex(32)
    secret_file.write_text(secret)
    secret_file.chmod(0o600)
    return secret


def build_config(instance_path: Path, overrides: dict[str, Any] | None) -> dict[str, Any]:
    """Combine defaults, environment and overrides into one dict for `app.config`."""
    load_dotenv(PROJECT_ROOT / ".env", override=False)
    config = {key: getattr(DefaultConfig, key) for key in dir(DefaultConfig) if key.isupper()}
    for name, kind in ENVIRONMENT_SETTINGS.items():
        raw = os.environ.get(name)
        if raw:  # unset or empty: keep the default
            config[name] = _parse(raw, kind)
    config.update(overrides or {})

    if config["QUORUM_ENV"] not in (DEVELOPMENT, PRODUCTION):
        raise ConfigurationError(
            f"QUORUM_ENV must be '{DEVELOPMENT}' or '{PRODUCTION}', not {config['QUORUM_ENV']!r}."
        )
    production = config["QUORUM_ENV"] == PRODUCTION

    if not config.get("SECRET_KEY"):
        if production:
            raise ConfigurationError(
                "SECRET_KEY is not set: production needs a long random secret, e.g. "
                "SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))')."
            )
        config["SECRET_KEY"] = development_secret(instance_path)
    elif production and len(config["SECRET_KEY"]) < 32:
        raise ConfigurationError("SECRET_KEY is too short for production: use 32+ random chars.")

    database_url = config.pop("DATABASE_URL", None) or config.get("SQLALCHEMY_DATABASE_URI")
    if not database_url:
        database_url = f"sqlite:///{instance_path / 'quorum.db'}"
    config["SQLALCHEMY_DATABASE_URI"] = normalize_database_url(database_url)
    if config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # JIT compilation costs ~50 ms on a large search and saves nothing on the short
        # queries a web page makes: off, as is usual for interactive workloads.
        options = dict(config["SQLALCHEMY_ENGINE_OPTIONS"])
        # A database that stops answering (rather than refusing) must not hang requests.
        options.setdefault("connect_args", {"options": "-c jit=off", "connect_timeout": 5})
        config["SQLALCHEMY_ENGINE_OPTIONS"] = options

    redis_url = config.get("REDIS_URL")
    if redis_url:
        config.setdefault("CACHE_TYPE", "RedisCache")
        if config["CACHE_TYPE"] == "SimpleCache":
            config["CACHE_TYPE"] = "RedisCache"
        config.setdefault("CACHE_REDIS_URL", redis_url)
        if config["RATELIMIT_STORAGE_URI"] == "memory://":
            config["RATELIMIT_STORAGE_URI"] = redis_url

    # Mail (webapp/mail.py): SMTP when MAIL_SERVER is set, else .eml files in the outbox.
    config.setdefault("MAIL_OUTBOX", str(instance_path / "outbox"))
    config["MAIL_DEFAULT_SENDER"] = config["MAIL_FROM"]
    if not config.get("MAIL_BACKEND"):
        config["MAIL_BACKEND"] = "smtp" if config.get("MAIL_SERVER") else OUTBOX_BACKEND

    if config.get("TRUSTED_HOSTS"):
        hosts = config["TRUSTED_HOSTS"]
        hosts = _names(hosts) if isinstance(hosts, str) else list(hosts)
        config["TRUSTED_HOSTS"] = [*hosts, *(h for h in LOOPBACK_HOSTS if h not in hosts)]

    if production:
        config["SESSION_COOKIE_SECURE"] = True
        config["REMEMBER_COOKIE_SECURE"] = True
    return config
