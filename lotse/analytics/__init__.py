"""Pure analytics for the trainer cockpit (no Streamlit imports)."""

from lotse.analytics.item_stats import (
    ItemStatistics,
    distractor_flags,
    item_flags,
    item_statistics,
)
from lotse.analytics.quiz_stats import QuizStatistics, quiz_statistics

__all__ = ["ItemStatistics", "QuizStatistics", "distractor_flags", "item_flags", "item_statistics",
           "quiz_statistics"]
