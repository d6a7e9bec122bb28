"""An officer's journey in real Chromium: moderate a volunteer's review → raise a "You said"
from its theme → write what we did → publish → families see it on /you-said-we-did.

The review is written and submitted in the test itself, by the second volunteer through the
real review form; the officer (a plain officer, not an admin) comes from
``tests/browser/seed_reviewers.py``. The public page is checked from a separate, signed-out
browser context before each step, so the item is shown to be hidden until it is published.
"""

from __future__ import annotations

import re
import secrets
from datetime import date
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import OFFICER_PASSWORD, VOLUNTEER_PASSWORD, sign_in
from tests.browser.seed_reviewers import EXERCISE_TITLE, OFFICER_EMAIL, OTHER_VOLUNTEER_EMAIL

try:
    from playwright.sync_api import expect
except ImportError:  # reported by the browser fixture: a skip, or a failure with REQUIRE_BROWSER
    expect = None

pytestmark = pytest.mark.browser

THEME = "Waiting times"
REVIEW_PAGE = re.compile(r"/reviews/(\d+)$")
ITEM_PAGE = re.compile(r"/manage/you-said/\d+$")


def question(page, legend: str):
    """The fieldset of a radio or checkbox question, found by its legend."""
    return page.get_by_role("group", name=re.compile("^" + re.escape(legend)))


def submit_a_review(new_context, recorder, worked_well: str) -> int:
    """The second volunteer answers this month's exercise and submits it; its number."""
    context = new_context()
    sign_in(context, OTHER_VOLUNTEER_EMAIL, VOLUNTEER_PASSWORD, "**/")
    page = context.new_page()
    page.goto("/reviews")
    page.get_by_role("link", name=EXERCISE_TITLE).click()
    page.wait_for_url(re.compile(r"/reviews/new\?exercise=\d+"))
    question(page, "How did you make contact?").get_by_label("Email").check()
    page.get_by_label("How many working days did it take to get a reply?").fill("9")
    question(page, "Did what you were told match the listing").get_by_label("Yes").check()
    question(page, "Did you feel welcome and listened to?").get_by_label("A little").check()
    question(page, "Would you recommend it to another family?").get_by_label("Partly").check()
    page.get_by_label("What worked well? (optional)").fill(worked_well)
    page.get_by_label("What did not work? (optional)").fill("Nine working days for a reply.")
    page.get_by_role("button", name="Submit review").click()
    page.wait_for_url(REVIEW_PAGE)
    recorder.step(page, "volunteer submitted the review")
    expect(page.locator("main")).to_contain_text("Waiting for an officer")
    review_id = int(REVIEW_PAGE.search(urlsplit(page.url).path).group(1))
    context.close()
    return review_id


def public_page(public, recorder, label: str):
    """Open /you-said-we-did signed out and return its main element."""
    assert public.goto("/you-said-we-did").status == 200
    expect(public.locator("#item-count")).to_be_visible()
    recorder.step(public, label)
    return public.locator("main")


def test_officer_moderates_a_review_and_publishes_you_said_we_did(new_context, recorder):
    marker = secrets.token_hex(4)
    summary = f"Families waited over a week for a reply from services (ref {marker})."
    action = f"Services now promise a reply within three working days (ref {marker})."
    review_id = submit_a_review(
        new_context, recorder, f"Sam on reception was kind, call me on 07700 900456 ({marker})."
    )
    public = new_context().new_page()

    # The officer signs in and goes from the dashboard to the reviews waiting for them.
    officer = new_context()
    sign_in(officer, OFFICER_EMAIL, OFFICER_PASSWORD, "**/manage")
    page = officer.new_page()
    page.goto("/manage")
    recorder.step(page, "dashboard")
    page.get_by_role("link", name=re.compile(r"\d+ reviews? to moderate")).click()
    page.wait_for_url(re.compile(r"/manage/reviews$"))
    recorder.step(page, "reviews to moderate")
    page.locator("#reviews").get_by_role("link", name=f"Service mystery shop {review_id}").click()
    page.wait_for_url(re.compile(rf"/manage/reviews/{review_id}$"))
    recorder.step(page, "the review")
    expect(page.locator("main")).to_contain_text("Written by Omar Volunteer")
    expect(page.locator("main")).to_contain_text(marker)

    # Redact the name and phone number, tag the theme, accept.
    page.get_by_label("What worked well?").fill(f"[name removed] on reception was kind ({marker}).")
    question(page, "Themes").get_by_label(THEME).check()
    question(page, "Decision").get_by_label("Accept: it counts in results").check()
    page.get_by_role("button", name="Save decision").click()
    page.wait_for_url(re.compile(r"/manage/reviews$"))
    recorder.step(page, "review accepted")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Review {review_id}: accepted"
    )
    expect(
        page.locator("#reviews").get_by_role("link", name=f"Service mystery shop {review_id}")
    ).to_have_count(0)
    # Moderated, but nothing is on the public page yet.
    expect(public_page(public, recorder, "public page after moderation")).not_to_contain_text(
        marker
    )

    # Raise a "You said" from the theme of accepted reviews.
    page.goto("/manage")
    page.get_by_role("link", name="You said, we did").click()
    page.wait_for_url(re.compile(r"/manage/you-said$"))
    recorder.step(page, "you said list")
    page.get_by_text("From a theme in accepted reviews").click()
    page.locator("#from-theme").get_by_role("link", name=THEME, exact=True).click()
    page.wait_for_url(re.compile(r"/manage/you-said/new\?theme="))
    recorder.step(page, "new you said from the theme")
    expect(
        question(page, "Where did this come from?").get_by_label(
            "Reviews by families and young people"
        )
    ).to_be_checked()
    expect(question(page, "Themes").get_by_label(THEME)).to_be_checked()
    evidence = question(page, "Reviews behind it").get_by_label(
        f"Review {review_id} (service mystery shop)"
    )
    expect(evidence).to_be_checked()
    today = date.today()
    page.get_by_label("Date", exact=True).fill(f"{today.day} {today.month} {today.year}")
    page.get_by_label("What families told us, in plain words").fill(summary)
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(ITEM_PAGE)
    item_path = urlsplit(page.url).path
    recorder.step(page, "you said saved")
    expect(page.locator("#published-state")).to_have_text("Not published")
    expect(page.locator("main")).to_contain_text(summary)
    expect(page.locator("#evidence")).to_contain_text(f"Review {review_id}")
    expect(page.get_by_role("button", name="Publish")).to_have_count(0)
    expect(public_page(public, recorder, "public page with no response")).not_to_contain_text(
        marker
    )

    # Write what we did.
    page.get_by_role("link", name="Write what we did").click()
    page.wait_for_url(re.compile(r"/we-did$"))
    recorder.step(page, "we did form")
    page.get_by_label("What we did, or will do").fill(action)
    page.get_by_label("Team responsible").fill("SEND Local Offer team")
    question(page, "Status").get_by_label("In progress").check()
    page.get_by_label("Target date (optional)").fill(f"1 3 {today.year + 1}")
    page.get_by_role("button", name="Save response").click()
    page.wait_for_url(re.compile(re.escape(item_path) + "$"))
    recorder.step(page, "response saved")
    expect(page.locator("#we-did")).to_contain_text(action)
    expect(page.locator("#published-state")).to_have_text("Not published")
    # Written but not published: still not on the public page.
    expect(public_page(public, recorder, "public page before publishing")).not_to_contain_text(
        marker
    )

    # Publish.
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url(re.compile(re.escape(item_path) + "$"))
    recorder.step(page, "published")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Published on You said, we did"
    )
    expect(page.locator("#published-state")).to_have_text("Published")

    # Families see it, with the response, and can find it by its theme.
    main = public_page(public, recorder, "public page after publishing")
    item = public.locator("#items li.lo-you-said").filter(has_text=marker)
    expect(item).to_have_count(1)
    expect(item).to_contain_text(summary)
    expect(item).to_contain_text(action)
    expect(item).to_contain_text("In progress")
    expect(item).to_contain_text(f"Themes: {THEME}")
    # Only the officers see the evidence and what the volunteer wrote.
    expect(main).not_to_contain_text("07700 900456")
    expect(main).not_to_contain_text(f"Review {review_id}")
    public.get_by_label("Theme").select_option(label=THEME)
    public.get_by_role("button", name="Filter").click()
    public.wait_for_url(re.compile(r"/you-said-we-did\?"))
    recorder.step(public, "public page filtered by theme")
    expect(public.locator("#items li.lo-you-said").filter(has_text=marker)).to_have_count(1)
    assert recorder.console_errors == [], "\n".join(recorder.console_errors)
