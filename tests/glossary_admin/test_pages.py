"""Officers keep the glossary at /manage/glossary: add, change, retire, bring back; each rule's
error on the form, what was typed kept, the audit trail and the entry's history."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from localoffer.extensions import db
from localoffer.models import AuditEvent, GlossaryTerm, Role
from tests import factories
from tests.accounts import csrf_token, signed_in
from tests.html_forms import error_summary
from tests.pages import check_page, parse

NEW = "/manage/glossary/new"
GOOD = {
    "term": "Splash time",
    "meaning": "Splash time means sessions in a warm pool where children can relax and move.",
    "synonyms": "  SplashTime \r\n\r\n splash   sessions\r\nsplashtime\r\n",
    "expands_to": "Hydrotherapy\r\nhydrotherapy\r\n",
}


def officer(app, name="Olive Officer"):
    return signed_in(app.test_client(), factories.user(Role.OFFICER, name=name))


def entry(term="ASD", synonyms=("asd", "autistic"), retired=False, **values) -> GlossaryTerm:
    """A committed entry, as the seed loader or an earlier edit left it."""
    record = GlossaryTerm(
        term=term,
        meaning=values.pop("meaning", f"{term} means something in plain English."),
        synonyms=list(synonyms),
        expands_to=values.pop("expands_to", ["autism"]),
        **values,
    )
    if retired:
        record.retired_at = func.now()
    db.session.add(record)
    db.session.commit()
    return record


def post(client, url, **data):
    return client.post(url, data={"csrf_token": csrf_token(client), **data})


def glossary_events(action=None) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.subject_type == "glossary_term")
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def by_term(term: str) -> GlossaryTerm | None:
    db.session.expire_all()
    return db.session.scalar(select(GlossaryTerm).where(GlossaryTerm.term == term))


def test_an_officer_adds_an_entry_and_its_phrases_are_tidied(empty_app):
    client = officer(empty_app)
    page = client.get(NEW)
    assert page.status_code == 200
    check_page(parse(page.get_data(as_text=True)), NEW)

    response = post(client, NEW, **GOOD)
    added = by_term("Splash time")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/manage/glossary/{added.id}"
    # Lower case, spaces tidied, blank lines and repeats dropped, in the order typed.
    assert added.synonyms == ["splashtime", "splash sessions"]
    assert added.expands_to == ["hydrotherapy"]
    assert added.meaning == GOOD["meaning"] and not added.is_retired

    [event] = glossary_events()
    assert event.action == "glossary.added" and event.subject_id == added.id
    assert event.changes["synonyms"] == [None, ["splashtime", "splash sessions"]]
    assert event.actor.name == "Olive Officer"

    html = client.get(response.headers["Location"]).get_data(as_text=True)
    check_page(parse(html))
    assert "is added. Searches use it straight away" in html
    assert "Added: Olive Officer" in html
    assert "splashtime\nsplash sessions</textarea>" in html


# (what to change in GOOD, the field that gets the error, words of its message)
RULES = [
    ({"term": ""}, "term", "Enter the term"),
    ({"term": "   "}, "term", "Enter the term"),
    ({"term": "x" * 121}, "term", "Term must be 120 characters or fewer"),
    ({"term": "?!"}, "term", "Term must include a letter or a number"),
    ({"meaning": ""}, "meaning", "Enter what the term means"),
    ({"meaning": "Splash time is warm"}, "meaning", "one sentence ending with a full stop"),
    (
        {"meaning": "Splash time is warm. Children like it."},
        "meaning",
        "Meaning must be one sentence",
    ),
    ({"meaning": "Warm " * 70 + "pool."}, "meaning", "Meaning must be 300 characters or fewer"),
    ({"expands_to": ""}, "expands_to", "Enter at least one word or phrase"),
    ({"expands_to": "\r\n  \r\n"}, "expands_to", "Enter at least one word or phrase"),
    (
        {"synonyms": "splash\r\n--"},
        "synonyms",
        "Each synonym must include a letter or a number: ‘--’",
    ),
    (
        {"expands_to": "hydrotherapy\r\n!!"},
        "expands_to",
        "Each word or phrase to search for must include a letter or a number: ‘!!’",
    ),
    ({"synonyms": "a" * 101}, "synonyms", "must be 100 characters or fewer"),
    (
        {"synonyms": "\n".join(f"splash {n}" for n in range(51))},
        "synonyms",
        "Enter 50 synonyms or fewer",
    ),
    ({"expands_to": "b" * 101}, "expands_to", "must be 100 characters or fewer"),
    ({"term": "Splash\x00time"}, "term", "Term must not contain hidden control characters"),
    ({"synonyms": "splash\x1btime"}, "synonyms", "must not contain hidden control characters"),
]


@pytest.mark.parametrize(("change", "field", "message"), RULES)
def test_each_rule_has_its_error_and_the_form_keeps_what_was_typed(
    empty_app, change, field, message
):
    client = officer(empty_app)
    response = post(client, NEW, **{**GOOD, **change})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    check_page(parse(html))
    summary = error_summary(html)
    assert len(summary) == 1, summary
    assert summary[0][0] == f"#{field}" and message in summary[0][1], summary
    # Every other field keeps what was typed.
    for name in ("term", "meaning"):
        if name not in change:
            assert GOOD[name] in html
    assert db.session.scalar(select(func.count(GlossaryTerm.id))) == 0
    assert glossary_events() == []


# The rules between entries: the other entry is named.
CLASHES = [
    ({"term": "asd"}, "term", "There is already an entry for ‘ASD’"),
    ({"term": " ASD "}, "term", "There is already an entry for ‘ASD’"),
    ({"synonyms": "Autistic"}, "synonyms", "‘autistic’ is already a synonym of ‘ASD’"),
    # Compared as the thesaurus matches: by words, whatever the punctuation.
    ({"synonyms": "on-the spectrum"}, "synonyms", "is already a synonym of ‘ASD’"),
    ({"synonyms": "asd"}, "synonyms", "‘asd’ is already the term of ‘ASD’"),
    ({"term": "Autistic"}, "term", "‘Autistic’ is already a synonym of ‘ASD’"),
]


@pytest.mark.parametrize(("change", "field", "message"), CLASHES)
def test_a_term_or_synonym_another_entry_has_is_refused_naming_it(
    empty_app, change, field, message
):
    entry("ASD", synonyms=("asd", "autistic", "on the spectrum"))
    client = officer(empty_app)
    response = post(client, NEW, **{**GOOD, **change})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    summary = error_summary(html)
    assert summary[0][0] == f"#{field}" and message in summary[0][1], summary
    assert GOOD["meaning"] in html
    assert db.session.scalar(select(func.count(GlossaryTerm.id))) == 1
    assert glossary_events() == []


def test_a_retired_entry_keeps_its_term_but_frees_its_synonyms(empty_app):
    entry("ASD", synonyms=("asd", "autistic"), retired=True)
    client = officer(empty_app)
    response = post(client, NEW, **{**GOOD, "term": "asd"})
    assert response.status_code == 400
    assert "It is retired: bring that one back instead" in response.get_data(as_text=True)
    response = post(client, NEW, **{**GOOD, "term": "Autism", "synonyms": "autistic\nasd"})
    assert response.status_code == 302
    assert by_term("Autism").synonyms == ["autistic", "asd"]


def test_an_officer_changes_an_entry_and_sees_its_history(empty_app):
    asd = entry("ASD", synonyms=("asd",))
    url = f"/manage/glossary/{asd.id}"
    client = officer(empty_app)
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    check_page(parse(html))
    assert "No changes have been recorded" in html

    response = post(
        client,
        url,
        version=str(asd.version),
        term="ASD",
        meaning=asd.meaning,
        synonyms="asd\nAutistic\nasd",
        expands_to="autism\nautistic spectrum",
    )
    assert response.status_code == 302
    saved = by_term("ASD")
    assert saved.synonyms == ["asd", "autistic"]
    assert saved.expands_to == ["autism", "autistic spectrum"]
    [event] = glossary_events("glossary.edited")
    # Only what changed is recorded; the entry's own synonyms are no clash with itself.
    assert event.changes == {
        "synonyms": [["asd"], ["asd", "autistic"]],
        "expands_to": [["autism"], ["autism", "autistic spectrum"]],
    }
    html = client.get(url).get_data(as_text=True)
    assert "Changed: Olive Officer" in html
    assert "Searches use the change straight away" in html
    assert '<td class="govuk-table__cell lo-pre-wrap">asd\nautistic</td>' in html

    # Saving it again unchanged records nothing.
    response = post(
        client,
        url,
        version=str(saved.version),
        term="ASD",
        meaning=saved.meaning,
        synonyms="asd\nautistic",
        expands_to="autism\nautistic spectrum",
    )
    assert response.status_code == 302
    assert len(glossary_events()) == 1


def test_an_edit_from_a_form_opened_before_another_change_is_not_saved(empty_app):
    asd = entry("ASD", synonyms=("asd",))
    url = f"/manage/glossary/{asd.id}"
    form = {
        "version": str(asd.version),
        "term": "ASD",
        "meaning": asd.meaning,
        "expands_to": "autism",
    }
    colleague = officer(empty_app, "Colin Colleague")
    assert post(colleague, url, **form, synonyms="asd\ntheirs").status_code == 302
    client = officer(empty_app)
    response = post(client, url, **form, synonyms="asd\nmine")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    check_page(parse(html))
    assert "This entry was changed by Colin Colleague" in html
    assert "asd\nmine</textarea>" in html
    assert by_term("ASD").synonyms == ["asd", "theirs"]
    # The form now carries the version it was shown against: saving again keeps the officer's.
    assert f'value="{by_term("ASD").version}"' in html


def test_retiring_and_bringing_back_are_recorded(empty_app):
    asd = entry("ASD")
    url = f"/manage/glossary/{asd.id}"
    client = officer(empty_app)
    response = post(client, f"{url}/retire")
    assert response.status_code == 302 and response.headers["Location"] == url
    assert by_term("ASD").is_retired
    html = client.get(url).get_data(as_text=True)
    assert "is retired. Searches and the public glossary no longer use it" in html
    assert "Bring back into use" in html and "Retire this entry" not in html

    listing = client.get("/manage/glossary").get_data(as_text=True)
    retired_table = listing[listing.index('id="retired"') :]
    in_use_table = listing[listing.index('id="in-use"') : listing.index('id="retired"')]
    assert f"/manage/glossary/{asd.id}" in retired_table
    assert f"/manage/glossary/{asd.id}" not in in_use_table

    # Retiring twice changes nothing.
    assert post(client, f"{url}/retire").status_code == 302
    assert len(glossary_events("glossary.retired")) == 1

    response = post(client, f"{url}/restore")
    assert response.status_code == 302
    assert not by_term("ASD").is_retired
    assert post(client, f"{url}/restore").status_code == 302
    assert [e.action for e in glossary_events()] == ["glossary.retired", "glossary.restored"]
    assert glossary_events()[0].changes == {"status": ["in use", "retired"]}
    html = client.get(url).get_data(as_text=True)
    assert "Retired: Olive Officer" in html and "Brought back: Olive Officer" in html


@pytest.mark.parametrize("action", ["retire", "restore"])
def test_retiring_or_bringing_back_at_the_same_time_as_another_change_does_nothing(
    empty_app, action
):
    asd = entry("ASD", retired=action == "restore")
    client = officer(empty_app)
    token = csrf_token(client)
    # The request finds the entry as this session loaded it; meanwhile another process saves.
    assert asd.version == 1
    with db.engine.begin() as connection:
        connection.execute(
            GlossaryTerm.__table__.update().values(version=2, meaning="ASD means theirs.")
        )
    response = client.post(f"/manage/glossary/{asd.id}/{action}", data={"csrf_token": token})
    assert response.status_code == 302
    assert "Someone else changed ‘ASD’ at the same time" in client.get(
        response.headers["Location"]
    ).get_data(as_text=True)
    saved = by_term("ASD")
    assert saved.meaning == "ASD means theirs." and saved.is_retired == (action == "restore")
    assert glossary_events() == []


def test_an_entry_whose_synonym_was_taken_while_retired_is_not_brought_back(empty_app):
    asd = entry("ASD", synonyms=("asd", "autistic"), retired=True)
    entry("Autism", synonyms=("autistic",))
    client = officer(empty_app)
    url = f"/manage/glossary/{asd.id}"
    # A retired entry can be changed: its synonyms clash with nothing while it is retired.
    response = post(
        client,
        url,
        version=str(asd.version),
        term="ASD",
        meaning=asd.meaning,
        synonyms="asd\nautistic\nasperger's",
        expands_to="autism",
    )
    assert response.status_code == 302
    assert "It is still retired" in client.get(url).get_data(as_text=True)

    response = post(client, f"{url}/restore")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    check_page(parse(html))
    [(link, text)] = error_summary(html)
    assert link == "#synonyms"
    assert "‘ASD’ cannot be brought back yet" in text
    assert "‘autistic’ is already a synonym of ‘Autism’" in text
    assert by_term("ASD").is_retired
    assert glossary_events("glossary.restored") == []


def test_bad_input_never_breaks_the_pages(empty_app):
    asd = entry("ASD")
    client = officer(empty_app)
    huge = "a" * 100_000
    for url in (NEW, f"/manage/glossary/{asd.id}"):
        assert post(client, url).status_code == 400
        fields = ("term", "meaning", "synonyms", "expands_to")
        for field in fields if url == NEW else (*fields, "version"):
            response = post(client, url, **{**GOOD, "version": str(asd.version), field: huge})
            assert response.status_code in (400, 409), (url, field)
            check_page(parse(response.get_data(as_text=True)))
        many = "\n".join(f"word{n}" for n in range(50_000))
        response = post(client, url, **{**GOOD, "version": str(asd.version), "synonyms": many})
        assert response.status_code == 400
    for path in ("/manage/glossary/999999", "/manage/glossary/999999/retire"):
        assert (client.get(path) if "retire" not in path else post(client, path)).status_code == 404
    # Without a CSRF token nothing is saved.
    assert client.post(NEW, data=GOOD).status_code == 400
    assert client.post(f"/manage/glossary/{asd.id}/retire").status_code == 400
    assert not by_term("ASD").is_retired
    assert by_term("Splash time") is None


def test_the_list_searches_and_filters_by_letter(empty_app):
    entry("ASD", synonyms=("asd", "autistic"))
    entry("SALT", synonyms=("salt", "speech therapy"), expands_to=["speech and language"])
    entry("Respite", synonyms=("respite",), retired=True, expands_to=["short breaks"])
    entry("1:1 support", synonyms=("one to one",), expands_to=["individual support"])
    client = officer(empty_app)

    def shown(query=""):
        page = client.get("/manage/glossary" + query)
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        check_page(parse(html))
        in_use = html[html.index('id="in-use"') : html.index('id="retired"')]
        retired = html[html.index('id="retired"') :]
        names = ("ASD", "SALT", "Respite", "1:1 support")
        return (
            [n for n in names if f">{n}</a>" in in_use],
            [n for n in names if f">{n}</a>" in retired],
        )

    assert shown() == (["ASD", "SALT", "1:1 support"], ["Respite"])
    assert shown("?q=speech+THERAPY") == (["SALT"], [])
    assert shown("?q=short+breaks") == ([], ["Respite"])
    assert shown("?letter=s") == (["SALT"], [])
    assert shown("?letter=%23") == (["1:1 support"], [])
    # An unknown letter is ignored rather than refused; a long search is cut short.
    assert shown("?letter=ab") == (["ASD", "SALT", "1:1 support"], ["Respite"])
    assert shown("?q=" + "x" * 5000) == ([], [])
    html = client.get("/manage/glossary").get_data(as_text=True)
    assert 'href="/manage/glossary?letter=%23"' in html and "?letter=R" not in html


def test_the_dashboard_links_to_the_glossary(empty_app):
    html = officer(empty_app).get("/manage").get_data(as_text=True)
    assert 'href="/manage/glossary"' in html
