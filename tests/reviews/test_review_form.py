"""The review form: every question type, drafts at any time, nothing lost, one review per form."""

from __future__ import annotations

from flask import g

from localoffer.extensions import db
from localoffer.models import Exercise, ReviewStatus, Role
from tests import factories
from tests.html_forms import error_summary
from tests.pages import check_page, parse
from tests.reviews.conftest import COMPLETE_WEBSITE_REVIEW, seeded_service

WEBSITE = "/reviews/new?template=website-mystery-shop"


def test_a_complete_review_is_submitted_with_typed_answers(volunteer):
    html, fields = volunteer.open(WEBSITE)
    check_page(parse(html))
    response = volunteer.send(WEBSITE, fields, COMPLETE_WEBSITE_REVIEW, "submit")
    assert response.status_code == 303
    [review] = volunteer.reviews()
    assert review.status == ReviewStatus.SUBMITTED and review.submitted_at is not None
    stored = {a.question_key: a.value for a in review.answers}
    assert stored == {
        **COMPLETE_WEBSITE_REVIEW,
        "minutes_taken": 25,
        "pages_visited": 7,
        "ease": 2,
        "satisfied": 3,
    }
    assert review.template.slug == "website-mystery-shop" and review.template.version == 1
    page = volunteer.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Waiting for an officer" in page and "Too many acronyms" in page
    db.session.rollback()


def test_every_question_type_is_rendered_as_its_gov_uk_component(volunteer):
    html, _ = volunteer.open(WEBSITE)
    assert 'name="answer-found_what_needed" type="radio" value="partly"' in html
    assert 'name="answer-barriers" type="checkbox" value="jargon"' in html
    assert 'name="answer-language_clear" type="radio" value="dont_know"' in html
    assert 'name="answer-contact_tried" type="radio" value="no_answer"' in html
    assert 'id="answer-minutes_taken" name="answer-minutes_taken" type="text"' in html
    assert 'inputmode="numeric"' in html
    assert 'class="govuk-input__suffix" aria-hidden="true">minutes' in html
    assert '<input class="govuk-input" id="answer-search_words"' in html
    assert 'class="govuk-textarea" id="answer-one_change"' in html
    assert (
        "Only answer this if you answered ‘Partly’ or ‘No’ to ‘Did you find what you needed?’"
        in html
    )
    assert "(optional)" in html


def test_the_young_inspector_form_uses_smileys_from_a_service_page(app, young_inspector):
    service = seeded_service(7)
    page = young_inspector.client.get(f"/services/{service.id}").get_data(as_text=True)
    assert f'href="/reviews/new?service={service.id}"' in page and "Review this service" in page
    html, _ = young_inspector.open(f"/reviews/new?service={service.id}")
    assert "Young Inspector report" in html
    assert '<span class="lo-smiley" aria-hidden="true">😀</span> Really good' in html
    assert young_inspector.client.get("/reviews/new?service=99999999").status_code == 404
    assert young_inspector.client.get("/reviews/new?service=abc").status_code == 404
    assert young_inspector.client.get(WEBSITE).status_code == 404


def test_errors_keep_every_answer_and_save_a_draft(volunteer):
    _, fields = volunteer.open(WEBSITE)
    answers = {
        "found_what_needed": "no",
        "minutes_taken": "about ten",
        "pages_visited": "900",
        "barriers": ["keyboard"],
        "search_words": "x" * 201,
        "worked_well": "Nothing <script>alert(1)</script>",
    }
    response = volunteer.send(WEBSITE, fields, answers, "submit")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    page = parse(html)
    check_page(page)
    assert page.title.startswith("Error: ")
    for message in (
        "Enter an answer for ‘What stopped you finding it?’",
        "‘About how long did it take?’ must be a whole number, like 5",
        "‘About how many pages did you look at?’ must be between 0 and 500",
        "‘What words did you search for?’ must be 200 characters or fewer",
        "Select an answer for ‘Was the information accurate and up to date?’",
        "Select an answer for ‘How easy was it to do the task?’",
    ):
        assert message in page.text, message
    assert 'href="#answer-what_stopped_you"' in html
    assert 'value="about ten"' in html and "x" * 201 in html
    assert 'type="checkbox" value="keyboard" checked' in html
    assert "Nothing &lt;script&gt;alert(1)&lt;/script&gt;" in html
    [review] = volunteer.reviews()
    assert review.status == ReviewStatus.DRAFT
    assert review.answer("minutes_taken").value == "about ten"
    db.session.rollback()


def test_a_draft_is_saved_at_any_time_and_comes_back(volunteer):
    _, fields = volunteer.open(WEBSITE)
    response = volunteer.send(WEBSITE, fields, {"satisfied": "4", "one_change": "Bigger text"})
    assert response.status_code == 303
    [review] = volunteer.reviews()
    assert review.status == ReviewStatus.DRAFT
    html = volunteer.client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert 'name="answer-satisfied" type="radio" value="4" checked' in html
    assert "Bigger text" in html
    assert f"/reviews/{review.id}" in volunteer.client.get("/reviews").get_data(as_text=True)
    # Change an answer and clear another: the draft follows.
    _, fields = volunteer.open(f"/reviews/{review.id}")
    volunteer.send(f"/reviews/{review.id}", fields, {"satisfied": "5"})
    [review] = volunteer.reviews()
    assert {a.question_key: a.value for a in review.answers} == {"satisfied": "5"}
    db.session.rollback()


def test_the_same_form_sent_twice_makes_one_review(volunteer):
    _, fields = volunteer.open(WEBSITE)
    first = volunteer.send(WEBSITE, fields, COMPLETE_WEBSITE_REVIEW, "submit")
    second = volunteer.send(
        WEBSITE, fields, {**COMPLETE_WEBSITE_REVIEW, "satisfied": "1"}, "submit"
    )
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    [review] = volunteer.reviews()
    assert review.answer("satisfied").value == 3
    # Sending the review's own page again changes nothing either.
    again = volunteer.send(f"/reviews/{review.id}", fields, {"satisfied": "1"}, "submit")
    assert again.status_code == 303
    assert volunteer.reviews()[0].answer("satisfied").value == 3
    db.session.rollback()


def test_answers_sent_after_the_session_ended_are_kept_as_a_draft(app, volunteer):
    _, fields = volunteer.open(WEBSITE)
    expired = app.test_client()  # no session cookie at all: no sign-in, no CSRF secret
    g.pop("csrf_token", None)
    data = {
        "draft_key": fields["draft_key"],
        "draft_token": fields["draft_token"],
        "template_id": fields["template_id"],
        "action": "submit",
        "answer-one_change": "Keep my words",
        "answer-satisfied": "2",
    }
    response = expired.post(WEBSITE, data=data)
    assert response.status_code == 302
    [review] = volunteer.reviews()
    assert response.headers["Location"] == f"/sign-in?next=/reviews/{review.id}"
    assert review.status == ReviewStatus.DRAFT  # saved, never submitted without a session
    assert {a.question_key: a.value for a in review.answers} == {
        "one_change": "Keep my words",
        "satisfied": "2",
    }
    # The same again, now on the review's own address: still one review.
    expired.post(f"/reviews/{review.id}", data={**data, "answer-one_change": "More words"})
    [review] = volunteer.reviews()
    assert review.answer("one_change").value == "More words"
    db.session.rollback()


def test_hidden_characters_are_refused_with_every_answer_kept_and_nothing_saved(volunteer):
    _, fields = volunteer.open(WEBSITE)
    answers = {"one_change": "Bigger\x1b[2J text", "satisfied": "4", "worked_well": "Search"}
    for action in ("save", "submit"):
        response = volunteer.send(WEBSITE, fields, answers, action)
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        page = parse(html)
        check_page(page)
        assert error_summary(html) == [
            (
                "#answer-one_change",
                "‘What one change would you make?’ must not contain hidden control characters",
            )
        ]
        assert "Bigger\x1b[2J text" in html and ">Search</textarea>" in html
        assert 'name="answer-satisfied" type="radio" value="4" checked' in html
        assert volunteer.reviews() == []


def test_hidden_characters_sent_after_the_session_ended_are_left_out_of_the_draft(app, volunteer):
    _, fields = volunteer.open(WEBSITE)
    g.pop("csrf_token", None)
    data = {
        "draft_key": fields["draft_key"],
        "draft_token": fields["draft_token"],
        "template_id": fields["template_id"],
        "action": "save",
        "answer-one_change": "Keep\x00 my\x07 words",
    }
    response = app.test_client().post(WEBSITE, data=data)
    assert response.status_code == 302
    [review] = volunteer.reviews()
    assert review.answer("one_change").value == "Keep my words"
    db.session.rollback()


def test_without_a_valid_draft_token_an_expired_session_saves_nothing(app, volunteer):
    _, fields = volunteer.open(WEBSITE)
    expired = app.test_client()
    data = {**fields, "draft_token": fields["draft_token"][:-2] + "xx", "answer-satisfied": "2"}
    response = expired.post(WEBSITE, data=data)
    assert response.status_code == 400
    assert "Your session has ended" in response.get_data(as_text=True)
    assert volunteer.reviews() == []


def test_a_draft_token_is_no_use_to_someone_else(app, volunteer):
    other = factories.user(Role.VOLUNTEER)
    _, fields = volunteer.open(WEBSITE)
    volunteer.send(WEBSITE, fields, {"satisfied": "4"})
    [review] = volunteer.reviews()
    response = app.test_client().post(
        f"/reviews/{review.id + 1000}",
        data={**fields, "answer-satisfied": "1"},
    )
    assert response.status_code == 404
    assert other.id != volunteer.user.id
    assert volunteer.reviews()[0].answer("satisfied").value == "4"
    db.session.rollback()


def test_answers_to_another_template_version_are_refused_not_mixed(volunteer):
    _, fields = volunteer.open(WEBSITE)
    other = factories.review_template("peer-review")
    response = volunteer.send(
        WEBSITE, {**fields, "template_id": str(other.id)}, {"satisfied": "4"}, "submit"
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "The questions changed while you were answering" in html
    assert 'name="answer-satisfied" type="radio" value="4" checked' in html
    assert volunteer.reviews() == []


def test_someone_elses_review_is_not_found(app, volunteer):
    theirs = factories.review(status=ReviewStatus.DRAFT, answers={"worked_well": "secret"})
    db.session.commit()
    response = volunteer.client.get(f"/reviews/{theirs.id}")
    assert response.status_code == 404
    assert "secret" not in response.get_data(as_text=True)


def test_open_exercises_are_listed_and_answered_with_their_template(app, volunteer):
    service = seeded_service(9)
    template = factories.review_template("service-mystery-shop")
    mine = Exercise(
        month=factories_month(),
        title="Finding short breaks",
        case_study="You are the parent of a 9 year old.",
        task="Find a short break for the summer.",
        template=template,
        services=[service],
        assignees=[volunteer.user],
    )
    not_mine = Exercise(
        month=factories_month(), title="Not for you", case_study="A", task="B", template=template
    )
    db.session.add_all([mine, not_mine])
    db.session.commit()
    index = volunteer.client.get("/reviews").get_data(as_text=True)
    assert "Finding short breaks" in index and "Not for you" not in index
    html, fields = volunteer.open(f"/reviews/new?exercise={mine.id}")
    assert "Find a short break for the summer." in html and service.name in html
    assert volunteer.client.get(f"/reviews/new?exercise={not_mine.id}").status_code == 404
    answers = {
        "contact_method": "phone",
        "matched_listing": "yes",
        "listened_to": "5",
        "recommend": "yes",
    }
    volunteer.send(f"/reviews/new?exercise={mine.id}", fields, answers, "submit")
    [review] = volunteer.reviews()
    assert (review.exercise_id, review.service_id) == (mine.id, service.id)
    assert review.status == ReviewStatus.SUBMITTED


def factories_month():
    from datetime import date

    return date.today().replace(day=1)


def test_in_an_exercise_with_several_services_the_person_says_which_they_tried(app, volunteer):
    first, second = seeded_service(11), seeded_service(12)
    exercise = Exercise(
        month=factories_month(),
        title="Two services",
        case_study="A",
        task="B",
        template=factories.review_template("service-mystery-shop"),
        services=[first, second],
        assignees=[volunteer.user],
    )
    db.session.add(exercise)
    db.session.commit()
    url = f"/reviews/new?exercise={exercise.id}"
    html, fields = volunteer.open(url)
    assert 'name="service_id" type="radio"' in html and second.name in html
    answers = {
        "contact_method": "email",
        "matched_listing": "yes",
        "listened_to": "3",
        "recommend": "no",
    }
    response = volunteer.send(url, fields, answers, "submit")
    assert response.status_code == 400
    assert 'href="#service_id"' in response.get_data(as_text=True)
    [review] = volunteer.reviews()
    assert review.status == ReviewStatus.DRAFT
    response = volunteer.send(
        f"/reviews/{review.id}", {**fields, "service_id": str(second.id)}, answers, "submit"
    )
    assert response.status_code == 303
    [review] = volunteer.reviews()
    assert (review.status, review.service_id) == (ReviewStatus.SUBMITTED, second.id)
    # A service outside the exercise is never taken.
    _, fields = volunteer.open(url)
    volunteer.send(url, {**fields, "service_id": str(seeded_service(13).id)}, answers)
    assert {r.service_id for r in volunteer.reviews()} == {second.id, None}
