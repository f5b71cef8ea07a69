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

# (community, author, title, body HTML parts, tags, comment threads). A thread is
# (author, text, [replies…]) with replies of the same shape.
POSTS = [
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
            (
                "farid",
                "Pedro Páramo, in a battered paperback found on a train.",
                [
                    (
                        "alice",
                        "Rulfo! Which translation did you read?",
                        [
                            (
                                "farid",
                                "Margaret Sayers Peden's. Short, strange and unforgettable.",
                                [],
                            ),
                        ],
                    ),
                ],
            ),
            (
                "carmen",
                "Discworld. Guards! Guards! got me through a bad winter.",
                [
                    ("bob", "Same here, and the audiobooks are wonderful too.", []),
                ],
            ),
            ("dmitri", "Project Hail Mary. Silly science, great fun.", []),
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
            ("alice", "Jennifer Croft, for Olga Tokarczuk. Flawless.", []),
            (
                "emma_k",
                "I check who translated a book before I buy it now.",
                [
                    ("farid", "Exactly. Publishers are finally putting their names on covers.", []),
                ],
            ),
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
            (
                "emma_k",
                "Mine smelled of nail polish remover. Is that normal?",
                [
                    (
                        "bob",
                        "Totally normal for a hungry starter. Feed it more often.",
                        [
                            ("emma_k", "Worked! Bubbly again after two days.", []),
                        ],
                    ),
                ],
            ),
            ("carmen", "What flour do you use?", []),
        ],
    ),
    (
        "cooking",
        "emma_k",
        "Balcony herbs: what survives a windy fourth floor?",
        ["<p>Rosemary and thyme are thriving; basil gave up in a week.</p>"],
        ["gardening", "herbs"],
        [("bob", "Try oregano, it loves wind and neglect.", [])],
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
            (
                "dmitri",
                "How much power does it draw?",
                [
                    ("carmen", "About 9 W idle, 20 W under load.", []),
                ],
            ),
            (
                "farid",
                "Do you test restoring the backups?",
                [
                    (
                        "carmen",
                        "Monthly, into a scratch database. Untested backups are wishes.",
                        [],
                    ),
                ],
            ),
        ],
    ),
    (
        "selfhosted",
        "dmitri",
        "Is it worth running your own mail server in 2026?",
        ["<p>Deliverability horror stories welcome.</p>"],
        ["email"],
        [("carmen", "Receiving is easy. Sending is where the pain lives.", [])],
    ),
    (
        "astronomy",
        "dmitri",
        "Saturn's rings through a 130 mm reflector",
        ["<p>Clear sky last night. The Cassini division was visible at 150×.</p>"],
        ["planets", "observing"],
        [("alice", "Jealous! Clouds here for two weeks.", [])],
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
        [("dmitri", "Two and a half million years old light. Never gets old.", [])],
    ),
    (
        "books",
        "carmen",
        "¿Qué estáis leyendo este mes?",
        ["<p>Yo empecé <em>Cien años de soledad</em> otra vez. ¡Recomendaciones bienvenidas!</p>"],
        ["recommendations", "espanol"],
        [("farid", "Estoy con Rosa Montero, «La ridícula idea de no volver a verte».", [])],
    ),
    (
        "cooking",
        "emma_k",
        "Brotzeit: mein Lieblingsrezept für Roggenbrot",
        ["<p>Sauerteig, 70 % Roggen, über Nacht gehen lassen. Die Kruste ist ein Traum.</p>"],
        ["bread", "deutsch"],
        [("bob", "Looks great! Danke fürs Teilen.", [])],
    ),
    (
        "books",
        "farid",
        "شعرهای حافظ را با کدام ترجمه بخوانیم؟",
        ["<p>برای دوستانی که فارسی نمی‌خوانند، کدام ترجمهٔ انگلیسی حافظ را پیشنهاد می‌کنید؟</p>"],
        ["translation", "poetry"],
        [("alice", "Dick Davis's versions are lovely.", [])],
    ),
]

TOPICS = [
    ("books", ["recommendations", "classics"], "Short story collections worth your time, part {n}"),
    ("cooking", ["recipes"], "Weeknight dinner idea #{n}: one pan, twenty minutes"),
    ("selfhosted", ["homelab"], "Uptime report, week {n}: what broke and why"),
    ("astronomy", ["observing"], "Clear-sky log, night {n}"),
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

    specs = [(c, a, t, b, tg) for c, a, t, b, tg, _threads in POSTS]
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

    def add_thread(post: Post, parent: Comment | None, thread, minutes: int) -> int:
        author, text, replies = thread
        body_html = f"<p>{escape(text)}</p>"
        comment = Comment(
            post_id=post.id,
            author_id=users[author].id,
            parent_id=parent.id if parent else None,
            depth=parent.depth + 1 if parent else 0,
            body_html=body_html,
            body_text=html_to_text(body_html),
            created_at=post.created_at + timedelta(minutes=minutes),
            upvotes=0,
            downvotes=0,
        )
        db.session.add(comment)
        db.session.flush()
        comment.path = comment_path(parent.path if parent else None, comment.id)
        comments.append(comment)
        for reply in replies:
            minutes = add_thread(post, comment, reply, minutes + 20)
        return minutes + 15

    for post, spec in zip(posts, POSTS, strict=False):
        before = len(comments)
        minutes = 10
        for thread in spec[5]:
            minutes = add_thread(post, None, thread, minutes)
        post.comment_count = len(comments) - before

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
