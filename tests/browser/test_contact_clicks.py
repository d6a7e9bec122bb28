"""Contact clicks in real Chromium: a family uses a service's phone, email and website links, and
the officer's report preview counts each one (the beacon for phone and email runs under the real
Content-Security-Policy; the website goes through the counting redirect)."""

from __future__ import annotations

import re
import time
from datetime import date

import pytest

from localoffer.reports.periods import academic_year_of

pytestmark = pytest.mark.browser

CLICKS_ROW = re.compile(r"Clicks on contact details \(phone, email and website\)\s+(\d+)")
WAIT_SECONDS = 15


def _clicks_in_report(context) -> int:
    page = context.new_page()
    page.goto(f"/manage/reports/{academic_year_of(date.today()).label}/preview")
    found = CLICKS_ROW.search(page.inner_text("main"))
    page.close()
    assert found, "the report preview has no contact clicks figure"
    return int(found.group(1))


def _service_with_every_contact(page, services: list[str]) -> str:
    for path in services:
        page.goto(path)
        links = page.locator("[data-module='lo-contact-clicks']")
        if (
            links.locator("a[href^='tel:']").count()
            and links.locator("a[href^='mailto:']").count()
            and page.locator("a[href$='/website']").count()
        ):
            return path
    pytest.fail("no demo service shows a phone number, an email address and a website")


def test_a_familys_clicks_on_contact_details_reach_the_report(
    new_context, demo, staff_state, recorder
):
    officer = new_context(storage_state=staff_state)
    before = _clicks_in_report(officer)

    page = new_context().new_page()
    path = _service_with_every_contact(page, demo.services)
    recorder.step(page, "service page with contact details")
    website = page.locator("a[href$='/website']").first
    shown = website.inner_text().strip()
    # The service's own website is outside this machine: the redirect to it is what we check.
    with page.expect_response(lambda response: response.url.endswith("/website")) as counted:
        website.click()
    assert counted.value.status == 303
    assert counted.value.headers["location"] == shown

    page.goto(path)
    contacts = page.locator("[data-module='lo-contact-clicks']")
    contacts.locator("a[href^='tel:']").first.focus()
    page.keyboard.press("Enter")
    contacts.locator("a[href^='mailto:']").first.click()

    deadline = time.monotonic() + WAIT_SECONDS
    while (after := _clicks_in_report(officer)) < before + 3 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert after == before + 3, f"expected {before + 3} contact clicks, the report shows {after}"
    assert not recorder.console_errors, recorder.console_errors
