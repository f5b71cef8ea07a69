"""Configuration: no setup needed for development, a clear refusal in production."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from webapp import create_app
from webapp.config import PROJECT_ROOT, ConfigurationError, build_config, normalize_database_url


@pytest.fixture
def clean_environment(monkeypatch):
    for name in ("QUORUM_ENV", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "TRUSTED_HOSTS"):
        monkeypatch.setenv(name, "")


def test_development_needs_no_configuration(tmp_path, clean_environment):
    config = build_config(tmp_path, None)
    secret_file = tmp_path / "secret_key"
    assert config["SECRET_KEY"] == secret_file.read_text() and len(config["SECRET_KEY"]) == 64
    assert oct(secret_file.stat().st_mode & 0o777) == "0o600"
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'quorum.db'}"
    assert config["CACHE_TYPE"] == "SimpleCache"
    # The same secret on the next start, so sessions survive a restart.
    assert build_config(tmp_path, None)["SECRET_KEY"] == config["SECRET_KEY"]


def test_production_refuses_to_start_without_a_secret(tmp_path, clean_environment, monkeypatch):
    monkeypatch.setenv("QUORUM_ENV", "production")
    with pytest.raises(ConfigurationError, match="SECRET_KEY is not set"):
        build_config(tmp_path, None)
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(ConfigurationError, match="too short"):
        build_config(tmp_path, None)


def test_production_cookies_are_secure(tmp_path, clean_environment, monkeypatch):
    monkeypatch.setenv("QUORUM_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    config = build_config(tmp_path, None)
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]
    assert not (tmp_path / "secret_key").exists()


def test_environment_switches_to_postgresql_and_redis(tmp_path, clean_environment, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://quorum@db:5432/quorum")
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/0")
    config = build_config(tmp_path, None)
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://quorum@db:5432/quorum"
    assert config["CACHE_TYPE"] == "RedisCache"
    assert config["CACHE_REDIS_URL"] == config["RATELIMIT_STORAGE_URI"] == "redis://cache:6379/0"


def test_unknown_environment_name_is_refused(tmp_path, clean_environment, monkeypatch):
    monkeypatch.setenv("QUORUM_ENV", "staging")
    with pytest.raises(ConfigurationError, match="QUORUM_ENV"):
        build_config(tmp_path, None)


def test_every_host_is_accepted_until_trusted_hosts_is_set(tmp_path, clean_environment):
    assert build_config(tmp_path, None)["TRUSTED_HOSTS"] is None


@pytest.mark.parametrize(
    "given", ["quorum.example.org .quorum.example", "quorum.example.org, .quorum.example"]
)
def test_trusted_hosts_come_from_the_environment(tmp_path, clean_environment, monkeypatch, given):
    """Names separated by spaces (as in nginx's server_name) or commas; the loopback
    names stay trusted so the container's health check reaches the app."""
    monkeypatch.setenv("TRUSTED_HOSTS", given)
    assert build_config(tmp_path, None)["TRUSTED_HOSTS"] == [
        "quorum.example.org",
        ".quorum.example",
        "localhost",
        "127.0.0.1",
    ]


def test_trusted_hosts_refuse_other_hosts_with_a_400(tmp_path, clean_environment, monkeypatch):
    monkeypatch.setenv("TRUSTED_HOSTS", "quorum.example.org")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SECRET_KEY": "k" * 40,
        }
    )
    client = app.test_client()
    for host in ("quorum.example.org", "quorum.example.org:8443", "localhost:8000", "127.0.0.1"):
        assert client.get("/healthz", headers={"Host": host}).status_code == 200, host
    for host in ("evil.example", "quorum.example.org.evil.example", "a" * 300):
        response = client.get("/no-such-page", headers={"Host": host})
        assert response.status_code == 400, host
        assert "Bad request" in response.get_data(as_text=True)  # the site's own page


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
        ("sqlite:////abs/path.db", "sqlite:////abs/path.db"),
    ],
)
def test_database_url_forms(given, expected):
    assert normalize_database_url(given) == expected


def test_app_finds_its_templates_from_any_working_directory(tmp_path):
    script = (
        "from webapp import create_app\n"
        f"app = create_app({{'SQLALCHEMY_DATABASE_URI': 'sqlite:///{tmp_path}/x.db',"
        f" 'INSTANCE_PATH': '{tmp_path}/instance', 'SECRET_KEY': 'k' * 40}})\n"
        "response = app.test_client().get('/healthz')\n"
        "page = app.test_client().get('/no-such-page')\n"
        "print(response.status_code, page.status_code, b'site-header' in page.data)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["200", "404", "True"], result.stderr
