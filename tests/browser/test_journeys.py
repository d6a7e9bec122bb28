"""A family's journey in real Chromium: home → search (guides and services) → all services →
filter by age and need → a service → save it to the shortlist → the print view. With a mouse,
without JavaScript, and by keyboard.

Services are picked from what the demo area shows (the first result, the busiest need), never by
name, so the journeys keep working as the demo data grows.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.support import QUERY, Keyboard, count_from_label, open_filters

try:
    from playwright.sync_api import expect
except ImportError:  # reported by the browser fixture: a skip, or a failure with REQUIRE_BROWSER
    expect = None

pytestmark = pytest.mark.browser

AGE = "7"
PREFERRED_NEED = "autism"


def result_total(page) -> int:
    """The number in "<strong>12</strong> services" above the results."""
    return int(page.locator("main p[role=status] strong").first.inner_text())


def choose_need(page) -> tuple[str, str, int]:
    """The need checkbox to tick: autism if it has services, else the need with the most.

    Facet counts say how many results there would be with that value ticked, so the choice never
    leads to an empty page. Read with locators only, so it works without JavaScript too.
    """
    boxes = page.locator("input[name=need]")
    options = []
    for index in range(boxes.count()):
        box = boxes.nth(index)
        if box.is_checked():
            continue
        box_id = box.get_attribute("id")
        count = count_from_label(page.locator(f"label[for='{box_id}']").inner_text())
        if count:
            options.append((box.get_attribute("value"), box_id, count))
    assert options, f"{page.url}: no area of need has services for age {AGE}"
    preferred = [option for option in options if option[0] == PREFERRED_NEED]
    return preferred[0] if preferred else max(options, key=lambda option: option[2])


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_family_finds_saves_and_prints_a_service(new_context, recorder, javascript):
    page = new_context(java_script_enabled=javascript).new_page()

    # Home.
    response = page.goto("/")
    assert response.status == 200
    recorder.step(page, "home")
    expect(page.locator("h1")).to_have_count(1)
    if javascript:
        expect(page.locator("body")).to_have_class(re.compile(r"\bjs-enabled\b"))
    else:
        expect(page.locator("body")).not_to_have_class(re.compile(r"\bjs-enabled\b"))

    # Search in their own words.
    page.get_by_label("Search for services").fill(QUERY)
    page.locator("form[role=search]").get_by_role("button", name="Search").click()
    # The home page's box answers with guides and services; "See all" opens the directory.
    page.wait_for_url(re.compile(rf"/search\?q={QUERY}"))
    recorder.step(page, "guides and services")
    expect(page.locator("#service-results li.lo-result").first).to_be_visible()
    page.locator("a#all-services").click()
    page.wait_for_url(re.compile(rf"/services\?(.*&)?q={QUERY}"))
    recorder.step(page, "search results")
    expect(page.locator("h1")).to_contain_text(QUERY)
    searched = result_total(page)
    assert searched > 0, f"no services for {QUERY!r}"
    expect(page.locator("li.lo-result").first).to_be_visible()

    # Filter by age: the filters are open beside the results with JavaScript; without it,
    # "Filter results" opens them.
    if javascript:
        expect(page.locator("details#filter-panel")).to_have_attribute("open", "")
    open_filters(page)
    page.get_by_label("Age in years").fill(AGE)
    page.get_by_role("button", name="Apply filters").first.click()
    page.wait_for_url(re.compile(rf"[?&]age={AGE}\b"))
    recorder.step(page, "filtered by age")
    expect(page.get_by_label("Age in years")).to_have_value(AGE)
    assert f"q={QUERY}" in page.url, "the search words were lost when filtering"
    by_age = result_total(page)
    assert 0 < by_age <= searched

    # Filter by need.
    open_filters(page)
    need, box_id, expected = choose_need(page)
    page.locator(f"#{box_id}").check()
    page.get_by_role("button", name="Apply filters").last.click()
    page.wait_for_url(re.compile(rf"[?&]need={need}\b"))
    recorder.step(page, "filtered by need")
    expect(page.locator(f"#{box_id}")).to_be_checked()
    expect(page.get_by_label("Age in years")).to_have_value(AGE)
    assert result_total(page) == expected, "the facet count did not match the results"

    # Open the first service.
    link = page.locator("li.lo-result h2 a").first
    name = " ".join(link.inner_text().split())
    link.click()
    page.wait_for_url(re.compile(r"/services/\d+$"))
    recorder.step(page, "service page")
    expect(page.locator("h1")).to_have_text(name)

    # Save it to the shortlist.
    page.get_by_role("button", name=re.compile(r"^Save to shortlist")).click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "added to your shortlist"
    )
    recorder.step(page, "saved to shortlist")
    expect(page.get_by_role("button", name=re.compile(r"^Remove from shortlist"))).to_be_visible()
    expect(page.locator(".lo-header__nav")).to_contain_text("Your shortlist (1)")

    # The shortlist.
    page.locator(".lo-header__nav").get_by_role("link", name=re.compile("Your shortlist")).click()
    page.wait_for_url(re.compile(r"/shortlist$"))
    recorder.step(page, "shortlist")
    expect(page.locator("li.lo-result h2")).to_have_text([name])

    # The print view.
    page.get_by_role("link", name=re.compile("Print or save your shortlist")).click()
    page.wait_for_url(re.compile(r"/shortlist/print$"))
    recorder.step(page, "print view")
    expect(page.locator(".lo-print-service h2")).to_have_text([name])
    print_button = page.locator("button.lo-print-button")
    if javascript:
        expect(print_button).to_be_visible()
    else:
        expect(print_button).to_be_hidden()
    page.emulate_media(media="print")
    recorder.step(page, "print view as printed")
    for chrome in (".lo-header__nav", ".govuk-phase-banner", ".govuk-back-link", ".govuk-button"):
        expect(page.locator(chrome).first).to_be_hidden()
    expect(page.locator(".lo-print-service h2")).to_be_visible()

    assert recorder.console_errors == [], "JavaScript or CSP errors:\n" + "\n".join(
        recorder.console_errors
    )


def test_family_journey_by_keyboard_only(new_context, recorder):
    """Only Tab, Shift+Tab, Enter, Space and typing after the first page load."""
    page = new_context().new_page()
    keys = Keyboard(page)

    def follow(pattern: str, label: str) -> None:
        """Press Enter on the focused link or button and wait for the page it leads to."""
        with page.expect_navigation(url=re.compile(pattern), wait_until="load"):
            page.keyboard.press("Enter")
        keys.remember_unfocused()
        recorder.step(page, label)

    page.goto("/")
    keys.remember_unfocused()
    recorder.step(page, "home")

    # The skip link is the first thing Tab reaches, and it shows itself.
    first = keys.press("Tab")
    assert first["skipLink"], (
        f"the first focusable element is {first['element']}, not the skip link"
    )
    assert first["shown"], "the skip link stays hidden when it has focus"
    recorder.step(page, "skip link focused")
    keys.press("Enter")
    landed = keys.focus_info()
    assert landed["hash"] == "#main-content" or landed["activeId"] == "main-content", landed
    after_skip = keys.press("Tab")
    assert after_skip["inMain"], f"after the skip link, Tab went to {after_skip['element']}"

    # Search.
    keys.tab_to("input#q")
    page.keyboard.type(QUERY)
    follow(rf"/search\?q={QUERY}", "guides and services")
    keys.tab_to("a#all-services")
    follow(rf"/services\?(.*&)?q={QUERY}", "search results")
    assert result_total(page) > 0

    # Age: type it and press Enter in the box (the form's first submit button applies it).
    keys.tab_to("input#age")
    page.keyboard.type(AGE)
    follow(rf"[?&]age={AGE}\b", "filtered by age")

    # Need: Space ticks the box, then on to the next "Apply filters" button.
    need, box_id, _ = choose_need(page)
    keys.tab_to(f"input#{box_id}")
    page.keyboard.press("Space")
    expect(page.locator(f"#{box_id}")).to_be_checked()
    recorder.step(page, "need ticked")
    keys.tab_to("button", text="Apply filters")
    follow(rf"[?&]need={need}\b", "filtered by need")
    assert result_total(page) > 0

    # The first result.
    link = keys.tab_to("li.lo-result h2 a")
    follow(r"/services/\d+$", "service page")
    name = " ".join(page.locator("h1").inner_text().split())
    assert name in link["element"]

    # Save it.
    keys.tab_to("button", text="Save to shortlist")
    follow(r"/services/\d+$", "saved")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "added to your shortlist"
    )

    # Back up the page to the header's shortlist link.
    keys.tab_to("a", text="Your shortlist", backwards=True)
    follow(r"/shortlist$", "shortlist")
    expect(page.locator("li.lo-result h2")).to_have_text([name])

    keys.tab_to("a", text="Print or save your shortlist")
    follow(r"/shortlist/print$", "print view")
    expect(page.locator(".lo-print-service h2")).to_have_text([name])

    assert keys.stops > 10
    assert keys.no_indicator == [], "focus is not visible on:\n" + "\n".join(keys.no_indicator)
    assert recorder.console_errors == [], "\n".join(recorder.console_errors)
