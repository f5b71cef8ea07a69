"""The dashboard's figures: totals, new rows per day (UTC) for the last 30 days, and
the site's health. Each figure is one statement, whatever the size of the site."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Date, ScalarSelect, func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.functions import FunctionElement

from webapp import faults
from webapp.extensions import db
from webapp.models import Comment, CommentVote, Community, Post, PostVote, Report, User
from webapp.models.report import STATUS_OPEN

DAYS = 30


@dataclass(frozen=True)
class Totals:
    people: int
    communities: int
    posts: int
    comments: int
    votes: int  # on posts and on comments
    open_reports: int


def _count(model) -> ScalarSelect[int]:
    return select(func.count()).select_from(model).scalar_subquery()


def site_totals() -> Totals:
    """Every total in one statement (each a count of its table)."""
    open_reports: ScalarSelect[int] = (
        select(func.count()).select_from(Report).where(Report.status == STATUS_OPEN)
    ).scalar_subquery()
    row = db.session.execute(
        select(
            _count(User),
            _count(Community),
            _count(Post),
            _count(Comment),
            _count(PostVote),
            _count(CommentVote),
            open_reports,
        )
    ).one()
    people, communities, posts, comments, post_votes, comment_votes, reports = row
    return Totals(people, communities, posts, comments, post_votes + comment_votes, reports)


# -- New per day ----------------------------------------------------------------------------


class utc_day(FunctionElement[date]):  # noqa: N801  (reads as the SQL function it stands for)
    """The UTC calendar day of a timestamp column, on either engine."""

    type = Date()
    inherit_cache = True
    name = "utc_day"


@compiles(utc_day)
def _utc_day_sqlite(element, compiler, **kw):
    # SQLite stores UTC without a zone (webapp.models.base.UTCDateTime): its date part.
    return f"date({compiler.process(element.clauses, **kw)})"


@compiles(utc_day, "postgresql")
def _utc_day_postgresql(element, compiler, **kw):
    return f"CAST(({compiler.process(element.clauses, **kw)} AT TIME ZONE 'UTC') AS DATE)"


@dataclass(frozen=True)
class DailySeries:
    """How many rows were created on each of the last `DAYS` days, oldest first."""

    days: list[date]
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


def utc_today() -> date:
    return datetime.now(UTC).date()


def window(today: date, days: int = DAYS) -> list[date]:
    """The `days` days ending with `today`, oldest first."""
    return [today - timedelta(days=offset) for offset in range(days - 1, -1, -1)]


def daily_counts(column: InstrumentedAttribute, today: date, days: int = DAYS) -> DailySeries:
    """Rows whose `column` falls on each day of the window (one GROUP BY statement);
    days without any are 0."""
    span = window(today, days)
    start = datetime.combine(span[0], time(0), UTC)
    end = datetime.combine(today + timedelta(days=1), time(0), UTC)
    day = utc_day(column).label("day")
    rows = db.session.execute(
        select(day, func.count()).where(column >= start, column < end).group_by(day)
    ).all()
    found = {_as_date(value): count for value, count in rows}
    return DailySeries(span, [found.get(each, 0) for each in span])


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


# The series the dashboard draws: what each counts.
DAILY_SERIES = {
    "people": User.created_at,
    "posts": Post.created_at,
    "comments": Comment.created_at,
}


def new_per_day(today: date | None = None) -> dict[str, DailySeries]:
    """New people, posts and comments per day for the last 30 days, one statement each."""
    today = today or utc_today()
    return {name: daily_counts(column, today) for name, column in DAILY_SERIES.items()}


# -- Health ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Health:
    database: bool
    database_engine: str
    cache: bool
    rate_limits: bool
    open_reports: int
    oldest_open_report_at: datetime | None

    @property
    def report_queue_waiting(self) -> bool:
        """Whether a report has waited more than a day for a moderator."""
        oldest = self.oldest_open_report_at
        return oldest is not None and datetime.now(UTC) - oldest > REPORT_WAIT_LIMIT


REPORT_WAIT_LIMIT = timedelta(days=1)


def site_health() -> Health:
    """The checks behind /healthz (database, cache, rate-limit store) and the queue of
    open reports: how many, and since when the oldest waits."""
    engine = db.session.get_bind().dialect.name
    try:
        count, oldest = db.session.execute(
            select(func.count(), func.min(Report.created_at)).where(Report.status == STATUS_OPEN)
        ).one()
    except DBAPIError:  # a health panel reports; it does not fail the page
        db.session.rollback()
        return Health(False, engine, faults.cache_reachable(), False, 0, None)
    return Health(
        database=True,  # it has just answered
        database_engine=engine,
        cache=faults.cache_reachable(),
        rate_limits=faults.rate_limit_store_reachable(),
        open_reports=count,
        oldest_open_report_at=oldest,
    )
