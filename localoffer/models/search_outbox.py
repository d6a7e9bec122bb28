"""The search outbox: one row for each committed change that a search document shows.

A row is written in the transaction that makes the change (``localoffer/search/outbox.py``), so
it survives any crash after the commit. Rows name what changed (a service, an organisation, a
term...), not the documents: each index works out which documents that touches when it applies
the row. Every index keeps its own progress through the rows, so several processes or machines
with indexes of their own each apply every row. Rows are kept for ``SEARCH_OUTBOX_KEEP_DAYS``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from localoffer.models.base import Base


class SearchChange(Base):
    """Something a search document shows changed: ``kind`` ``key`` in ``collection``."""

    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    collection: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(40))
    key: Mapped[int] = mapped_column(Integer)
    noted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (
        Index("ix_search_outbox_collection_id", "collection", "id"),
        Index("ix_search_outbox_noted_at", "noted_at"),
        # SQLite would otherwise give a deleted row's id again: progress counts on ids only rising.
        {"sqlite_autoincrement": True},
    )
