"""The figures the officers' dashboard shows about reviews and page feedback."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from localoffer.feedback.service import feedback_count_since
from localoffer.moderation.service import count_to_moderate

FEEDBACK_WINDOW_DAYS = 30


@dataclass
class CoProductionSummary:
    to_moderate: int
    recent_feedback: int
    feedback_days: int


def co_production_summary() -> CoProductionSummary:
    """Reviews waiting for an officer, and page feedback from the last 30 days."""
    since = datetime.now(UTC) - timedelta(days=FEEDBACK_WINDOW_DAYS)
    return CoProductionSummary(
        count_to_moderate(), feedback_count_since(since), FEEDBACK_WINDOW_DAYS
    )
