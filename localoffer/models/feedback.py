"""Page feedback: "Was this page helpful?" and "Report a problem", anonymous and never public."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from localoffer.models.base import Base


class PageFeedback(Base):
    """One visitor's answer about one page. No account, no address, no browser details."""

    __tablename__ = "page_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(String(500), index=True)
    # None when the visitor only reported a problem without saying yes or no.
    helpful: Mapped[bool | None] = mapped_column(Boolean)
    problem: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )

    __table_args__ = (
        CheckConstraint("helpful IS NOT NULL OR problem IS NOT NULL", name="says_something"),
        CheckConstraint("path LIKE '/%'", name="path_is_local"),
    )
