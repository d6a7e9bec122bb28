"""The words families typed reach a public report only when searched on 5 different days and
approved by an officer; everything else is counted, never shown, in every format and version."""

from __future__ import annotations

import csv
import html as html_lib
import io
import shutil
import subprocess

import pytest
from flask import g
from sqlalchemy import select

from localoffer.extensions import db
from localoffer.guides.pdf import pdf_available
from localoffer.models import AuditEvent, Role, SearchPhraseDecision
from localoffer.reports.search_words import phrase_key
from tests import factories
from tests.accounts import csrf_token, signed_in

PERIOD = "2019-20"
# In the fixture year (tests/reports/conftest.py): searched once, on too few days, never
# decided, or hidden by an officer. None of them may appear in any public output.
NEVER_SHOWN = (
    "bedwetting",
    "speech therapy",
    "my son tom",
    "drop table",
    "wheelchair swimming",
)


@pytest.fixture
def officer(app):
    return signed_in(app.test_client(), factories.user(Role.OFFICER))


def _post(client, url, **data):
    g.pop("csrf_token", None)
    return client.post(url, data={"csrf_token": csrf_token(client), **data})


def _publish(officer) -> None:
    assert _post(officer, f"/manage/reports/{PERIOD}/publish").status_code == 302


def _pdf_text(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def _public_outputs(client, version: int) -> dict[str, str]:
    """Every public format of a version, as text with single spaces, lower case."""
    base = f"/reports/{PERIOD}/v{version}"
    outputs = {
        "html": html_lib.unescape(client.get(base).get_data(as_text=True)),
        "csv": client.get(base + ".csv").get_data(as_text=True),
        "json": client.get(base + ".json").get_data(as_text=True),
        "index": html_lib.unescape(client.get("/reports").get_data(as_text=True)),
    }
    if pdf_available() and shutil.which("pdftotext"):
        outputs["pdf"] = _pdf_text(client.get(base + ".pdf").data)
    return {name: " ".join(text.split()).lower() for name, text in outputs.items()}


def _assert_never_shown(outputs: dict[str, str]) -> None:
    for name, text in outputs.items():
        for words in NEVER_SHOWN:
            assert words not in text, f"{words!r} leaked into the {name}"


def test_phrase_key_normalises_case_spacing_and_punctuation():
    assert phrase_key("  Respite? ") == "respite"
    assert phrase_key("SPEECH   therapy!!") == "speech therapy"
    assert phrase_key("'; drop table services;--") == "drop table services"
    assert phrase_key("parent’s group") == "parent's group"
    assert phrase_key("?!") == ""


def test_only_words_searched_on_five_days_and_approved_are_published(app, officer, client):
    _publish(officer)
    outputs = _public_outputs(client, 1)
    _assert_never_shown(outputs)
    # The approved phrases are shown, merged across spellings, with the others only counted.
    page = outputs["html"]
    top = page.split('id="top-searches"')[1].split("</table>")[0]
    assert "respite" in top and "autism" in top
    assert "13 other searches with words are counted but not shown" in page
    rows = list(csv.DictReader(io.StringIO(client.get(f"/reports/{PERIOD}/v1.csv").text)))
    values = {(r["section"], r["measure"]): r["value"] for r in rows}
    assert values[("searches", "top.respite.count")] == "6"
    assert values[("searches", "other_searches")] == "13"
    if "pdf" in outputs:
        assert "respite" in outputs["pdf"] and "13 other searches" in outputs["pdf"]


def test_officers_see_the_typed_words_and_decide_which_may_be_published(app, officer, client):
    page = officer.get(f"/manage/reports/{PERIOD}").get_data(as_text=True)
    review = page.split('id="search-words-list"')[1].split("</table>")[0]
    # The review list: phrases searched on 5 or more days, whatever their decision.
    for phrase in ("respite", "autism", "bedwetting", "speech therapy"):
        assert f">{phrase}</th>" in review
    assert "wheelchair swimming" not in review and "my son tom" not in review
    # Staff still see the searches as typed.
    typed = html_lib.unescape(page.split('id="typed-searches"')[1].split("</details>")[0])
    assert "my son tom has autism and needs help at school" in typed

    # Approving a phrase on the list: remembered, audited, shown in the next version.
    response = _post(
        officer, f"/manage/reports/{PERIOD}/search-words", phrase="bedwetting", decision="approve"
    )
    assert response.status_code == 303
    assert db.session.scalar(
        select(SearchPhraseDecision.approved).where(SearchPhraseDecision.phrase == "bedwetting")
    )
    assert db.session.scalar(
        select(AuditEvent.id).where(AuditEvent.action == "search_phrase.approved")
    )
    # Hiding one that was approved.
    _post(officer, f"/manage/reports/{PERIOD}/search-words", phrase="autism", decision="hide")
    _publish(officer)
    newest = client.get(f"/reports/{PERIOD}.json").get_json()
    shown = [row["query"] for row in newest["figures"]["searches"]["top"]]
    assert shown == ["respite", "bedwetting"]


@pytest.mark.parametrize(
    "phrase",
    [
        "wheelchair swimming",  # searched on one day only
        "my son tom has autism and needs help at school",  # once
        "Bedwetting",  # not a normalised phrase
        "",
        "x" * 201,
    ],
)
def test_words_not_on_the_list_cannot_be_approved(app, officer, phrase):
    before = db.session.scalar(select(db.func.count(SearchPhraseDecision.id)))
    response = _post(
        officer, f"/manage/reports/{PERIOD}/search-words", phrase=phrase, decision="approve"
    )
    assert response.status_code == 303
    after = db.session.scalar(select(db.func.count(SearchPhraseDecision.id)))
    assert after == before


def test_a_decision_needs_a_known_choice(app, officer):
    response = _post(
        officer,
        f"/manage/reports/{PERIOD}/search-words",
        phrase="speech therapy",
        decision="publish",
    )
    assert response.status_code == 303
    assert (
        db.session.scalar(
            select(SearchPhraseDecision.approved).where(
                SearchPhraseDecision.phrase == "speech therapy"
            )
        )
        is False
    )
