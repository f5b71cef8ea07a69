"""axe-core checks for browser tests, and a record of which pages were checked.

`assert_accessible(page)` runs axe on the page as it is now and fails on every
violation whose impact is "serious" or "critical".

How axe gets into the page:

- With JavaScript on, axe is injected with `page.evaluate`, which goes through the
  DevTools protocol. The site's Content-Security-Policy (`script-src 'self'`) governs
  scripts the *page* loads or evals, not code the debugger evaluates, so axe runs under
  the real policy and no `bypass_csp` is needed: the journeys keep testing that the
  site's own scripts work under its CSP.
- With JavaScript off (`java_script_enabled=False`), `page.evaluate` still runs
  synchronous code, but no promise callback ever fires, so `axe.run()` never settles.
  axe therefore checks a copy: the no-JS page's current DOM is served, at the same URL
  and with the same cookies, to a short-lived JavaScript-enabled page whose own script
  requests are all aborted. What axe sees is exactly what the no-JS visitor sees
  (the same markup, styles and state, e.g. an open `<details>`), including content in
  `<noscript>`, which is turned into a `<div>` so that it is not hidden by scripting.
  Re-requesting the URL instead would lose one-time content (flash messages) and could
  not reproduce the answer to a POST (a form re-rendered with its errors).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urldefrag
from weakref import WeakKeyDictionary

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, Route

FAILING_IMPACTS = ("critical", "serious")
AXE_OPTIONS = {"resultTypes": ["violations"]}
NOSCRIPT_TAG = re.compile(r"<(/?)noscript\b", re.IGNORECASE)

_axe = Axe()


@dataclass
class Visit:
    url: str
    checked: bool = False


@dataclass
class PageWatch:
    """Every main-frame navigation of one page, and whether axe checked it."""

    page: Page
    javascript_enabled: bool
    visits: list[Visit] = field(default_factory=list)

    def record(self, url: str) -> None:
        self.visits.append(Visit(url))

    def unchecked(self) -> list[str]:
        return [visit.url for visit in self.visits if not visit.checked]


_watches: WeakKeyDictionary[Page, PageWatch] = WeakKeyDictionary()


def watch(page: Page, *, javascript_enabled: bool) -> PageWatch:
    """Start recording `page`'s navigations; `assert_accessible` marks them checked."""
    page_watch = PageWatch(page, javascript_enabled)

    def last() -> Visit | None:
        return page_watch.visits[-1] if page_watch.visits else None

    def on_navigated(frame) -> None:
        # A URL change, including htmx's history pushes. htmx also re-announces the
        # current URL (replaceState) before a push: that is not a new page.
        if frame == page.main_frame and (last() is None or last().url != frame.url):
            page_watch.record(frame.url)

    def on_new_document() -> None:
        # A new document at the same URL (a reload, or a form that redirects back here)
        # is a new page to check; the load that follows a recorded URL change is not.
        visit = last()
        if visit is None or visit.url != page.url or visit.checked:
            page_watch.record(page.url)

    page.on("framenavigated", on_navigated)
    page.on("domcontentloaded", lambda _page: on_new_document())
    _watches[page] = page_watch
    return page_watch


def assert_accessible(page: Page) -> None:
    """Fail if axe finds a serious or critical violation on the page as it is now."""
    page_watch = _watches.get(page)
    javascript_enabled = page_watch.javascript_enabled if page_watch else True
    results = _run_axe(page) if javascript_enabled else _run_axe_on_copy(page)
    if page_watch and page_watch.visits:
        page_watch.visits[-1].checked = True
    failures = [v for v in results["violations"] if v.get("impact") in FAILING_IMPACTS]
    if failures:
        raise AssertionError(
            f"axe found {len(failures)} serious/critical violation(s) on {page.url}:\n"
            + "\n".join(_describe(violation) for violation in failures)
        )


def _run_axe(page: Page) -> dict:
    return _axe.run(page, options=AXE_OPTIONS).response


def _run_axe_on_copy(page: Page) -> dict:
    """Run axe on a JavaScript-enabled copy of a no-JS page (see the module docstring)."""
    html = NOSCRIPT_TAG.sub(r"<\1div data-noscript", page.content())
    url = urldefrag(page.url).url
    # The copy is drawn as the page was: in the dark when the device prefers dark.
    prefers_dark = page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    context = page.context.browser.new_context(
        java_script_enabled=True,
        viewport=page.viewport_size,
        color_scheme="dark" if prefers_dark else "light",
    )
    try:
        context.add_cookies(page.context.cookies())
        copy = context.new_page()

        def serve(route: Route) -> None:
            request = route.request
            if request.is_navigation_request() and request.frame == copy.main_frame:
                route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
            elif request.resource_type == "script":
                route.abort()
            else:
                route.continue_()

        copy.route("**/*", serve)
        copy.goto(url)
        return _run_axe(copy)
    finally:
        context.close()


def _describe(violation: dict) -> str:
    lines = [
        f"- {violation['id']} ({violation['impact']}): {violation['help']}",
        f"  {violation['helpUrl']}",
    ]
    for node in violation["nodes"][:5]:
        target = ", ".join(str(part) for part in node["target"])
        lines.append(f"    at {target}: {node['html'][:200]}")
        if node.get("failureSummary"):
            summary = node["failureSummary"].replace("\n", " ")
            lines.append(f"      {summary[:300]}")
    if len(violation["nodes"]) > 5:
        lines.append(f"    … and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)
