"""Right-to-left bylines and phone layouts, measured in Chromium.

- Persian pages: every byline reads right to left as one line of parts (community,
  author with their @username, time), each part isolated, so a Latin name neither swaps
  places with its neighbours nor carries a Persian number away from its words, and the
  @ of a handle stays on the handle's left ("@alice", never "alice@").
- Phones (390×844 and 320×640, touch): every button and link is at least 24×24 CSS px
  (links inside running text are exempt, as WCAG 2.5.8 allows), vote, follow, join and
  reply are at least 44×44, no page scrolls sideways, and a post comes before its
  community's sidebar.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.support.accessibility import assert_accessible
from tests.support.forms import csrf_token_from
from tests.support.site import comment as write_comment
from tests.support.site import sign_up, start_community

pytestmark = pytest.mark.browser

PHONES = {"390": (390, 844), "320": (320, 640)}
MINIMUM = 24  # WCAG 2.2 target size (minimum)
TOUCH_MINIMUM = 44  # vote, follow, join and reply on touch screens
TOLERANCE = 1.0  # sub-pixel rounding between neighbouring boxes


@dataclass(frozen=True)
class Scene:
    """A post by a person with a Latin display name in a community with a Latin title,
    commented on by a person with a Persian display name, seen by a signed-in reader."""

    post_url: str
    post_title: str
    community: str
    author: str
    commenter: str
    reader_state: dict


def _member(context: BrowserContext, prefix: str, display_name: str = "") -> str:
    """A new, signed-in person in `context` (with a display name); returns the username."""
    username = sign_up(context.new_page(), prefix)
    if display_name:
        request = context.request
        token = csrf_token_from(request.get("/settings/profile").text())
        fields = {"display_name": display_name, "first_name": "", "last_name": "", "bio": ""}
        answer = request.post(
            "/settings/profile", form={"csrf_token": token, **fields, "website": ""}
        )
        assert answer.ok, answer.text()
    return username


@pytest.fixture(scope="module")
def scene(browser: Browser, live_server: str) -> Scene:
    writer = browser.new_context(base_url=live_server)
    page = writer.new_page()
    author = _member(writer, "alice", "Alice Moreau")
    community = start_community(page, "Books")
    title = f"Evening reading {uuid.uuid4().hex[:6]}"
    fields = {
        "title": title,
        "body": "Words about books.",
        "body_format": "text",
        "url": "https://example.org/notes/",
        "tags": "books, sci-fi",
    }
    token = csrf_token_from(writer.request.get(f"/c/{community}/submit").text())
    post_url = writer.request.post(
        f"/c/{community}/submit", form={"csrf_token": token, **fields}
    ).url
    assert "/p/" in post_url, post_url
    writer.close()

    other = browser.new_context(base_url=live_server)
    commenter = _member(other, "reza", "رضا احمدی")
    write_comment(other.new_page(), post_url, "کتاب خوبی است")
    other.close()

    reading = browser.new_context(base_url=live_server)
    _member(reading, "reader")
    state = reading.storage_state()
    reading.close()
    return Scene(post_url, title, community, author, commenter, state)


def _context(
    browser: Browser,
    live_server: str,
    scene: Scene | None,
    language: str,
    size: tuple[int, int] = (1280, 900),
    touch: bool = False,
    javascript: bool = True,
) -> BrowserContext:
    context = browser.new_context(
        base_url=live_server,
        storage_state=scene.reader_state if scene else None,
        viewport={"width": size[0], "height": size[1]},
        has_touch=touch,
        is_mobile=touch,
        java_script_enabled=javascript,
        locale="en-US",
    )
    context.add_cookies([{"name": "lang", "value": language, "url": live_server}])
    context.set_default_timeout(10_000)
    return context


def _box(locator) -> dict:
    """The element's border box in page coordinates (independent of scrolling)."""
    return locator.evaluate(
        """e => { const r = e.getBoundingClientRect();
        return {x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height,
                right: r.right + scrollX, bottom: r.bottom + scrollY}; }"""
    )


def _is_right_of(first: dict, second: dict) -> bool:
    """`first` lies wholly to the right of `second` (on the same line)."""
    return first["x"] >= second["right"] - TOLERANCE


# The boxes of a handle's "@" and of the rest of it, measured as text ranges.
AT_AND_NAME = """element => {
  const text = element.firstChild;
  const range = document.createRange();
  range.setStart(text, 0); range.setEnd(text, 1);
  const at = range.getBoundingClientRect();
  range.setStart(text, 1); range.setEnd(text, text.length);
  const name = range.getBoundingClientRect();
  return {text: text.textContent, at: [at.left, at.right], name: [name.left, name.right]};
}"""


def _assert_handle_reads_left_to_right(handle, username: str) -> None:
    expect(handle).to_have_text(f"@{username}")
    parts = handle.evaluate(AT_AND_NAME)
    at_left, at_right = parts["at"]
    name_left, _name_right = parts["name"]
    # The @ sits immediately left of the name, touching it.
    assert abs(at_right - name_left) <= TOLERANCE, parts
    assert at_left < name_left, parts


def _assert_byline_order(byline, author_name: str, username: str) -> None:
    """Right to left: (community,) author, the author's @handle, then the time."""
    author = byline.locator("a.user-link").filter(has_text=author_name)
    handle = byline.locator(".handle").filter(has_text=username)
    time = byline.locator("time")
    author_box, handle_box, time_box = _box(author), _box(handle), _box(time)
    assert _is_right_of(author_box, handle_box), (author_box, handle_box)
    assert _is_right_of(handle_box, time_box), (handle_box, time_box)
    _assert_handle_reads_left_to_right(handle, username)
    # A relative time is one run: its number stays with its words, left of the author.
    assert author_box["x"] >= time_box["right"] - TOLERANCE, (author_box, time_box)
    gaps = time.evaluate(
        """e => { const rects = [...e.getClientRects()].sort((a, b) => a.left - b.left);
        return rects.slice(1).map((rect, i) => rect.left - rects[i].right); }"""
    )
    assert all(gap < 8 for gap in gaps), gaps  # at most a space between its pieces


def test_persian_bylines_read_right_to_left(browser, live_server, scene):
    context = _context(browser, live_server, scene, "fa")
    page = context.new_page()
    try:
        page.goto("/all")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        card = page.locator(".post-card").filter(has_text=scene.post_title)
        byline = card.locator(".post-card__meta")
        community = byline.get_by_role("link", name="Books", exact=True)
        assert _is_right_of(_box(community), _box(byline.locator("a.user-link"))), "community"
        _assert_byline_order(byline, "Alice Moreau", scene.author)
        assert_accessible(page)

        page.goto(scene.post_url)
        byline = page.locator(".post__meta")
        community = byline.get_by_role("link", name="Books", exact=True)
        assert _is_right_of(_box(community), _box(byline.locator("a.user-link"))), "community"
        _assert_byline_order(byline, "Alice Moreau", scene.author)
        # A Persian name: its handle still reads "@reza_…", to the left of the name.
        comment = page.locator(".comment").filter(has_text="کتاب خوبی است")
        _assert_byline_order(comment.locator(".comment__meta"), "رضا احمدی", scene.commenter)
        # The author card names the author with the handle beside the name.
        card = page.locator(".author-card")
        _assert_handle_reads_left_to_right(card.locator(".handle"), scene.author)
        # A link reads left to right whatever the page: the trailing slash stays at its end.
        link = page.locator(".post__link a")
        expect(link).to_have_text("https://example.org/notes/")
        slash = link.evaluate(
            """a => { const r = document.createRange(); const t = a.firstChild;
            r.setStart(t, t.length - 1); r.setEnd(t, t.length);
            return [r.getBoundingClientRect().left, a.getBoundingClientRect().right]; }"""
        )
        assert abs(slash[1] - slash[0]) < 12, slash  # the last character is at the right end
        assert_accessible(page)
    finally:
        context.close()


TOUCH_TARGETS = ".vote__button, .follow button, .join button, .comment .actions a[href*='/reply']"

# Every visible target's box; a link inside running text is marked as exempt, and the
# targets that need 44 px on a touch screen are marked as such.
TARGETS = r"""touchTargets => {
  const runningText = element => {
    if (element.tagName !== 'A' || getComputedStyle(element).display !== 'inline') return false;
    let block = element.parentElement;
    while (getComputedStyle(block).display.startsWith('inline')) block = block.parentElement;
    const rest = block.cloneNode(true);
    const targets = 'a, button, time, select, input, .visually-hidden';
    rest.querySelectorAll(targets).forEach(node => node.remove());
    return (rest.textContent.match(/\p{L}{2,}/gu) || []).length >= 2;
  };
  const selector =
    'a[href], button, summary, select, input:not([type=hidden]), textarea, [role=button]';
  return [...document.querySelectorAll(selector)]
    .filter(element => element.checkVisibility({checkOpacity: true, checkVisibilityCSS: true}))
    .filter(element => !element.closest('.visually-hidden'))
    .map(element => {
      const box = element.getBoundingClientRect();
      return {
        html: element.outerHTML.slice(0, 120), width: box.width, height: box.height,
        exempt: runningText(element), touch: element.matches(touchTargets),
      };
    })
    .filter(target => target.width > 0 && target.height > 0);
}"""


def _measure(page: Page, path: str) -> list[str]:
    """What is wrong with the page at `path` at the current size: sideways scrolling and
    targets below the minimum sizes."""
    page.goto(path)
    problems = []
    scroll_width, client_width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    if scroll_width != client_width:
        problems.append(f"{path} scrolls sideways: {scroll_width} > {client_width}")
    for target in page.evaluate(TARGETS, TOUCH_TARGETS):
        minimum = TOUCH_MINIMUM if target["touch"] else 0 if target["exempt"] else MINIMUM
        if min(target["width"], target["height"]) < minimum - 0.01:
            size = f"{target['width']:.1f}×{target['height']:.1f}"
            problems.append(f"{path}: {size} px, at least {minimum} needed: {target['html']}")
    return problems


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
@pytest.mark.parametrize("language", ["en", "fa"])
@pytest.mark.parametrize("phone", list(PHONES))
def test_phone_targets_and_width(browser, live_server, scene, phone, language, javascript):
    size = PHONES[phone]
    context = _context(browser, live_server, scene, language, size, True, javascript)
    page = context.new_page()
    pages = [
        "/all",
        scene.post_url,
        "/settings/profile",
        f"/c/{scene.community}",
        f"/c/{scene.community}/submit",
        f"/u/{scene.author}",
    ]
    try:
        assert page.evaluate("matchMedia('(pointer: coarse)').matches")
        page.goto(scene.post_url)
        assert page.locator(TOUCH_TARGETS).count() >= 6  # votes, follow, join and reply
        problems = [problem for path in pages for problem in _measure(page, path)]
    finally:
        context.close()
    guest = _context(browser, live_server, None, language, size, True, javascript)
    try:
        problems += _measure(guest.new_page(), "/")
    finally:
        guest.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", ["en", "fa"])
def test_post_comes_before_the_sidebar_on_a_phone(browser, live_server, scene, language):
    context = _context(browser, live_server, scene, language, PHONES["390"], True)
    page = context.new_page()
    try:
        page.goto(scene.post_url)
        title = _box(page.locator("#post-title"))
        sidebar = _box(page.locator("aside.sidebar"))
        assert title["bottom"] <= sidebar["y"], (title, sidebar)
        assert title["bottom"] <= PHONES["390"][1]  # the title is on the first screen
        assert_accessible(page)
    finally:
        context.close()
