"""Officers keep listings accurate: create drafts, edit, publish, close, archive, confirm.

Every test here writes, so each has a seeded database (and search index) of its own.
"""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from localoffer.extensions import db
from localoffer.manage.lifecycle import add_months
from localoffer.manage.listing_forms import parse_clock
from localoffer.manage.listings import listing_values
from localoffer.models import AuditEvent, Location, Organization, Role, Service, ServiceStatus
from tests import factories
from tests.accounts import csrf_token, signed_in
from tests.pages import check_page, parse

VERSION = re.compile(r'name="version" type="hidden" value="(\d+)"|name="version" value="(\d+)"')


@pytest.fixture
def officer_client(fresh_seeded_app):
    officer = factories.user(Role.OFFICER, name="Olive Officer")
    return signed_in(fresh_seeded_app.test_client(), officer)


def _form_for(client, url: str) -> dict:
    """The form's current values as a browser would submit them (inputs, ticked boxes)."""
    html = client.get(url).get_data(as_text=True)
    data: dict[str, list[str]] = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or 'type="submit"' in tag:
            continue
        kind = re.search(r'type="([^"]+)"', tag)
        kind = kind.group(1) if kind else "text"
        if kind in ("checkbox", "radio") and "checked" not in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data.setdefault(name.group(1), []).append(_unescape(value.group(1)) if value else "")
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[name] = [_unescape(body.lstrip("\n"))]
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option[^>]*value="([^"]*)"[^>]*selected', body)
        data[name] = [chosen.group(1) if chosen else ""]
    return data


def _unescape(text: str) -> str:
    return (
        text.replace("&#34;", '"')
        .replace("&#39;", "'")
        .replace("&quot;", '"')
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
    )


def _new_listing_data(client, **overrides) -> dict:
    organisation = db.session.scalars(select(Organization).order_by(Organization.id)).first()
    location = db.session.scalars(select(Location).order_by(Location.id)).first()
    data = {
        "csrf_token": csrf_token(client),
        "organization_id": str(organisation.id),
        "name": "Quokka sensory play group",
        "description": "A relaxed quokka session for children with sensory needs.",
        "how_to_access": "Just turn up.",
        "url": "https://example.org/quokka",
        "email": "quokka@example.org",
        "phone": "023 9200 0000",
        "min_age": "2",
        "max_age": "7",
        "cost": "paid",
        "cost_description": "£2 a session",
        "location_ids": [str(location.id)],
        "terms_need": ["autism"],
        "diagnosis_needed": "no",
        "send_staff_training": "All staff have sensory processing training.",
    }
    data.update(overrides)
    return data


def _search_finds(client, words: str, service_id: int) -> bool:
    html = client.get("/services", query_string={"q": words}).get_data(as_text=True)
    return re.search(rf'href="/services/{service_id}["/?]', html) is not None


def test_a_new_listing_is_a_draft_until_it_is_published(officer_client):
    client = officer_client
    response = client.post("/manage/services/new", data=_new_listing_data(client))
    assert response.status_code == 302
    service = db.session.scalar(select(Service).where(Service.name == "Quokka sensory play group"))
    assert service.published_at is None
    assert service.eligibilities[0].minimum_age == 2 and service.eligibilities[0].maximum_age == 7
    assert service.cost_options[0].amount_description == "£2 a session"
    assert service.contacts[0].phones[0].number == "023 9200 0000"
    assert service.diagnosis_needed is False
    assert len(service.service_at_locations) == 1

    public = signed_in(client.application.test_client(), factories.user(Role.VOLUNTEER))
    assert public.get(f"/services/{service.id}").status_code == 404
    assert not _search_finds(public, "Quokka", service.id)
    assert "Quokka sensory play group" in client.get("/manage").get_data(as_text=True)

    preview = client.get(f"/manage/services/{service.id}/preview")
    assert preview.status_code == 200
    assert "families cannot see it yet" in preview.get_data(as_text=True)

    token = csrf_token(client)
    assert (
        client.post(
            f"/manage/services/{service.id}/publish", data={"csrf_token": token}
        ).status_code
        == 302
    )
    assert public.get(f"/services/{service.id}").status_code == 200
    assert _search_finds(public, "Quokka", service.id)

    actions = db.session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.subject_type == "service", AuditEvent.subject_id == service.id
        )
    ).all()
    assert actions == ["service.created", "service.published"]


def test_unpublishing_hides_the_listing_again(officer_client):
    client = officer_client
    service = db.session.scalars(select(Service).where(Service.published_at.is_not(None))).first()
    word = service.name.split()[0]
    client.post(f"/manage/services/{service.id}/unpublish", data={"csrf_token": csrf_token(client)})
    db.session.expire_all()
    assert db.session.get(Service, service.id).published_at is None
    anonymous = client.application.test_client()
    assert anonymous.get(f"/services/{service.id}").status_code == 404
    assert not _search_finds(anonymous, word, service.id)


def test_a_form_with_errors_keeps_what_was_typed(officer_client):
    client = officer_client
    data = _new_listing_data(
        client, name="", url="not a web address", min_age="9", max_age="4", cost_description=""
    )
    response = client.post("/manage/services/new", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    page = parse(html)
    check_page(page)
    assert "There is a problem" in html
    assert "Enter the name of the service" in html
    assert "Enter a web address" in html
    assert "Oldest age must be the same as or more than the youngest age" in html
    assert "Say what it costs" in html
    assert "A relaxed quokka session for children with sensory needs." in html
    assert 'value="not a web address"' in html
    assert (
        db.session.scalar(select(Service).where(Service.description.like("%quokka session%")))
        is None
    )


def test_editing_records_each_changed_field_and_is_not_a_check(officer_client):
    client = officer_client
    service = db.session.scalars(
        select(Service).where(Service.published_at.is_not(None)).order_by(Service.id)
    ).first()
    reviewed_before = service.last_reviewed_on
    url = f"/manage/services/{service.id}/edit"
    data = _form_for(client, url)
    old_name = service.name
    data["name"] = ["A clearer name"]
    data["phone"] = ["0800 000 0000"]
    data["csrf_token"] = [csrf_token(client)]
    response = client.post(url, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    db.session.expire_all()
    service = db.session.get(Service, service.id)
    assert service.name == "A clearer name"
    assert service.last_reviewed_on == reviewed_before
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "service.edited")
    ).one()
    assert set(event.changes) == {"name", "phone"}
    assert event.changes["name"] == [old_name, "A clearer name"]
    history = client.get(f"/manage/services/{service.id}/history").get_data(as_text=True)
    assert "Olive Officer" in history and "A clearer name" in history and old_name in history
    assert _search_finds(client.application.test_client(), "clearer", service.id)


def test_saving_a_form_built_from_an_old_version_shows_both_versions(officer_client):
    client = officer_client
    service = db.session.scalars(select(Service).order_by(Service.id)).first()
    url = f"/manage/services/{service.id}/edit"
    mine = _form_for(client, url)

    colleague = signed_in(
        client.application.test_client(), factories.user(Role.OFFICER, name="Colin Colleague")
    )
    theirs = _form_for(colleague, url)
    theirs["description"] = ["Their description."]
    theirs["csrf_token"] = [csrf_token(colleague)]
    assert colleague.post(url, data=theirs).status_code == 302

    mine["description"] = ["My description."]
    mine["csrf_token"] = [csrf_token(client)]
    response = client.post(url, data=mine)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "This listing was changed by Colin Colleague" in html
    table = html.split('id="conflict-differences"')[1].split("</table>")[0]
    assert "Their description." in table and "My description." in table
    db.session.expire_all()
    assert db.session.get(Service, service.id).description == "Their description."

    # The form now carries the current version: saving again keeps mine, knowingly.
    again = _form_for_response(html)
    again["csrf_token"] = [csrf_token(client)]
    assert client.post(url, data=again).status_code == 302
    db.session.expire_all()
    assert db.session.get(Service, service.id).description == "My description."


@pytest.mark.parametrize(
    "change",
    [
        {"terms_need": ["hearing-impairment"]},  # rows of service_taxonomy_term only
        {"min_age": ["19"], "max_age": ["25"]},  # the eligibility row only
    ],
    ids=["need terms", "ages"],
)
def test_a_change_held_outside_the_service_row_still_makes_older_forms_conflict(
    officer_client, change
):
    client = officer_client
    service = db.session.scalars(
        select(Service).where(Service.published_at.is_not(None)).order_by(Service.id)
    ).first()
    url = f"/manage/services/{service.id}/edit"
    mine = _form_for(client, url)
    colleague = signed_in(
        client.application.test_client(), factories.user(Role.OFFICER, name="Colin Colleague")
    )
    theirs = _form_for(colleague, url)
    assert all(theirs.get(name) != value for name, value in change.items())
    theirs.update(change)
    theirs["csrf_token"] = [csrf_token(colleague)]
    assert colleague.post(url, data=theirs).status_code == 302

    mine["description"] = ["My description."]
    mine["csrf_token"] = [csrf_token(client)]
    response = client.post(url, data=mine)
    assert response.status_code == 409
    assert "This listing was changed by Colin Colleague" in response.get_data(as_text=True)
    db.session.expire_all()
    saved = listing_values(db.session.get(Service, service.id))
    for name, value in change.items():
        expected = value if name.startswith("terms_") else int(value[0])
        assert saved[name] == expected


def _form_for_response(html: str) -> dict:
    class _Client:
        def get(self, url):
            class _Response:
                def get_data(self, as_text=True):
                    return html

            return _Response()

    return _form_for(_Client(), "")


def test_confirming_a_listing_sets_the_check_dates(officer_client):
    client = officer_client
    client.application.config["REVIEW_INTERVAL_MONTHS"] = 6
    service = db.session.scalars(select(Service).order_by(Service.id)).first()
    response = client.post(
        f"/manage/services/{service.id}/confirm", data={"csrf_token": csrf_token(client)}
    )
    client.application.config["REVIEW_INTERVAL_MONTHS"] = 12
    assert response.status_code == 302
    db.session.expire_all()
    service = db.session.get(Service, service.id)
    assert service.last_reviewed_on == date.today()
    assert service.review_due_on == add_months(date.today(), 6)
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "service.confirmed")
    ).one()
    assert event.changes["last_reviewed_on"][1] == date.today().isoformat()


def test_temporarily_closing_and_archiving(officer_client):
    client = officer_client
    service = db.session.scalars(
        select(Service).where(Service.status == ServiceStatus.ACTIVE).order_by(Service.id)
    ).first()
    word = service.name.split()[0]
    anonymous = client.application.test_client()
    client.post(
        f"/manage/services/{service.id}/status/temporarily_closed",
        data={"csrf_token": csrf_token(client)},
    )
    assert "temporarily closed" in anonymous.get(f"/services/{service.id}").get_data(as_text=True)
    client.post(
        f"/manage/services/{service.id}/status/closed", data={"csrf_token": csrf_token(client)}
    )
    db.session.expire_all()
    assert db.session.get(Service, service.id).status == ServiceStatus.CLOSED
    assert not _search_finds(anonymous, word, service.id)
    assert "Archived" in client.get(f"/manage/services/{service.id}").get_data(as_text=True)
    unknown = client.post(
        f"/manage/services/{service.id}/status/deleted", data={"csrf_token": csrf_token(client)}
    )
    assert unknown.status_code == 404


def test_the_listings_list_filters_by_state_and_name(officer_client):
    client = officer_client
    client.post("/manage/services/new", data=_new_listing_data(client))
    drafts = client.get("/manage/services?state=draft").get_data(as_text=True)
    assert "Quokka sensory play group" in drafts
    assert "1 listing" in drafts
    published = client.get("/manage/services?state=published&q=quokka").get_data(as_text=True)
    assert "No listings match." in published
    for query in ("state=nonsense", "page=-4", "page=abc", "q=" + "%" * 300, "organisation=x"):
        assert client.get(f"/manage/services?{query}").status_code == 200


def test_an_organisation_or_page_too_large_for_an_id_is_ignored_like_a_non_number(officer_client):
    everything = officer_client.get("/manage/services").get_data(as_text=True)
    total = re.search(r"\d+ listings?", everything).group(0)
    for value in (2**31, 2**63, 2**64, "\u00b2", "9" * 5000):
        for name in ("organisation", "page"):
            response = officer_client.get(f"/manage/services?{name}={value}")
            assert response.status_code == 200, (name, value)
            assert total in response.get_data(as_text=True), (name, value)


HOSTILE = {
    "name": 'Club <script>alert("n")</script>',
    "description": '<img src=x onerror="alert(1)"> [a](javascript:alert(2)) <script>b()</script>',
    "how_to_access": '<a href="javascript:alert(3)" onclick="x()">go</a>',
    "alternate_name": '"><svg onload=alert(4)>',
    "send_staff_training": "<iframe src=//evil></iframe>",
}


PAYLOADS = [
    '<script>alert("n")</script>',
    '<img src=x onerror="alert(1)">',
    "[a](javascript:alert(2))",
    '<a href="javascript:alert(3)" onclick="x()">go</a>',
    '"><svg onload=alert(4)>',
    "<iframe src=//evil></iframe>",
]
# Fields whose format is checked (web and email addresses, numbers, choices) refuse markup anyway.
FORMAT_CHECKED = {
    "url",
    "email",
    "sen_information_report_url",
    "min_age",
    "max_age",
    "visible_from",
    "visible_to",
}


def _every_text_field(client) -> dict:
    """Every free-text box of the listing form, each given a different hostile payload."""
    html = client.get("/manage/services/new").get_data(as_text=True)
    tags = re.findall(r"<textarea[^>]*>|<input[^>]*>", html)
    texts = []
    for tag in tags:
        name = re.search(r'name="([^"]+)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if not name or name.group(1) in FORMAT_CHECKED | {"csrf_token", "version"}:
            continue
        if name.group(1).startswith("schedules-") or name.group(1) in texts:
            continue
        if tag.startswith("<textarea") or (kind and kind.group(1) in ("text", "tel")):
            texts.append(name.group(1))
    hostile = {name: "Club " + PAYLOADS[i % len(PAYLOADS)] for i, name in enumerate(texts)}
    hostile.update(
        {
            "schedules-0-days": ["MO"],
            "schedules-0-opens_at": "9am",
            "schedules-0-closes_at": "5pm",
            "schedules-0-description": PAYLOADS[1],
        }
    )
    assert {"name", "description", "how_to_access", "phone", "send_staff_training"} <= set(hostile)
    return hostile


def test_stored_script_in_any_text_field_is_neutralised_everywhere(officer_client):
    client = officer_client
    hostile = _every_text_field(client)
    response = client.post("/manage/services/new", data=_new_listing_data(client, **hostile))
    assert response.status_code == 302, re.findall(
        r'href="#[^"]+">([^<]+)<', response.get_data(as_text=True)
    )
    service = db.session.scalar(select(Service).where(Service.name.like("Club%")))
    assert service.schedules[0].description == PAYLOADS[1]  # stored as typed, escaped when shown
    client.post(f"/manage/services/{service.id}/publish", data={"csrf_token": csrf_token(client)})
    pages = [
        client.application.test_client().get(f"/services/{service.id}"),
        client.get(f"/manage/services/{service.id}"),
        client.get(f"/manage/services/{service.id}/edit"),
        client.get(f"/manage/services/{service.id}/history"),
        client.get(f"/manage/services/{service.id}/preview"),
        client.get("/manage/services?q=Club"),
        client.application.test_client().get("/services?q=Club"),
    ]
    for response in pages:
        assert response.status_code == 200
        assert not dangerous_markup(response.get_data(as_text=True)), response.request.path


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.found.append((tag, attrs))


def dangerous_markup(html: str) -> list[str]:
    """Elements a stored script could have smuggled in: scripts, frames, handlers, js links."""
    parser = _Elements()
    parser.feed(html)
    problems = []
    for tag, attrs in parser.found:
        if tag in ("iframe", "object", "embed"):
            problems.append(tag)
        if tag == "script" and dict(attrs).get("src") != "/static/js/site.js":
            problems.append("script")
        for name, value in attrs:
            if name.startswith("on"):
                problems.append(f"{tag} {name}")
            if name in ("href", "src") and (value or "").strip().lower().startswith("javascript:"):
                problems.append(f"{tag} {name}={value}")
    return problems


def test_the_markup_check_can_fail():
    assert dangerous_markup('<img src=x onerror="alert(1)"><a href="javascript:x()">a</a>') == [
        "img onerror",
        "a href=javascript:x()",
    ]


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 11, 23), 12, date(2027, 11, 23)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


def test_opening_times_areas_and_languages_are_edited_row_by_row(officer_client):
    client = officer_client
    client.post("/manage/services/new", data=_new_listing_data(client))
    service = db.session.scalar(select(Service).where(Service.name.like("Quokka%")))
    assert service.schedules == []
    url = f"/manage/services/{service.id}/edit"
    data = _form_for(client, url)
    data.update(
        {
            "schedules-0-days": ["WE", "MO"],
            "schedules-0-opens_at": ["9am"],
            "schedules-0-closes_at": ["5:30pm"],
            "schedules-0-description": ["Term time only"],
            "schedules-1-days": ["SA"],
            "schedules-1-opens_at": ["10"],
            "schedules-1-closes_at": ["9"],
            "service_areas": ["Portsmouth; Havant, Portsmouth"],
            "languages": ["English; Polish"],
            "csrf_token": [csrf_token(client)],
        }
    )
    response = client.post(url, data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'href="#schedules-1-closes_at"' in html and "Closing time must be after opening" in html
    assert 'value="5:30pm"' in html  # what was typed is kept

    data["schedules-1-closes_at"] = ["12:15"]
    assert client.post(url, data=data).status_code == 302
    db.session.expire_all()
    service = db.session.get(Service, service.id)
    assert [
        (s.byday, str(s.opens_at), str(s.closes_at), s.description) for s in service.schedules
    ] == [
        ("MO,WE", "09:00:00", "17:30:00", "Term time only"),
        ("SA", "10:00:00", "12:15:00", ""),
    ]
    assert [a.name for a in service.service_areas] == ["Portsmouth", "Havant"]
    assert [lang.name for lang in service.languages] == ["English", "Polish"]

    # Emptying a row removes that opening time.
    data = _form_for(client, url)
    data.update(
        {"schedules-1-days": [], "schedules-1-opens_at": [""], "schedules-1-closes_at": [""]}
    )
    data["csrf_token"] = [csrf_token(client)]
    assert client.post(url, data=data).status_code == 302
    db.session.expire_all()
    assert [s.byday for s in db.session.get(Service, service.id).schedules] == ["MO,WE"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("9", "09:00"),
        ("9:30", "09:30"),
        ("09.30", "09:30"),
        ("9am", "09:00"),
        ("12pm", "12:00"),
        ("12am", "00:00"),
        ("5:30 PM", "17:30"),
        ("17:00", "17:00"),
    ],
)
def test_times_are_read_the_way_people_type_them(typed, expected):
    assert parse_clock(typed).strftime("%H:%M") == expected


@pytest.mark.parametrize("typed", ["", "25:00", "13pm", "9:75", "noon", "9:3"])
def test_impossible_times_are_refused(typed):
    with pytest.raises(ValueError):
        parse_clock(typed)


def test_a_date_that_does_not_exist_is_refused_with_the_boxes_kept(officer_client):
    client = officer_client
    data = _new_listing_data(client, visible_from=["31", "2", "2027"], visible_to=["1", "3"])
    response = client.post("/manage/services/new", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert html.count("Enter a real date, like 27 3 2027") >= 2  # summary and field, both dates
    assert 'value="31"' in html and 'value="2027"' in html
    assert db.session.scalar(select(Service).where(Service.name.like("Quokka%"))) is None


def test_the_history_names_terms_from_the_changed_vocabulary_only(officer_client):
    """Term slugs are unique per vocabulary: a same-slug term elsewhere must not leak in."""
    from localoffer.models import Taxonomy, TaxonomyTerm

    client = officer_client
    category = db.session.scalars(select(Taxonomy).where(Taxonomy.slug == "category")).one()
    need_autism = db.session.scalars(
        select(TaxonomyTerm)
        .join(Taxonomy)
        .where(Taxonomy.slug == "need", TaxonomyTerm.slug == "autism")
    ).one()
    db.session.add(TaxonomyTerm(taxonomy=category, slug="autism", name="Quokka lookalike"))
    db.session.commit()
    service = db.session.scalars(
        select(Service)
        .where(Service.published_at.is_not(None), ~Service.taxonomy_terms.contains(need_autism))
        .order_by(Service.id)
    ).first()
    url = f"/manage/services/{service.id}/edit"
    data = _form_for(client, url)
    data["terms_need"] = [*data.get("terms_need", []), "autism"]
    data["csrf_token"] = [csrf_token(client)]
    assert client.post(url, data=data).status_code == 302
    history = client.get(f"/manage/services/{service.id}/history").get_data(as_text=True)
    assert need_autism.name in history
    assert "Quokka lookalike" not in history
