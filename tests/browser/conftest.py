"""Browser tests: the system Chromium, driven by Playwright, against gunicorn serving
the app on its own freshly migrated database.

Every test that takes `page` runs twice: with JavaScript ("js") and without ("nojs").
Every page a test visits must be checked with `assert_accessible(page)`; a test that
leaves one unchecked fails at teardown. A test also fails at teardown if the page threw
an uncaught JavaScript error or the browser reported a Content-Security-Policy violation.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.support.accessibility import watch
from tests.support.databases import fresh_database
from tests.support.live_server import REPO_ROOT, run_flask, serve, server_environment

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DEFAULT_TIMEOUT_MS = 10_000
ARTIFACTS = REPO_ROOT / "test-artifacts" / "browser"


@pytest.fixture(scope="session")
def live_database(tmp_path_factory):
    """The URL of the fresh database the live server uses."""
    directory = tmp_path_factory.mktemp("browser")
    with fresh_database(directory, "browser") as database_url:
        yield database_url


@pytest.fixture(scope="session")
def live_server(live_database):
    """Base URL of gunicorn serving the app on a fresh, migrated database."""
    with serve(live_database) as url:
        yield url


@pytest.fixture(scope="session")
def site_command(live_server, live_database):
    """`site_command("admin", "promote", name)` runs a flask command on the live site's
    database, as an operator on the server would; returns its output."""
    environment = server_environment(live_database)
    return lambda *arguments: run_flask(environment, *arguments)


@pytest.fixture(scope="session")
def browser():
    """The system Chromium, headless. Missing Chromium skips locally and fails on CI."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium package"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI must run the browser tests)")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(params=[True, False], ids=["js", "nojs"])
def page(request, browser, live_server):
    """A new page in a new context, with JavaScript on or off, at the live server."""
    javascript_enabled = request.param
    context = browser.new_context(
        base_url=live_server, java_script_enabled=javascript_enabled, locale="en-US"
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    page_watch = watch(page, javascript_enabled=javascript_enabled)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"uncaught JavaScript error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"CSP violation: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    yield page

    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    if failed:
        _save_artifacts(page, request.node.nodeid)
    context.close()
    if failed:
        return  # the test's own failure says more than the checks below
    unchecked = page_watch.unchecked()
    if unchecked:
        pytest.fail(
            "pages visited but never checked with assert_accessible(page):\n  "
            + "\n  ".join(unchecked)
        )
    if problems:
        pytest.fail("the browser reported:\n  " + "\n  ".join(problems))


def _save_artifacts(page, nodeid: str) -> None:
    """Keep a screenshot and the HTML of a failed test's page for the CI artifacts."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid)
    try:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        (ARTIFACTS / f"{name}.html").write_text(page.content())
    except Exception as error:  # a broken page must not hide the test's own failure
        print(f"could not save browser artifacts for {nodeid}: {error}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Expose each phase's report as `item.rep_<phase>` for the fixtures' teardown."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
