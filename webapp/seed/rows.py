"""The rows of each table, drawn from a `Plan`, in chunks a writer loads one by one.

Posts and comments carry their final counters (score, upvotes, downvotes, comment_count,
the stored hot rank); the vote rows written after them add up to exactly those numbers.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta

from webapp.models.comment import comment_path
from webapp.ranking import hot_score
from webapp.seed import text
from webapp.seed.plan import DAY, Plan, post_tags, reply_parent, up_count, zipf_cum_weights

CHUNK = 20_000  # posts per chunk (their tags and votes follow them)

USER_COLUMNS: tuple[str, ...] = (
    "id",
    "email",
    "password_hash",
    "is_admin",
    "created_at",
    "locale",
    "timezone",
)
USER_COLUMNS += ("ban_reason", "email_verified_at")
PROFILE_COLUMNS: tuple[str, ...] = (
    "user_id",
    "username",
    "display_name",
    "first_name",
    "last_name",
)
PROFILE_COLUMNS += ("bio_html", "website", "updated_at")
COMMUNITY_COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "title",
    "description",
    "rules",
    "creator_id",
    "created_at",
)
COMMUNITY_COLUMNS += ("member_count", "post_count")
MEMBERSHIP_COLUMNS = ("user_id", "community_id", "role", "joined_at")
FOLLOW_COLUMNS = ("follower_id", "followed_id", "created_at")
TAG_COLUMNS = ("id", "name", "post_count", "created_at")
POST_COLUMNS: tuple[str, ...] = (
    "id",
    "community_id",
    "author_id",
    "title",
    "body_html",
    "body_text",
    "url",
)
POST_COLUMNS += ("created_at", "score", "upvotes", "downvotes", "comment_count", "hot")
POST_COLUMNS += ("is_pinned", "is_locked")
POST_TAG_COLUMNS = ("post_id", "tag_id")
POST_VOTE_COLUMNS = ("user_id", "post_id", "value", "created_at")
COMMENT_COLUMNS: tuple[str, ...] = (
    "id",
    "post_id",
    "author_id",
    "parent_id",
    "depth",
    "path",
    "body_html",
)
COMMENT_COLUMNS += ("body_text", "score", "upvotes", "downvotes", "created_at")
COMMENT_VOTE_COLUMNS = ("user_id", "comment_id", "value", "created_at")


def users(plan: Plan, password_hash: str, taken: set[str]) -> tuple[list, list]:
    """User and profile rows; `taken` holds the lowercased usernames in use already."""
    rng = plan.rng("names")
    user_rows, profile_rows = [], []
    for index, user_id in enumerate(plan.user_ids):
        lang = plan.user_lang[index]
        display, handle = text.person(rng, lang)
        username = f"{handle}{user_id}"
        while username.lower() in taken:
            username += "x"
        taken.add(username.lower())
        created = plan.at(365 * DAY + rng.random() * 365 * DAY)
        locale = text.UI_LOCALES[lang] if rng.random() < 0.6 else None
        zone = rng.choice(text.TIMEZONES[lang]) if rng.random() < 0.5 else None
        email = f"{username.lower()}@seed.example"
        user_rows.append((user_id, email, password_hash, False, created, locale, zone, "", created))
        first, _, last = display.partition(" ")
        bio = f"<p>{text.sentence(rng, lang)}</p>" if rng.random() < 0.4 else ""
        profile_rows.append((user_id, username, display, first, last, bio, "", created))
    return user_rows, profile_rows


def communities(plan: Plan, taken: set[str]) -> list[tuple]:
    """Community rows (counters are recounted after the load); `taken`: names in use."""
    rng = plan.rng("communities")
    rows = []
    for position, community_id in enumerate(plan.community_ids):
        stem, title, lang = text.TOPICS[position % len(text.TOPICS)]
        round_ = position // len(text.TOPICS)
        name = stem if not round_ else f"{stem}_{round_ + 1}"
        while name in taken:
            name = f"{name[:26]}_{rng.randrange(1000)}"
        taken.add(name)
        full_title = title if not round_ else f"{title} {round_ + 1}"
        description = text.sentence(rng, lang, 8, 20)
        rules = text.sentence(rng, lang, 5, 12)
        creator = plan.user_ids[rng.randrange(len(plan.user_ids))] if plan.user_ids else None
        created = plan.at(400 * DAY + rng.random() * 300 * DAY)
        rows.append((community_id, name, full_title, description, rules, creator, created, 0, 0))
    return rows


def tags(plan: Plan, existing: dict[str, int]) -> tuple[list[tuple], list[int]]:
    """New tag rows, and the ids of every seeded tag name (existing ones reused), the
    most common first."""
    rows, ids = [], []
    next_id = plan.start.tag
    for name in text.tag_names():
        if name in existing:
            ids.append(existing[name])
            continue
        rows.append((next_id, name, 0, plan.at(400 * DAY)))
        ids.append(next_id)
        next_id += 1
    return rows, ids


def _voters(rng: random.Random, users: int, count: int, author: int) -> list[int]:
    """`count` distinct people (indexes), never the author."""
    picked = rng.sample(range(users), min(users, count + 1))
    return [user for user in picked if user != author][:count]


def _vote_rows(
    plan: Plan, rng: random.Random, item_id: int, author: int, votes: int, ups: int, created
) -> list[tuple]:
    """(user id, item id, value, when): `ups` up votes, the rest down, after `created`."""
    if not votes:
        return []
    age = max(60.0, (plan.now - created).total_seconds())
    user_ids = plan.user_ids
    return [
        (
            user_ids[voter],
            item_id,
            1 if position < ups else -1,
            created + timedelta(seconds=rng.random() * age),
        )
        for position, voter in enumerate(_voters(rng, len(user_ids), votes, author))
    ]


def post_chunks(plan: Plan, tag_ids: list[int]) -> Iterator[tuple[list, list, list]]:
    """(posts, post_tags, post_votes) rows, CHUNK posts at a time."""
    rng = plan.rng("post-rows")
    pool = text.Pool(plan.rng("post-text"))
    vote_rng = plan.rng("post-vote-rows")
    cum = zipf_cum_weights(len(tag_ids), 1.0) if tag_ids else []
    pinned_seen: dict[int, int] = {}
    posts: list[tuple] = []
    links: list[tuple[int, int]] = []
    votes: list[tuple] = []
    for index in range(plan.sizes.posts):
        post_id = plan.start.post + index
        author = plan.post_author[index]
        community_id = plan.post_community[index]
        lang = plan.user_lang[author] if rng.random() < 0.9 else text.language(rng)
        created = plan.at(plan.post_age[index])
        ups, total = plan.post_ups[index], plan.post_votes[index]
        score = ups - (total - ups)
        html, plain = pool.body(lang)
        url = f"https://example.org/{lang}/{post_id}" if rng.random() < 0.15 else None
        seen = pinned_seen[community_id] = pinned_seen.get(community_id, 0) + 1
        pinned = seen in (3, 40)  # two old posts per busy community are pinned
        posts.append(
            (
                post_id,
                community_id,
                plan.user_ids[author],
                text.title(rng, lang),
                html,
                plain,
                url,
                created,
                score,
                ups,
                total - ups,
                plan.post_comments[index],
                hot_score(score, created),
                pinned,
                False,
            )
        )
        links.extend((post_id, tag_id) for tag_id in post_tags(rng, tag_ids, cum))
        votes.extend(_vote_rows(plan, vote_rng, post_id, author, total, ups, created))
        if len(posts) >= CHUNK:
            yield posts, links, votes
            posts, links, votes = [], [], []
    if posts:
        yield posts, links, votes


def comment_chunks(plan: Plan) -> Iterator[tuple[list, list]]:
    """(comments, comment_votes) rows, post by post, about CHUNK comments at a time.
    Comment ids follow one another within a post, so a path sorts as the thread reads."""
    rng = plan.rng("comment-rows")
    pool = text.Pool(plan.rng("comment-text"))
    vote_rng = plan.rng("comment-vote-rows")
    users = len(plan.user_ids)
    writers = list(range(users))
    plan.rng("commenters").shuffle(writers)
    writer_cum = zipf_cum_weights(users, 0.8) if users else []
    comment_id = plan.start.comment
    ordinal = 0  # position in plan.comment_votes
    comments, votes = [], []
    for index, count in enumerate(plan.post_comments):
        if not count:
            continue
        post_id = plan.start.post + index
        post_created = plan.at(plan.post_age[index])
        post_lang = plan.user_lang[plan.post_author[index]]
        authors = rng.choices(writers, cum_weights=writer_cum, k=count)
        depths: list[int] = []
        parents: list[int] = []
        paths: list[str] = []
        ids: list[int] = []
        times: list = []
        top = 0.25 if index == plan.huge_post else 0.45
        for position in range(count):
            parent = reply_parent(rng, depths, parents, top)
            after = post_created if parent < 0 else times[parent]
            created = min(plan.now, after + timedelta(seconds=rng.expovariate(1 / 7200)))
            depth = 0 if parent < 0 else depths[parent] + 1
            path = comment_path(None if parent < 0 else paths[parent], comment_id)
            author = authors[position]
            lang = post_lang if rng.random() < 0.7 else plan.user_lang[author]
            html, plain = pool.comment(lang)
            total = plan.comment_votes[ordinal] if plan.comment_votes else 0
            ups = up_count(vote_rng, total)
            comments.append(
                (
                    comment_id,
                    post_id,
                    plan.user_ids[author],
                    None if parent < 0 else ids[parent],
                    depth,
                    path,
                    html,
                    plain,
                    ups - (total - ups),
                    ups,
                    total - ups,
                    created,
                )
            )
            votes.extend(_vote_rows(plan, vote_rng, comment_id, author, total, ups, created))
            depths.append(depth)
            parents.append(parent)
            paths.append(path)
            ids.append(comment_id)
            times.append(created)
            comment_id += 1
            ordinal += 1
        if len(comments) >= CHUNK:
            yield comments, votes
            comments, votes = [], []
    if comments:
        yield comments, votes
