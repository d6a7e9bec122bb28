"""Building, previewing and publishing the annual report; the public pages and downloads."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import subprocess

import pytest
from flask import g

from localoffer.extensions import db
from localoffer.guides.pdf import pdf_available
from localoffer.models import AnnualReport, Role, SearchEvent
from localoffer.reports.figures import compute
from localoffer.reports.pdf import cached_pdf, pdf_drawn
from localoffer.reports.periods import academic_year
from tests import factories
from tests.accounts import csrf_token, signed_in
from tests.pages import check_page, parse
from tests.reports.conftest import at


@pytest.fixture
def officer(app):
    return signed_in(app.test_client(), factories.user(Role.OFFICER))


def _post(client, url, **data):
    g.pop("csrf_token", None)
    return client.post(url, data={"csrf_token": csrf_token(client), **data})


def _narrative(officer, period="2019-20", **fields):
    return _post(officer, f"/manage/reports/{period}", **fields)


def test_choosing_a_period(app, officer):
    check_page(parse(officer.get("/manage/reports").get_data(as_text=True)))
    response = _post(officer, "/manage/reports", academic_year="2024-25")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/manage/reports/2024-25")
    response = _post(
        officer,
        "/manage/reports",
        academic_year="2024-25",
        starts_on="1 4 2025",
        ends_on="31 3 2026",
    )
    assert response.headers["Location"].endswith("/manage/reports/2025-04-01_2026-03-31")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"starts_on": "1 4 2025"}, "Enter both dates"),
        ({"starts_on": "1 4 2025", "ends_on": "1 3 2025"}, "The end date must be after"),
        ({"starts_on": "31 2 2025", "ends_on": "1 3 2025"}, "The start date must be a real date"),
        ({"starts_on": "1 1 2020", "ends_on": "1 1 2025"}, "three years at most"),
    ],
)
def test_bad_periods_are_refused_with_the_input_kept(app, officer, data, message):
    response = _post(officer, "/manage/reports", academic_year="2024-25", **data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in html and message in html
    assert data["starts_on"] in html


def test_unknown_periods_are_not_found(app, officer, client):
    for url in ("/manage/reports/2019-21", "/manage/reports/nonsense/preview"):
        assert officer.get(url).status_code == 404
    for url in ("/reports/2019-21", "/reports/2031-32", "/reports/2031-32.json", "/reports/x.csv"):
        assert client.get(url).status_code == 404


def test_narrative_is_cleaned_and_too_long_is_refused(app, officer):
    response = _narrative(officer, "2018-19", directory__strengths="x" * 5001)
    assert response.status_code == 400
    assert "Strengths must be 5,000 characters or fewer" in response.get_data(as_text=True)
    response = _narrative(
        officer,
        "2018-19",
        directory__strengths="**Up to date** listings <script>alert(1)</script>",
        searches__focus="- respite\n- post-16",
    )
    assert response.status_code == 303
    html = officer.get("/manage/reports/2018-19/preview").get_data(as_text=True)
    page = parse(html)
    check_page(page)
    assert "<strong>Up to date</strong>" in html
    assert "<script>alert" not in html
    assert "preview" in page.title


def test_publish_freezes_a_snapshot_and_corrections_are_new_versions(app, officer, client):
    period = academic_year(2019)
    _narrative(officer, mystery_shopping__doing="We *retrained* the front desk")
    # Nothing is public before publishing.
    assert client.get("/reports/2019-20").status_code == 404
    assert "2019" not in client.get("/reports").get_data(as_text=True).split("<main")[1]
    response = _post(officer, "/manage/reports/2019-20/publish")
    assert response.status_code == 302
    first = client.get("/reports/2019-20.json").get_json()
    assert first["version"] == 1
    assert first["figures"] == json.loads(json.dumps(compute(period)))
    assert "retrained" in first["narrative"]["mystery_shopping"]["doing"]
    html = client.get("/reports/2019-20").get_data(as_text=True)
    check_page(parse(html))
    assert "Version 1" in html and "<em>retrained</em>" in html
    assert "/reports/2019-20" in client.get("/reports").get_data(as_text=True)

    # New data after publishing does not change the published figures.
    db.session.add(
        SearchEvent(query="sleep", result_count=0, filters={}, searched_at=at(2020, 1, 1))
    )
    db.session.commit()
    assert client.get("/reports/2019-20.json").get_json() == first

    # A correction is a new version; the first stays readable.
    _narrative(officer, mystery_shopping__doing="We retrained the front desk and the call centre")
    _post(officer, "/manage/reports/2019-20/publish")
    second = client.get("/reports/2019-20.json").get_json()
    assert second["version"] == 2
    assert second["figures"]["searches"]["total"] == first["figures"]["searches"]["total"] + 1
    assert client.get("/reports/2019-20/v1.json").get_json() == first
    assert "Version 1" in client.get("/reports/2019-20/v1").get_data(as_text=True)
    assert "Earlier versions" in client.get("/reports/2019-20").get_data(as_text=True)
    stored = db.session.scalars(
        db.select(AnnualReport)
        .where(AnnualReport.period == "2019-20")
        .order_by(AnnualReport.version)
    ).all()
    assert [r.version for r in stored] == [1, 2]
    assert all(r.published_at is not None for r in stored)


def _published(officer, client):
    if client.get("/reports/2019-20.json").status_code == 404:
        _post(officer, "/manage/reports/2019-20/publish")
    return client.get("/reports/2019-20.json").get_json()


def test_the_csv_holds_every_figure(app, officer, client, names):
    snapshot = _published(officer, client)
    response = client.get("/reports/2019-20.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    values = {(r["section"], r["measure"]): r["value"] for r in rows}
    directory = snapshot["figures"]["directory"]
    assert values[("directory", "listed_at_start")] == str(directory["listed_at_start"])
    assert values[("directory", "by_category.Education.count")] == "2"
    assert values[("searches", "top_with_no_results.respite.count")] == "6"
    assert values[("searches", "filters.category=education.count")] == "4"
    assert values[("aspiration", "felt_listened_to.percent")] == "33"
    assert values[("page_feedback", "sections.Guides.helpful_percent")] == ""
    assert values[("contact_clicks", "total")] == "9"
    assert values[("contact_clicks", "by_kind.phone.count")] == "5"
    assert values[("contact_clicks", "by_kind.website.label")] == "Website"
    assert values[("contact_clicks", f"top_services.{names['service_a']}.count")] == "6"
    question = "mystery_shopping", "questions.Did you find what you needed?.options.Partly.count"
    assert values[question] == "1"


def test_charts_have_a_title_a_text_alternative_and_a_table(app, officer, client):
    _published(officer, client)
    html = client.get("/reports/2019-20").get_data(as_text=True)
    for chart in ("chart-categories", "chart-no-results", "chart-aspiration", "chart-helpful"):
        assert f'id="{chart}"' in html
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in html
        assert '<caption class="govuk-table__caption govuk-table__caption--s">' in html
    assert "Pages found helpful, by section. Guides: no answers; Home page: 50%" in html
    assert "<script" not in html.split("</footer>")[0]
    assert "Website mystery shop: Did you find what you needed? (3 answered)" in html


def test_contact_clicks_on_the_page_and_in_the_json(app, officer, client, names):
    snapshot = _published(officer, client)
    assert snapshot["figures"]["contact_clicks"]["total"] == 9
    html = client.get("/reports/2019-20").get_data(as_text=True)
    page = parse(html)
    check_page(page)
    assert "contact-clicks" in page.ids and "top-contacted-services" in page.ids
    figures_table = html.split('id="search-figures"')[1].split("</table>")[0]
    assert "Clicks on contact details (phone, email and website)" in figures_table
    assert ">9</td>" in figures_table
    assert 'aria-labelledby="chart-contact-clicks-title chart-contact-clicks-desc"' in html
    assert "Clicks on contact details, by kind. Phone: 5; Email: 1; Website: 3." in html
    top = html.split('id="top-contacted-services"')[1].split("</table>")[0]
    rows = re.findall(r'header">([^<]+)</th><td class="[^"]+">(\d+)</td>', top)
    assert rows == [(names["service_a"], "6"), (names["service_b"], "2"), (names["closed"], "1")]


@pytest.mark.parametrize("frozen", ["missing", "none"])
def test_a_snapshot_from_before_clicks_were_counted_renders_as_before(app, client, frozen):
    figures = compute(academic_year(2010))
    if frozen == "missing":
        del figures["contact_clicks"]
    else:
        figures["contact_clicks"] = None
    report = AnnualReport(
        period="2010-11",
        starts_on=academic_year(2010).starts_on,
        ends_on=academic_year(2010).ends_on,
        version=1,
        narrative={},
        figures=figures,
        published_at=at(2011, 9, 1),
    )
    db.session.add(report)
    db.session.flush()
    html = client.get("/reports/2010-11").get_data(as_text=True)
    check_page(parse(html))
    figures_table = html.split('id="search-figures"')[1].split("</table>")[0]
    assert "not counted yet" in figures_table
    assert "chart-contact-clicks" not in html and "top-contacted-services" not in html
    rows = list(csv.reader(io.StringIO(client.get("/reports/2010-11.csv").get_data(as_text=True))))
    assert all(row[0] != "contact_clicks" or row[2] == "" for row in rows)


def test_the_pdf(app, officer, client):
    _published(officer, client)
    response = client.get("/reports/2019-20.pdf")
    if not pdf_available():
        assert response.status_code == 404
        return
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")


@pytest.fixture
def drawn():
    """Each report whose PDF is drawn, in order, through the real hook."""
    reports = []

    def note(report):
        reports.append((report.period, report.version))

    pdf_drawn.connect(note)
    yield reports
    pdf_drawn.disconnect(note)


def _stored_pdf(period: str, version: int) -> bytes | None:
    db.session.expire_all()
    return db.session.scalar(
        db.select(AnnualReport.pdf).where(
            AnnualReport.period == period, AnnualReport.version == version
        )
    )


def test_a_published_pdf_is_drawn_once_and_kept(app, officer, client, drawn):
    _post(officer, "/manage/reports/2016-17/publish")
    assert _stored_pdf("2016-17", 1) is None
    first = client.get("/reports/2016-17.pdf")
    if not pdf_available():
        assert first.status_code == 404
        return
    assert first.status_code == 200 and first.data.startswith(b"%PDF")
    assert drawn == [("2016-17", 1)]
    assert _stored_pdf("2016-17", 1) == first.data
    assert first.headers["ETag"] == f'"{hashlib.sha256(first.data).hexdigest()}"'
    assert first.headers["Last-Modified"]
    assert "max-age=300" in first.headers["Cache-Control"]

    # The second request is served the stored copy without drawing it again.
    second = client.get("/reports/2016-17.pdf")
    assert second.data == first.data and drawn == [("2016-17", 1)]
    assert second.headers["ETag"] == first.headers["ETag"]
    unchanged = client.get("/reports/2016-17.pdf", headers={"If-None-Match": first.headers["ETag"]})
    assert unchanged.status_code == 304 and unchanged.data == b""
    numbered = client.get("/reports/2016-17/v1.pdf")
    assert numbered.data == first.data and drawn == [("2016-17", 1)]
    assert "immutable" in numbered.headers["Cache-Control"]
    assert "max-age=31536000" in numbered.headers["Cache-Control"]

    # A correction is a new version with a PDF of its own; the first keeps its copy.
    _post(officer, "/manage/reports/2016-17/publish")
    corrected = client.get("/reports/2016-17.pdf")
    assert drawn == [("2016-17", 1), ("2016-17", 2)]
    assert corrected.data != first.data and corrected.data == _stored_pdf("2016-17", 2)
    assert corrected.headers["ETag"] != first.headers["ETag"]
    assert _stored_pdf("2016-17", 1) == first.data
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=corrected.data, capture_output=True, check=True
        ).stdout.decode()
        assert "Version 2" in " ".join(text.split())
    assert client.get("/reports/2016-17/v1.pdf").data == first.data
    assert drawn == [("2016-17", 1), ("2016-17", 2)]


def test_a_pdf_stored_meanwhile_by_another_request_wins(app, officer, client, drawn):
    """Two first requests at once: the one that stores second serves the first one's copy."""
    _post(officer, "/manage/reports/2015-16/publish")
    report = db.session.scalar(db.select(AnnualReport).where(AnnualReport.period == "2015-16"))

    def draw_while_another_request_stores() -> bytes:
        with db.engine.begin() as other:
            other.execute(
                db.update(AnnualReport)
                .where(AnnualReport.id == report.id)
                .values(pdf=b"%PDF-the other request's copy")
            )
        return b"%PDF-this request's copy"

    served = cached_pdf(report, draw_while_another_request_stores)
    assert served == b"%PDF-the other request's copy"
    assert _stored_pdf("2015-16", 1) == served
    assert drawn == [("2015-16", 1)]
    # Stored bytes are what the address serves, without drawing (so even without WeasyPrint).
    response = client.get("/reports/2015-16.pdf")
    assert response.status_code == 200 and response.data == served
    assert drawn == [("2015-16", 1)]


def test_the_command_line_publishes_a_new_version(app):
    runner = app.test_cli_runner()
    before = db.session.scalar(
        db.select(db.func.count(AnnualReport.id)).where(AnnualReport.period == "2017-18")
    )
    result = runner.invoke(args=["report", "build", "2017-18"])
    assert result.exit_code == 0, result.output
    assert "Published version 1 of the 2017-18 report" in result.output
    assert before == 0
    result = runner.invoke(args=["report", "build", "2017-19"])
    assert result.exit_code != 0
    assert "academic year like 2025-26" in result.output
