"""Annual report benchmark: the time to compute a year's figures, and to render them.

Fills a temporary SQLite database with a synthetic year (bench/synthetic.py for the services,
then searches, reviews with answers, page feedback, "You said, we did" items and contact
clicks inserted with Core inserts), then times ``compute`` (the SQL aggregation the report
runs), rendering the report page's HTML, and the published report's PDF address twice: the
first request draws the PDF with WeasyPrint and stores it, the second serves the stored copy.
Prints one JSON object; progress goes to stderr. Needs nothing running.

    .venv/bin/python bench/report_bench.py
    .venv/bin/python bench/report_bench.py --services 2000 --searches 20000 --clicks 5000

See bench/README.md and docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask import render_template  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from bench.search_bench import code_version, machine  # noqa: E402
from bench.synthetic import SEED_DIR, bench_app, populate  # noqa: E402
from localoffer.extensions import db  # noqa: E402
from localoffer.guides.pdf import pdf_available  # noqa: E402
from localoffer.models import (  # noqa: E402
    AnnualReport,
    AuditEvent,
    ContactClick,
    ContactKind,
    PageFeedback,
    Review,
    ReviewAnswer,
    ReviewStatus,
    ReviewTemplate,
    Role,
    SearchEvent,
    Service,
    Theme,
    User,
    WeDid,
    YouSaid,
)
from localoffer.models.reviews import review_theme  # noqa: E402
from localoffer.models.yousaid import you_said_theme  # noqa: E402
from localoffer.reports import service as reports  # noqa: E402
from localoffer.reports.charts import report_charts  # noqa: E402
from localoffer.reports.figures import compute  # noqa: E402
from localoffer.reports.periods import academic_year  # noqa: E402
from localoffer.reviews.seed import load_review_templates, load_themes  # noqa: E402
from localoffer.seeding.loader import SeedReport  # noqa: E402

PERIOD = academic_year(2025)
BATCH = 5000
QUERIES = [
    "autism",
    "respite",
    "speech therapy",
    "short breaks",
    "ehcp",
    "sensory",
    "wheelchair",
    "after school club",
    "post 16",
    "dyslexia",
    "mental health",
    "camhs",
    "swimming",
    "holiday club",
    "transport",
    "sleep",
    "toilet training",
    "adhd",
    "epilepsy",
    "college",
]
FILTERS = [
    {},
    {"category": ["education"]},
    {"need": ["sensory-and-physical"]},
    {"age": "7"},
    {"category": ["health"], "need": ["communication-and-interaction"]},
    {"postcode": "PO1 2AB", "within": "5"},
    {"cost": ["free"]},
]
PATHS = [
    "/",
    "/services",
    "/services/12",
    "/guides/ehc-plans",
    "/young-people",
    "/search",
    "/glossary",
    "/you-said-we-did",
    "/reports",
    "/elsewhere",
]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _when(rng: random.Random) -> datetime:
    start = datetime.combine(PERIOD.starts_on, datetime.min.time(), UTC)
    return start + timedelta(seconds=rng.randrange(365 * 24 * 3600))


def _insert(model_or_table, rows: list[dict]) -> None:
    table = getattr(model_or_table, "__table__", model_or_table)
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(table), rows[start : start + BATCH])


def fill_year(args, rng: random.Random) -> dict:
    """Insert the year's activity; returns rows per table."""
    report = SeedReport()
    load_themes(SEED_DIR / "themes.yaml", report)
    load_review_templates(SEED_DIR / "review_templates", report)
    db.session.commit()
    themes = list(db.session.scalars(select(Theme.id)))
    templates = {t.slug: t.id for t in db.session.scalars(select(ReviewTemplate))}
    service_ids = list(db.session.scalars(select(Service.id)))

    people = [
        {
            "email": f"person{n}@example.org",
            "name": f"Person {n}",
            "password_hash": "x",
            "role": Role.YOUNG_INSPECTOR if n % 4 == 0 else Role.VOLUNTEER,
        }
        for n in range(200)
    ]
    _insert(User, people)
    user_ids = list(db.session.scalars(select(User.id)))

    _insert(
        SearchEvent,
        [
            {
                "query": rng.choice(QUERIES + [""]),
                "filters": rng.choice(FILTERS),
                "result_count": rng.choice([0, 0, 3, 12, 40]),
                "searched_at": _when(rng),
            }
            for _ in range(args.searches)
        ],
    )
    _insert(
        PageFeedback,
        [
            {
                "path": rng.choice(PATHS),
                "helpful": rng.choice([True, True, False, None]),
                "problem": "Something was wrong",
                "created_at": _when(rng),
            }
            for _ in range(args.feedback)
        ],
    )
    # Clicks on contact details: a few services get most of them, as on a real site.
    kinds = list(ContactKind)
    popular = service_ids[: max(1, len(service_ids) // 20)]
    _insert(
        ContactClick,
        [
            {
                "service_id": rng.choice(popular if rng.random() < 0.5 else service_ids),
                "kind": rng.choice(kinds),
                "clicked_on": _when(rng).date(),
            }
            for _ in range(args.clicks)
        ],
    )
    # Some listings archived during the year.
    _insert(
        AuditEvent,
        [
            {
                "action": "service.archived",
                "subject_type": "service",
                "subject_id": sid,
                "changes": {},
                "created_at": _when(rng),
            }
            for sid in rng.sample(service_ids, len(service_ids) // 50)
        ],
    )

    first_review = (db.session.scalar(select(db.func.max(Review.id))) or 0) + 1
    reviews, answers, tags = [], [], []
    for n in range(args.reviews):
        review_id = first_review + n
        young = n % 5 == 0
        slug = (
            "young-inspector-report"
            if young
            else rng.choice(["website-mystery-shop", "service-mystery-shop"])
        )
        submitted = _when(rng)
        reviews.append(
            {
                "id": review_id,
                "template_id": templates[slug],
                "author_id": rng.choice(user_ids),
                "draft_key": str(uuid.uuid4()),
                "service_id": rng.choice(service_ids),
                "status": ReviewStatus(rng.choice(["accepted"] * 4 + ["submitted", "rejected"])),
                "submitted_at": submitted,
                "created_at": submitted,
                "updated_at": submitted,
            }
        )
        if slug == "website-mystery-shop":
            values = {
                "found_what_needed": rng.choice(["yes", "partly", "no"]),
                "satisfied": rng.choice([1, 2, 3, 4, 5, "dont_know"]),
            }
        else:
            values = {"listened_to": rng.randint(1, 5)}
        values["worked_well"] = "The staff were kind"
        answers += [
            {"review_id": review_id, "question_key": k, "value": v} for k, v in values.items()
        ]
        tags.append({"review_id": review_id, "theme_id": rng.choice(themes)})
    _insert(Review, reviews)
    _insert(ReviewAnswer, answers)
    _insert(review_theme, tags)

    items, responses, item_tags = [], [], []
    first_item = (db.session.scalar(select(db.func.max(YouSaid.id))) or 0) + 1
    for n in range(args.you_said):
        item_id = first_item + n
        said = PERIOD.starts_on + timedelta(days=rng.randrange(365))
        status = rng.choice(["planned", "in_progress", "done", "not_possible"])
        items.append(
            {
                "id": item_id,
                "summary": f"Families told us about thing {n}",
                "source_type": "survey",
                "said_on": said,
            }
        )
        responses.append(
            {
                "you_said_id": item_id,
                "action": f"We changed thing {n}",
                "team": "SEND team",
                "status": status,
                "reason": "No budget" if status == "not_possible" else None,
                "published_at": _when(rng) if rng.random() < 0.8 else None,
            }
        )
        item_tags.append({"you_said_id": item_id, "theme_id": rng.choice(themes)})
    _insert(YouSaid, items)
    _insert(WeDid, responses)
    _insert(you_said_theme, item_tags)
    db.session.commit()
    return {
        "searches": args.searches,
        "reviews": args.reviews,
        "review_answers": len(answers),
        "page_feedback": args.feedback,
        "you_said": args.you_said,
        "contact_clicks": args.clicks,
        "archived_services": len(service_ids) // 50,
    }


def run(args) -> dict:
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="report-bench-"))
    code = code_version()
    log(f"creating the database in {workdir}")
    app = bench_app(workdir)
    made = populate(app, args.services, args.seed)
    log(f"{args.services} services inserted in {made['insert_s']} s")
    rng = random.Random(args.seed)
    with app.app_context():
        started = time.perf_counter()
        rows = fill_year(args, rng)
        log(f"the year inserted in {time.perf_counter() - started:.1f} s")

        started = time.perf_counter()
        figures = compute(PERIOD, today=date(2026, 9, 1))
        compute_s = time.perf_counter() - started
        log(f"figures computed in {compute_s:.3f} s")

        values = {
            "period": PERIOD,
            "figures": figures,
            "narrative": {},
            "report": None,
            "charts": report_charts(figures),
            "themes": reports.THEMES,
            "headings": reports.HEADINGS,
            "pdf_available": pdf_available(),
        }
        with app.test_request_context("/reports/2025-26"):
            started = time.perf_counter()
            html = render_template("reports/report.html", preview=True, versions=[], **values)
            html_s = time.perf_counter() - started
        pdf_s = pdf_cached_s = pdf_kb = None
        if pdf_available() and not args.no_pdf:
            # A published version with these figures (publishing would compute them again).
            db.session.add(
                AnnualReport(
                    period=PERIOD.label,
                    starts_on=PERIOD.starts_on,
                    ends_on=PERIOD.ends_on,
                    version=1,
                    narrative={},
                    figures=figures,
                    published_at=datetime.now(UTC),
                )
            )
            db.session.commit()
            client = app.test_client()
            started = time.perf_counter()
            first = client.get(f"/reports/{PERIOD.label}.pdf")
            pdf_s = time.perf_counter() - started
            started = time.perf_counter()
            second = client.get(f"/reports/{PERIOD.label}.pdf")
            pdf_cached_s = time.perf_counter() - started
            if first.status_code != 200 or second.data != first.data:
                raise SystemExit("the stored PDF is not the one first drawn")
            pdf_kb = round(len(first.data) / 1024, 1)
        db.session.remove()
    return {
        "compute_s": round(compute_s, 3),
        "html_s": round(html_s, 3),
        "pdf_s": None if pdf_s is None else round(pdf_s, 3),
        "pdf_cached_s": None if pdf_cached_s is None else round(pdf_cached_s, 3),
        "html_kb": round(len(html.encode()) / 1024, 1),
        "pdf_kb": pdf_kb,
        "rows": {"services": made["rows"].get("service", args.services), **rows},
        "target_compute_s": 2.0,
        "met_target": compute_s < 2.0,
        "listed_at_end": figures["directory"]["listed_at_end"],
        "searches_counted": figures["searches"]["total"],
        "contact_clicks_counted": figures["contact_clicks"]["total"],
        "code": code,
        "machine": machine(),
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--searches", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=5_000)
    parser.add_argument("--feedback", type=int, default=20_000)
    parser.add_argument("--you-said", dest="you_said", type=int, default=500)
    parser.add_argument("--clicks", type=int, default=50_000, help="contact clicks in the year")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", help="an empty folder to keep the database in")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF")
    print(json.dumps(run(parser.parse_args(argv)), indent=2))


if __name__ == "__main__":
    main()
