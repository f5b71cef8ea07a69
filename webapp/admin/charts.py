"""Bar charts drawn on the server as inline SVG (templates/admin/_chart.html): no
library and no script. Every coordinate is computed here, in a fixed viewBox that the
page scales to its width (a 390 px phone included). Right-to-left pages get the
mirror image: the newest day on the left, the numbers on the right, as a Persian reader
expects time to run. Days and numbers are written in the reader's language; the same
numbers are offered as a table for screen readers and for reading exact values."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date, format_skeleton
from flask_babel import get_locale
from flask_babel import gettext as _

from webapp.admin.stats import DailySeries
from webapp.i18n import localize_digits, number, text_direction

WIDTH = 400
HEIGHT = 200
AXIS_SPACE = 36  # beside the plot, for the numbers of the vertical axis
EDGE = 8  # on the other side
TOP = 10
BOTTOM = 44  # under the plot: day labels and the axis title
BAR_SHARE = 0.7  # of a day's slot; the rest is the gap between bars
LABEL_EVERY = 7  # days between two day labels (counted back from today)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    tooltip: str


@dataclass(frozen=True)
class Tick:
    """A horizontal grid line with its number."""

    y: float
    label: str


@dataclass(frozen=True)
class DayLabel:
    x: float
    label: str


@dataclass(frozen=True)
class TableRow:
    day: date
    day_label: str
    value: str


@dataclass(frozen=True)
class BarChart:
    """Everything the template draws, in viewBox units."""

    id: str
    title: str
    description: str
    value_label: str
    x_axis_title: str
    direction: str
    width: int
    height: int
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    number_x: float  # where the vertical axis's numbers end
    bars: list[Bar]
    ticks: list[Tick]
    day_labels: list[DayLabel]
    rows: list[TableRow]

    @property
    def axis_title_x(self) -> float:
        return round((self.plot_left + self.plot_right) / 2, 1)


def nice_step(largest: int, steps: int = 4) -> int:
    """A round step (1, 2, 5 × a power of ten) giving at most about `steps` grid lines
    up to `largest`."""
    if largest <= steps:
        return 1
    raw = largest / steps
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= raw:
            return int(factor * magnitude)
    return int(10 * magnitude)  # pragma: no cover (the loop always returns)


def short_day(day: date) -> str:
    """ "12 Jan", "12. Jan.", "۱۲ ژانویه": the day in the reader's language."""
    return localize_digits(format_skeleton("MMMd", day, locale=get_locale()))


def long_day(day: date) -> str:
    return localize_digits(format_date(day, "medium", locale=get_locale()))


def bar_chart(
    chart_id: str, title: str, value_label: str, series: DailySeries, rtl: bool | None = None
) -> BarChart:
    """A bar per day of `series`, with grid lines, day labels and a table of the same
    numbers. `rtl` defaults to the page's direction."""
    rtl = text_direction() == "rtl" if rtl is None else rtl
    plot_left = EDGE if rtl else AXIS_SPACE
    plot_right = WIDTH - (AXIS_SPACE if rtl else EDGE)
    plot_top, plot_bottom = TOP, HEIGHT - BOTTOM
    plot_height = plot_bottom - plot_top
    slot = (plot_right - plot_left) / len(series.days)
    bar_width = slot * BAR_SHARE

    largest = max(series.counts, default=0)
    step = nice_step(largest)
    top = max(step * math.ceil(largest / step), step)

    def y_of(value: int) -> float:
        return round(plot_bottom - value / top * plot_height, 1)

    def slot_start(index: int) -> float:
        return plot_right - (index + 1) * slot if rtl else plot_left + index * slot

    bars = []
    for index, (day, count) in enumerate(zip(series.days, series.counts, strict=True)):
        x = slot_start(index) + (slot - bar_width) / 2
        bars.append(
            Bar(
                x=round(x, 1),
                y=y_of(count),
                width=round(bar_width, 1),
                height=round(plot_bottom - y_of(count), 1),
                tooltip=_("%(day)s: %(count)s", day=long_day(day), count=number(count)),
            )
        )
    ticks = [Tick(y_of(value), number(value)) for value in range(0, top + 1, step)]
    last = len(series.days) - 1
    day_labels = [
        DayLabel(round(slot_start(index) + slot / 2, 1), short_day(series.days[index]))
        for index in range(last, -1, -LABEL_EVERY)
    ]
    rows = [
        TableRow(day, long_day(day), number(count))
        for day, count in zip(series.days, series.counts, strict=True)
    ]
    return BarChart(
        id=chart_id,
        title=title,
        description=_describe(series, value_label),
        value_label=value_label,
        x_axis_title=_("Day (UTC)"),
        direction="rtl" if rtl else "ltr",
        width=WIDTH,
        height=HEIGHT,
        plot_left=plot_left,
        plot_right=plot_right,
        plot_top=plot_top,
        plot_bottom=plot_bottom,
        number_x=plot_right + 4 if rtl else plot_left - 4,
        bars=bars,
        ticks=ticks,
        day_labels=day_labels,
        rows=rows,
    )


def _describe(series: DailySeries, value_label: str) -> str:
    """The chart in one sentence, for its <desc>."""
    first, last = long_day(series.days[0]), long_day(series.days[-1])
    largest = max(series.counts, default=0)
    if not largest:
        return _(
            "%(what)s per day from %(first)s to %(last)s: none.",
            what=value_label,
            first=first,
            last=last,
        )
    busiest = series.days[series.counts.index(largest)]
    return _(
        "%(what)s per day from %(first)s to %(last)s: %(total)s in all, "
        "at most %(most)s on %(busiest)s.",
        what=value_label,
        first=first,
        last=last,
        total=number(series.total),
        most=number(largest),
        busiest=long_day(busiest),
    )


def dashboard_charts(series: dict[str, DailySeries]) -> list[BarChart]:
    """The dashboard's charts: new people, posts and comments per day."""
    titles = {
        "people": (_("New people per day"), _("New people")),
        "posts": (_("New posts per day"), _("New posts")),
        "comments": (_("New comments per day"), _("New comments")),
    }
    return [
        bar_chart(f"chart-{name}", *titles[name], series[name]) for name in titles if name in series
    ]
