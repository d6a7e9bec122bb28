"""'Was this page helpful?' in real Chromium: in place with JavaScript, a round trip without."""

from __future__ import annotations

import pytest

from tests.browser.support import format_violations, run_axe

try:
    from playwright.sync_api import expect
except ImportError:  # reported by the browser fixture
    expect = None

pytestmark = pytest.mark.browser


def test_with_javascript_the_answer_is_sent_in_place(new_context, recorder):
    page = new_context().new_page()
    page.goto("/glossary")
    page.get_by_role("button", name="No this page was not helpful").click()
    expect(page.locator("[data-feedback-status]")).to_have_text("Thank you for your feedback.")
    expect(page.locator("form.lo-feedback__prompt")).to_have_count(0)
    assert page.url.endswith("/glossary")
    assert not recorder.console_errors, recorder.console_errors


def test_without_javascript_the_page_comes_back_with_thanks(new_context):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/young-people")
    page.get_by_role("button", name="Yes this page was helpful").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Thank you for your feedback"
    )
    assert page.url.endswith("/young-people")


def test_reporting_a_problem_by_keyboard_with_an_error_first(new_context):
    page = new_context(bypass_csp=True).new_page()
    page.goto("/")
    page.get_by_role("link", name="Report a problem with this page").click()
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select yes or no")
    violations = run_axe(page)
    assert not violations, format_violations(page.url, violations)
    page.get_by_label("What went wrong?").fill("The bus times are wrong")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    violations = run_axe(page)
    assert not violations, format_violations(page.url, violations)
