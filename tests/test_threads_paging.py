"""A long thread in pages: at most COMMENT_PAGE_SIZE comments per page (top-level ones in
the chosen order, whole subtrees while the page lasts, a cut one with "N more replies"),
"More comments" as a real link and as an htmx fragment, branches paged the same way, a
constant number of statements whatever the thread's size, and one vote form per item."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy import event, select, text

from tests.support.databases import is_postgres
from tests.support.forms import csrf_token_from
from webapp.comments import queries as comment_queries
from webapp.extensions import db
from webapp.models import Comment, CommentVote, comment_path
from webapp.models.base import utc_now

COMMENT_ID = re.compile(r'<li class="comment" id="comment-(\d+)"')
MORE = re.compile(
    r'<li class="comment-list__more">\s*<a href="([^"]+)"\s*hx-get="([^"]+)"[^>]*>([^<]+)</a>'
)


@pytest.fixture
def talk(make_user, content):
    alice, bob = make_user("alice"), make_user("bob")
    community = content.community(alice)
    post_id = content.post(alice, community, "Talk")
    return {"alice": alice, "bob": bob, "post": post_id, "url": f"/p/{post_id}/talk"}


@pytest.fixture
def small_pages(monkeypatch):
    """Pages of eight comments, cut subtrees down to two, so a test needs few rows."""
    monkeypatch.setattr(comment_queries, "COMMENT_PAGE_SIZE", 8)
    monkeypatch.setattr(comment_queries, "MIN_CUT", 2)


@dataclass
class Made:
    """What a test needs of a stored comment (plain values, usable after any request)."""

    id: int
    depth: int
    path: str
    score: int
    created_at: datetime


class Writer:
    """Comments stored directly (fast), with the score and age a test needs."""

    def __init__(self, post_id: int, author_id: int):
        self.post_id, self.author_id, self.now = post_id, author_id, utc_now()

    def add(self, parent: Made | None = None, score: int = 0, age: int = 0) -> Made:
        comment = Comment(
            post_id=self.post_id,
            author_id=self.author_id,
            parent_id=parent.id if parent else None,
            depth=parent.depth + 1 if parent else 0,
            body_html="<p>words</p>",
            body_text="words",
            upvotes=max(score, 0),
            downvotes=max(-score, 0),
            score=score,
            created_at=self.now - timedelta(minutes=age),
        )
        db.session.add(comment)
        db.session.flush()
        comment.path = comment_path(parent.path if parent else None, comment.id)
        return Made(comment.id, comment.depth, comment.path, score, comment.created_at)

    def chain(self, parent: Made, replies: int) -> list[Made]:
        """`replies` direct replies to `parent`, oldest first."""
        return [self.add(parent, age=replies - index) for index in range(replies)]


def shown(html: str) -> list[int]:
    return [int(found) for found in COMMENT_ID.findall(html)]


def more_link(html: str) -> tuple[str, str, str] | None:
    found = MORE.search(html)
    if found is None:
        return None
    href, fragment, label = (part.replace("&amp;", "&") for part in found.groups())
    return href.split("#")[0], fragment, label


def test_a_page_holds_at_most_200_comments_then_more_loads_the_rest(client, talk):
    assert comment_queries.COMMENT_PAGE_SIZE == 200
    writer = Writer(talk["post"], talk["bob"])
    comments = [writer.add(score=index) for index in range(230)]
    db.session.commit()
    best_first = [comment.id for comment in reversed(comments)]

    page = client.get(talk["url"]).get_data(as_text=True)
    assert shown(page) == best_first[:200]
    href, fragment, label = more_link(page)
    assert label == "More comments" and "after=" in href and "after=" in fragment

    without_js = client.get(href).get_data(as_text=True)  # the plain link: a whole page
    assert shown(without_js) == best_first[200:]
    assert "Back to the first comments" in without_js and more_link(without_js) is None
    assert "Talk" in without_js  # the post stays on top

    with_htmx = client.get(fragment, headers={"HX-Request": "true"})
    html = with_htmx.get_data(as_text=True)
    assert with_htmx.status_code == 200 and "<html" not in html
    assert shown(html) == best_first[200:] and more_link(html) is None
    # the same address without htmx goes to the page the link shows
    assert client.get(fragment).headers["Location"].endswith(href)


def test_whole_subtrees_fit_then_one_is_cut_with_more_replies(client, talk, small_pages):
    writer = Writer(talk["post"], talk["bob"])
    first = writer.add(score=5)
    first_replies = writer.chain(first, 2)
    nested = writer.add(first_replies[0])
    second = writer.add(score=3)
    second_replies = writer.chain(second, 10)
    third = writer.add(score=1)
    db.session.commit()

    page = client.get(talk["url"]).get_data(as_text=True)
    # first: 4 comments, whole; second: 11, cut to the 4 places left (its oldest replies),
    # each list of replies shown in the page's order (best: equal scores, newest first)
    assert shown(page) == [first.id, first_replies[1].id, first_replies[0].id, nested.id] + [
        second.id,
        *(reply.id for reply in reversed(second_replies[:3])),
    ]
    assert "Hide replies (3)" in page  # first's replies, the nested one included
    assert "Hide replies (3)" in page.split(f'id="comment-{second.id}"')[1]  # what is shown
    assert f'thread={second.id}">7 more replies</a>' in page
    href, fragment, _label = more_link(page)
    rest = client.get(fragment, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert shown(rest) == [third.id]  # the next page starts after the cut subtree
    assert shown(client.get(href).get_data(as_text=True)) == [third.id]


def test_a_branch_pages_its_replies_and_counts_them_all(client, talk, small_pages):
    writer = Writer(talk["post"], talk["bob"])
    root = writer.add()
    replies = writer.chain(root, 10)
    db.session.commit()

    branch = client.get(f"{talk['url']}?thread={root.id}").get_data(as_text=True)
    newest_first = [reply.id for reply in reversed(replies)]  # all score 0: newest first
    assert shown(branch) == [root.id, *newest_first[:8]]  # a page of replies under it
    assert "Hide replies (10)" in branch  # every reply, not only this page's
    href, fragment, label = more_link(branch)
    assert label == "More replies" and f"thread={root.id}" in href
    rest = client.get(fragment, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert shown(rest) == newest_first[8:]
    assert shown(client.get(href).get_data(as_text=True)) == [root.id, *newest_first[8:]]


@pytest.mark.parametrize(
    ("sort", "key"),
    [
        ("best", lambda c: (-c.score, -c.created_at.timestamp(), -c.id)),
        ("new", lambda c: (-c.created_at.timestamp(), -c.id)),
        ("old", lambda c: (c.created_at.timestamp(), c.id)),
    ],
)
def test_every_sort_walks_each_comment_once_in_order(client, talk, small_pages, sort, key):
    writer = Writer(talk["post"], talk["bob"])
    # ties in score and in time, so the id decides
    comments = [writer.add(score=index % 3, age=index // 4) for index in range(19)]
    db.session.commit()
    expected = [comment.id for comment in sorted(comments, key=key)]

    seen, url, pages = [], f"{talk['url']}?sort={sort}", 0
    while url:
        html = client.get(url).get_data(as_text=True)
        seen += shown(html)
        link, pages = more_link(html), pages + 1
        url = link[0] if link else None
    assert seen == expected and pages == 3

    first = client.get(f"{talk['url']}?sort={sort}").get_data(as_text=True)
    seen, link = shown(first), more_link(first)
    while link:
        html = client.get(link[1], headers={"HX-Request": "true"}).get_data(as_text=True)
        seen += shown(html)
        link = more_link(html)
    assert seen == expected


def test_a_forged_cursor_shows_the_first_page(client, talk, small_pages):
    writer = Writer(talk["post"], talk["bob"])
    comments = [writer.add(score=-index) for index in range(12)]
    db.session.commit()
    page = client.get(f"{talk['url']}?after=AQKCsabrh9-wBuJR4Z_DAnWIjjnNG7v7").get_data(
        as_text=True
    )
    assert shown(page) == [comment.id for comment in comments[:8]]


def _thread_of(writer: Writer, size: int) -> None:
    """About `size` comments: top-level ones with replies three levels deep and more."""
    made = 0
    while made < size:
        top = writer.add(score=made % 7)
        parent, made = top, made + 1
        for depth in range(1, 11):
            parent = writer.add(parent if depth % 3 else top, score=depth)
            made += 1


@pytest.mark.parametrize("signed_in", [False, True])
def test_statements_stay_the_same_whatever_the_thread_size(
    client, auth, talk, content, make_user, count_statements, signed_in
):
    other = content.post(talk["alice"], content.community(talk["alice"], "films"), "Other")
    _thread_of(Writer(talk["post"], talk["bob"]), 20)
    _thread_of(Writer(other, talk["bob"]), 900)
    db.session.commit()
    if signed_in:
        auth.login("alice")
    counts = []
    for url in (talk["url"], f"/p/{other}/other"):
        client.get(url)
        with count_statements() as counter:
            html = client.get(url).get_data(as_text=True)
        counts.append(counter.count)
        if url.endswith("other"):
            assert len(shown(html)) > 150 and more_link(html) is not None
            with count_statements() as more:
                client.get(more_link(html)[1], headers={"HX-Request": "true"})
            with count_statements() as branch:
                client.get(f"{url}?thread={shown(html)[0]}")
    assert counts[0] == counts[1]
    assert more.count <= 6 and branch.count <= counts[1] + 1, (more.statements, branch.statements)


def test_one_vote_form_per_item_with_two_buttons(client, auth, talk, content):
    comment = content.comment(talk["bob"], talk["post"], body="<p>Vote on me</p>")
    auth.login("alice")
    page = client.get(talk["url"]).get_data(as_text=True)
    widget = page.split(f'<div class="vote" id="vote-comment-{comment}">')[1].split("</div>")[0]
    assert widget.count("<form") == 1 and widget.count('name="csrf_token"') == 1
    assert widget.count('name="next"') == 1
    assert re.findall(r'<button type="submit" name="value" value="(-?\d)"', widget) == ["1", "-1"]
    action = re.search(r'action="([^"]+)"', widget).group(1)
    assert f'hx-post="{action}"' in widget

    token = csrf_token_from(widget)
    answer = client.post(action, data={"csrf_token": token, "next": talk["url"], "value": "-1"})
    assert answer.status_code == 303 and answer.headers["Location"].endswith(talk["url"])
    vote = db.session.scalar(select(CommentVote).where(CommentVote.comment_id == comment))
    assert vote.value == -1
    page = client.get(talk["url"]).get_data(as_text=True)
    widget = page.split(f'<div class="vote" id="vote-comment-{comment}">')[1].split("</div>")[0]
    assert "-1 points" in widget
    # the pressed button now clears; the other one still votes
    assert re.findall(r'name="value" value="(-?\d)"', widget) == ["1", "0"]
    pressed = 'class="vote__button vote__button--down" aria-pressed="true"'
    assert f'id="vote-comment-{comment}-down" {pressed}' in widget

    # htmx posts the same form with the clicked button's value and swaps the widget
    answer = client.post(
        action,
        data={"csrf_token": token, "next": talk["url"], "value": "1"},
        headers={"HX-Request": "true"},
    )
    swapped = answer.get_data(as_text=True)
    assert swapped.startswith(f'<div class="vote" id="vote-comment-{comment}">')
    assert swapped.count("<form") == 1 and "1 point<" in swapped
    assert re.findall(r'name="value" value="(-?\d)"', swapped) == ["0", "-1"]


def test_a_post_page_has_one_form_per_vote_widget(client, auth, talk):
    writer = Writer(talk["post"], talk["alice"])
    for index in range(30):
        writer.add(score=index)
    db.session.commit()
    auth.login("bob")
    page = client.get(talk["url"]).get_data(as_text=True)
    assert page.count('class="vote__form"') == 31  # the post and its 30 comments
    assert page.count("vote__button--up") == 31


# --- PostgreSQL plans ---------------------------------------------------------------------


@pytest.mark.skipif(not is_postgres(), reason="EXPLAIN plans are PostgreSQL's")
@pytest.mark.parametrize(
    ("sort", "index"),
    [
        ("best", "ix_comments_top_level_score"),
        ("new", "ix_comments_top_level_created_at"),
        ("old", "ix_comments_top_level_created_at"),
    ],
)
def test_the_thread_statements_read_indexes(app, client, talk, small_pages, sort, index):
    """Each statement of a thread page, as the page runs it, is planned on an index:
    the top-level page on its partial index in order (no sort), the subtrees by path."""
    writer = Writer(talk["post"], talk["bob"])
    _thread_of(writer, 60)
    db.session.commit()
    first = client.get(f"{talk['url']}?sort={sort}").get_data(as_text=True)
    recorded: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if "FROM comments" in statement:
            recorded.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        client.get(more_link(first)[0])  # a page after a cursor: the keyset bound too
    finally:
        event.remove(engine, "before_cursor_execute", record)
    level, shown_rows = recorded[0][0], recorded[1][0]
    assert "parent_id IS NULL" in level and "LIMIT" in level
    plans = []
    for statement, parameters in recorded[:2]:
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        connection = db.session.connection()
        rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters).scalars().all()
        plans.append("\n".join(rows))
    assert index in plans[0] and "Sort" not in plans[0].replace("Sort Key", ""), plans[0]
    assert "Seq Scan" not in plans[0] + plans[1], plans
    assert "ix_comments_post_id_path" in plans[1], plans[1]
    assert shown_rows


def test_a_comments_permalink_leads_to_the_page_that_shows_it(client, talk, small_pages):
    """/comments/<id> (the no-JS answer to a vote or reply on it) goes where the comment
    is: the post page while the thread fits one page, else its top-level branch."""
    from webapp.models import Post

    writer = Writer(talk["post"], talk["bob"])
    root = writer.add()
    reply = writer.add(root)
    db.session.execute(
        Post.__table__.update().where(Post.id == talk["post"]).values(comment_count=2)
    )
    db.session.commit()
    short = client.get(f"/comments/{reply.id}").headers["Location"]
    assert short.endswith(f"{talk['url']}#comment-{reply.id}")

    for _ in range(9):
        writer.add(score=5)  # better comments: the root falls to a later page
    db.session.execute(
        Post.__table__.update().where(Post.id == talk["post"]).values(comment_count=11)
    )
    db.session.commit()
    long = client.get(f"/comments/{reply.id}").headers["Location"]
    assert long.endswith(f"{talk['url']}?thread={root.id}#comment-{reply.id}")
    assert reply.id in shown(client.get(long.split("#")[0]).get_data(as_text=True))
    assert client.get("/comments/999999").status_code == 404
