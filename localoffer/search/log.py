"""The search log: what families looked for and how much they found, and nothing about them."""

from __future__ import annotations

import logging
import re

from sqlalchemy.exc import SQLAlchemyError

from localoffer.extensions import db
from localoffer.models import SearchEvent

logger = logging.getLogger(__name__)


def normalise_query(text: str) -> str:
    """Lower case, single spaces, no control characters, at most 200 characters."""
    text = re.sub(r"[\x00-\x1f\x7f]", " ", text or "")
    return " ".join(text.lower().split())[:200]


def record_search(
    query: str, filters: dict, result_count: int, close_match: bool | None = None
) -> None:
    """Store one search (``close_match`` False: results, but none close to the words, a gap
    counted like no results). A failure to log never stops the family seeing their results."""
    try:
        db.session.add(
            SearchEvent(
                query=normalise_query(query),
                filters=filters,
                result_count=result_count,
                close_match=close_match,
            )
        )
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        logger.warning("Could not record a search", exc_info=True)
