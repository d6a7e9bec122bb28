"""A volunteer's journey in real Chromium: sign in → this month's exercise → answer → save a
draft → come back later → fix what is missing → submit. With and without JavaScript.

The volunteer and the exercise (assigned to them, created by the admin) come from
``tests/browser/seed_reviewers.py``; everything the volunteer does goes through the real forms.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import VOLUNTEER_PASSWORD, sign_in
from tests.browser.seed_reviewers import EXERCISE_TITLE, VOLUNTEER_EMAIL

try:
    from playwright.sync_api import expect
except ImportError:  # reported by the browser fixture: a skip, or a failure with REQUIRE_BROWSER
    expect = None

pytestmark = pytest.mark.browser

REVIEW_PAGE = re.compile(r"/reviews/\d+$")


def question(page, legend: str):
    """The fieldset of a radio question, found by its legend."""
    return page.get_by_role("group", name=re.compile("^" + re.escape(legend)))


def my_review(page, path: str):
    """The row of "Reviews you have written" that links to ``path``."""
    return page.locator("#my-reviews tbody tr").filter(has=page.locator(f"a[href='{path}']"))


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_volunteer_answers_saves_a_draft_comes_back_and_submits(new_context, recorder, javascript):
    context = new_context(java_script_enabled=javascript)
    sign_in(context, VOLUNTEER_EMAIL, VOLUNTEER_PASSWORD, "**/")
    page = context.new_page()

    # Their reviews page lists this month's exercise.
    assert page.goto("/reviews").status == 200
    recorder.step(page, "your reviews")
    exercise_link = page.get_by_role("link", name=EXERCISE_TITLE)
    expect(exercise_link).to_be_visible()
    written_before = page.locator("#my-reviews tbody tr").filter(has_text="Service mystery shop")
    drafts_before = written_before.count()

    # Open it and answer some of the questions.
    exercise_link.click()
    page.wait_for_url(re.compile(r"/reviews/new\?exercise=\d+"))
    recorder.step(page, "exercise form")
    expect(page.locator("h1")).to_have_text("Service mystery shop")
    question(page, "How did you make contact?").get_by_label("Phone").check()
    page.get_by_label("How many working days did it take to get a reply?").fill("3")
    page.get_by_label("What worked well? (optional)").fill("They rang back the same day.")

    # Save as a draft.
    page.get_by_role("button", name="Save as draft").click()
    page.wait_for_url(REVIEW_PAGE)
    review_url = page.url
    review_path = urlsplit(review_url).path
    recorder.step(page, "draft saved")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("saved as a draft")

    # Come back later: from the home page to their reviews, where the draft is listed.
    page.goto("/")
    page.goto("/reviews")
    recorder.step(page, "back to your reviews")
    rows = page.locator("#my-reviews tbody tr").filter(has_text="Service mystery shop")
    expect(rows).to_have_count(drafts_before + 1)
    draft_row = my_review(page, review_path)
    expect(draft_row).to_contain_text("Draft")
    draft_row.get_by_role("link").click()
    page.wait_for_url(review_url)
    recorder.step(page, "draft reopened")
    expect(question(page, "How did you make contact?").get_by_label("Phone")).to_be_checked()
    expect(page.get_by_label("How many working days did it take to get a reply?")).to_have_value(
        "3"
    )
    expect(page.get_by_label("What worked well? (optional)")).to_have_value(
        "They rang back the same day."
    )

    # Submitting with required questions unanswered: errors, and nothing typed is lost.
    page.get_by_role("button", name="Submit review").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    recorder.step(page, "errors")
    expect(summary).to_contain_text("Did what you were told match the listing")
    expect(question(page, "How did you make contact?").get_by_label("Phone")).to_be_checked()
    # The error summary links to the question that needs an answer.
    summary.get_by_role("link", name=re.compile("Did you feel welcome")).click()
    if javascript:  # GOV.UK Frontend moves focus to the first input of the question
        expect(question(page, "Did you feel welcome").get_by_role("radio").first).to_be_focused()

    # Answer the rest and submit.
    question(page, "Did what you were told match the listing").get_by_label("Yes").check()
    question(page, "Did you feel welcome and listened to?").get_by_label("Mostly").check()
    question(page, "Would you recommend it to another family?").get_by_label("Yes").check()
    page.get_by_role("button", name="Submit review").click()
    page.wait_for_url(review_url)
    recorder.step(page, "submitted")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "sent to the Local Offer team"
    )
    expect(page.locator("main")).to_contain_text("Waiting for an officer")
    expect(page.locator("main")).to_contain_text("They rang back the same day.")
    expect(page.get_by_role("button", name="Submit review")).to_have_count(0)

    # Listed once, as sent.
    page.goto("/reviews")
    row = my_review(page, review_path)
    expect(row).to_have_count(1)
    expect(row).not_to_contain_text("Draft")
    # The form with errors answers 400 on purpose; Chromium logs that as a failed load.
    unexpected = [e for e in recorder.console_errors if "status of 400" not in e]
    assert unexpected == [], "\n".join(unexpected)
