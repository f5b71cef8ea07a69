"""Ranking formulas, stored on rows so feeds can sort by an index."""

from __future__ import annotations

import math
from datetime import UTC, datetime

# The classic "hot" formula: each tenfold of net votes is worth 12.5 hours of age.
HOT_EPOCH = datetime(2005, 12, 8, 7, 46, 43, tzinfo=UTC)
HOT_HALF_DAY_SECONDS = 45000


def hot_score(score: int, created_at: datetime) -> float:
    """A number that rises with net votes (logarithmically) and with recency (linearly)."""
    order = math.log10(max(abs(score), 1))
    sign = (score > 0) - (score < 0)
    seconds = (created_at - HOT_EPOCH).total_seconds()
    return round(sign * order + seconds / HOT_HALF_DAY_SECONDS, 7)
