"""Which words families typed into the search box may be published, and what is only counted.

A search can hold a child's name or a family's circumstances ("my son has autism and ..."), so
the rule for every public output of the annual report (page, PDF, CSV, JSON, charts) is:

- the words of a search are shown only when the same *phrase* (the words normalised by
  ``phrase_key``) was searched on at least ``MIN_DAYS`` different days (UTC) in the report's
  period, **and** an officer approved that phrase for publication;
- every other search is counted ("312 other searches"), never shown.

Officers decide in the report builder (``/manage/reports/<period>``), which lists the phrases
that pass the days test; each decision is kept by phrase (``SearchPhraseDecision``), so it
holds for later reports too. A phrase nobody has decided on is not published. Officers still
see the words as typed in the staff area.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import Date, and_, case, cast, func, select
from sqlalchemy.exc import IntegrityError

from localoffer import audit
from localoffer.extensions import db
from localoffer.models import SearchEvent, SearchPhraseDecision, User
from localoffer.reports.periods import Period

MIN_DAYS = 5
TOP = 10
# The most phrases put to officers at once in the report builder.
REVIEW_LIST_LENGTH = 30
# Written into every searches section frozen under this rule; a section without it was frozen
# before the rule and is never shown (``public_searches``).
RULE = {"min_days": MIN_DAYS, "officer_approved": True}
_WORD = re.compile(r"\w+(?:['’]\w+)*")


def phrase_key(query: str) -> str:
    """The normalised words of a search: Unicode-normalised, case-folded, words only (letters,
    digits and inner apostrophes), single spaces. "Autism?" and "  autism " are one phrase."""
    text = unicodedata.normalize("NFKC", query or "").casefold()
    return " ".join(_WORD.findall(text)).replace("’", "'")[:200]


@dataclass
class PhraseCount:
    """How one phrase was searched in a period."""

    phrase: str
    searches: int = 0
    with_no_results: int = 0
    days: set[date] = field(default_factory=set)


def _day(column):
    """The UTC day of a timestamp, in the database's own dialect."""
    if db.session.get_bind().dialect.name == "postgresql":
        return cast(func.timezone("UTC", column), Date)
    return func.date(column)


def _with_words_in(period: Period) -> tuple:
    """The conditions for the period's searches that had words."""
    return (
        SearchEvent.searched_at >= period.start,
        SearchEvent.searched_at < period.end,
        SearchEvent.query != "",
    )


def phrase_counts(period: Period) -> dict[str, PhraseCount]:
    """Every phrase searched in the period with its searches, searches that found nothing and
    the days it was searched on. Searches made only of punctuation have no phrase."""
    day = _day(SearchEvent.searched_at)
    query = (
        select(
            SearchEvent.query,
            day,
            func.count(SearchEvent.id),
            func.sum(case((SearchEvent.result_count == 0, 1), else_=0)),
        )
        .where(*_with_words_in(period))
        .group_by(SearchEvent.query, day)
    )
    counts: dict[str, PhraseCount] = {}
    for typed, on, searches, none_found in db.session.execute(query):
        key = phrase_key(typed)
        if not key:
            continue
        entry = counts.setdefault(key, PhraseCount(key))
        entry.searches += int(searches)
        entry.with_no_results += int(none_found or 0)
        entry.days.add(on if isinstance(on, date) else date.fromisoformat(str(on)))
    return counts


def decisions(phrases) -> dict[str, bool]:
    """Officers' decisions on these phrases: True approved, False hidden; undecided absent."""
    phrases = list(phrases)
    found: dict[str, bool] = {}
    # In chunks: a long list of bound parameters is refused by SQLite beyond a limit.
    for start in range(0, len(phrases), 500):
        chunk = phrases[start : start + 500]
        rows = db.session.execute(
            select(SearchPhraseDecision.phrase, SearchPhraseDecision.approved).where(
                SearchPhraseDecision.phrase.in_(chunk)
            )
        )
        found.update({phrase: approved for phrase, approved in rows})
    return found


def _often_enough(counts: dict[str, PhraseCount]) -> list[PhraseCount]:
    return [entry for entry in counts.values() if len(entry.days) >= MIN_DAYS]


def publishable(counts: dict[str, PhraseCount]) -> list[PhraseCount]:
    """The phrases whose words may be published: searched on enough days and approved."""
    candidates = _often_enough(counts)
    approved = decisions(entry.phrase for entry in candidates)
    return [entry for entry in candidates if approved.get(entry.phrase) is True]


def _top(entries: list[PhraseCount], count_of) -> list[dict]:
    ranked = sorted((e for e in entries if count_of(e)), key=lambda e: (-count_of(e), e.phrase))
    return [{"query": e.phrase, "count": count_of(e)} for e in ranked[:TOP]]


def published_searches(period: Period) -> dict:
    """The words part of the report's searches section: the top published phrases, overall and
    among searches that found nothing, and how many searches with words are not shown."""
    counts = phrase_counts(period)
    shown = publishable(counts)
    with_words = sum(e.searches for e in counts.values())
    with_words_no_results = sum(e.with_no_results for e in counts.values())
    top = _top(shown, lambda e: e.searches)
    top_with_no_results = _top(shown, lambda e: e.with_no_results)
    return {
        "with_words": with_words,
        "with_words_no_results": with_words_no_results,
        "top": top,
        "other_searches": with_words - sum(row["count"] for row in top),
        "top_with_no_results": top_with_no_results,
        "other_searches_with_no_results": with_words_no_results
        - sum(row["count"] for row in top_with_no_results),
        "words_rule": dict(RULE),
    }


def public_searches(searches: dict) -> dict:
    """A frozen searches section as it may be shown in public. A section frozen before the rule
    existed (no ``words_rule``) keeps its counts and loses any lists of words."""
    if "words_rule" in searches:
        return searches
    return {
        **{k: v for k, v in searches.items() if k not in ("top", "top_with_no_results")},
        "top": [],
        "top_with_no_results": [],
        "withdrawn": True,
    }


@dataclass
class ReviewItem:
    """A phrase for officers to approve or hide, with what the period's log says of it."""

    phrase: str
    searches: int
    with_no_results: int
    days: int
    decision: bool | None


def review_list(period: Period) -> list[ReviewItem]:
    """Phrases searched on enough days in the period, most searched first: the short list
    officers approve or hide (staff only: these are families' words)."""
    candidates = sorted(_often_enough(phrase_counts(period)), key=lambda e: (-e.searches, e.phrase))
    candidates = candidates[:REVIEW_LIST_LENGTH]
    decided = decisions(e.phrase for e in candidates)
    return [
        ReviewItem(e.phrase, e.searches, e.with_no_results, len(e.days), decided.get(e.phrase))
        for e in candidates
    ]


def is_candidate(period: Period, phrase: str) -> bool:
    """Whether ``phrase`` is on the period's review list (searched on enough days)."""
    entry = phrase_counts(period).get(phrase)
    return entry is not None and len(entry.days) >= MIN_DAYS


def decide(phrase: str, approved: bool, actor: User | None) -> SearchPhraseDecision:
    """Record (or change) the decision on publishing ``phrase``, audited."""
    find = select(SearchPhraseDecision).where(SearchPhraseDecision.phrase == phrase)
    decision = db.session.scalar(find)
    before = None if decision is None else decision.approved
    if decision is None:
        try:
            with db.session.begin_nested():
                decision = SearchPhraseDecision(phrase=phrase, approved=approved)
                db.session.add(decision)
        except IntegrityError:
            # Another officer decided on the same words at the same moment: change theirs.
            decision = db.session.scalar(find)
            before = decision.approved
    decision.approved = approved
    decision.decided_by_id = actor.id if actor is not None else None
    decision.decided_at = datetime.now(UTC)
    db.session.flush()
    if before != approved:
        audit.record(
            "search_phrase.approved" if approved else "search_phrase.hidden",
            actor,
            decision,
            {"approved": [before, approved]},
        )
    return decision


def typed_searches(period: Period, limit: int = 20) -> list[dict]:
    """The searches as typed (already lower-cased and trimmed by the log), most frequent first:
    for officers only, never for a public page."""
    count = func.count(SearchEvent.id)
    none_found = func.sum(case((SearchEvent.result_count == 0, 1), else_=0))
    none_close = func.sum(
        case((and_(SearchEvent.result_count > 0, SearchEvent.close_match.is_(False)), 1), else_=0)
    )
    rows = db.session.execute(
        select(SearchEvent.query, count, none_found, none_close)
        .where(*_with_words_in(period))
        .group_by(SearchEvent.query)
        .order_by(count.desc(), SearchEvent.query)
        .limit(limit)
    )
    return [
        {"query": q, "count": int(n), "with_no_results": int(z or 0), "no_close_match": int(c or 0)}
        for q, n, z, c in rows
    ]
