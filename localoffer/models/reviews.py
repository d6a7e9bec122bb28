"""Co-production reviews: templates (questions as data), monthly exercises, reviews and themes.

A ``ReviewTemplate`` row is one *version* of a template and never changes once loaded; a new
version is a new row, and each review keeps the version it answered.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from localoffer.models.accounts import User
from localoffer.models.base import Base, TimestampMixin, value_enum
from localoffer.models.directory import Service


class ReviewStatus(enum.StrEnum):
    """Where a review is: only accepted reviews count in results and reports."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    SENT_BACK = "sent_back"
    ACCEPTED = "accepted"
    # An individual complaint: signposted to the complaints route, kept out of everything.
    COMPLAINT = "complaint"
    # Abusive or unusable: never published.
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return {
            "draft": "Draft",
            "submitted": "Waiting for an officer",
            "sent_back": "Sent back to you",
            "accepted": "Accepted",
            "complaint": "Treated as a complaint",
            "rejected": "Not accepted",
        }[self.value]

    @property
    def editable(self) -> bool:
        return self in {ReviewStatus.DRAFT, ReviewStatus.SENT_BACK}


class ReviewTemplate(Base):
    """One version of a set of questions, loaded from ``seed/review_templates/*.yaml``."""

    __tablename__ = "review_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    # Who answers it: volunteer, young_inspector or peer (an officer of another area).
    audience: Mapped[str] = mapped_column(String(20))
    # What it reviews: service, site.
    target: Mapped[str] = mapped_column(String(20))
    introduction: Mapped[str] = mapped_column(Text, default="")
    # The questions exactly as validated from the file (see localoffer/reviews/templates.py).
    questions: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (
        UniqueConstraint("slug", "version"),
        CheckConstraint("version > 0", name="version_positive"),
        CheckConstraint("target IN ('service', 'site')", name="known_target"),
    )


class Theme(Base):
    """A managed tag officers put on reviews (hard to find, out of date, jargon ...)."""

    __tablename__ = "theme"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


exercise_service = Table(
    "exercise_service",
    Base.metadata,
    Column("exercise_id", ForeignKey("exercise.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "service_id", ForeignKey("service.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
)

exercise_assignee = Table(
    "exercise_assignee",
    Base.metadata,
    Column("exercise_id", ForeignKey("exercise.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
)

review_theme = Table(
    "review_theme",
    Base.metadata,
    Column("review_id", ForeignKey("review.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("theme.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class Exercise(TimestampMixin, Base):
    """A monthly mystery-shop exercise: a case study and task given to chosen volunteers."""

    __tablename__ = "exercise"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Always the first day of the month the exercise belongs to.
    month: Mapped[date] = mapped_column(Date, index=True)
    title: Mapped[str] = mapped_column(String(200))
    case_study: Mapped[str] = mapped_column(Text)
    task: Mapped[str] = mapped_column(Text)
    template_id: Mapped[int] = mapped_column(
        ForeignKey("review_template.id", ondelete="RESTRICT"), index=True
    )
    # Site pages to try, one path a line (services are in exercise_service).
    target_pages: Mapped[list] = mapped_column(JSON, default=list)
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )

    template: Mapped[ReviewTemplate] = relationship()
    created_by: Mapped[User | None] = relationship()
    services: Mapped[list[Service]] = relationship(
        secondary=exercise_service, order_by="Service.name"
    )
    assignees: Mapped[list[User]] = relationship(secondary=exercise_assignee, order_by="User.name")

    __table_args__ = (CheckConstraint("title <> ''", name="title_not_empty"),)


class Review(TimestampMixin, Base):
    """One person's answers to one template version, about a service, a page or the site."""

    __tablename__ = "review"

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(
        ForeignKey("review_template.id", ondelete="RESTRICT"), index=True
    )
    author_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="RESTRICT"), index=True
    )
    # Chosen when the form is first shown, so a repeated submission finds the same review.
    draft_key: Mapped[str] = mapped_column(String(36))
    exercise_id: Mapped[int | None] = mapped_column(
        ForeignKey("exercise.id", ondelete="SET NULL"), index=True
    )
    service_id: Mapped[int | None] = mapped_column(
        ForeignKey("service.id", ondelete="SET NULL"), index=True
    )
    # A page of the site the review is about (a path such as /services), when not a service.
    page_path: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[ReviewStatus] = mapped_column(
        value_enum(ReviewStatus, "review_status"), default=ReviewStatus.DRAFT, index=True
    )
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    moderated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    moderated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    # What the officer says to the author (why it was sent back).
    moderator_comment: Mapped[str | None] = mapped_column(Text)

    template: Mapped[ReviewTemplate] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    moderated_by: Mapped[User | None] = relationship(foreign_keys=[moderated_by_id])
    exercise: Mapped[Exercise | None] = relationship()
    service: Mapped[Service | None] = relationship()
    answers: Mapped[list[ReviewAnswer]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="ReviewAnswer.id"
    )
    themes: Mapped[list[Theme]] = relationship(secondary=review_theme, order_by="Theme.position")

    __table_args__ = (
        UniqueConstraint("author_id", "draft_key"),
        CheckConstraint(
            "status = 'draft' OR submitted_at IS NOT NULL", name="submitted_has_a_date"
        ),
    )

    def answer(self, key: str) -> ReviewAnswer | None:
        return next((a for a in self.answers if a.question_key == key), None)


class ReviewAnswer(Base):
    """One answer. Text answers get a redacted copy: the only version shown beyond officers."""

    __tablename__ = "review_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"))
    question_key: Mapped[str] = mapped_column(String(60))
    # A string, a whole number or a list of strings, as the question type says.
    value: Mapped[str | int | list] = mapped_column(JSON)
    redacted: Mapped[str | None] = mapped_column(Text)

    review: Mapped[Review] = relationship(back_populates="answers")

    __table_args__ = (UniqueConstraint("review_id", "question_key"),)
