"""Threaded comments: replies at any depth, in-line with htmx or on a reply page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.support.forms import csrf_token_from, submit
from webapp.extensions import db
from webapp.models import Comment, Post


@pytest.fixture
def thread(make_user, content):
    alice, bob = make_user("alice"), make_user("bob")
    community = content.community(alice)
    post_id = content.post(alice, community, "Talk")
    return {"alice": alice, "bob": bob, "community": community, "post": post_id}


def test_comment_and_reply_without_javascript(client, auth, thread, content):
    auth.login("bob")
    response = submit(
        client,
        f"/p/{thread['post']}/talk",
        {"body": "First!"},
        post_url=f"/p/{thread['post']}/comments",
    )
    assert response.status_code == 303
    top = db.session.scalar(select(Comment))
    assert response.headers["Location"].endswith(f"#comment-{top.id}")
    reply_page = client.get(f"/comments/{top.id}/reply").get_data(as_text=True)
    assert "First!" in reply_page and f'name="parent_id" value="{top.id}"' in reply_page
    token = csrf_token_from(reply_page)
    response = client.post(
        f"/p/{thread['post']}/comments",
        data={"body": "A reply", "parent_id": str(top.id), "csrf_token": token},
    )
    assert response.status_code == 303
    reply = db.session.scalar(select(Comment).where(Comment.parent_id == top.id))
    assert reply.depth == 1 and reply.path.startswith(top.path + "/")
    assert content.reload(Post, thread["post"]).comment_count == 2
    page = client.get(f"/p/{thread['post']}/talk").get_data(as_text=True)
    assert page.index("First!") < page.index("A reply")


def test_htmx_reply_returns_the_new_comment_and_clears_the_form(client, auth, thread, content):
    top = content.comment(thread["alice"], thread["post"], body="<p>Parent</p>")
    auth.login("bob")
    fragment = client.get(f"/comments/{top}/reply", headers={"HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert "<html" not in html and f'hx-target="#replies-{top}"' in html
    response = submit(
        client,
        f"/p/{thread['post']}/talk",
        {"body": "In-line reply", "parent_id": str(top)},
        post_url=f"/p/{thread['post']}/comments",
        headers={"HX-Request": "true"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "In-line reply" in html and 'class="comment"' in html
    assert f'id="reply-slot-{top}" hx-swap-oob="true"' in html


def test_htmx_empty_reply_re_shows_the_form_in_place(client, auth, thread, content):
    top = content.comment(thread["alice"], thread["post"])
    auth.login("bob")
    response = submit(
        client,
        f"/p/{thread['post']}/talk",
        {"body": "   ", "parent_id": str(top)},
        post_url=f"/p/{thread['post']}/comments",
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == f"#reply-slot-{top}"
    assert "Write something before sending." in response.get_data(as_text=True)
    assert content.reload(Post, thread["post"]).comment_count == 1


def test_reply_to_a_comment_of_another_post_is_refused(client, auth, thread, content):
    other_post = content.post(thread["alice"], thread["community"], "Other")
    foreign = content.comment(thread["alice"], other_post)
    auth.login("bob")
    response = submit(
        client,
        f"/p/{thread['post']}/talk",
        {"body": "Sneaky", "parent_id": str(foreign)},
        post_url=f"/p/{thread['post']}/comments",
        follow_redirects=True,
    )
    assert "That comment is not part of this post." in response.get_data(as_text=True)
    assert content.reload(Post, thread["post"]).comment_count == 0


@pytest.mark.parametrize("parent_id", ["99999999999999999999", "²", "٣", "-1", "0"])
def test_odd_parent_ids_never_break_the_page(client, auth, thread, parent_id):
    auth.login("bob")
    response = submit(
        client,
        f"/p/{thread['post']}/talk",
        {"body": "Hello", "parent_id": parent_id},
        post_url=f"/p/{thread['post']}/comments",
    )
    assert response.status_code in (303, 422)


def test_replies_to_a_deleted_comment_are_refused(client, auth, thread, content):
    top = content.comment(thread["alice"], thread["post"])
    auth.login("alice")
    submit(client, "/", {}, post_url=f"/comments/{top}/delete")
    auth.logout()
    auth.login("bob")
    assert client.get(f"/comments/{top}/reply").status_code == 303
    response = submit(
        client,
        f"/p/{thread['post']}/talk",
        {"body": "Hello?", "parent_id": str(top)},
        post_url=f"/p/{thread['post']}/comments",
        follow_redirects=True,
    )
    assert "it takes no replies" in response.get_data(as_text=True)


def test_unsafe_comment_markup_is_cleaned(client, auth, thread):
    auth.login("bob")
    submit(
        client,
        f"/p/{thread['post']}/talk",
        {"body": '<p onclick="x()">Hi<script>alert(1)</script></p>', "body_format": "html"},
        post_url=f"/p/{thread['post']}/comments",
    )
    comment = db.session.scalar(select(Comment))
    assert comment.body_html == "<p>Hialert(1)</p>"


def test_guest_comment_is_sent_to_sign_in(client, thread):
    response = submit(
        client,
        f"/p/{thread['post']}/talk",
        {"body": "hi"},
        post_url=f"/p/{thread['post']}/comments",
    )
    assert "/auth/login?next=" in response.headers["Location"]


def test_deleted_comment_keeps_its_place_and_replies(client, auth, thread, content):
    top = content.comment(thread["bob"], thread["post"], body="<p>Regret this</p>")
    content.comment(thread["alice"], thread["post"], top, body="<p>Still here</p>")
    auth.login("alice")
    assert submit(client, "/", {}, post_url=f"/comments/{top}/delete").status_code == 403
    auth.logout()
    auth.login("bob")
    submit(client, "/", {}, post_url=f"/comments/{top}/delete")
    page = client.get(f"/p/{thread['post']}/talk").get_data(as_text=True)
    assert "Regret this" not in page and "[deleted]" in page and "Still here" in page
    assert content.reload(Post, thread["post"]).comment_count == 1


def test_only_the_author_edits_a_comment(client, auth, thread, content):
    top = content.comment(thread["bob"], thread["post"], body="<p>Tpyo</p>")
    auth.login("alice")
    assert client.get(f"/comments/{top}/edit").status_code == 403
    auth.logout()
    auth.login("bob")
    response = submit(
        client, f"/comments/{top}/edit", {"body": "<p>Typo</p>", "body_format": "html"}
    )
    assert response.status_code == 303
    comment = content.reload(Comment, top)
    assert comment.body_html == "<p>Typo</p>" and comment.edited_at is not None


def test_moderator_removes_a_comment_with_a_reason(client, auth, thread, content):
    top = content.comment(thread["bob"], thread["post"], body="<p>Rude</p>")
    auth.login("bob")
    assert (
        submit(client, "/", {"reason": "x"}, post_url=f"/comments/{top}/remove").status_code == 403
    )
    auth.logout()
    auth.login("alice")
    submit(client, "/", {"reason": "Insults"}, post_url=f"/comments/{top}/remove")
    assert content.reload(Comment, top).removal_reason == "Insults"
    assert "[removed by a moderator]" in client.get(f"/p/{thread['post']}/talk").get_data(
        as_text=True
    )


def test_deep_threads_show_eight_levels_then_continue(client, thread, content):
    parent = None
    ids = []
    for depth in range(11):
        parent = content.comment(
            thread["bob"], thread["post"], parent, body=f"<p>level {depth}</p>"
        )
        ids.append(parent)
    page = client.get(f"/p/{thread['post']}/talk").get_data(as_text=True)
    assert "level 7" in page and "level 8" not in page
    assert "Continue this thread (1 reply)" in page
    link = re.search(r'href="([^"]+thread=' + str(ids[7]) + r')"', page).group(1)
    branch = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert "level 8" in branch and "level 10" in branch and "level 6" not in branch


def test_comment_sorts(client, thread, content):
    from datetime import timedelta

    from webapp.models import utc_now

    older = content.comment(thread["bob"], thread["post"], body="<p>older one</p>")
    newer = content.comment(thread["bob"], thread["post"], body="<p>newer one</p>")
    db.session.get(Comment, older).created_at = utc_now() - timedelta(hours=2)
    comment = db.session.get(Comment, older)
    comment.upvotes, comment.score = 5, 5
    db.session.commit()
    best = client.get(f"/p/{thread['post']}/talk?sort=best").get_data(as_text=True)
    new = client.get(f"/p/{thread['post']}/talk?sort=new").get_data(as_text=True)
    old = client.get(f"/p/{thread['post']}/talk?sort=old").get_data(as_text=True)
    assert best.index("older one") < best.index("newer one")
    assert new.index("newer one") < new.index("older one")
    assert old.index("older one") < old.index("newer one")
    assert newer


def test_a_500_comment_thread_loads_in_constant_statements(
    client, thread, content, count_statements
):
    from webapp.models import comment_path

    post_id = thread["post"]
    parents: list[Comment] = []
    for index in range(500):
        parent = parents[index // 3] if index >= 3 and index % 2 else None
        comment = Comment(
            post_id=post_id,
            author_id=thread["bob"],
            parent_id=parent.id if parent else None,
            depth=parent.depth + 1 if parent else 0,
            body_html=f"<p>comment {index}</p>",
            body_text=f"comment {index}",
            upvotes=0,
            downvotes=0,
            score=0,
        )
        db.session.add(comment)
        db.session.flush()
        comment.path = comment_path(parent.path if parent else None, comment.id)
        parents.append(comment)
    db.session.commit()
    client.get(f"/p/{post_id}/talk")
    with count_statements() as counter:
        html = client.get(f"/p/{post_id}/talk").get_data(as_text=True)
    assert html.count('class="comment"') > 100
    # the thread is two of them: the page's top-level comments, then what is shown
    assert counter.count <= 5, counter.statements
