"""Reading the glossary, which also drives the search thesaurus."""

from __future__ import annotations

from itertools import groupby

from sqlalchemy import func, select

from localoffer.extensions import db
from localoffer.models import GlossaryTerm


def glossary_by_letter() -> list[tuple[str, list[GlossaryTerm]]]:
    """Every term in use (not retired) in alphabetical order, grouped by first letter."""
    terms = db.session.scalars(
        select(GlossaryTerm)
        .where(GlossaryTerm.retired_at.is_(None))
        .order_by(func.lower(GlossaryTerm.term))
    ).all()
    return [
        (letter, list(group)) for letter, group in groupby(terms, key=lambda t: t.term[:1].upper())
    ]
