"""The annual report's figures for a period, computed in SQL from the database.

Every count is an aggregate query; Python only shapes the few grouped rows into a plain,
JSON-ready dictionary (the snapshot a published report freezes). Only accepted reviews,
published "You said, we did" items and anonymous logs are counted.

Definitions (shown in the report too):

- a service is *listed* at an instant if it was published by then and not archived (closed)
  by then; the archive date is the first ``service.archived`` event in the audit trail;
- *reviewed on time*: of the listings listed at the end of the period (or today, if sooner)
  that have a review date, the share whose review date had not passed;
- a page feedback problem is *resolved* when it is linked as evidence to a "You said" item
  whose response is done;
- a *contact click* is a click on a service's phone number, email address or website on its
  public page by a visitor not signed in (``localoffer/contact_clicks``); each is stored with
  its day only. Clicks on services that are drafts now are left out (the report never counts or
  names a listing families cannot see); clicks on closed services still count;
- the *words* of searches are published only under the rule in ``reports/search_words.py``
  (the same normalised words searched on 5 or more different days and approved by an officer);
  every other search is counted, never shown;
- a *positive* answer to a report question is "Yes" (yes / partly / no questions) or 4 or 5
  (scales); "Don't know" is left out of the count answered.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from typing import Any

from sqlalchemy import DateTime, String, and_, bindparam, case, cast, func, or_, select, text

from localoffer.directory.vocabulary import FILTER_TAXONOMIES
from localoffer.extensions import db
from localoffer.models import (
    AuditEvent,
    ContactClick,
    ContactKind,
    PageFeedback,
    Review,
    ReviewAnswer,
    ReviewStatus,
    ReviewTemplate,
    SearchEvent,
    Service,
    ServiceStatus,
    Taxonomy,
    TaxonomyTerm,
    Theme,
    WeDid,
    WeDidStatus,
    YouSaid,
    service_taxonomy_term,
)
from localoffer.models.yousaid import you_said_feedback, you_said_theme
from localoffer.reports.periods import Period
from localoffer.reports.search_words import published_searches
from localoffer.reviews.questions import DONT_KNOW, REPORT_KEYS

ASPIRATION_PERCENT = 90
TOP = 10
MYSTERY_SHOPPERS = ("volunteer", "peer")
YOUNG_INSPECTORS = ("young_inspector",)
FILTER_KEYS = (*FILTER_TAXONOMIES, "cost", "age", "within", "postcode")
# Page feedback by section of the site: (section, LIKE pattern), the first match wins.
SECTIONS = (
    ("Services", "/services%"),
    ("Guides", "/guides%"),
    ("Young people", "/young-people%"),
    ("Search", "/search%"),
    ("Glossary", "/glossary%"),
    ("You said, we did", "/you-said-we-did%"),
    ("Reports", "/reports%"),
    ("Shortlist", "/shortlist%"),
)


def percent(count: int, total: int) -> int | None:
    """A whole-number percentage, halves rounded up; None when there is nothing to divide."""
    return (200 * count + total) // (2 * total) if total else None


def _rows(query) -> list:
    return list(db.session.execute(query))


def _scalar(query) -> int:
    return int(db.session.scalar(query) or 0)


# The directory ------------------------------------------------------------------------------


def _archived():
    """When each archived service was first archived, from the audit trail."""
    return (
        select(
            AuditEvent.subject_id.label("service_id"),
            func.min(AuditEvent.created_at).label("at"),
        )
        .where(AuditEvent.action == "service.archived", AuditEvent.subject_type == "service")
        .group_by(AuditEvent.subject_id)
        .subquery()
    )


def _listed_at(query, instant):
    """``query`` (over Service) narrowed to the services listed at ``instant``."""
    archived = _archived()
    return query.outerjoin(archived, archived.c.service_id == Service.id).where(
        Service.published_at.is_not(None),
        Service.published_at < instant,
        or_(
            and_(archived.c.at.is_(None), Service.status != ServiceStatus.CLOSED),
            archived.c.at >= instant,
        ),
    )


def _by_taxonomy(slug: str, listed_ids) -> list[dict]:
    count = func.count(service_taxonomy_term.c.service_id)
    query = (
        select(TaxonomyTerm.name, count)
        .join(service_taxonomy_term, service_taxonomy_term.c.taxonomy_term_id == TaxonomyTerm.id)
        .join(Taxonomy, Taxonomy.id == TaxonomyTerm.taxonomy_id)
        .where(Taxonomy.slug == slug, service_taxonomy_term.c.service_id.in_(listed_ids))
        .group_by(TaxonomyTerm.name)
        .order_by(count.desc(), TaxonomyTerm.name)
    )
    return [{"name": name, "count": n} for name, n in _rows(query)]


def directory(period: Period, today: date) -> dict:
    as_of = min(period.ends_on, today)
    listed_at_start = _scalar(_listed_at(select(func.count(Service.id)), period.start))
    at_end = _listed_at(
        select(
            func.count(Service.id),
            func.sum(case((Service.review_due_on.is_not(None), 1), else_=0)),
            func.sum(case((Service.review_due_on < as_of, 1), else_=0)),
        ),
        period.end,
    )
    listed_at_end, with_date, past_due = (int(v or 0) for v in db.session.execute(at_end).one())
    listed_ids = _listed_at(select(Service.id), period.end)
    archived = _scalar(
        select(func.count(func.distinct(AuditEvent.subject_id))).where(
            AuditEvent.action == "service.archived",
            AuditEvent.subject_type == "service",
            AuditEvent.created_at >= period.start,
            AuditEvent.created_at < period.end,
        )
    )
    return {
        "listed_at_start": listed_at_start,
        "listed_at_end": listed_at_end,
        "added": _scalar(
            select(func.count(Service.id)).where(
                Service.published_at >= period.start, Service.published_at < period.end
            )
        ),
        "archived": archived,
        "by_category": _by_taxonomy("category", listed_ids),
        "by_need": _by_taxonomy("need", listed_ids),
        "review_checked_on": as_of.isoformat(),
        "with_review_date": with_date,
        "reviewed_on_time": with_date - past_due,
        "reviewed_on_time_percent": percent(with_date - past_due, with_date),
        "past_due": past_due,
    }


# What families looked for -------------------------------------------------------------------


def _in_period(column, period: Period):
    return and_(column >= period.start, column < period.end)


# Identical filter sets are counted first, then each set is taken apart once.
_FILTERS_SQL = {
    "sqlite": """
        WITH sets AS (
            SELECT filters, count(*) AS n FROM search_event
            WHERE searched_at >= :start AND searched_at < :end GROUP BY filters
        )
        SELECT f.key, f.value, sum(sets.n) FROM sets, json_each(sets.filters) f
        WHERE f.type <> 'array' GROUP BY f.key, f.value
        UNION ALL
        SELECT f.key, a.value, sum(sets.n)
        FROM sets, json_each(sets.filters) f, json_each(f.value) a
        WHERE f.type = 'array' GROUP BY f.key, a.value
    """,
    "postgresql": """
        WITH sets AS (
            SELECT filters::text::json AS filters, count(*) AS n FROM search_event
            WHERE searched_at >= :start AND searched_at < :end GROUP BY filters::text
        )
        SELECT f.key, f.value #>> '{}', sum(sets.n)
        FROM sets CROSS JOIN LATERAL json_each(sets.filters) f
        WHERE json_typeof(f.value) <> 'array'
        GROUP BY f.key, f.value #>> '{}'
        UNION ALL
        SELECT f.key, a.value, sum(sets.n)
        FROM sets CROSS JOIN LATERAL json_each(sets.filters) f
          CROSS JOIN LATERAL json_array_elements_text(f.value) a
        WHERE json_typeof(f.value) = 'array'
        GROUP BY f.key, a.value
    """,
}


def _filters_used(period: Period) -> list[dict]:
    """How often each filter value was used (a postcode counts as "postcode", not its value)."""
    sql = _FILTERS_SQL[db.session.get_bind().dialect.name]
    counts: Counter = Counter()
    statement = text(sql).bindparams(
        bindparam("start", period.start, type_=DateTime(timezone=True)),
        bindparam("end", period.end, type_=DateTime(timezone=True)),
    )
    for key, value, count in db.session.execute(statement):
        if key not in FILTER_KEYS:
            continue
        counts[(key, "any" if key == "postcode" else str(value))] += int(count)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [{"filter": k, "value": v, "count": n} for (k, v), n in ordered[: TOP * 2]]


def searches(period: Period) -> dict:
    """How many searches, how many found nothing, how many found services but none close to
    the words (``close_match`` false: a gap too), the filters used, and the words only as
    ``reports/search_words.py`` allows (searched on 5 days and approved; the rest counted)."""
    total, with_no_results, with_no_close_match = db.session.execute(
        select(
            func.count(SearchEvent.id),
            func.sum(case((SearchEvent.result_count == 0, 1), else_=0)),
            func.sum(
                case(
                    (and_(SearchEvent.result_count > 0, SearchEvent.close_match.is_(False)), 1),
                    else_=0,
                )
            ),
        ).where(_in_period(SearchEvent.searched_at, period))
    ).one()
    return {
        "total": int(total or 0),
        "with_no_results": int(with_no_results or 0),
        "with_no_close_match": int(with_no_close_match or 0),
        **published_searches(period),
        "filters": _filters_used(period),
    }


# How families used services' contact details --------------------------------------------------


def contact_clicks(period: Period) -> dict:
    """Clicks in the period: the total, by kind, and the services clicked most."""
    counted = and_(
        ContactClick.clicked_on >= period.starts_on,
        ContactClick.clicked_on <= period.ends_on,
        Service.published_at.is_not(None),
    )
    count = func.count(ContactClick.id)
    by_kind = dict(
        _rows(
            select(ContactClick.kind, count)
            .join(Service, Service.id == ContactClick.service_id)
            .where(counted)
            .group_by(ContactClick.kind)
        )
    )
    top = _rows(
        select(Service.id, Service.name, count)
        .join(Service, Service.id == ContactClick.service_id)
        .where(counted)
        .group_by(Service.id, Service.name)
        .order_by(count.desc(), Service.name, Service.id)
        .limit(TOP)
    )
    return {
        "total": sum(by_kind.values()),
        "by_kind": [
            {"kind": kind.value, "label": kind.label, "count": int(by_kind.get(kind, 0))}
            for kind in ContactKind
        ],
        "top_services": [
            {"name": name, "service_id": service_id, "count": n} for service_id, name, n in top
        ],
    }


# Reviews: the report questions --------------------------------------------------------------


def _report_questions(audiences: tuple[str, ...]) -> dict[str, list[tuple[int, str, str]]]:
    """For each report key: (template id, question key, type) in the templates these
    audiences answer. Templates are few, so this reads them; the answers are counted in SQL."""
    found: dict[str, list[tuple[int, str, str]]] = {key: [] for key in REPORT_KEYS}
    query = select(ReviewTemplate.id, ReviewTemplate.questions).where(
        ReviewTemplate.audience.in_(audiences)
    )
    for template_id, questions in _rows(query):
        for question in questions:
            if question.get("report_key") in found:
                found[question["report_key"]].append(
                    (template_id, question["key"], question["type"])
                )
    return found


def _accepted_in(period: Period, audiences: tuple[str, ...]):
    return and_(
        Review.status == ReviewStatus.ACCEPTED,
        _in_period(Review.submitted_at, period),
        Review.template_id.in_(
            select(ReviewTemplate.id).where(ReviewTemplate.audience.in_(audiences))
        ),
    )


def _is_positive(question_type: str, stored: str) -> bool:
    value = json.loads(stored)
    if question_type == "scale":
        return isinstance(value, int) and value >= 4
    return value == "yes"


def _month(column):
    if db.session.get_bind().dialect.name == "sqlite":
        return func.strftime("%Y-%m", column)
    return func.to_char(column, "YYYY-MM")


def _share(period: Period, audiences, questions, by_month: bool = False):
    """Positive answers and answers (leaving out "Don't know"), overall or by month."""
    if not questions:
        return {} if by_month else _share_value(0, 0)
    which = or_(
        *(
            and_(Review.template_id == template_id, ReviewAnswer.question_key == key)
            for template_id, key, _ in questions
        )
    )
    stored = cast(ReviewAnswer.value, String)
    groups = [Review.template_id, ReviewAnswer.question_key, stored]
    if by_month:
        groups.insert(0, _month(Review.submitted_at))
    query = (
        select(*groups, func.count())
        .join(Review, Review.id == ReviewAnswer.review_id)
        .where(_accepted_in(period, audiences), which)
        .group_by(*groups)
    )
    types = {(t, k): kind for t, k, kind in questions}
    positive: Counter = Counter()
    answered: Counter = Counter()
    for row in _rows(query):
        bucket = row[0] if by_month else "all"
        template_id, key, value, count = row[-4:]
        if json.loads(value) == DONT_KNOW:
            continue
        answered[bucket] += count
        if _is_positive(types[(template_id, key)], value):
            positive[bucket] += count
    if by_month:
        return {b: _share_value(positive[b], answered[b]) for b in sorted(answered)}
    return _share_value(positive["all"], answered["all"])


def _share_value(positive: int, answered: int) -> dict:
    return {"positive": positive, "answered": answered, "percent": percent(positive, answered)}


def _reviews_summary(period: Period, audiences: tuple[str, ...]) -> dict:
    accepted = _accepted_in(period, audiences)
    questions = _report_questions(audiences)
    return {
        "reviews_accepted": _scalar(select(func.count(Review.id)).where(accepted)),
        "people_taking_part": _scalar(
            select(func.count(func.distinct(Review.author_id))).where(accepted)
        ),
        "results": {key: _share(period, audiences, questions[key]) for key in REPORT_KEYS},
        "_questions": questions,
    }


def question_results(period: Period, audiences: tuple[str, ...]) -> list[dict]:
    """Each choice or scale question's answers, counted in SQL by template, question and value;
    text answers are never read here."""
    from localoffer.reviews.service import questions_of

    templates = {
        t.id: t
        for t in db.session.scalars(
            select(ReviewTemplate).where(ReviewTemplate.audience.in_(audiences))
        )
    }
    stored = cast(ReviewAnswer.value, String)
    query = (
        select(Review.template_id, ReviewAnswer.question_key, stored, func.count())
        .join(Review, Review.id == ReviewAnswer.review_id)
        .where(_accepted_in(period, audiences))
        .group_by(Review.template_id, ReviewAnswer.question_key, stored)
    )
    counts: dict[tuple[str, str], Counter] = {}
    answered: Counter = Counter()
    for template_id, key, value, count in _rows(query):
        slug = templates[template_id].slug
        answered[(slug, key)] += count
        values = json.loads(value)
        for one in values if isinstance(values, list) else [values]:
            counts.setdefault((slug, key), Counter())[str(one)] += count
    results = []
    newest_first = sorted(templates.values(), key=lambda t: (t.slug, -t.version))
    seen: set[tuple[str, str]] = set()
    for template in newest_first:
        for question in questions_of(template):
            where = (template.slug, question.key)
            if where in seen or where not in counts or not question.options:
                continue
            seen.add(where)
            total = answered[where]
            results.append(
                {
                    "template": template.title,
                    "question": question.label,
                    "answered": total,
                    "options": [
                        {
                            "label": label,
                            "count": counts[where][value],
                            "percent": percent(counts[where][value], total),
                        }
                        for value, label in question.choices
                    ],
                }
            )
    return results


def mystery_shopping(period: Period) -> dict:
    from localoffer.models import Exercise

    summary = _reviews_summary(period, MYSTERY_SHOPPERS)
    questions = summary.pop("_questions")
    trend = _share(period, MYSTERY_SHOPPERS, questions["found_what_needed"], by_month=True)
    summary["exercises"] = _scalar(
        select(func.count(Exercise.id)).where(
            Exercise.month >= period.starts_on, Exercise.month <= period.ends_on
        )
    )
    summary["found_what_needed_by_month"] = [{"month": m, **share} for m, share in trend.items()]
    summary["questions"] = question_results(period, MYSTERY_SHOPPERS)
    return summary


def young_inspectors(period: Period) -> dict:
    summary = _reviews_summary(period, YOUNG_INSPECTORS)
    summary.pop("_questions")
    count = func.count(Review.id)
    query = (
        select(Service.name, count)
        .join(Service, Service.id == Review.service_id)
        .where(_accepted_in(period, YOUNG_INSPECTORS))
        .group_by(Service.name)
        .order_by(count.desc(), Service.name)
    )
    services = [{"name": name, "reviews": n} for name, n in _rows(query)]
    summary["services_inspected"] = len(services)
    summary["services"] = services
    return summary


def aspiration(period: Period) -> dict:
    everyone = (*MYSTERY_SHOPPERS, *YOUNG_INSPECTORS)
    questions = _report_questions(everyone)
    measures = {}
    for key in ("felt_listened_to", "satisfied_with_information"):
        share = _share(period, everyone, questions[key])
        measures[key] = {
            **share,
            "meets_aspiration": share["percent"] is not None
            and share["percent"] >= ASPIRATION_PERCENT,
        }
    return {"aspiration_percent": ASPIRATION_PERCENT, **measures}


# Page feedback ------------------------------------------------------------------------------


def _section():
    return case(
        (PageFeedback.path == "/", "Home page"),
        *((PageFeedback.path.like(pattern), name) for name, pattern in SECTIONS),
        else_="Other pages",
    )


def page_feedback(period: Period) -> dict:
    section = _section()
    yes = func.sum(case((PageFeedback.helpful.is_(True), 1), else_=0))
    no = func.sum(case((PageFeedback.helpful.is_(False), 1), else_=0))
    problems = func.sum(case((PageFeedback.problem.is_not(None), 1), else_=0))
    query = (
        select(section, yes, no, problems)
        .where(_in_period(PageFeedback.created_at, period))
        .group_by(section)
        .order_by(section)
    )
    sections = [
        {
            "section": name,
            "helpful": int(y or 0),
            "not_helpful": int(n or 0),
            "helpful_percent": percent(int(y or 0), int(y or 0) + int(n or 0)),
            "problems": int(p or 0),
        }
        for name, y, n, p in _rows(query)
    ]
    # A problem counts as resolved when it is evidence for a response marked done.
    resolved = _scalar(
        select(func.count(func.distinct(PageFeedback.id)))
        .join(you_said_feedback, you_said_feedback.c.feedback_id == PageFeedback.id)
        .join(WeDid, WeDid.you_said_id == you_said_feedback.c.you_said_id)
        .where(
            _in_period(PageFeedback.created_at, period),
            PageFeedback.problem.is_not(None),
            WeDid.status == WeDidStatus.DONE.value,
        )
    )
    return {
        "sections": sections,
        "answers": sum(s["helpful"] + s["not_helpful"] for s in sections),
        "problems_reported": sum(s["problems"] for s in sections),
        "problems_resolved": resolved,
    }


# You said, we did ---------------------------------------------------------------------------


def you_said(period: Period) -> dict:
    published = and_(
        WeDid.published_at.is_not(None),
        YouSaid.said_on >= period.starts_on,
        YouSaid.said_on <= period.ends_on,
    )
    count = func.count(YouSaid.id)
    by_status = dict(
        _rows(
            select(WeDid.status, count)
            .join(WeDid, WeDid.you_said_id == YouSaid.id)
            .where(published)
            .group_by(WeDid.status)
        )
    )
    by_theme = _rows(
        select(Theme.name, count)
        .join(you_said_theme, you_said_theme.c.you_said_id == YouSaid.id)
        .join(Theme, Theme.id == you_said_theme.c.theme_id)
        .join(WeDid, WeDid.you_said_id == YouSaid.id)
        .where(published)
        .group_by(Theme.name)
        .order_by(count.desc(), Theme.name)
    )
    items = _rows(
        select(YouSaid.said_on, YouSaid.summary, WeDid.action, WeDid.status, WeDid.reason)
        .join(WeDid, WeDid.you_said_id == YouSaid.id)
        .where(published)
        .order_by(YouSaid.said_on.desc(), YouSaid.id.desc())
    )
    return {
        "published": sum(by_status.values()),
        "by_status": [
            {"status": s.value, "label": s.label, "count": int(by_status.get(s.value, 0))}
            for s in WeDidStatus
        ],
        "by_theme": [{"name": name, "count": n} for name, n in by_theme],
        "items": [
            {
                "said_on": said_on.isoformat(),
                "you_said": summary,
                "we_did": action,
                "status": WeDidStatus(status).label,
                "reason": reason,
            }
            for said_on, summary, action, status, reason in items
        ],
    }


def compute(period: Period, today: date | None = None) -> dict[str, Any]:
    """Every figure of the report for ``period``, as plain JSON-ready values."""
    today = today or date.today()
    return {
        "period": {
            "label": period.label,
            "title": period.title,
            "starts_on": period.starts_on.isoformat(),
            "ends_on": period.ends_on.isoformat(),
        },
        "directory": directory(period, today),
        "searches": searches(period),
        "contact_clicks": contact_clicks(period),
        "mystery_shopping": mystery_shopping(period),
        "young_inspectors": young_inspectors(period),
        "page_feedback": page_feedback(period),
        "you_said_we_did": you_said(period),
        "aspiration": aspiration(period),
    }
