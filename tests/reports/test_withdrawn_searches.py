"""Reports published before the rule on families' words: migration 0010 withdraws their lists of
searches and publishes a corrected version; no format of any version shows the words again."""

from __future__ import annotations

import html as html_lib
import json
import shutil
import subprocess
from datetime import UTC, date, datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import insert, select, text

from localoffer.extensions import db
from localoffer.guides.pdf import pdf_available
from localoffer.models import AnnualReport, AuditEvent, SearchEvent
from localoffer.reports.figures import compute
from localoffer.reports.periods import academic_year
from tests.conftest import PROJECT_ROOT

MIGRATIONS = str(PROJECT_ROOT / "migrations")
RAW = ("my daughter amy is autistic", "bedwetting", "drop table services")


def _old_figures(base: dict, total: int) -> dict:
    """A snapshot as the code before the rule froze it: raw words in both lists."""
    figures = json.loads(json.dumps(base))
    figures["searches"] = {
        "total": total,
        "with_no_results": 2,
        "top": [{"query": RAW[0], "count": 1}, {"query": RAW[1], "count": 1}],
        "top_with_no_results": [{"query": "'; " + RAW[2] + ";--", "count": 1}],
        "filters": [],
    }
    return figures


def _insert_report(connection, version, figures, published=True, pdf=None, period="2023-24"):
    connection.execute(
        text(
            "INSERT INTO annual_report (period, starts_on, ends_on, version, narrative, figures,"
            " published_at, pdf) VALUES (:period, :starts, :ends, :version, :narrative,"
            " :figures, :published, :pdf)"
        ).bindparams(
            db.bindparam("narrative", type_=db.JSON),
            db.bindparam("figures", type_=db.JSON),
            db.bindparam("starts", type_=db.Date),
            db.bindparam("ends", type_=db.Date),
            db.bindparam("published", type_=db.DateTime(timezone=True)),
            db.bindparam("pdf", type_=db.LargeBinary),
        ),
        {
            "period": period,
            "starts": date(2023, 9, 1) if period == "2023-24" else date(2022, 9, 1),
            "ends": date(2024, 8, 31) if period == "2023-24" else date(2023, 8, 31),
            "version": version,
            "narrative": {"directory": {"doing": "We checked every listing"}},
            "figures": figures,
            "published": datetime(2024, 10, version, tzinfo=UTC) if published else None,
            "pdf": pdf,
        },
    )


@pytest.fixture
def upgraded(empty_app):
    """The database at 0009 holding old published versions, then upgraded to the latest."""
    base = compute(academic_year(2023))
    # End the read's transaction: on PostgreSQL its locks would keep the downgrade (which
    # alters search_event) waiting for ever.
    db.session.rollback()
    downgrade(directory=MIGRATIONS, revision="0009")
    with db.engine.begin() as connection:
        _insert_report(connection, 1, _old_figures(base, 3), pdf=b"%PDF-old copy with the words")
        _insert_report(connection, 2, _old_figures(base, 4))
        _insert_report(connection, 3, {}, published=False)  # a draft in progress
        clean = _old_figures(base, 9)
        clean["searches"]["top"] = clean["searches"]["top_with_no_results"] = []
        _insert_report(connection, 1, clean, period="2022-23")
    # As the table was at 0009: only its columns then (no close_match).
    db.session.execute(
        insert(SearchEvent.__table__),
        [
            {
                "query": query,
                "result_count": results,
                "filters": {},
                "searched_at": datetime(2024, 1, 10, tzinfo=UTC),
            }
            for query, results in (("my daughter amy is autistic", 4), ("bedwetting", 0), ("", 3))
        ],
    )
    db.session.commit()
    upgrade(directory=MIGRATIONS)
    db.session.expire_all()
    return empty_app


def _versions(period="2023-24") -> list[AnnualReport]:
    return list(
        db.session.scalars(
            select(AnnualReport).where(AnnualReport.period == period).order_by(AnnualReport.version)
        )
    )


def test_old_versions_are_withdrawn_and_a_corrected_version_published(upgraded):
    first, second, corrected, draft = _versions()
    for withdrawn in (first, second):
        assert withdrawn.searches_withdrawn_at is not None
        assert "top" not in withdrawn.figures["searches"]
        assert "top_with_no_results" not in withdrawn.figures["searches"]
        assert withdrawn.figures["searches"]["total"] in (3, 4)  # counts are kept
        assert withdrawn.pdf is None  # drawn again, without the words
    assert corrected.version == 3 and corrected.published_at is not None
    assert corrected.corrects_version == 2
    assert corrected.narrative == second.narrative
    searches = corrected.figures["searches"]
    assert searches["top"] == [] and searches["top_with_no_results"] == []
    # Counted from the search log for the period: 2 searches with words, 1 found nothing.
    assert searches["with_words"] == 2 and searches["other_searches"] == 2
    assert searches["other_searches_with_no_results"] == 1
    assert "words_rule" in searches
    assert draft.published_at is None and draft.version == 4
    # A version that listed no words is left as it was.
    (untouched,) = _versions("2022-23")
    assert untouched.searches_withdrawn_at is None and untouched.figures["searches"]["top"] == []
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("report.searches_withdrawn") == 2 and "report.published" in actions


def test_no_public_format_of_any_version_shows_the_words(upgraded):
    client = upgraded.test_client()
    for version in (1, 2, 3):
        base = f"/reports/2023-24/v{version}"
        outputs = {
            "html": html_lib.unescape(client.get(base).get_data(as_text=True)),
            "csv": client.get(base + ".csv").get_data(as_text=True),
            "json": client.get(base + ".json").get_data(as_text=True),
        }
        if pdf_available() and shutil.which("pdftotext"):
            pdf = client.get(base + ".pdf").data
            outputs["pdf"] = subprocess.run(
                ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
            ).stdout.decode()
        for name, output in outputs.items():
            flat = " ".join(output.split()).lower()
            for words in RAW:
                assert words not in flat, f"{words!r} in the {name} of version {version}"
    # The withdrawn versions say so and point to the correction; the correction says what it is.
    old = client.get("/reports/2023-24/v1").get_data(as_text=True)
    assert 'id="searches-withdrawn"' in old and 'href="/reports/2023-24/v3"' in old
    newest = client.get("/reports/2023-24").get_data(as_text=True)
    assert "This version corrects version 2" in newest
    assert "2 other searches with words are counted but not shown" in newest


def test_a_snapshot_with_words_but_no_rule_is_never_shown_even_if_not_migrated(empty_app):
    """Defence in depth: the public formats themselves drop lists frozen before the rule."""
    report = AnnualReport(
        period="2021-22",
        starts_on=date(2021, 9, 1),
        ends_on=date(2022, 8, 31),
        version=1,
        narrative={},
        figures=_old_figures(compute(academic_year(2021)), 3),
        published_at=datetime(2022, 10, 1, tzinfo=UTC),
    )
    db.session.add(report)
    db.session.commit()
    client = empty_app.test_client()
    for suffix in ("", ".csv", ".json"):
        body = html_lib.unescape(client.get(f"/reports/2021-22{suffix}").get_data(as_text=True))
        for words in RAW:
            assert words not in body
