"""The admin dashboard: totals and per-day figures equal what the database holds, the
charts are accessible (a name, a description, a table with the same numbers), and the
latest moderation and the site's health are shown."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from webapp.admin import stats
from webapp.admin.charts import nice_step
from webapp.models import (
    Comment,
    CommentVote,
    Community,
    ModerationAction,
    Post,
    PostVote,
    Report,
    User,
)


@pytest.fixture
def admin(auth, make_user, db_session):
    admin_id = make_user("root")
    db_session.get(User, admin_id).is_admin = True
    db_session.commit()
    auth.login("root")
    return admin_id


def today() -> date:
    return datetime.now(UTC).date()


def at(days_ago: int, hour: int = 12, minute: int = 0, second: int = 0) -> datetime:
    return datetime.combine(today() - timedelta(days=days_ago), time(hour, minute, second), UTC)


@pytest.fixture
def site(app, admin, make_user, content, db_session):
    """People, communities, posts, comments, votes and reports on known days."""
    bob, carol = make_user("bob"), make_user("carol")
    books = content.community(bob, "books")
    content.community(carol, "films", "Films")
    posts = [content.post(bob, books, f"Post {index}") for index in range(5)]
    comments = [content.comment(carol, posts[0]) for _ in range(4)]
    # Known days: two posts two days ago (one just before midnight UTC, one just after
    # the day began), one ten days ago, one long before the window, one today.
    for post_id, moment in zip(
        posts, [at(2, 0, 0, 0), at(2, 23, 59, 59), at(10), at(45), at(0, 0, 0, 1)], strict=True
    ):
        db_session.get(Post, post_id).created_at = moment
    for comment_id, moment in zip(comments, [at(1), at(1), at(29), at(30)], strict=True):
        db_session.get(Comment, comment_id).created_at = moment
    db_session.get(User, carol).created_at = at(3)
    db_session.add_all(
        [
            PostVote(user_id=carol, post_id=posts[0], value=1),
            PostVote(user_id=bob, post_id=posts[1], value=-1),
            CommentVote(user_id=bob, comment_id=comments[0], value=1),
            Report(
                reporter_id=carol,
                target_type="post",
                target_id=posts[1],
                target_user_id=bob,
                community_id=books,
                reason="spam",
                created_at=at(2),
            ),
        ]
    )
    db_session.commit()
    return {"bob": bob, "carol": carol, "books": books, "posts": posts}


def database_days(db_session, column) -> Counter:
    """Rows per UTC day, counted in Python from every stored timestamp."""
    return Counter(moment.astimezone(UTC).date() for moment in db_session.scalars(select(column)))


def chart_table(html: str, chart_id: str) -> dict[str, str]:
    """The chart's table as {ISO day: number shown}."""
    section = html.split(f'<caption id="{chart_id}-caption">', 1)[1].split("</table>", 1)[0]
    return dict(
        re.findall(r'<time datetime="([0-9-]+)">[^<]*</time></th><td>([^<]*)</td>', section)
    )


def shown_totals(html: str) -> dict[str, str]:
    section = html.split('<dl class="totals">', 1)[1].split("</dl>", 1)[0]
    pairs = re.findall(r"<dt>(?:<a [^>]*>)?([^<]+)(?:</a>)?</dt>\s*<dd>([^<]+)</dd>", section)
    return dict(pairs)


def test_totals_equal_the_counts_in_the_database(client, site, db_session):
    html = client.get("/admin/").get_data(as_text=True)

    def count(model, *where):
        return db_session.scalar(select(func.count()).select_from(model).where(*where))

    expected = {
        "People": count(User),
        "Communities": count(Community),
        "Posts": count(Post),
        "Comments": count(Comment),
        "Votes": count(PostVote) + count(CommentVote),
        "Open reports": count(Report, Report.status == "open"),
    }
    assert expected == {
        "People": 3,
        "Communities": 2,
        "Posts": 5,
        "Comments": 4,
        "Votes": 3,
        "Open reports": 1,
    }
    assert shown_totals(html) == {label: str(value) for label, value in expected.items()}


@pytest.mark.parametrize(
    ("chart_id", "column"),
    [
        ("chart-posts", Post.created_at),
        ("chart-comments", Comment.created_at),
        ("chart-people", User.created_at),
    ],
)
def test_per_day_numbers_equal_the_database_for_the_last_30_days(
    client, site, db_session, chart_id, column
):
    html = client.get("/admin/").get_data(as_text=True)
    days = [today() - timedelta(days=offset) for offset in range(29, -1, -1)]
    in_database = database_days(db_session, column)
    assert chart_table(html, chart_id) == {day.isoformat(): str(in_database[day]) for day in days}


def test_days_are_cut_at_midnight_utc_and_the_window_is_30_days(app, site, db_session):
    with app.test_request_context():
        series = stats.new_per_day()
    posts = dict(zip(series["posts"].days, series["posts"].counts, strict=True))
    assert len(posts) == 30 and min(posts) == today() - timedelta(days=29)
    assert posts[today() - timedelta(days=2)] == 2  # 00:00:00 and 23:59:59 of that day
    assert posts[today() - timedelta(days=10)] == 1
    assert posts[today()] == 1
    assert series["posts"].total == 4  # the post 45 days old is outside the window
    comments = dict(zip(series["comments"].days, series["comments"].counts, strict=True))
    assert comments[today() - timedelta(days=1)] == 2
    assert comments[today() - timedelta(days=29)] == 1
    assert series["comments"].total == 3  # 30 days ago is the 31st day back


def test_chart_has_an_accessible_name_description_and_the_same_numbers_as_its_table(client, site):
    html = client.get("/admin/").get_data(as_text=True)
    svg = re.search(r'<svg class="chart__svg"[^>]*aria-labelledby="chart-posts-title"[^>]*>', html)
    assert svg is not None and 'role="img"' in svg.group(0)
    assert 'aria-describedby="chart-posts-desc"' in svg.group(0)
    assert '<title id="chart-posts-title">New posts per day</title>' in html
    description = re.search(r'<desc id="chart-posts-desc">([^<]+)</desc>', html).group(1)
    assert "4 in all, at most 2 on" in description
    # Every bar's tooltip is a table row's number; days without posts draw no bar.
    chart = html.split('aria-labelledby="chart-posts-title"', 1)[1].split("</svg>", 1)[0]
    bars = re.findall(r"<rect [^>]*><title>[^<]*: (\d+)</title></rect>", chart)
    table = chart_table(html, "chart-posts")
    assert sorted(bars) == sorted(value for value in table.values() if value != "0")
    assert "<summary>Show as table</summary>" in html
    assert 'viewBox="0 0 400 200" width="100%"' in svg.group(0)  # scales to a phone


def test_charts_mirror_and_speak_persian_on_right_to_left_pages(client, site):
    client.set_cookie("lang", "fa")
    html = client.get("/admin/").get_data(as_text=True)
    assert '<html lang="fa" dir="rtl" data-theme="auto">' in html
    assert 'direction="rtl"' in html
    table = chart_table(html, "chart-posts")
    assert table[(today() - timedelta(days=2)).isoformat()] == "۲"


def test_nice_steps_give_round_grid_lines():
    assert [nice_step(value) for value in (0, 3, 4, 7, 19, 40, 99, 1234)] == [
        1, 1, 1, 2, 5, 10, 50, 500,
    ]  # fmt: skip


def test_latest_ten_moderation_actions_are_shown_with_a_link_to_the_log(
    client, site, db_session, admin
):
    for index in range(12):
        db_session.add(
            ModerationAction(
                actor_id=admin,
                action="remove_post",
                target_type="post",
                target_id=site["posts"][0],
                target_label=f"Post number {index}",
                community_id=site["books"],
                reason=f"reason {index}",
                created_at=at(0, 1, index),
            )
        )
    db_session.commit()
    html = client.get("/admin/").get_data(as_text=True)
    assert html.count('<tr class="log-entry">') == 10
    assert "reason 11" in html and "reason 2" in html and "reason 1<" not in html
    assert 'href="/admin/log"' in html


def test_health_shows_database_cache_and_the_report_queue(client, site):
    html = client.get("/admin/").get_data(as_text=True)
    health = html.split('id="health-heading"', 1)[1]
    assert "Database" in health and "Working" in health
    assert "Not answering" not in health
    assert "1 report is waiting (sent 2 days ago)." in health


def test_dashboard_refuses_guests_and_people_who_are_not_admins(client, auth, make_user):
    assert client.get("/admin/").status_code == 302
    make_user("eve")
    auth.login("eve")
    assert client.get("/admin/").status_code == 403


def test_dashboard_costs_the_same_statements_however_big_the_site(
    client, site, content, count_statements
):
    client.get("/admin/")
    with count_statements() as small:
        client.get("/admin/")
    for index in range(10):
        post_id = content.post(site["bob"], site["books"], f"More {index}")
        content.comment(site["carol"], post_id)
    with count_statements() as large:
        client.get("/admin/")
    assert small.count == large.count, large.statements
