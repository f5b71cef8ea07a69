"""A small, believable demo community for `flask seed-demo` (and so for `make run`).

Everything is built through the services, in one unit of work, so the counters
(members, posts, comments, scores, tag counts) are kept by the code that keeps them in
production. The services date every row "now"; plain UPDATEs then spread the demo over
the past months and days, and recompute each post's hot rank for its new age.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import escape

from sqlalchemy import Update, select, update

from webapp.auth.services import register_user
from webapp.comments.services import add_comment
from webapp.communities.services import create_community, join_community, set_moderator
from webapp.extensions import db
from webapp.models import (
    Comment,
    Community,
    Follow,
    Membership,
    ModerationAction,
    Post,
    User,
    utc_now,
)
from webapp.posts.services import submit_post
from webapp.profiles.services import follow, update_profile
from webapp.ranking import hot_score
from webapp.sanitize import RichText
from webapp.unit_of_work import unit_of_work
from webapp.votes.services import vote_on_comment, vote_on_post

DEMO_PASSWORD = "demo-password-1"

PEOPLE = [
    ("alice", "Alice Moreau", "Reads too much, cycles to the library."),
    ("bob", "Bob Okafor", "Home cook. Sourdough evangelist."),
    ("carmen", "Carmen Ruiz", "Backend developer in Valencia."),
    ("dmitri", "Dmitri Volkov", "Weekend astronomer with a secondhand telescope."),
    ("emma_k", "Emma Keller", "Gardening in a very small balcony."),
    ("farid", "Farid Rahimi", "Translator, tea drinker, chess club regular."),
]

COMMUNITIES = [
    (
        "books",
        "Books & Reading",
        "What we are reading, what we loved, what we gave up on.",
        "Be kind about other people's taste. Mark spoilers.",
        "alice",
    ),
    (
        "cooking",
        "Home Cooking",
        "Recipes, techniques and kitchen disasters.",
        "Share the recipe if you post the photo.",
        "bob",
    ),
    (
        "selfhosted",
        "Self-hosting",
        "Running your own services at home or on a small server.",
        "No piracy. Say what hardware you use.",
        "carmen",
    ),
    (
        "astronomy",
        "Amateur Astronomy",
        "Telescopes, star parties and clear-sky reports.",
        "Credit your photos.",
        "dmitri",
    ),
]

# (community, author, title, body HTML parts, tags, comments). A comment is
# (depth, author, text): at depth 0 it answers the post, deeper it answers the last
# comment above it one level up.
POSTS: list[tuple[str, str, str, list[str], list[str], list[tuple[int, str, str]]]] = [
    (
        "books",
        "alice",
        "What book made you fall in love with reading again?",
        [
            "<p>After a long slump, <strong>The Left Hand of Darkness</strong> pulled me back "
            "in. What did it for you?</p>"
        ],
        ["recommendations", "sci-fi"],
        [
            (0, "farid", "Pedro Páramo, in a battered paperback found on a train."),
            (1, "alice", "Rulfo! Which translation did you read?"),
            (2, "farid", "Margaret Sayers Peden's. Short, strange and unforgettable."),
            (0, "carmen", "Discworld. Guards! Guards! got me through a bad winter."),
            (1, "bob", "Same here, and the audiobooks are wonderful too."),
            (0, "dmitri", "Project Hail Mary. Silly science, great fun."),
        ],
    ),
    (
        "books",
        "farid",
        "Reading in translation: which translators do you trust?",
        [
            "<p>I read mostly in translation, and the translator matters as much as the "
            "author.</p>",
            "<blockquote>Translation is the art of failure. — Umberto Eco</blockquote>",
            "<ul><li>Edith Grossman (Spanish)</li><li>Ann Goldstein (Italian)</li></ul>",
        ],
        ["translation"],
        [
            (0, "alice", "Jennifer Croft, for Olga Tokarczuk. Flawless."),
            (0, "emma_k", "I check who translated a book before I buy it now."),
            (1, "farid", "Exactly. Publishers are finally putting their names on covers."),
        ],
    ),
    (
        "cooking",
        "bob",
        "Sourdough starter revived after three months in the fridge",
        [
            "<p>Fed it <em>twice a day</em> for three days and it doubled again. Do not give "
            "up on a neglected starter!</p>",
            "<ol><li>Discard all but a spoonful</li><li>Feed 1:1:1 by weight</li>"
            "<li>Keep it somewhere warm</li></ol>",
        ],
        ["bread", "sourdough"],
        [
            (0, "emma_k", "Mine smelled of nail polish remover. Is that normal?"),
            (1, "bob", "Totally normal for a hungry starter. Feed it more often."),
            (2, "emma_k", "Worked! Bubbly again after two days."),
            (0, "carmen", "What flour do you use?"),
        ],
    ),
    (
        "cooking",
        "emma_k",
        "Balcony herbs: what survives a windy fourth floor?",
        ["<p>Rosemary and thyme are thriving; basil gave up in a week.</p>"],
        ["gardening", "herbs"],
        [(0, "bob", "Try oregano, it loves wind and neglect.")],
    ),
    (
        "selfhosted",
        "carmen",
        "My setup: one small box, PostgreSQL, Redis, nginx",
        [
            "<p>A fanless mini PC runs everything. Backups go to a second disk nightly.</p>",
            "<ol><li>nginx in front</li><li>gunicorn workers</li><li>PostgreSQL 15</li></ol>",
            "<p>The backup job, for the curious:</p>",
            '<pre data-language="plain">pg_dump --format=custom quorum &gt; /backup/q.dump\n</pre>',
            '<p>Docs I leaned on: <a href="https://www.postgresql.org/docs/">the PostgreSQL '
            "manual</a>.</p>",
        ],
        ["homelab", "postgresql"],
        [
            (0, "dmitri", "How much power does it draw?"),
            (1, "carmen", "About 9 W idle, 20 W under load."),
            (0, "farid", "Do you test restoring the backups?"),
            (1, "carmen", "Monthly, into a scratch database. Untested backups are wishes."),
        ],
    ),
    (
        "selfhosted",
        "dmitri",
        "Is it worth running your own mail server in 2026?",
        ["<p>Deliverability horror stories welcome.</p>"],
        ["email"],
        [(0, "carmen", "Receiving is easy. Sending is where the pain lives.")],
    ),
    (
        "astronomy",
        "dmitri",
        "Saturn's rings through a 130 mm reflector",
        ["<p>Clear sky last night. The Cassini division was visible at 150×.</p>"],
        ["planets", "observing"],
        [(0, "alice", "Jealous! Clouds here for two weeks.")],
    ),
    (
        "astronomy",
        "alice",
        "First time seeing the Andromeda galaxy with my own eyes",
        [
            "<p>Just binoculars, a dark field and patience. A faint smudge, but <em>what</em> "
            "a smudge.</p>"
        ],
        ["observing", "beginners"],
        [(0, "dmitri", "Two and a half million years old light. Never gets old.")],
    ),
    (
        "books",
        "carmen",
        "¿Qué estáis leyendo este mes?",
        ["<p>Yo empecé <em>Cien años de soledad</em> otra vez. ¡Recomendaciones bienvenidas!</p>"],
        ["recommendations", "espanol"],
        [(0, "farid", "Estoy con Rosa Montero, «La ridícula idea de no volver a verte».")],
    ),
    (
        "cooking",
        "emma_k",
        "Brotzeit: mein Lieblingsrezept für Roggenbrot",
        ["<p>Sauerteig, 70 % Roggen, über Nacht gehen lassen. Die Kruste ist ein Traum.</p>"],
        ["bread", "deutsch"],
        [(0, "bob", "Looks great! Danke fürs Teilen.")],
    ),
    (
        "books",
        "farid",
        "شعرهای حافظ را با کدام ترجمه بخوانیم؟",
        ["<p>برای دوستانی که فارسی نمی‌خوانند، کدام ترجمهٔ انگلیسی حافظ را پیشنهاد می‌کنید؟</p>"],
        ["translation", "poetry"],
        [(0, "alice", "Dick Davis's versions are lovely.")],
    ),
]

TOPICS = [
    ("books", ["recommendations", "classics"], "Short story collections worth your time, part {n}"),
    ("cooking", ["recipes"], "Weeknight dinner idea #{n}: one pan, twenty minutes"),
    ("selfhosted", ["homelab"], "Uptime report, week {n}: what broke and why"),
    ("astronomy", ["observing"], "Clear-sky log, night {n}"),
]


@dataclass
class _Demo:
    """What the seeding built so far, and the UPDATEs that will date it."""

    rng: random.Random
    now: datetime
    users: dict[str, User] = field(default_factory=dict)
    registered: dict[int, datetime] = field(default_factory=dict)
    communities: dict[str, Community] = field(default_factory=dict)
    posts: list[Post] = field(default_factory=list)
    posted: dict[int, datetime] = field(default_factory=dict)
    comments: list[Comment] = field(default_factory=list)
    tag_ids: set[int] = field(default_factory=set)
    votes: int = 0
    follows: int = 0
    updates: list[Update] = field(default_factory=list)

    def date(self, model, when: datetime, **keys) -> None:
        """Queue an UPDATE that dates the `model` row(s) matching `keys` at `when` (never
        later than a minute ago: no demo page may say "in 2 minutes")."""
        when = min(when, self.now - timedelta(minutes=1))
        column = "joined_at" if model is Membership else "created_at"
        conditions = [getattr(model, name) == value for name, value in keys.items()]
        self.updates.append(update(model).where(*conditions).values({column: when}))


def seed_demo(extra_posts: int = 40) -> dict[str, int]:
    """Create the demo in one transaction and return how many rows of each kind."""
    demo = _Demo(rng=random.Random(2026), now=utc_now())
    with unit_of_work():
        _register_people(demo)
        _create_communities(demo)
        _submit_posts(demo, extra_posts)
        _vote(demo)
        _follow_people(demo)
        _backdate(demo)
        summary = {
            "users": len(demo.users),
            "communities": len(demo.communities),
            "posts": len(demo.posts),
            "comments": len(demo.comments),
            "tags": len(demo.tag_ids),
            "votes": demo.votes,
            "follows": demo.follows,
        }
    return summary


def _register_people(demo: _Demo) -> None:
    """Sign everyone up and fill in their profile; they joined months ago, weekly."""
    for index, (username, display_name, bio) in enumerate(PEOPLE):
        email = f"{username.replace('_', '.')}@example.org"
        user = register_user(email, username, DEMO_PASSWORD)
        user.email_verified_at = user.created_at or utc_now()  # example.org gets no mail
        update_profile(
            user,
            display_name=display_name,
            first_name="",
            last_name="",
            bio=RichText(bio, "text"),
            website="",
        )
        demo.users[username] = user
        demo.registered[user.id] = demo.now - timedelta(days=120 - index * 7)
        demo.date(User, demo.registered[user.id], id=user.id)


def _create_communities(demo: _Demo) -> None:
    """Each owner founds their community (a few days apart); others join it."""
    for index, (name, title, description, rules, owner_name) in enumerate(COMMUNITIES):
        owner = demo.users[owner_name]
        community = create_community(owner, name, title, description, rules)
        demo.communities[name] = community
        founded = demo.now - timedelta(days=100 - index * 5)
        demo.date(Community, founded, id=community.id)
        demo.date(Membership, founded, user_id=owner.id, community_id=community.id)
        _add_members(demo, community, owner, founded)


def _add_members(demo: _Demo, community: Community, owner: User, founded: datetime) -> None:
    """Most people join within a month; the owner makes the first of them a moderator."""
    members = [user for user in demo.users.values() if user is not owner]
    members = [user for user in members if demo.rng.random() < 0.7]
    for position, user in enumerate(members):
        join_community(user, community)
        start = max(founded, demo.registered[user.id])
        joined = start + timedelta(days=demo.rng.randint(1, 30), hours=demo.rng.randint(0, 23))
        demo.date(Membership, joined, user_id=user.id, community_id=community.id)
        if position == 0:
            set_moderator(owner, community, user.profile.username, appoint=True)
            demo.date(
                ModerationAction,
                joined + timedelta(days=2),
                action="appoint_moderator",
                target_id=user.id,
                community_id=community.id,
            )


def _post_specs(extra_posts: int) -> list[tuple]:
    """(community, author, title, body HTML, tags, comments) of every post to write:
    the hand-written ones, then `extra_posts` routine ones without comments."""
    specs = [(c, a, t, "".join(body), tags, notes) for c, a, t, body, tags, notes in POSTS]
    usernames = [username for username, _name, _bio in PEOPLE]
    for n in range(1, extra_posts + 1):
        community_name, tags, title = TOPICS[n % len(TOPICS)]
        title = title.format(n=n)
        body = f"<p>{escape(title)}. Notes and thoughts from the community.</p>"
        specs.append((community_name, usernames[n % len(usernames)], title, body, tags, []))
    return specs


def _submit_posts(demo: _Demo, extra_posts: int) -> None:
    """Publish every post with its comments; newest first, one every seven hours or so
    (two hours old at least, so that every comment lies in the past)."""
    for index, spec in enumerate(_post_specs(extra_posts)):
        community_name, author, title, body, tags, comments = spec
        community = demo.communities[community_name]
        post = submit_post(demo.users[author], community, title, body, None, tags)
        demo.posts.append(post)
        demo.tag_ids.update(tag.id for tag in post.tags)
        posted = demo.now - timedelta(hours=2 + index * 7, minutes=demo.rng.randint(0, 50))
        demo.posted[post.id] = posted
        _add_comments(demo, post, comments, posted)


def _add_comments(demo: _Demo, post: Post, comments: list, posted: datetime) -> None:
    """The post's comments, in order, a quarter of an hour apart."""
    parents: list[int] = []  # the latest comment at each depth
    for index, (depth, author, text) in enumerate(comments):
        parent_id = parents[depth - 1] if depth else None
        comment = add_comment(demo.users[author], post, parent_id, RichText(text, "text"))
        demo.comments.append(comment)
        demo.date(Comment, posted + timedelta(minutes=10 + 15 * index), id=comment.id)
        del parents[depth:]
        parents.append(comment.id)


def _vote(demo: _Demo) -> None:
    """About two in three people vote on each post, mostly up; three people pass by
    each comment and like it (unless it is their own)."""
    people = list(demo.users.values())
    for post in demo.posts:
        for user in people:
            if user.id == post.author_id or demo.rng.random() < 0.35:
                continue
            vote_on_post(user, post, 1 if demo.rng.random() < 0.85 else -1)
            demo.votes += 1
    for comment in demo.comments:
        for user in demo.rng.sample(people, 3):
            if user.id != comment.author_id:
                vote_on_comment(user, comment, 1)
                demo.votes += 1


def _follow_people(demo: _Demo) -> None:
    """Everyone follows two or three of the others, some weeks ago."""
    people = list(demo.users.values())
    for follower in people:
        for followed in demo.rng.sample(people, 3):
            if followed is follower or not follow(follower, followed):
                continue
            demo.follows += 1
            when = demo.now - timedelta(
                days=demo.rng.randint(20, 60), hours=demo.rng.randint(0, 23)
            )
            demo.date(Follow, when, follower_id=follower.id, followed_id=followed.id)


def _backdate(demo: _Demo) -> None:
    """Run the queued UPDATEs, then date each post and rank it for its new age."""
    for statement in demo.updates:
        db.session.execute(statement)
    scores = dict(db.session.execute(select(Post.id, Post.score)).all())
    for post_id, posted in demo.posted.items():
        db.session.execute(
            update(Post)
            .where(Post.id == post_id)
            .values(created_at=posted, hot=hot_score(scores[post_id], posted))
        )
