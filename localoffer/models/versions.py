"""Change counters: one number per kind of content, bumped by the database on every write."""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from localoffer.models.base import Base


class ContentVersion(Base):
    """How many times a kind of content has changed, so a cache can check it with one tiny query.

    ``vocabulary`` counts writes to ``taxonomy`` and ``taxonomy_term``; ``glossary`` counts
    writes to ``glossary_term``. Database triggers (migration 0009) bump them in the same
    transaction as the write, so bulk Core statements, raw SQL, the seed loader and other
    processes are all counted, and a rolled-back write leaves the number as it was. Only the
    triggers write here; the app only reads (``localoffer/content_versions.py``).
    """

    __tablename__ = "content_version"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
