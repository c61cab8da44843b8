"""Pure analytics for the trainer cockpit (no Streamlit imports)."""

from lotse.analytics.item_stats import (
    ItemStatistics,
    distractor_flags,
    item_flags,
    item_statistics,
)

__all__ = ["ItemStatistics", "distractor_flags", "item_flags", "item_statistics"]
