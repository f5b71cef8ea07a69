"""The rich-text editor in a real browser.

- What a person types is exactly what is stored (read back from the database): a new
  post, an empty bio, a comment, a reply and an edited comment; a title-only post
  stores no body (an empty editor once started with the word "None").
- Quill's own words (heading picker, link tooltip) are in the reader's language, and
  right-to-left pages lay them out mirrored: the picker's arrow clears its label, the
  link tooltip stays inside the editor, on a desktop and on a 390 px phone.
- Editing, pasting styled text, headings, links, commenting and replying cause zero
  Content-Security-Policy violations.
- A failing submit is shown again with the server's cleaned HTML, so an `<iframe>` or an
  `onerror` sent with it never reaches the editor.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

import pytest
from babel.support import Translations
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import create_engine, text

from tests.support.accessibility import assert_accessible
from tests.support.databases import fresh_database
from tests.support.forms import csrf_token_from
from tests.support.live_server import REPO_ROOT, serve
from tests.support.site import publish, sign_up, start_community

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# Every Content-Security-Policy violation the page reports, from its first script on.
COLLECT_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline")
    + " at " + event.sourceFile + ":" + event.lineNumber);
}, true);
"""

# A paste as the browser delivers it when text is copied from another web page: inline
# styles, a <style> block, a table, an iframe.
STYLED_PASTE = (
    "<style>p { color: red }</style>"
    '<p style="color: rgb(200, 0, 0); font-family: Georgia">Pasted '
    '<span style="background-color: yellow">words</span></p>'
    '<table style="border: 1px solid"><tr><td style="padding: 4px">cell</td></tr></table>'
    '<iframe src="https://evil.example/embed"></iframe>'
)
PASTE = """([selector, html]) => {
  const data = new DataTransfer();
  data.setData("text/html", html);
  data.setData("text/plain", "Pasted words");
  const target = document.querySelector(selector);
  target.focus();
  const init = {clipboardData: data, bubbles: true, cancelable: true};
  target.dispatchEvent(new ClipboardEvent("paste", init));
}"""


# This module serves the site on its own database, to read back what was stored.
@pytest.fixture(scope="module")
def live_database(tmp_path_factory):
    with fresh_database(tmp_path_factory.mktemp("editor"), "editor") as database_url:
        yield database_url


@pytest.fixture(scope="module")
def live_server(live_database):
    with serve(live_database) as url:
        yield url


@pytest.fixture(scope="module")
def stored(live_database):
    """Run one SELECT against the live server's database; its single value."""
    engine = create_engine(live_database)

    def value(sql: str, **parameters):
        with engine.connect() as connection:
            return connection.execute(text(sql), parameters).scalar_one()

    yield value
    engine.dispose()


@pytest.fixture
def open_page(browser: Browser, live_server):
    """A JavaScript page in a chosen language and size that records CSP violations."""
    contexts = []

    def make(language: str = "en", viewport: dict = DESKTOP) -> Page:
        context = browser.new_context(base_url=live_server, viewport=viewport, locale="en-US")
        context.set_default_timeout(10_000)
        context.add_init_script(COLLECT_VIOLATIONS)
        contexts.append(context)
        page = context.new_page()
        page.console_messages = []  # type: ignore[attr-defined]
        page.on("console", lambda message: page.console_messages.append(message.text))  # type: ignore[attr-defined]
        if language != "en":
            token = csrf_token_from(page.context.request.get("/").text())
            page.context.request.post(
                "/language", form={"csrf_token": token, "language": language, "next": "/"}
            )
        return page

    yield make
    for context in contexts:
        context.close()


def violations(page: Page) -> list[str]:
    """CSP violations seen by the page (as events) and in its console."""
    events = page.evaluate("window.__violations || []")
    console = [m for m in page.console_messages if "Content Security Policy" in m]  # type: ignore[attr-defined]
    return events + console


def post_id_of(url: str) -> int:
    return int(url.split("/p/")[1].split("/")[0])


def type_into_editor(page: Page, scope, words: str, javascript: bool, label: str) -> None:
    """Type as a person would: into Quill with JavaScript, the textarea without."""
    if javascript:
        editor = scope.locator(".ql-editor")
        expect(editor).to_have_text("")  # an empty field starts empty: no "None"
        editor.click()
        page.keyboard.type(words)
    else:
        field = scope.get_by_label(label)
        expect(field).to_have_value("")
        field.fill(words)


def test_a_new_post_stores_exactly_what_was_typed(page: Page, request, stored):
    javascript = request.node.callspec.id == "js"
    sign_up(page, "typist")
    name = start_community(page, "Words")
    page.goto(f"/c/{name}/submit")
    assert_accessible(page)
    # How to write without the editor is said only where there is no editor.
    plain_text_hint = page.get_by_text("Optional. Leave a blank line between paragraphs.")
    if javascript:
        expect(plain_text_hint).to_be_hidden()
    else:
        expect(plain_text_hint).to_be_visible()
    page.get_by_label("Title").fill("Exactly this")
    type_into_editor(page, page.locator(".post-form"), "Hello world", javascript, "Text")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Exactly this")
    assert_accessible(page)
    post_id = post_id_of(page.url)
    assert stored("SELECT body_html FROM posts WHERE id = :id", id=post_id) == "<p>Hello world</p>"
    assert stored("SELECT body_text FROM posts WHERE id = :id", id=post_id) == "Hello world"


def test_a_title_only_post_stores_an_empty_body(page: Page, stored):
    sign_up(page, "titler")
    name = start_community(page, "Titles")
    page.goto(f"/c/{name}/submit")
    assert_accessible(page)
    page.get_by_label("Title").fill("Only a title")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Only a title")
    assert_accessible(page)
    post_id = post_id_of(page.url)
    assert stored("SELECT body_html FROM posts WHERE id = :id", id=post_id) == ""
    assert stored("SELECT body_text FROM posts WHERE id = :id", id=post_id) == ""


def test_an_empty_bio_stores_exactly_what_was_typed(page: Page, request, stored):
    javascript = request.node.callspec.id == "js"
    username = sign_up(page, "bio")
    bio_sql = "SELECT bio_html FROM profiles WHERE username = :name"
    # Saving the profile without touching the empty bio keeps it empty.
    page.goto("/settings/profile")
    assert_accessible(page)
    page.get_by_label("Display name").fill("Bea")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your profile has been saved.")).to_be_visible()
    assert_accessible(page)
    assert stored(bio_sql, name=username) == ""

    field = page.locator(".field").filter(has=page.get_by_text("About you", exact=True))
    type_into_editor(page, field, "I grow tomatoes.", javascript, "About you")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your profile has been saved.")).to_be_visible()
    assert_accessible(page)
    assert stored(bio_sql, name=username) == "<p>I grow tomatoes.</p>"


def test_a_comment_a_reply_and_an_edit_store_exactly_what_was_typed(page: Page, request, stored):
    javascript = request.node.callspec.id == "js"
    sign_up(page, "talker")
    name = start_community(page, "Talk")
    post_url = publish(page, name, "Talk here")
    page.goto(post_url)
    assert_accessible(page)
    comment_sql = "SELECT body_html FROM comments WHERE post_id = :post AND parent_id IS NULL"
    reply_sql = "SELECT body_html FROM comments WHERE post_id = :post AND parent_id IS NOT NULL"
    post_id = post_id_of(post_url)

    type_into_editor(
        page, page.locator("#comment-form-slot"), "First comment", javascript, "Add a comment"
    )
    page.get_by_role("button", name="Comment", exact=True).click()
    comment = page.locator(".comment").filter(has_text="First comment")
    expect(comment).to_be_visible()
    assert_accessible(page)
    assert stored(comment_sql, post=post_id) == "<p>First comment</p>"

    comment.get_by_role("link", name="Reply").click()
    if javascript:
        type_into_editor(page, comment.locator(".comment-form"), "A reply", True, "")
        comment.get_by_role("button", name="Reply").last.click()
    else:
        assert_accessible(page)
        type_into_editor(page, page.locator(".comment-form"), "A reply", False, "Your reply")
        page.get_by_role("main").get_by_role("button", name="Reply").click()
    expect(page.locator(".comment-list--replies").first).to_contain_text("A reply")
    assert_accessible(page)
    assert stored(reply_sql, post=post_id) == "<p>A reply</p>"

    page.locator(".comment").filter(has_text="First comment").first.get_by_role(
        "link", name="Edit"
    ).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit comment")
    assert_accessible(page)
    if javascript:
        editor = page.locator(".ql-editor")
        expect(editor).to_have_text("First comment")  # the stored comment, nothing more
        editor.click()
        page.keyboard.press("ControlOrMeta+A")
        page.keyboard.type("Second thoughts")
    else:
        page.get_by_label("Your comment").fill("Second thoughts")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".comment").filter(has_text="Second thoughts")).to_be_visible()
    assert_accessible(page)
    assert stored(comment_sql, post=post_id) == "<p>Second thoughts</p>"


def words_in(language: str):
    """The catalog's gettext for `language`: what the page should show."""
    return Translations.load(str(REPO_ROOT / "translations"), [language]).gettext


def pseudo_text(locator, pseudo: str = "::before") -> str:
    """The words CSS draws in an element's ::before or ::after (Quill's labels)."""
    content = locator.evaluate("(e, p) => getComputedStyle(e, p).content", pseudo)
    return content[1:-1] if content.startswith('"') else content


ARROW_AND_LABEL = """(label) => {
  // Where the label's words are drawn (::before, from the start side) and where the arrow is.
  const style = getComputedStyle(label);
  const before = getComputedStyle(label, "::before");
  const measure = document.createElement("canvas").getContext("2d");
  measure.font = before.font;
  const width = measure.measureText(before.content.replace(/^"|"$/g, "")).width;
  const box = label.getBoundingClientRect();
  const arrow = label.querySelector("svg").getBoundingClientRect();
  const rtl = style.direction === "rtl";
  const start = rtl ? box.right - parseFloat(style.paddingRight)
                    : box.left + parseFloat(style.paddingLeft);
  return {rtl, box: [box.left, box.right], arrow: [arrow.left, arrow.right],
          words: rtl ? [start - width, start] : [start, start + width]};
}"""


def assert_arrow_clears_its_label(page: Page) -> None:
    label = page.locator(".ql-picker.ql-header .ql-picker-label")
    layout = label.evaluate(ARROW_AND_LABEL)
    (words_left, words_right), (arrow_left, arrow_right) = layout["words"], layout["arrow"]
    box_left, box_right = layout["box"]
    assert box_left - 0.5 <= words_left and words_right <= box_right + 0.5, layout
    if layout["rtl"]:
        assert arrow_right <= words_left, f"the arrow covers the label: {layout}"
    else:
        assert words_right <= arrow_left, f"the arrow covers the label: {layout}"


def assert_inside_the_editor(page: Page, selector: str) -> None:
    editor = page.locator(".editor").first.bounding_box()
    box = page.locator(selector).bounding_box()
    assert editor and box
    assert editor["x"] - 0.5 <= box["x"], (box, editor)
    assert box["x"] + box["width"] <= editor["x"] + editor["width"] + 0.5, (box, editor)


@pytest.mark.parametrize("language", ["en", "fa"])
def test_quills_own_words_in_the_readers_language_and_direction(open_page, language):
    _ = words_in(language)
    page = open_page(language)
    sign_up(page, "polyglot")
    name = start_community(page, "Words")
    sentence = "سلام دنیا" if language == "fa" else "Hello world"
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        page.goto(f"/c/{name}/submit")
        expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "fa" else "ltr")
        toolbar = page.get_by_role("toolbar")

        # The heading picker: its names, and its arrow beside (not on) the chosen one.
        label = page.locator(".ql-picker.ql-header .ql-picker-label")
        assert pseudo_text(label) == _("Normal text")
        assert_arrow_clears_its_label(page)
        label.click()
        for heading in ("Heading 1", "Heading 2", "Heading 3", "Normal text"):
            expect(toolbar.get_by_role("button", name=_(heading), exact=True)).to_be_visible()
        assert_accessible(page)
        page.locator(".ql-editor").click()
        page.keyboard.type(sentence)
        page.keyboard.press("Shift+Home")
        label.click()
        toolbar.get_by_role("button", name=_("Heading 2"), exact=True).click()
        expect(page.locator(".ql-editor h2")).to_have_text(sentence)
        assert pseudo_text(label) == _("Heading 2")
        assert_arrow_clears_its_label(page)

        # The link tooltip: asking for the address, then showing it.
        page.keyboard.press("End")
        page.keyboard.press("Shift+Home")
        toolbar.get_by_role("button", name=_("Link"), exact=True).click()
        tooltip = page.locator(".ql-tooltip")
        address = tooltip.get_by_role("textbox", name=_("Link address"))
        expect(address).to_be_visible()
        assert pseudo_text(tooltip) == _("Enter link:")
        assert pseudo_text(tooltip.locator("a.ql-action"), "::after") == _("Save")
        assert_inside_the_editor(page, ".ql-tooltip")
        assert_accessible(page)
        address.fill("https://example.org/page")
        address.press("Enter")
        link = page.locator(".ql-editor a")
        expect(link).to_have_attribute("href", "https://example.org/page")
        link.click()
        expect(tooltip.locator("a.ql-preview")).to_be_visible()
        assert pseudo_text(tooltip) == _("Visit URL:")
        assert pseudo_text(tooltip.locator("a.ql-action"), "::after") == _("Edit")
        assert pseudo_text(tooltip.locator("a.ql-remove")) == _("Remove")
        assert_inside_the_editor(page, ".ql-tooltip")
        assert_accessible(page)
    if language == "fa":  # translated, not Quill's English (these two have translations)
        assert (_("Edit"), _("Remove")) != ("Edit", "Remove")
    assert violations(page) == []


def test_editing_commenting_and_replying_apply_no_inline_style(open_page, stored):
    """The page's CSP refuses inline styles; nothing the editor does may need one, even
    with text pasted from another page (inline styles, a <style> block, an iframe)."""
    page = open_page()
    sign_up(page, "paster")
    name = start_community(page, "Paste")
    page.goto(f"/c/{name}/submit")
    toolbar = page.get_by_role("toolbar")
    editor = page.locator(".ql-editor")
    editor.click()
    page.keyboard.type("Plain and ")
    toolbar.get_by_role("button", name="Bold").click()
    page.keyboard.type("bold")
    toolbar.get_by_role("button", name="Bold").click()
    page.keyboard.press("Enter")
    page.locator(".ql-picker.ql-header .ql-picker-label").click()
    toolbar.get_by_role("button", name="Heading 3", exact=True).click()
    page.keyboard.type("A heading")
    page.keyboard.press("Enter")
    page.keyboard.type("a link")
    for _ in range(len("a link")):
        page.keyboard.press("Shift+ArrowLeft")
    toolbar.get_by_role("button", name="Link", exact=True).click()
    page.get_by_role("textbox", name="Link address").fill("https://example.org/")
    page.keyboard.press("Enter")
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.evaluate(PASTE, [".post-form .ql-editor", STYLED_PASTE])
    expect(editor).to_contain_text("Pasted words")
    expect(editor.locator("iframe, table, [style]")).to_have_count(0)
    assert violations(page) == []

    # Sent without a title: the form comes back with the text, still without a style.
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Give your post a title.").first).to_be_visible()
    expect(editor).to_contain_text("Pasted words")
    expect(editor.locator("strong")).to_have_text("bold")
    page.get_by_label("Title").fill("Pasted")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pasted")
    body = stored("SELECT body_html FROM posts WHERE id = :id", id=post_id_of(page.url))
    assert "<strong>bold</strong>" in body and "<h3>A heading</h3>" in body
    assert "Pasted words" in body and "style" not in body and "iframe" not in body
    assert violations(page) == []

    # A comment with pasted text, and a reply to it, both sent with htmx.
    form = page.locator("#comment-form-slot")
    form.locator(".ql-editor").click()
    page.evaluate(PASTE, ["#comment-form-slot .ql-editor", STYLED_PASTE])
    form.get_by_role("button", name="Comment", exact=True).click()
    comment = page.locator(".comment").filter(has_text="Pasted words")
    expect(comment).to_be_visible()
    comment.get_by_role("link", name="Reply").click()
    reply_editor = comment.locator(".comment-form .ql-editor")
    reply_editor.click()
    page.keyboard.type("Agreed, ")
    page.evaluate(PASTE, [".comment .comment-form .ql-editor", STYLED_PASTE])
    comment.get_by_role("button", name="Reply").last.click()
    expect(comment.locator(".comment-list--replies").first).to_contain_text("Agreed, Pasted words")
    assert violations(page) == []


HOSTILE_BODY = (
    '<p>Kept words</p><iframe src="https://evil.example/embed"></iframe>'
    '<img src="x" onerror="window.__pwned = true">'
)


def test_a_failing_submit_hands_the_editor_only_cleaned_html(open_page):
    """The form shown again after an error holds what the server would store: the
    editor never turns a sent <iframe> into an embed or keeps an event handler."""
    page = open_page()
    sign_up(page, "crafty")
    name = start_community(page, "Crafty")
    page.goto(f"/c/{name}/submit")
    page.locator(".ql-editor").click()
    page.keyboard.type("Kept words")

    def send_hostile_body(route):
        fields = parse_qsl(route.request.post_data or "", keep_blank_values=True)
        fields = [(key, HOSTILE_BODY if key == "body" else value) for key, value in fields]
        route.continue_(post_data=urlencode(fields))

    page.route(f"**/c/{name}/submit", send_hostile_body)
    page.get_by_role("button", name="Publish").click()  # no title: the form comes back
    expect(page.get_by_text("Give your post a title.").first).to_be_visible()
    # What the server sent back (the editor has since written its own HTML into it).
    sent_back = page.locator("textarea#body").evaluate("textarea => textarea.defaultValue")
    assert "Kept words" in sent_back
    assert "iframe" not in sent_back and "onerror" not in sent_back and "evil" not in sent_back
    editor = page.locator(".ql-editor")
    expect(editor).to_have_text("Kept words")
    expect(editor.locator("iframe, img")).to_have_count(0)
    expect(page.locator("iframe")).to_have_count(0)
    assert page.evaluate("window.__pwned === undefined")
    assert violations(page) == []
