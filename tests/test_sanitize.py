"""Rich text cleaning: known XSS payloads come out harmless; the editor's output survives."""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.support.forms import submit
from webapp.sanitize import clean_html, html_to_text, plain_text_to_html

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<img src=/media/a.png onerror=alert(1)>",
    '<img src="javascript:alert(1)">',
    "<img src=`javascript:alert(1)`>",
    '<img """><script>alert(1)</script>">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<body onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "<object data=javascript:alert(1)></object>",
    '<embed src="javascript:alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="https://ok.example" onclick="alert(1)">x</a>',
    '<a href="https://ok.example" onmouseover=alert(1)>x</a>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<p style="x:expression(alert(1))">x</p>',
    "<div style=\"behavior:url('x.htc')\">x</div>",
    "<style>@import 'javascript:alert(1)';</style>",
    '<link rel="stylesheet" href="javascript:alert(1)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    "<input onfocus=alert(1) autofocus>",
    "<textarea onfocus=alert(1) autofocus>",
    "<select onfocus=alert(1) autofocus>",
    '<video><source onerror="alert(1)"></video>',
    "<audio src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<marquee onstart=alert(1)>",
    "<isindex type=image src=1 onerror=alert(1)>",
    "<table background=javascript:alert(1)>",
    '<td background="javascript:alert(1)">',
    "<div/onmouseover='alert(1)'>x",
    "<p/onclick=alert(1)>x",
    "<<script>alert(1)//<</script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<p title="</p><script>alert(1)</script>">x</p>',
    '<a href="https://ok.example" style="position:fixed;top:0">x</a>',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<img src="https://tracker.example/pixel.gif">',
    '<img src="/media/../../etc/passwd">',
    '<a href="//evil.example">x</a><a href="https://ok.example" target="_self">y</a>',
    "<template><script>alert(1)</script></template>",
    "<x onclick=alert(1)>x</x>",
    '<a href="https://ok.example" xlink:href="javascript:alert(1)">x</a>',
    '<pre data-language="&quot;><script>alert(1)</script>">x</pre>',
    '<li data-list="bullet" onclick="alert(1)">x</li>',
    '<span class="ql-ui" contenteditable="true">x</span>',
    "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>",
]

DANGEROUS_TAG = re.compile(
    r"<\s*/?\s*(script|style|iframe|object|embed|svg|math|form|input|textarea|select|"
    r"link|meta|base|body|video|audio|source|template|details|marquee|table|td|noscript)\b",
    re.IGNORECASE,
)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
URL_ATTRIBUTE = re.compile(r'\s(?:href|src|xlink:href|action|background)="([^"]*)"', re.I)


def test_corpus_is_large_enough():
    assert len(XSS_PAYLOADS) >= 50


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payload_is_harmless_after_cleaning(payload):
    cleaned = clean_html(payload)
    assert not DANGEROUS_TAG.search(cleaned), cleaned
    assert not EVENT_HANDLER.search(cleaned), cleaned
    assert "style=" not in cleaned.lower() and "contenteditable" not in cleaned.lower()
    for url in URL_ATTRIBUTE.findall(cleaned):
        assert url.startswith(("https://", "http://", "mailto:", "/media/")), cleaned
        assert "/../" not in url
    for tag in re.findall(r"<img\b[^>]*>", cleaned):
        assert re.search(r'src="/media/', tag), cleaned
    assert clean_html(cleaned) == cleaned  # stable: cleaning the stored form changes nothing


# What Quill 2's getSemanticHTML() produces for every toolbar format (spaces restored).
FULL_QUILL_DOCUMENT = (
    "<h1>Heading one</h1>"
    "<h2>Heading two</h2>"
    "<h3>Heading three</h3>"
    "<p>Plain, <strong>bold</strong>, <em>italic</em>, <u>underlined</u>, <s>struck</s> and "
    '<a href="https://example.org/page?a=1&amp;b=2" rel="nofollow ugc noopener" '
    'target="_blank">a link</a>, plus <code>inline code</code>.</p>'
    '<p class="ql-align-center">Centered</p>'
    '<p class="ql-align-right ql-direction-rtl">سلام</p>'
    "<blockquote>A quotation</blockquote>"
    "<ul><li>bullet one</li><li>bullet two<ul><li>nested bullet</li></ul></li></ul>"
    "<ol><li>first</li><li>second</li></ol>"
    '<pre data-language="plain">def hello():\n    return "&lt;world&gt;"\n</pre>'
    '<p><img src="/media/2026/11/abc123.webp" alt="A photo"></p>'
    '<p>Mail <a href="mailto:team@example.org" rel="nofollow ugc noopener">us</a>.<br>'
    "New line.</p>"
)


def test_a_full_quill_document_survives_cleaning_unchanged():
    assert clean_html(FULL_QUILL_DOCUMENT) == FULL_QUILL_DOCUMENT


def test_quill_link_rel_is_replaced_with_ours():
    cleaned = clean_html('<a href="https://e.org" rel="noopener noreferrer" target="_blank">e</a>')
    assert cleaned == '<a href="https://e.org" rel="nofollow ugc noopener" target="_blank">e</a>'


def test_quill_nbsp_bug_is_undone_and_empty_paragraphs_trimmed():
    assert clean_html("<p>two&nbsp;words</p><p><br></p>") == "<p>two words</p>"
    assert clean_html("<p><br></p>") == ""


def test_disallowed_classes_are_dropped_but_quill_formats_kept():
    cleaned = clean_html('<p class="evil ql-indent-2 ql-size-huge">x</p>')
    assert cleaned == '<p class="ql-indent-2">x</p>'


def test_plain_text_becomes_paragraphs_and_stays_text():
    assert plain_text_to_html("Hi <b>there</b>\nline two\n\n\nSecond") == (
        "<p>Hi &lt;b&gt;there&lt;/b&gt;<br>line two</p><p>Second</p>"
    )
    assert plain_text_to_html("   \n\n ") == ""


def test_plain_text_derived_for_previews_and_search():
    text = html_to_text(FULL_QUILL_DOCUMENT)
    assert text.splitlines()[:3] == ["Heading one", "Heading two", "Heading three"]
    assert 'return "<world>"' in text and "A photo" in text and "<" not in text.split("\n")[0]


# A failing submit is shown again to its author with what the editor loads as HTML: it
# must be what the server would store, never what was sent (issue 13, item 16).
HOSTILE_BODY = (
    "<p>Kept <strong>words</strong></p>"
    "<iframe src=https://evil.example></iframe><img src=x onerror=alert(1)>"
)
KEPT_BODY = "<p>Kept <strong>words</strong></p>"
TEXTAREA = re.compile(r"<textarea\b([^>]*)>(.*?)</textarea>", re.DOTALL)


def editor_fields(page: str) -> list[tuple[str, str]]:
    """Each textarea on the page: (its data-html, its content), unescaped."""
    fields = []
    for attributes, content in TEXTAREA.findall(page):
        data_html = re.search(r'data-html="([^"]*)"', attributes)
        fields.append((unescape(data_html.group(1)) if data_html else "", unescape(content)))
    return fields


def assert_sent_back_clean(response, status: int = 422) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == status, page
    fields = editor_fields(page)
    assert fields, "no editor on the page"
    for data_html, content in fields:
        for sent_back in (data_html, content):
            assert "iframe" not in sent_back and "onerror" not in sent_back, sent_back
            assert "evil.example" not in sent_back and "<img" not in sent_back, sent_back
    assert any(content.strip() == KEPT_BODY for _, content in fields), fields
    assert "evil.example" not in page and "onerror" not in page


def test_a_rich_text_field_shows_cleaned_html_and_plain_text_as_typed(app):
    from flask_wtf import FlaskForm

    from webapp.forms import RichTextField

    class Form(FlaskForm):
        class Meta:
            csrf = False

        body = RichTextField("Body")

    with app.test_request_context(
        method="POST", data={"body": HOSTILE_BODY, "body_format": "html"}
    ):
        form = Form()
        assert form.body.data == HOSTILE_BODY  # the service still gets what was sent
        assert form.body.rich_text().raw == HOSTILE_BODY
        shown = unescape(TEXTAREA.search(str(form.body())).group(2))
        assert shown.strip() == KEPT_BODY
    with app.test_request_context(method="POST", data={"body": "a <b> c", "body_format": "text"}):
        shown = unescape(TEXTAREA.search(str(Form().body())).group(2))
        assert shown.strip() == "a <b> c"  # plain text is text: the textarea shows it as typed


@pytest.fixture
def writer(make_user, content, auth):
    user = make_user("writer")
    community = content.community(user)
    post = content.post(user, community, "Mine", body="<p>Stored body</p>")
    comment = content.comment(user, post, body="<p>Stored comment</p>")
    auth.login("writer")
    return {"post": post, "comment": comment}


def test_a_failing_new_post_is_sent_back_cleaned(client, writer):
    response = submit(
        client, "/c/books/submit", {"title": "", "body": HOSTILE_BODY, "body_format": "html"}
    )
    assert_sent_back_clean(response)


def test_a_failing_post_edit_is_sent_back_cleaned(client, writer):
    url = f"/p/{writer['post']}/edit"
    response = submit(client, url, {"title": "", "body": HOSTILE_BODY, "body_format": "html"})
    assert_sent_back_clean(response)


def test_a_failing_profile_is_sent_back_cleaned(client, writer):
    response = submit(
        client,
        "/settings/profile",
        {"bio": HOSTILE_BODY, "body_format": "html", "website": "javascript:alert(1)"},
    )
    assert_sent_back_clean(response)


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_a_failing_comment_is_sent_back_cleaned(client, writer, htmx):
    post = writer["post"]
    response = submit(
        client,
        f"/p/{post}/mine",
        # An impossible parent fails validation, so the form comes back with the body.
        {"body": HOSTILE_BODY, "body_format": "html", "parent_id": "not-a-number"},
        post_url=f"/p/{post}/comments",
        headers={"HX-Request": "true"} if htmx else {},
    )
    assert_sent_back_clean(response, 200 if htmx else 422)  # htmx swaps only a 2xx


def test_a_failing_comment_edit_is_sent_back_cleaned(client, writer):
    url = f"/comments/{writer['comment']}/edit"
    fields = {"body": HOSTILE_BODY, "body_format": "html", "parent_id": "not-a-number"}
    assert_sent_back_clean(submit(client, url, fields))
