"""`flask seed`: the sizes asked for, counters that match a recount of the rows, a huge
thread with sound paths, search that finds seeded words, the same rows from the same
seed, and refusal where seeding would do harm."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select, text

from webapp.extensions import db
from webapp.models import (
    Comment,
    CommentVote,
    Community,
    Follow,
    Membership,
    Post,
    PostVote,
    Profile,
    Tag,
    User,
    comment_path,
)
from webapp.ranking import hot_score
from webapp.seed import run_seed
from webapp.seed.plan import MAX_DEPTH, Sizes
from webapp.seed.text import MARKER_WORD

SMALL = {
    "users": 60,
    "communities": 6,
    "posts": 300,
    "comments": 900,
    "votes": 1500,
    "follows": 200,
    "huge-thread": 400,
}
SMALL_SIZES = Sizes(60, 6, 300, 900, 1500, 200, 400)


def seed_args(**changes) -> list[str]:
    sizes = {**SMALL, **changes}
    return ["seed", "--quiet", *(f"--{name}={value}" for name, value in sizes.items())]


@pytest.fixture
def seeded(runner):
    result = runner.invoke(args=seed_args())
    assert result.exit_code == 0, result.output
    return result


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def mismatches(sql: str) -> list:
    return db.session.execute(text(sql)).all()


# Every denormalized counter against a recount from the rows it counts.
RECOUNTS = {
    "post votes": """
        SELECT p.id FROM posts p LEFT JOIN (
            SELECT post_id, sum(value) AS total,
                   sum(CASE WHEN value = 1 THEN 1 ELSE 0 END) AS ups,
                   sum(CASE WHEN value = -1 THEN 1 ELSE 0 END) AS downs
            FROM post_votes GROUP BY post_id) v ON v.post_id = p.id
        WHERE p.score <> coalesce(v.total, 0) OR p.upvotes <> coalesce(v.ups, 0)
           OR p.downvotes <> coalesce(v.downs, 0)""",
    "comment votes": """
        SELECT c.id FROM comments c LEFT JOIN (
            SELECT comment_id, sum(value) AS total,
                   sum(CASE WHEN value = 1 THEN 1 ELSE 0 END) AS ups,
                   sum(CASE WHEN value = -1 THEN 1 ELSE 0 END) AS downs
            FROM comment_votes GROUP BY comment_id) v ON v.comment_id = c.id
        WHERE c.score <> coalesce(v.total, 0) OR c.upvotes <> coalesce(v.ups, 0)
           OR c.downvotes <> coalesce(v.downs, 0)""",
    "comment counts": """
        SELECT p.id FROM posts p
        WHERE p.comment_count <> (SELECT count(*) FROM comments c WHERE c.post_id = p.id)""",
    "community counts": """
        SELECT c.id FROM communities c
        WHERE c.member_count <> (SELECT count(*) FROM memberships m WHERE m.community_id = c.id)
           OR c.post_count <> (SELECT count(*) FROM posts p WHERE p.community_id = c.id
                               AND p.removed_at IS NULL AND p.deleted_at IS NULL)""",
    "tag counts": """
        SELECT t.id FROM tags t
        WHERE t.post_count <> (SELECT count(*) FROM post_tags pt JOIN posts p ON p.id = pt.post_id
                               WHERE pt.tag_id = t.id
                               AND p.removed_at IS NULL AND p.deleted_at IS NULL)""",
    "self votes": """
        SELECT v.post_id FROM post_votes v JOIN posts p ON p.id = v.post_id
        WHERE v.user_id = p.author_id
        UNION ALL
        SELECT v.comment_id FROM comment_votes v JOIN comments c ON c.id = v.comment_id
        WHERE v.user_id = c.author_id""",
}


def test_the_sizes_asked_for(seeded):
    assert count(User) == SMALL["users"]
    assert count(Profile) == SMALL["users"]
    assert count(Community) == SMALL["communities"]
    assert count(Post) == SMALL["posts"]
    assert count(Comment) == SMALL["comments"]
    assert count(PostVote) + count(CommentVote) == SMALL["votes"]
    assert count(Follow) == SMALL["follows"]
    assert count(Membership) >= SMALL["users"]  # everyone joins somewhere
    assert count(Tag) > 10
    assert "300 posts" in seeded.output


@pytest.mark.parametrize("name", RECOUNTS)
def test_every_counter_equals_a_recount(seeded, name):
    assert mismatches(RECOUNTS[name]) == []


def test_the_shared_recount_finds_nothing_wrong(seeded):
    counters = pytest.importorskip("webapp.counters")
    assert counters.counter_mismatches() == []
    assert "posts 0, comments 0" in seeded.output  # loaded right, not fixed afterwards


def test_stored_hot_rank_is_the_ranking_formula(seeded):
    for score, created_at, hot in db.session.execute(select(Post.score, Post.created_at, Post.hot)):
        assert hot == pytest.approx(hot_score(score, created_at), abs=1e-6)


def test_the_skew_is_realistic(seeded):
    """A few communities and posts get most of the activity."""
    biggest = db.session.scalar(select(func.max(Community.post_count)))
    assert biggest > 2 * SMALL["posts"] / SMALL["communities"]
    top_votes = db.session.scalar(select(func.max(Post.upvotes + Post.downvotes)))
    assert top_votes > 10 * count(PostVote) / SMALL["posts"]
    assert db.session.scalar(select(func.count()).where(Post.is_pinned)) >= 1


def test_the_huge_thread(seeded):
    post_id, comment_count = db.session.execute(
        select(Post.id, Post.comment_count).order_by(Post.comment_count.desc()).limit(1)
    ).one()
    assert comment_count == SMALL["huge-thread"]
    runner_up = db.session.scalar(
        select(Post.comment_count).order_by(Post.comment_count.desc()).offset(1).limit(1)
    )
    assert runner_up < comment_count / 2  # one thread is huge, not several
    comments = db.session.execute(
        select(Comment.id, Comment.parent_id, Comment.depth, Comment.path, Comment.post_id)
        .where(Comment.post_id == post_id)
        .order_by(Comment.path)
    ).all()
    assert len(comments) == comment_count
    by_id = {row.id: row for row in comments}
    deepest = 0
    for row in comments:
        parent = by_id.get(row.parent_id)
        assert (row.parent_id is None) == (row.depth == 0)
        if parent is not None:
            assert row.depth == parent.depth + 1
        assert row.path == comment_path(parent.path if parent else None, row.id)
        deepest = max(deepest, row.depth)
    assert 3 <= deepest < MAX_DEPTH
    # Comments of every post: a parent belongs to the same post, paths are sound.
    broken = mismatches(
        "SELECT c.id FROM comments c JOIN comments parent ON parent.id = c.parent_id "
        "WHERE parent.post_id <> c.post_id OR c.depth <> parent.depth + 1 "
        "OR c.path NOT LIKE parent.path || '/%'"
    )
    assert broken == []


def test_search_finds_a_seeded_word(seeded, client):
    with_word = set(
        db.session.scalars(
            select(Post.id).where(
                func.lower(Post.title + " " + Post.body_text).contains(MARKER_WORD)
            )
        )
    )
    assert with_word
    page = client.get(f"/search?q={MARKER_WORD}&type=posts")
    assert page.status_code == 200
    found = {int(number) for number in re.findall(r'href="/p/(\d+)/', page.text)}
    assert found and found <= with_word


def test_the_text_speaks_several_languages(seeded):
    bodies = " ".join(db.session.scalars(select(Post.body_text).limit(300)))
    assert re.search("[\u0600-\u06ff]", bodies)  # Persian
    assert re.search("[äöüß]", bodies)  # German
    assert re.search("[ñáéíóú]", bodies)  # Spanish


def snapshot() -> dict:
    """What a seed wrote, without the dates (they count back from the run's moment)."""
    return {
        "people": db.session.execute(
            select(Profile.username, Profile.display_name).order_by(Profile.user_id)
        ).all(),
        "posts": db.session.execute(
            select(Post.id, Post.community_id, Post.author_id, Post.title, Post.score).order_by(
                Post.id
            )
        ).all(),
        "comments": db.session.execute(
            select(
                Comment.id, Comment.path, Comment.author_id, Comment.body_text, Comment.score
            ).order_by(Comment.id)
        ).all(),
        "votes": db.session.execute(
            select(PostVote.user_id, PostVote.post_id, PostVote.value).order_by(
                PostVote.user_id, PostVote.post_id
            )
        ).all(),
        "follows": db.session.execute(select(Follow.follower_id, Follow.followed_id)).all(),
    }


def test_the_same_seed_writes_the_same_rows(app, db_session):
    def seeded_with(seed: int) -> dict:
        with app.app_context():
            savepoint = db.session.begin_nested()
            run_seed(SMALL_SIZES, seed=seed, progress=False)
            rows = snapshot()
            savepoint.rollback()
            return rows

    first, again, other = seeded_with(7), seeded_with(7), seeded_with(8)
    assert first == again
    assert first["posts"] != other["posts"]


def test_refuses_a_database_with_posts_unless_appending(runner, seeded):
    before = count(Post)
    refused = runner.invoke(args=seed_args())
    assert refused.exit_code != 0
    assert "--append" in refused.output
    assert count(Post) == before

    appended = runner.invoke(args=[*seed_args(posts=50, comments=80), "--append"])
    assert appended.exit_code == 0, appended.output
    assert count(Post) == before + 50
    assert count(User) == 2 * SMALL["users"]
    for name, sql in RECOUNTS.items():
        assert mismatches(sql) == [], name


def test_refuses_production_without_yes(app, runner):
    app.config["QUORUM_ENV"] = "production"
    try:
        refused = runner.invoke(args=seed_args())
        assert refused.exit_code != 0
        assert "--yes" in refused.output
        assert count(Post) == 0
    finally:
        app.config["QUORUM_ENV"] = "development"
