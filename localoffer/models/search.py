"""Search support: the glossary that drives the thesaurus, the search log, postcode answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from localoffer.models.base import Base, TimestampMixin


class GlossaryTerm(TimestampMixin, Base):
    """A SEND word or acronym in plain English, and what a search for it should also find."""

    __tablename__ = "glossary_term"

    id: Mapped[int] = mapped_column(primary_key=True)
    term: Mapped[str] = mapped_column(String(120), unique=True)
    meaning: Mapped[str] = mapped_column(Text)
    # Lower-case words families type that mean the same, and the words to search for too.
    synonyms: Mapped[list[str]] = mapped_column(JSON, default=list)
    expands_to: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Set when an officer retires the entry: it stays (with its history) but the thesaurus and
    # the public glossary leave it out, and its synonyms are free for other entries.
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # SQLAlchemy's version counter: an edit form opened before someone else's change is refused.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __table_args__ = (
        CheckConstraint("term <> ''", name="term_not_empty"),
        CheckConstraint("meaning <> ''", name="meaning_not_empty"),
    )
    __mapper_args__ = {"version_id_col": version}

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class SearchEvent(Base):
    """One search, for finding information gaps. Deliberately holds nothing about the person:
    no IP address, no user id, no cookie."""

    __tablename__ = "search_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    query: Mapped[str] = mapped_column(String(200), default="", index=True)
    filters: Mapped[dict] = mapped_column(JSON, default=dict)
    result_count: Mapped[int] = mapped_column(Integer)
    # False when results were found but none matched the meaningful words well: a gap in
    # provision as much as a search with no results. None for searches before it was known.
    close_match: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    searched_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )

    __table_args__ = (
        CheckConstraint("result_count >= 0", name="result_count_not_negative"),
        # Covers the annual report's counts of a period's searches (localoffer/reports).
        Index("ix_search_event_report", "searched_at", "query", "result_count"),
    )


class SearchPhraseDecision(Base):
    """An officer's decision on publishing the words of a search (``reports/search_words.py``).

    Keyed by the normalised phrase, so a decision made for one report holds for later ones.
    Only phrases searched on enough different days are ever put to an officer."""

    __tablename__ = "search_phrase_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    phrase: Mapped[str] = mapped_column(String(200), unique=True)
    approved: Mapped[bool] = mapped_column(Boolean)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (CheckConstraint("phrase <> ''", name="phrase_not_empty"),)


class PostcodeLookup(Base):
    """A postcode's coordinates as the postcode service answered, so we ask only once."""

    __tablename__ = "postcode_lookup"

    postcode: Mapped[str] = mapped_column(String(10), primary_key=True)
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    looked_up_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
