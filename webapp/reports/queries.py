"""Reading reports: the queues and the count in the header."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from sqlalchemy import ScalarSelect, Select, and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from webapp.admin.permissions import can_open_admin
from webapp.extensions import db
from webapp.models import Comment, Community, Membership, Post, Report, User
from webapp.models.community import ROLE_MODERATOR, ROLE_OWNER
from webapp.models.report import REPORT_TARGETS, STATUS_OPEN
from webapp.pagination import Page, SortKey, keyset_page

_MODERATING = (ROLE_MODERATOR, ROLE_OWNER)


def open_reports_column() -> ColumnElement[int | None]:
    """For the signed-in person (the `User` row of the statement it is put in): the
    number of open reports they can act on (all for a site admin, their communities'
    for a moderator), or NULL when they moderate nothing. The user loader selects it
    with the person, so the header's count costs no statement of its own."""
    # Correlated with the person's row explicitly: the count's subquery sits two
    # levels below it, where automatic correlation would read "any person's".
    moderated = (
        select(Membership.community_id)
        .where(Membership.user_id == User.id, Membership.role.in_(_MODERATING))
        .correlate(User)
    )
    count = (
        select(func.count())
        .select_from(Report)
        .where(
            Report.status == STATUS_OPEN,
            or_(User.is_admin, Report.community_id.in_(moderated)),
        )
        .scalar_subquery()
    )
    moderates = or_(User.is_admin, exists(moderated))
    return case((moderates, count), else_=None)


def open_report_count(user) -> int | None:
    """The open reports this person can act on (see `open_reports_column`), as loaded
    with them; None for guests and people who moderate nothing."""
    if user is None or not user.is_authenticated:
        return None
    return getattr(user, "open_report_count", None)


@dataclass(frozen=True)
class ReportsLink:
    """The header's link to the report queue a person can act on, with its open count."""

    url: str
    count: int


def open_reports_link(user) -> ReportsLink | None:
    """None for people who moderate nothing; else the queue (all reports for admins,
    their communities' for moderators) and its open count."""
    count = open_report_count(user)
    if count is None:
        return None
    endpoint = "admin.reports" if can_open_admin(user) else "mod.reports"
    return ReportsLink(url_for(endpoint), count)


# -- The queues ---------------------------------------------------------------------------

QUEUE_STATES = ("open", "resolved")


@dataclass
class ReportRow:
    """One row of a report queue: the report, who filed and who resolved it, and the
    thing reported (post, comment, person or community) with what a row shows of it."""

    report: Report
    reporter: User | None
    resolver: User | None
    target_user: User | None
    post: Post | None
    comment: Comment | None
    comment_post: Post | None
    community: Community | None
    open_reports_of_item: int

    @property
    def item_post(self) -> Post | None:
        """The post to link to: the reported post, or the reported comment's post."""
        return self.post if self.post is not None else self.comment_post


@dataclass(frozen=True)
class QueueScope:
    """Whose reports a queue lists: all (`everything`), those of some communities (the
    ones `moderator_id` moderates; for a site admin every community's), or one."""

    everything: bool = False
    moderator: User | None = None
    community_id: int | None = None

    def condition(self) -> ColumnElement[bool] | None:
        if self.everything:
            return None
        if self.community_id is not None:
            return Report.community_id == self.community_id
        if self.moderator is not None and self.moderator.is_admin:
            return Report.community_id.is_not(None)
        moderator_id = self.moderator.id if self.moderator is not None else None
        moderated = select(Membership.community_id).where(
            Membership.user_id == moderator_id, Membership.role.in_(_MODERATING)
        )
        return Report.community_id.in_(moderated)


_KEYS = (SortKey(Report.created_at), SortKey(Report.id))


def _queue_statement(
    scope: QueueScope,
) -> Select[Report, User, User, User, Post, Comment, Post, Community, int]:
    """Reports in `scope` with everything their rows show, in one statement."""
    reporter = aliased(User)
    resolver = aliased(User)
    target_user = aliased(User)
    comment_post = aliased(Post)
    same_item = aliased(Report)
    open_of_item: ScalarSelect[int] = (
        select(func.count())
        .select_from(same_item)
        .where(
            same_item.target_type == Report.target_type,
            same_item.target_id == Report.target_id,
            same_item.status == STATUS_OPEN,
        )
        .scalar_subquery()
    )
    statement = (
        select(
            Report,
            reporter,
            resolver,
            target_user,
            Post,
            Comment,
            comment_post,
            Community,
            open_of_item,
        )
        .outerjoin(reporter, reporter.id == Report.reporter_id)
        .outerjoin(resolver, resolver.id == Report.resolved_by_id)
        .outerjoin(target_user, target_user.id == Report.target_user_id)
        .outerjoin(Post, and_(Report.target_type == "post", Post.id == Report.target_id))
        .outerjoin(Comment, and_(Report.target_type == "comment", Comment.id == Report.target_id))
        .outerjoin(comment_post, comment_post.id == Comment.post_id)
        .outerjoin(
            Community,
            or_(
                Community.id == Report.community_id,
                and_(Report.target_type == "community", Community.id == Report.target_id),
            ),
        )
    )
    condition = scope.condition()
    return statement if condition is None else statement.where(condition)


def report_queue(
    scope: QueueScope, state: str, kind: str | None, cursor: str | None, page_size: int
) -> Page:
    """One page of reports in `scope`, newest first: open ones (`state` "open") or
    resolved ones, of one kind of item or all. One statement, whatever the page's size."""
    statement = _queue_statement(scope)
    if state == "resolved":
        statement = statement.where(Report.status != STATUS_OPEN)
    else:
        statement = statement.where(Report.status == STATUS_OPEN)
    if kind in REPORT_TARGETS:
        statement = statement.where(Report.target_type == kind)
    page = keyset_page(
        statement,
        _KEYS,
        cursor,
        page_size,
        lambda row: (row[0].created_at, row[0].id),
        scalars=False,
    )
    page.items = [ReportRow(*row) for row in page.items]
    return page


def report_row(report_id: int, scope: QueueScope) -> ReportRow | None:
    """One report as its queue row (to replace the row in place once resolved), if the
    queue of `scope` lists it."""
    row = db.session.execute(_queue_statement(scope).where(Report.id == report_id)).first()
    return ReportRow(*row) if row is not None else None


def report_in_scope(report_id: int, scope: QueueScope) -> Report | None:
    """The report, if the queue of `scope` lists it."""
    statement = select(Report).where(Report.id == report_id)
    condition = scope.condition()
    if condition is not None:
        statement = statement.where(condition)
    return db.session.scalars(statement).first()


def my_report(user, kind: str, target_id: int) -> Report | None:
    """The report `user` filed about the item already, if any."""
    if user is None or not user.is_authenticated:
        return None
    return db.session.scalars(
        select(Report).where(
            Report.reporter_id == user.id,
            Report.target_type == kind,
            Report.target_id == target_id,
        )
    ).first()


@dataclass(frozen=True)
class ReportedItem:
    """What the report page shows of the thing reported, and where it lives."""

    kind: str
    id: int
    owner_id: int | None
    title: str
    excerpt: str
    endpoint: str
    values: dict


def reported_item(kind: str, target_id: int) -> ReportedItem | None:
    """The visible post, comment, person or community `kind`/`target_id`, or None."""
    if kind == "post":
        post = db.session.get(Post, target_id)
        if post is None or not post.is_visible:
            return None
        values = {"post_id": post.id, "slug": post.slug}
        return ReportedItem(
            kind, post.id, post.author_id, post.title, post.body_text[:300], "posts.detail", values
        )
    if kind == "comment":
        row = db.session.execute(
            select(Comment, Post)
            .join(Post, Post.id == Comment.post_id)
            .where(Comment.id == target_id)
        ).first()
        if row is None or not row[0].is_visible:
            return None
        comment, post = row
        values = {"post_id": post.id, "slug": post.slug, "thread": comment.id}
        return ReportedItem(
            kind,
            comment.id,
            comment.author_id,
            post.title,
            comment.body_text[:300],
            "posts.detail",
            values,
        )
    if kind == "user":
        user = db.session.get(User, target_id)
        if user is None:
            return None
        values = {"username": user.profile.username}
        return ReportedItem(
            kind, user.id, user.id, user.profile.name, "", "profiles.profile", values
        )
    if kind == "community":
        community = db.session.get(Community, target_id)
        if community is None:
            return None
        values = {"name": community.name}
        return ReportedItem(
            kind, community.id, None, community.title, "", "communities.page", values
        )
    return None
