"""A small, believable demo community for `flask seed-demo` (and so for `make run`).

Rows are written directly with their counters computed here, in one transaction;
the same invariants the services keep (exact counts, score == sum of votes) hold.
"""

from __future__ import annotations

import random
from datetime import timedelta
from html import escape

from webapp.auth.passwords import hash_password
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
    utc_now,
)
from webapp.models.community import ROLE_MEMBER, ROLE_MODERATOR, ROLE_OWNER
from webapp.ranking import hot_score
from webapp.sanitize import clean_html, html_to_text

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

POSTS = [
    (
        "books",
        "alice",
        "What book made you fall in love with reading again?",
        [
            "<p>After a long slump, <strong>The Left Hand of Darkness</strong> pulled me back in. "
            "What did it for you?</p>"
        ],
        ["recommendations", "sci-fi"],
    ),
    (
        "books",
        "farid",
        "Reading in translation: which translators do you trust?",
        [
            "<p>I read mostly in translation and the translator matters as much as the author.</p>",
            "<ul><li>Edith Grossman (Spanish)</li><li>Ann Goldstein (Italian)</li></ul>",
        ],
        ["translation"],
    ),
    (
        "cooking",
        "bob",
        "Sourdough starter revived after three months in the fridge",
        [
            "<p>Fed it <em>twice a day</em> for three days and it doubled again. Do not give up on "
            "a neglected starter!</p>"
        ],
        ["bread", "sourdough"],
    ),
    (
        "cooking",
        "emma_k",
        "Balcony herbs: what survives a windy fourth floor?",
        ["<p>Rosemary and thyme are thriving; basil gave up in a week.</p>"],
        ["gardening", "herbs"],
    ),
    (
        "selfhosted",
        "carmen",
        "My setup: one small box, PostgreSQL, Redis, nginx",
        [
            "<p>A fanless mini PC runs everything. Backups go to a second disk nightly.</p>",
            "<ol><li>nginx in front</li><li>gunicorn workers</li><li>PostgreSQL 15</li></ol>",
        ],
        ["homelab", "postgresql"],
    ),
    (
        "selfhosted",
        "dmitri",
        "Is it worth running your own mail server in 2026?",
        ["<p>Deliverability horror stories welcome.</p>"],
        ["email"],
    ),
    (
        "astronomy",
        "dmitri",
        "Saturn's rings through a 130 mm reflector",
        ["<p>Clear sky last night. The Cassini division was visible at 150×.</p>"],
        ["planets", "observing"],
    ),
    (
        "astronomy",
        "alice",
        "First time seeing the Andromeda galaxy with my own eyes",
        [
            "<p>Just binoculars, a dark field and patience. A faint smudge, but <em>what</em> a "
            "smudge.</p>"
        ],
        ["observing", "beginners"],
    ),
]

TOPICS = [
    ("books", ["recommendations", "classics"], "Short story collections worth your time, part {n}"),
    ("cooking", ["recipes"], "Weeknight dinner idea #{n}: one pan, twenty minutes"),
    ("selfhosted", ["homelab"], "Uptime report, week {n}: what broke and why"),
    ("astronomy", ["observing"], "Clear-sky log, night {n}"),
]

COMMENTS = [
    "Great question. For me it was a battered paperback found on a train.",
    "Agreed, and the audiobook is wonderful too.",
    "I had the opposite experience, but I see why people love it.",
    "Thanks for sharing — saving this for the weekend.",
    "Could you say more about how you set that up?",
    "Same here! Took me three tries to get it right.",
]


def seed_demo(extra_posts: int = 40) -> dict[str, int]:
    """Create the demo in one transaction and return how many rows of each kind."""
    rng = random.Random(2026)
    now = utc_now()
    password_hash = hash_password(DEMO_PASSWORD)

    users: dict[str, User] = {}
    for index, (username, display_name, bio) in enumerate(PEOPLE):
        user = User(
            email=f"{username.replace('_', '.')}@example.org",
            password_hash=password_hash,
            created_at=now - timedelta(days=120 - index * 7),
        )
        user.profile = Profile(
            username=username, display_name=display_name, bio_html=f"<p>{escape(bio)}</p>"
        )
        users[username] = user
        db.session.add(user)
    db.session.flush()

    communities: dict[str, Community] = {}
    for index, (name, title, description, rules, owner) in enumerate(COMMUNITIES):
        community = Community(
            name=name,
            title=title,
            description=description,
            rules=rules,
            creator_id=users[owner].id,
            created_at=now - timedelta(days=100 - index * 5),
            member_count=0,
            post_count=0,
        )
        db.session.add(community)
        communities[name] = community
    db.session.flush()

    for community_name, community in communities.items():
        owner = next(c[4] for c in COMMUNITIES if c[0] == community_name)
        members = [u for u in users if u == owner or rng.random() < 0.7]
        for username in members:
            role = ROLE_OWNER if username == owner else ROLE_MEMBER
            if role == ROLE_MEMBER and rng.random() < 0.15:
                role = ROLE_MODERATOR
            db.session.add(
                Membership(user_id=users[username].id, community_id=community.id, role=role)
            )
        community.member_count = len(members)

    tags: dict[str, Tag] = {}

    def tag(name: str) -> Tag:
        if name not in tags:
            tags[name] = Tag(name=name, post_count=0)
            db.session.add(tags[name])
        return tags[name]

    specs = [(c, a, t, b, tg) for c, a, t, b, tg in POSTS]
    usernames = list(users)
    for n in range(1, extra_posts + 1):
        community_name, topic_tags, title = TOPICS[n % len(TOPICS)]
        body = [f"<p>{escape(title.format(n=n))}. Notes and thoughts from the community.</p>"]
        specs.append(
            (community_name, usernames[n % len(usernames)], title.format(n=n), body, topic_tags)
        )

    posts: list[Post] = []
    for index, (community_name, author, title, body_parts, tag_names) in enumerate(specs):
        body_html = clean_html("".join(body_parts))
        created_at = now - timedelta(hours=2 + index * 7, minutes=rng.randint(0, 50))
        post = Post(
            community_id=communities[community_name].id,
            author_id=users[author].id,
            title=title,
            body_html=body_html,
            body_text=html_to_text(body_html),
            created_at=created_at,
            tags=[tag(name) for name in tag_names],
            upvotes=0,
            downvotes=0,
        )
        db.session.add(post)
        posts.append(post)
        communities[community_name].post_count += 1
        for name in tag_names:
            tags[name].post_count += 1
    db.session.flush()

    post_vote_count = 0
    for post in posts:
        for user in users.values():
            if user.id == post.author_id or rng.random() < 0.35:
                continue
            value = 1 if rng.random() < 0.85 else -1
            db.session.add(PostVote(user_id=user.id, post_id=post.id, value=value))
            post_vote_count += 1
            if value > 0:
                post.upvotes += 1
            else:
                post.downvotes += 1
        post.score = post.upvotes - post.downvotes
        post.hot = hot_score(post.score, post.created_at)

    comments: list[Comment] = []
    for post in posts[: len(POSTS)]:
        thread: list[Comment] = []
        for step in range(rng.randint(3, 6)):
            parent = rng.choice(thread) if thread and rng.random() < 0.6 else None
            author = users[rng.choice(usernames)]
            body_html = f"<p>{escape(COMMENTS[(post.id + step) % len(COMMENTS)])}</p>"
            comment = Comment(
                post_id=post.id,
                author_id=author.id,
                parent_id=parent.id if parent else None,
                depth=parent.depth + 1 if parent else 0,
                body_html=body_html,
                body_text=html_to_text(body_html),
                created_at=post.created_at + timedelta(minutes=15 * (step + 1)),
                upvotes=0,
                downvotes=0,
            )
            db.session.add(comment)
            db.session.flush()
            comment.path = comment_path(parent.path if parent else None, comment.id)
            thread.append(comment)
        post.comment_count = len(thread)
        comments.extend(thread)

    comment_vote_count = 0
    for comment in comments:
        for user in rng.sample(list(users.values()), 3):
            if user.id == comment.author_id:
                continue
            db.session.add(CommentVote(user_id=user.id, comment_id=comment.id, value=1))
            comment.upvotes += 1
            comment_vote_count += 1
        comment.score = comment.upvotes - comment.downvotes

    follow_count = 0
    for follower in users.values():
        for followed in rng.sample(list(users.values()), 3):
            if followed.id != follower.id:
                db.session.add(Follow(follower_id=follower.id, followed_id=followed.id))
                follow_count += 1

    db.session.commit()
    return {
        "users": len(users),
        "communities": len(communities),
        "posts": len(posts),
        "comments": len(comments),
        "tags": len(tags),
        "votes": post_vote_count + comment_vote_count,
        "follows": follow_count,
    }
