"""You said, we did: what families told us (in plain words) and what we did about it.

A ``YouSaid`` holds only an officer's public summary, never the raw words of a review or page
feedback; the reviews and feedback behind it are linked as evidence for officers only. Its
``WeDid`` is the response, and an item appears on the public site only once it is published.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from localoffer.models.accounts import User
from localoffer.models.base import Base, TimestampMixin
from localoffer.models.directory import Service
from localoffer.models.feedback import PageFeedback
from localoffer.models.reviews import Review, Theme


class SourceType(enum.StrEnum):
    """Where the comment came from."""

    REVIEW = "review"
    PAGE_FEEDBACK = "page_feedback"
    SURVEY = "survey"
    COFFEE_MORNING = "coffee_morning"
    PARENT_CARER_FORUM = "parent_carer_forum"
    YOUNG_PEOPLES_GROUP = "young_peoples_group"
    COMPLAINT = "complaint"

    @property
    def label(self) -> str:
        return {
            "review": "Reviews by families and young people",
            "page_feedback": "Feedback on this website",
            "survey": "A survey",
            "coffee_morning": "A coffee morning",
            "parent_carer_forum": "The parent carer forum",
            "young_peoples_group": "A young people's group",
            "complaint": "A complaint",
        }[self.value]


class WeDidStatus(enum.StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    NOT_POSSIBLE = "not_possible"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


you_said_theme = Table(
    "you_said_theme",
    Base.metadata,
    Column("you_said_id", ForeignKey("you_said.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("theme.id", ondelete="RESTRICT"), primary_key=True, index=True),
)

you_said_review = Table(
    "you_said_review",
    Base.metadata,
    Column("you_said_id", ForeignKey("you_said.id", ondelete="CASCADE"), primary_key=True),
    Column("review_id", ForeignKey("review.id", ondelete="CASCADE"), primary_key=True, index=True),
)

you_said_feedback = Table(
    "you_said_feedback",
    Base.metadata,
    Column("you_said_id", ForeignKey("you_said.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "feedback_id",
        ForeignKey("page_feedback.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class YouSaid(TimestampMixin, Base):
    __tablename__ = "you_said"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The officer's plain-words summary: the only text about what was said that is published.
    summary: Mapped[str] = mapped_column(Text)
    source_type: Mapped[str] = mapped_column(String(30))
    said_on: Mapped[date] = mapped_column(Date, index=True)
    service_id: Mapped[int | None] = mapped_column(
        ForeignKey("service.id", ondelete="SET NULL"), index=True
    )
    page_path: Mapped[str | None] = mapped_column(String(500))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )

    service: Mapped[Service | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    themes: Mapped[list[Theme]] = relationship(secondary=you_said_theme, order_by="Theme.position")
    reviews: Mapped[list[Review]] = relationship(secondary=you_said_review, order_by="Review.id")
    feedback: Mapped[list[PageFeedback]] = relationship(
        secondary=you_said_feedback, order_by="PageFeedback.id"
    )
    we_did: Mapped[WeDid | None] = relationship(
        back_populates="you_said", cascade="all, delete-orphan", uselist=False
    )

    __table_args__ = (
        CheckConstraint("summary <> ''", name="summary_not_empty"),
        CheckConstraint(
            "source_type IN ('review', 'page_feedback', 'survey', 'coffee_morning', "
            "'parent_carer_forum', 'young_peoples_group', 'complaint')",
            name="known_source_type",
        ),
    )

    @property
    def source(self) -> SourceType:
        return SourceType(self.source_type)

    @property
    def is_published(self) -> bool:
        return self.we_did is not None and self.we_did.published_at is not None


class WeDid(TimestampMixin, Base):
    __tablename__ = "we_did"

    id: Mapped[int] = mapped_column(primary_key=True)
    you_said_id: Mapped[int] = mapped_column(
        ForeignKey("you_said.id", ondelete="CASCADE"), unique=True
    )
    action: Mapped[str] = mapped_column(Text)
    team: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), index=True)
    # Required when the status is "not possible": families are told why.
    reason: Mapped[str | None] = mapped_column(Text)
    target_on: Mapped[date | None] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)

    you_said: Mapped[YouSaid] = relationship(back_populates="we_did")

    __table_args__ = (
        CheckConstraint("action <> ''", name="action_not_empty"),
        CheckConstraint(
            "status IN ('planned', 'in_progress', 'done', 'not_possible')", name="known_status"
        ),
        CheckConstraint(
            "status <> 'not_possible' OR (reason IS NOT NULL AND reason <> '')",
            name="not_possible_has_reason",
        ),
    )

    @property
    def state(self) -> WeDidStatus:
        return WeDidStatus(self.status)


class AnnualReport(Base):
    """One version of the annual report for a period. A published version never changes: its
    figures are a frozen snapshot, and a correction is a new version."""

    __tablename__ = "annual_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    # 2025-26 for an academic year, or 2025-04-01_2026-03-31 for any other dates.
    period: Mapped[str] = mapped_column(String(30), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer)
    # {theme: {"strengths": md, "focus": md, "doing": md}} in the Markdown subset.
    narrative: Mapped[dict] = mapped_column(JSON, default=dict)
    figures: Mapped[dict] = mapped_column(JSON, default=dict)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # The published version's PDF, drawn on its first request and kept (localoffer/reports/pdf.py).
    # Deferred: only the PDF address reads it.
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    # Set when this version's searches section was withdrawn (it listed words families typed
    # before the publication rule in reports/search_words.py); the lists are removed from
    # ``figures`` then, and a corrected version is published.
    searches_withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The version this one was published to correct, if it was.
    corrects_version: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        UniqueConstraint("period", "version"),
        CheckConstraint("version > 0", name="version_positive"),
        CheckConstraint("ends_on >= starts_on", name="period_in_order"),
    )
