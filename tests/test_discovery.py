"""How the site is found and shared (issue 16, "Reading"): canonical URLs, OpenGraph and
Twitter card meta, robots.txt and the sitemap index with its chunked sitemaps."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import update

from webapp.discovery.meta import description, og_locale
from webapp.discovery.queries import POSTS_PER_CHUNK
from webapp.extensions import db
from webapp.models import Post, Profile, User, utc_now
from webapp.posts import services as post_services
from webapp.unit_of_work import unit_of_work

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
SITE = "http://localhost"


class HeadTags(HTMLParser):
    """The canonical link and the meta tags of a page's <head>, in order, unescaped."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, str]] = []
        self.in_head = True

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "body":
            self.in_head = False
        if not self.in_head:
            return
        if tag == "link" and values.get("rel") == "canonical":
            self.tags.append(("canonical", values["href"]))
        elif tag == "meta" and ("property" in values):
            self.tags.append((values["property"], values["content"]))
        elif tag == "meta" and values.get("name", "").startswith(("twitter:", "robots")):
            self.tags.append((values["name"], values["content"]))


def head_tags(client, path: str, **headers) -> list[tuple[str, str]]:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, path
    parser = HeadTags()
    parser.feed(response.get_data(as_text=True))
    return parser.tags


def iso(moment) -> str:
    return moment.astimezone(utc_now().tzinfo).isoformat(timespec="seconds")


def stored(app, model, key):
    with app.app_context():
        return db.session.get(model, key)


def change(app, statement) -> None:
    with app.app_context():
        db.session.execute(statement)
        db.session.commit()


@pytest.fixture
def site(make_user, content):
    alice = make_user("alice")
    books = content.community(alice, "books", "Books & Letters")
    return {"alice": alice, "books": books}


# -- Page meta ---------------------------------------------------------------------------


def test_a_post_without_an_image_has_exact_meta(app, client, content, site):
    post_id = content.post(
        site["alice"],
        site["books"],
        "Reading Borges",
        "<p>Labyrinths and mirrors.</p>",
        ["fiction"],
    )
    created = stored(app, Post, post_id).created_at
    assert head_tags(client, f"/p/{post_id}/reading-borges") == [
        ("canonical", f"{SITE}/p/{post_id}/reading-borges"),
        ("og:type", "article"),
        ("og:title", "Reading Borges"),
        ("og:description", "Labyrinths and mirrors."),
        ("og:url", f"{SITE}/p/{post_id}/reading-borges"),
        ("og:site_name", "Quorum"),
        ("og:locale", "en_US"),
        ("article:published_time", iso(created)),
        ("article:tag", "fiction"),
        ("twitter:card", "summary"),
        ("twitter:title", "Reading Borges"),
        ("twitter:description", "Labyrinths and mirrors."),
    ]


def test_a_post_with_an_image_shares_it_as_a_large_card(app, client, content, site):
    body = '<p>Look:</p><p><img src="/media/ab/cd/photo.png" alt="A shelf"></p><p>More.</p>'
    post_id = content.post(site["alice"], site["books"], "My shelf", body)
    change(app, update(Post).where(Post.id == post_id).values(edited_at=utc_now()))
    post = stored(app, Post, post_id)
    tags = head_tags(client, f"/p/{post_id}/my-shelf")
    assert tags == [
        ("canonical", f"{SITE}/p/{post_id}/my-shelf"),
        ("og:type", "article"),
        ("og:title", "My shelf"),
        ("og:description", "Look: A shelf More."),
        ("og:url", f"{SITE}/p/{post_id}/my-shelf"),
        ("og:site_name", "Quorum"),
        ("og:locale", "en_US"),
        ("og:image", f"{SITE}/media/ab/cd/photo.png"),
        ("article:published_time", iso(post.created_at)),
        ("article:modified_time", iso(post.edited_at)),
        ("twitter:card", "summary_large_image"),
        ("twitter:title", "My shelf"),
        ("twitter:description", "Look: A shelf More."),
    ]


def test_a_community_has_exact_meta(client, site):
    assert head_tags(client, "/c/books?sort=new&t=week") == [
        ("canonical", f"{SITE}/c/books"),
        ("og:type", "website"),
        ("og:title", "Books & Letters"),
        ("og:description", "About books."),
        ("og:url", f"{SITE}/c/books"),
        ("og:site_name", "Quorum"),
        ("og:locale", "en_US"),
        ("twitter:card", "summary"),
        ("twitter:title", "Books & Letters"),
        ("twitter:description", "About books."),
    ]


def test_a_profile_has_exact_meta_with_its_avatar(app, client, site):
    change(
        app,
        update(Profile)
        .where(Profile.user_id == site["alice"])
        .values(
            display_name="Alice Liddell",
            bio_html="<p>I read <strong>everything</strong>.</p><p>Mostly\n  poems.</p>",
        ),
    )
    expected = [
        ("canonical", f"{SITE}/u/alice"),
        ("og:type", "profile"),
        ("og:title", "Alice Liddell (@alice)"),
        ("og:description", "I read everything. Mostly poems."),
        ("og:url", f"{SITE}/u/alice"),
        ("og:site_name", "Quorum"),
        ("og:locale", "en_US"),
        ("profile:username", "alice"),
        ("twitter:card", "summary"),
        ("twitter:title", "Alice Liddell (@alice)"),
        ("twitter:description", "I read everything. Mostly poems."),
    ]
    # A generated picture is not shared; an uploaded one is.
    assert head_tags(client, "/u/alice?tab=comments") == expected
    change(app, update(Profile).where(Profile.user_id == site["alice"]).values(avatar_path="av/x1"))
    with_avatar = head_tags(client, "/u/alice")
    assert with_avatar == [
        *expected[:7],
        ("og:image", f"{SITE}/media/av/x1-256.webp"),
        *expected[7:],
    ]


def test_the_front_page_and_all_are_websites(client, site):
    front = head_tags(client, "/?sort=new")
    assert front[:3] == [("canonical", f"{SITE}/"), ("og:type", "website"), ("og:title", "Quorum")]
    everything = head_tags(client, "/all?sort=top&t=week")
    assert everything[:3] == [
        ("canonical", f"{SITE}/all"),
        ("og:type", "website"),
        ("og:title", "All posts"),
    ]


@pytest.mark.parametrize(("language", "expected"), [("fa", "fa_IR"), ("de", "de_DE")])
def test_og_locale_follows_the_page_language(client, site, language, expected):
    tags = dict(head_tags(client, "/c/books", **{"Accept-Language": language}))
    assert tags["og:locale"] == expected


def test_og_locale_names_a_territory():
    assert [og_locale(code) for code in ("fa", "de", "en", "es", "pt_BR")] == [
        "fa_IR",
        "de_DE",
        "en_US",
        "es_ES",
        "pt_BR",
    ]


def test_a_description_is_cut_on_a_word_boundary():
    words = "word " * 60  # 300 characters
    cut = description(words)
    assert cut == ("word " * 40).rstrip() + "…"
    assert len(cut) <= 201
    assert description("a" * 250) == "a" * 200 + "…"  # no boundary: cut at the limit
    assert description("  short\n\n text ") == "short text"
    assert description("x" * 195 + " endings, again") == "x" * 195 + "…"


def test_a_long_post_body_is_cut_on_a_word_boundary(client, content, site):
    body = "<p>" + " ".join(f"w{i:03d}" for i in range(100)) + "</p>"
    post_id = content.post(site["alice"], site["books"], "Long", body)
    shown = dict(head_tags(client, f"/p/{post_id}/long"))["og:description"]
    # Words of four characters and a space: 40 fit in 200 characters.
    assert shown == " ".join(f"w{i:03d}" for i in range(40)) + "…"


def test_html_in_a_body_never_leaks_into_the_meta(client, content, site):
    body = (
        '<h2>Title</h2><p>Read <strong>this</strong> <a href="https://example.org">link</a>'
        '<script>alert(1)</script><img src="x" onerror="alert(2)"></p>'
    )
    post_id = content.post(site["alice"], site["books"], "Tags <b>here</b>", body)
    response = client.get(f"/p/{post_id}/tags-b-here-b")
    html = response.get_data(as_text=True)
    tags = dict(head_tags(client, f"/p/{post_id}/tags-b-here-b"))
    # The page shows the script's words as text (the cleaner keeps text): so does the meta.
    assert tags["og:description"] == "Title Read this linkalert(1)"
    assert tags["twitter:description"] == tags["og:description"]
    assert tags["og:title"] == "Tags <b>here</b>"  # the title as typed: text, escaped
    head = html.split("</head>")[0]
    assert "<b>" not in head and "&lt;b&gt;here&lt;/b&gt;" in head
    assert "<script>alert" not in head and "onerror" not in head and "<strong>" not in head


def test_the_canonical_of_a_sorted_or_branched_post_page_is_clean(client, content, site):
    post_id = content.post(site["alice"], site["books"], "Hello world")
    comment_id = content.comment(site["alice"], post_id)
    for query in ("?sort=new", f"?sort=old&thread={comment_id}", "?after=x&sort=best"):
        tags = dict(head_tags(client, f"/p/{post_id}/hello-world{query}"))
        assert tags["canonical"] == f"{SITE}/p/{post_id}/hello-world", query
        assert tags["og:url"] == f"{SITE}/p/{post_id}/hello-world", query


@pytest.mark.parametrize("state", ["removed_at", "deleted_at"])
def test_a_taken_down_post_shares_nothing(app, client, content, site, state):
    post_id = content.post(site["alice"], site["books"], "Secret plans", "<p>Hidden text</p>")
    change(app, update(Post).where(Post.id == post_id).values(**{state: utc_now()}))
    slug = "removed" if state == "removed_at" else "deleted"
    response = client.get(f"/p/{post_id}/{slug}")
    head = response.get_data(as_text=True).split("</head>")[0]
    assert head_tags(client, f"/p/{post_id}/{slug}") == [("robots", "noindex")]
    assert "Secret plans" not in head and "Hidden text" not in head


def test_a_banned_person_and_their_posts_share_nothing(app, client, content, site, make_user):
    bob = make_user("bob")
    post_id = content.post(bob, site["books"], "Spam offer", "<p>Buy now</p>")
    change(app, update(User).where(User.id == bob).values(banned_at=utc_now()))
    assert head_tags(client, "/u/bob") == [("robots", "noindex")]
    assert head_tags(client, f"/p/{post_id}/spam-offer") == [("robots", "noindex")]
    # A ban that has ended hides nothing any more.
    ended = utc_now() - timedelta(days=1)
    change(app, update(User).where(User.id == bob).values(banned_until=ended))
    assert dict(head_tags(client, "/u/bob"))["canonical"] == f"{SITE}/u/bob"


def test_pages_that_are_not_shared_carry_no_meta(client, site):
    assert head_tags(client, "/c/") == []
    assert head_tags(client, "/auth/login") == []
    response = client.get("/c/nothing_here")
    assert response.status_code == 404
    parser = HeadTags()
    parser.feed(response.get_data(as_text=True))
    assert parser.tags == []


def test_a_forged_host_gets_no_absolute_address(app, client, content, site, monkeypatch):
    post_id = content.post(site["alice"], site["books"], "Hello world")
    evil = {"Host": "evil.example"}
    tags = head_tags(client, f"/p/{post_id}/hello-world", **evil)
    assert ("og:title", "Hello world") in tags
    assert not [value for _name, value in tags if "evil.example" in value]
    assert "canonical" not in dict(tags) and "og:url" not in dict(tags)
    assert "Sitemap:" not in client.get("/robots.txt", headers=evil).get_data(as_text=True)
    assert client.get("/sitemap.xml", headers=evil).status_code == 404
    # A trusted host is named; SITE_URL, when set, is named whatever the request's host.
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["quorum.example", "localhost"])
    tags = dict(head_tags(client, f"/p/{post_id}/hello-world", Host="quorum.example"))
    assert tags["canonical"] == f"http://quorum.example/p/{post_id}/hello-world"
    monkeypatch.setitem(app.config, "SITE_URL", "https://quorum.example.org/")
    tags = dict(head_tags(client, f"/p/{post_id}/hello-world"))
    assert tags["canonical"] == f"https://quorum.example.org/p/{post_id}/hello-world"


# -- robots.txt --------------------------------------------------------------------------


ROBOTS = """User-agent: *
Allow: /
Disallow: /admin/
Disallow: /api/v1/
Disallow: /auth/
Disallow: /c/*/mod/
Disallow: /c/*/submit
Disallow: /c/new
Disallow: /comments/*/
Disallow: /mod/
Disallow: /p/*/comments/more
Disallow: /p/*/delete
Disallow: /p/*/edit
Disallow: /p/*/remove
Disallow: /report/
Disallow: /search
Disallow: /settings/
Disallow: /submit
Disallow: /tags/suggest
Disallow: /*?sort=
Disallow: /*&sort=

Sitemap: http://localhost/sitemap.xml
"""


def test_robots_txt_names_private_paths_and_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True) == ROBOTS
    assert response.cache_control.public and response.cache_control.max_age == 86400
    assert "Set-Cookie" not in response.headers
    again = client.get("/robots.txt", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


# -- The sitemap -------------------------------------------------------------------------


def parsed(response, root: str) -> ET.Element:
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    tree = ET.fromstring(response.get_data())
    assert tree.tag == f"{{{NS['sm']}}}{root}"
    return tree


def entries(tree: ET.Element, item: str) -> list[tuple[str, str]]:
    return [
        (node.findtext("sm:loc", namespaces=NS), node.findtext("sm:lastmod", namespaces=NS))
        for node in tree.findall(f"sm:{item}", NS)
    ]


def far_post(app, site, post_id: int, title: str) -> None:
    """A post with a chosen id (a big site's), written as a row."""
    with app.app_context():
        now = utc_now()
        db.session.add(
            Post(
                id=post_id,
                community_id=site["books"],
                author_id=site["alice"],
                title=title,
                body_html="",
                body_text="",
                created_at=now,
            )
        )
        db.session.commit()


@pytest.fixture
def sitemap_world(app, content, site, make_user):
    """Chunk 0: two public posts (one edited), one removed, one deleted, one by a banned
    person; chunk 2: one post; chunk 1: none."""
    alice, books = site["alice"], site["books"]
    bob = make_user("bob")
    public = content.post(alice, books, "First post", tags=["poetry", "شعر"])
    edited = content.post(alice, books, "Second post")
    removed = content.post(alice, books, "Removed one", tags=["secret"])
    deleted = content.post(alice, books, "Deleted one")
    content.post(bob, books, "Banned one")
    now = utc_now()
    change(app, update(Post).where(Post.id == edited).values(edited_at=now + timedelta(hours=1)))
    change(app, update(Post).where(Post.id == removed).values(removed_at=now))
    change(app, update(Post).where(Post.id == deleted).values(deleted_at=now))
    change(app, update(User).where(User.id == bob).values(banned_at=now))
    far = 2 * POSTS_PER_CHUNK + 7
    far_post(app, site, far, "Far away")
    return {"public": public, "edited": edited, "far": far}


def test_the_index_lists_the_listings_and_the_chunks_with_posts(app, client, sitemap_world):
    tree = parsed(client.get("/sitemap.xml"), "sitemapindex")
    found = entries(tree, "sitemap")
    assert [loc for loc, _lastmod in found] == [
        f"{SITE}/sitemaps/communities.xml",
        f"{SITE}/sitemaps/tags.xml",
        f"{SITE}/sitemaps/posts-0.xml",
        f"{SITE}/sitemaps/posts-2.xml",
    ]
    edited = stored(app, Post, sitemap_world["edited"])
    far = stored(app, Post, sitemap_world["far"])
    assert found[2][1] == iso(edited.edited_at)
    assert found[3][1] == iso(far.created_at)
    assert all(lastmod for _loc, lastmod in found)


def test_a_chunk_lists_exactly_the_public_posts_of_its_range(app, client, sitemap_world):
    public = stored(app, Post, sitemap_world["public"])
    edited = stored(app, Post, sitemap_world["edited"])
    tree = parsed(client.get("/sitemaps/posts-0.xml"), "urlset")
    assert entries(tree, "url") == [
        (f"{SITE}/p/{public.id}/first-post", iso(public.created_at)),
        (f"{SITE}/p/{edited.id}/second-post", iso(edited.edited_at)),
    ]
    far = sitemap_world["far"]
    assert [
        loc for loc, _ in entries(parsed(client.get("/sitemaps/posts-2.xml"), "urlset"), "url")
    ] == [f"{SITE}/p/{far}/far-away"]
    assert client.get("/sitemaps/posts-1.xml").status_code == 404
    assert client.get("/sitemaps/posts-999999.xml").status_code == 404


def test_communities_and_tags_are_listed(app, client, sitemap_world):
    communities = entries(parsed(client.get("/sitemaps/communities.xml"), "urlset"), "url")
    assert [loc for loc, _ in communities] == [f"{SITE}/c/books"]
    assert communities[0][1] == iso(stored(app, Post, sitemap_world["far"]).created_at)
    tags = entries(parsed(client.get("/sitemaps/tags.xml"), "urlset"), "url")
    # "secret" names only a removed post: it is not listed.
    assert sorted(loc for loc, _ in tags) == [
        f"{SITE}/t/%D8%B4%D8%B9%D8%B1",
        f"{SITE}/t/poetry",
    ]
    public = stored(app, Post, sitemap_world["public"])
    assert {lastmod for _, lastmod in tags} == {iso(public.created_at)}


def test_sitemaps_are_public_cacheable_and_set_no_cookie(client, sitemap_world):
    for path in ("/sitemap.xml", "/sitemaps/posts-0.xml", "/sitemaps/communities.xml"):
        response = client.get(path)
        assert response.cache_control.public and response.cache_control.max_age == 300, path
        assert "Set-Cookie" not in response.headers, path
        assert response.headers["Last-Modified"], path
        again = client.get(path, headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304, path
        since = client.get(path, headers={"If-Modified-Since": response.headers["Last-Modified"]})
        assert since.status_code == 304, path


def test_statement_counts_stay_constant_per_file(
    app, client, content, site, make_user, count_statements
):
    paths = (
        "/sitemap.xml",
        "/sitemaps/posts-0.xml",
        "/sitemaps/communities.xml",
        "/sitemaps/tags.xml",
    )

    def counts() -> list[int]:
        found = []
        for path in paths:
            client.get(path)
            with count_statements() as counter:
                assert client.get(path).status_code == 200, path
            found.append(counter.count)
        return found

    content.post(site["alice"], site["books"], "One", tags=["one"])
    few = counts()
    for index in range(12):
        community = content.community(site["alice"], f"club_{index}", f"Club {index}")
        content.post(site["alice"], community, f"Post {index}", tags=[f"tag{index}", "one"])
    far_post(app, site, 3 * POSTS_PER_CHUNK + 1, "Chunk three")
    far_post(app, site, 5 * POSTS_PER_CHUNK + 1, "Chunk five")
    many = counts()
    assert few == many
    assert max(many) <= 2


def test_a_cached_sitemap_drops_a_removed_post_at_once(app, client, content, site, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_CACHE", "on")
    keep = content.post(site["alice"], site["books"], "Keep me")
    drop = content.post(site["alice"], site["books"], "Drop me")
    first = client.get("/sitemaps/posts-0.xml").get_data(as_text=True)
    assert f"/p/{drop}/drop-me" in first
    assert client.get("/sitemaps/posts-0.xml").get_data(as_text=True) == first
    with app.test_request_context(), unit_of_work():
        alice = db.session.get(User, site["alice"])
        post_services.remove_post(alice, db.session.get(Post, drop), "Off topic")
    after = client.get("/sitemaps/posts-0.xml").get_data(as_text=True)
    assert f"/p/{drop}/" not in after and f"/p/{keep}/keep-me" in after
