"""What a seed holds, decided before a row is written: sizes, skewed allocations, dates.

Everything a big table's counters depend on (a post's votes, ups and comments) is drawn
here first, so posts and comments are written once with their final counters. The
shapes are Zipf-like: a few communities hold most posts, a few people write most of them,
a few posts get most votes and comments.
"""

from __future__ import annotations

import bisect
import itertools
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from webapp.seed import text

DAY = 86400.0
POST_VOTE_SHARE = 0.6  # of --votes; the rest go to comments
MAX_DEPTH = 12  # deepest reply level the seed writes


@dataclass(frozen=True)
class Sizes:
    """How much to write, as asked on the command line."""

    users: int
    communities: int
    posts: int
    comments: int
    votes: int
    follows: int
    huge_thread: int

    @property
    def post_votes(self) -> int:
        if not self.comments:
            return self.votes
        return round(self.votes * POST_VOTE_SHARE)

    @property
    def comment_votes(self) -> int:
        return self.votes - self.post_votes


@dataclass
class Start:
    """The first free id of each table (ids are given by the seed, not the database)."""

    user: int = 1
    community: int = 1
    post: int = 1
    comment: int = 1
    tag: int = 1


def zipf_cum_weights(n: int, exponent: float) -> list[float]:
    """Cumulative weights 1/rank**exponent for ranks 1..n."""
    return list(itertools.accumulate(1.0 / (rank**exponent) for rank in range(1, n + 1)))


def skewed_choices(rng: random.Random, population: list, k: int, exponent: float) -> list:
    """`k` draws from `population` (in rank order: the first is the most popular)."""
    if not population or not k:
        return []
    return rng.choices(population, cum_weights=zipf_cum_weights(len(population), exponent), k=k)


def allocate(rng: random.Random, total: int, n: int, cap: int, exponent: float) -> list[int]:
    """Share `total` units among `n` items, Zipf-like over a random ranking of the items,
    with at most `cap` per item (what does not fit goes to items that have room)."""
    counts = [0] * n
    if not n or not total or cap <= 0:
        return counts
    total = min(total, n * cap)
    ranking = list(range(n))
    rng.shuffle(ranking)
    cum = zipf_cum_weights(n, exponent)
    last = cum[-1]
    placed = 0
    random_ = rng.random
    while placed < total:
        for _ in range(total - placed):
            item = ranking[bisect.bisect(cum, random_() * last)]
            if counts[item] < cap:
                counts[item] += 1
                placed += 1
        if placed < total:  # caps overflowed: flatten the tail for the rest
            cum = [float(rank + 1) for rank in range(n)]
            last = cum[-1]
    return counts


def up_count(rng: random.Random, votes: int) -> int:
    """How many of `votes` are up: most items are liked, some are controversial."""
    if not votes:
        return 0
    share = 0.35 + 0.3 * rng.random() if rng.random() < 0.1 else 0.72 + 0.26 * rng.random()
    return max(0, min(votes, round(votes * share + rng.gauss(0, 0.5))))


@dataclass
class Plan:
    """The drawn shape of the whole seed."""

    sizes: Sizes
    start: Start
    now: datetime
    seed: int
    user_ids: list[int] = field(default_factory=list)
    user_lang: list[str] = field(default_factory=list)
    community_ids: list[int] = field(default_factory=list)
    # Per post (index i is post id start.post + i):
    post_community: list[int] = field(default_factory=list)
    post_author: list[int] = field(default_factory=list)  # an index into user_ids
    post_age: list[float] = field(default_factory=list)  # seconds before `now`
    post_votes: list[int] = field(default_factory=list)
    post_ups: list[int] = field(default_factory=list)
    post_comments: list[int] = field(default_factory=list)
    huge_post: int | None = None  # index of the post with the huge thread
    comment_votes: list[int] = field(default_factory=list)  # per comment, in write order

    def rng(self, stream: str) -> random.Random:
        """An independent random stream per part, so changing one part's draws (or its
        size) leaves the others as they were."""
        return random.Random(f"{self.seed}:{stream}")

    def at(self, seconds_ago: float) -> datetime:
        return self.now - timedelta(seconds=max(0.0, seconds_ago))


def make_plan(sizes: Sizes, start: Start, now: datetime, seed: int) -> Plan:
    """Draw everything the counters of the big tables depend on."""
    plan = Plan(sizes=sizes, start=start, now=now.replace(microsecond=0), seed=seed)
    rng = plan.rng("people")
    plan.user_ids = [start.user + i for i in range(sizes.users)]
    plan.user_lang = [text.language(rng) for _ in range(sizes.users)]
    plan.community_ids = [start.community + i for i in range(sizes.communities)]
    if not sizes.posts or not sizes.users or not sizes.communities:
        return plan

    rng = plan.rng("posts")
    # Most popular community first: community ids in a random popularity order.
    popular = list(plan.community_ids)
    rng.shuffle(popular)
    plan.post_community = skewed_choices(rng, popular, sizes.posts, 1.0)
    # Prolific authors: a random ranking of people, steeply skewed.
    writers = list(range(sizes.users))
    rng.shuffle(writers)
    plan.post_author = skewed_choices(rng, writers, sizes.posts, 0.9)
    # Dates over the last year, more of them recent; ids grow with time.
    ages = sorted((rng.random() ** 1.6 * 365 * DAY for _ in range(sizes.posts)), reverse=True)
    plan.post_age = ages

    rng = plan.rng("post-votes")
    voters = max(0, sizes.users - 1)  # nobody votes on their own post
    plan.post_votes = allocate(rng, sizes.post_votes, sizes.posts, voters, 1.05)
    plan.post_ups = [up_count(rng, votes) for votes in plan.post_votes]

    rng = plan.rng("comments")
    huge = min(sizes.huge_thread, sizes.comments) if sizes.comments else sizes.huge_thread
    others = max(0, sizes.comments - huge)
    # No ordinary thread outgrows the huge one (a third of it, at most 2,000 comments).
    biggest = min(2000, max(20, huge // 3)) if huge else 2000
    plan.post_comments = allocate(rng, others, sizes.posts, biggest, 1.0)
    if huge:
        # The huge thread sits on one of the most voted posts of the last weeks.
        recent = [i for i in range(sizes.posts) if plan.post_age[i] < 30 * DAY] or [sizes.posts - 1]
        plan.huge_post = max(recent, key=lambda i: (plan.post_votes[i], i))
        spare = plan.post_comments[plan.huge_post]  # exactly `huge` on the huge thread
        plan.post_comments[plan.huge_post] = huge
        plan.post_comments[(plan.huge_post + 1) % sizes.posts] += spare
    total_comments = sum(plan.post_comments)
    plan.comment_votes = allocate(
        plan.rng("comment-votes"), sizes.comment_votes, total_comments, voters, 1.1
    )
    return plan


def memberships(plan: Plan) -> list[tuple[int, int, str, float]]:
    """(user index, community id, role, seconds ago) rows: creators own their community,
    two members moderate big ones, and people join popular communities most."""
    rng = plan.rng("memberships")
    sizes = plan.sizes
    if not sizes.users or not sizes.communities:
        return []
    popular = list(plan.community_ids)
    rng.shuffle(popular)
    cum = zipf_cum_weights(len(popular), 0.8)
    rows: dict[tuple[int, int], str] = {}
    owners = rng.sample(range(sizes.users), min(sizes.users, sizes.communities))
    for position, community_id in enumerate(plan.community_ids):
        rows[(owners[position % len(owners)], community_id)] = "owner"
    for community_id in popular[: max(1, len(popular) // 4)]:
        for user in rng.sample(range(sizes.users), min(2, sizes.users)):
            rows.setdefault((user, community_id), "moderator")
    for user in range(sizes.users):
        wanted = min(len(popular), 1 + int(rng.paretovariate(1.2)) * 2)
        for community_id in rng.choices(popular, cum_weights=cum, k=wanted):
            rows.setdefault((user, community_id), "member")
    return [
        (user, community_id, role, rng.random() * 300 * DAY)
        for (user, community_id), role in sorted(rows.items())
    ]


def follows(plan: Plan) -> list[tuple[int, int, float]]:
    """(follower index, followed index, seconds ago): a few people have many followers."""
    rng = plan.rng("follows")
    users = plan.sizes.users
    wanted = min(plan.sizes.follows, users * (users - 1))
    if wanted <= 0:
        return []
    famous = list(range(users))
    rng.shuffle(famous)
    cum = zipf_cum_weights(users, 0.9)
    last = cum[-1]
    pairs: set[tuple[int, int]] = set()
    tries = 0
    while len(pairs) < wanted:
        tries += 1
        follower = rng.randrange(users)
        followed = (
            famous[bisect.bisect(cum, rng.random() * last)]
            if tries < wanted * 20
            else rng.randrange(users)
        )
        if follower != followed:
            pairs.add((follower, followed))
    return [(a, b, rng.random() * 300 * DAY) for a, b in sorted(pairs)]


def post_tags(rng: random.Random, tag_ids: list[int], cum: list[float]) -> list[int]:
    """The tags of one post: none to three, common ones most often."""
    if not tag_ids:
        return []
    count = rng.choices((0, 1, 2, 3), (35, 35, 20, 10))[0]
    if not count:
        return []
    return sorted(set(rng.choices(tag_ids, cum_weights=cum, k=count)))


def reply_parent(rng: random.Random, depths: list[int], parents: list[int], top: float) -> int:
    """The index of the comment (among this post's earlier ones) a new comment answers,
    or -1 for a top-level comment. Recent comments get most replies; chains stop at
    MAX_DEPTH."""
    count = len(depths)
    if not count or rng.random() < top:
        return -1
    parent = max(0, count - 1 - int(rng.expovariate(0.15)))
    while depths[parent] >= MAX_DEPTH - 1:
        parent = parents[parent]
    return parent
