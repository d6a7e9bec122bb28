"""The results pages on a phone (375 x 800 CSS px) in real Chromium: the search box and the first
result on the first screen, the filters behind "Filter results" (by keyboard, without
JavaScript), and every change landing back at the results rather than at the top of the page.

The markup itself is checked through the test client in tests/directory/test_results_on_a_phone.py.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.support import (
    Keyboard,
    count_from_label,
    format_violations,
    open_filters,
    run_axe,
)

try:
    from playwright.sync_api import expect
except ImportError:  # reported by the browser fixture: a skip, or a failure with REQUIRE_BROWSER
    expect = None

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 375, "height": 800}}
FIRST_SCREEN = 800
WORDS = "short+breaks"
AGE = "9"

_TOP = "(selector) => document.querySelector(selector).getBoundingClientRect().top"


def top_of(page, selector: str) -> float:
    """Where ``selector`` starts, measured from the top of the window as it is scrolled now."""
    return page.evaluate(_TOP, selector)


def a_need_with_services(page) -> tuple[str, str]:
    """The first area of need, not ticked, whose count says it has services: (value, box id)."""
    boxes = page.locator("input[name=need]")
    for index in range(boxes.count()):
        box = boxes.nth(index)
        box_id = box.get_attribute("id")
        label = page.locator(f"label[for='{box_id}']").text_content()
        if not box.is_checked() and count_from_label(label):
            return box.get_attribute("value"), box_id
    raise AssertionError(f"{page.url}: no area of need has services")


def assert_at_the_results(page) -> None:
    """The window is scrolled down to the results: their start is at the top of the window."""
    assert page.evaluate("location.hash") == "#results", page.url
    scrolled = page.evaluate("window.scrollY")
    where = top_of(page, "#results")
    assert scrolled > 200 and -2 <= where <= 60, (
        f"{page.url}: scrolled {scrolled}px, the results start {where:.0f}px from the top"
    )
    expect(page.locator("#results li.lo-result").first).to_be_in_viewport()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
@pytest.mark.parametrize(
    ("path", "heading"),
    [
        (f"/services?q={WORDS}", "h2.lo-result__title"),
        (f"/search?q={WORDS}", "h3.lo-result__title"),
        # A corrected word and an age understood in the words: both are said above the results.
        ("/services?q=autisim+for+my+9+year+old", "h2.lo-result__title"),
    ],
    ids=["services", "search", "services-corrected"],
)
def test_search_box_and_first_result_are_on_the_first_screen(
    new_context, recorder, path, heading, javascript
):
    page = new_context(**PHONE, java_script_enabled=javascript).new_page()
    assert page.goto(path).status == 200
    page.wait_for_load_state("load")
    recorder.step(page, "results on a phone")
    assert page.evaluate("window.scrollY") == 0
    box = page.locator("input#q").bounding_box()
    result = page.locator("li.lo-result").first.bounding_box()
    title = page.locator(f"li.lo-result {heading}").first.bounding_box()
    report = (
        f"{path} at 375px ({'with' if javascript else 'without'} JavaScript): the search box's "
        f"bottom is at {box['y'] + box['height']:.0f}px, the first result starts at "
        f"{result['y']:.0f}px and its name at {title['y']:.0f}px"
    )
    print(report)
    assert box["y"] + box["height"] <= FIRST_SCREEN, report
    assert result["y"] < FIRST_SCREEN, report
    # At least the first line of the service's name can be read without scrolling.
    assert title["y"] + 24 <= FIRST_SCREEN, report
    if path.startswith("/services"):
        assert page.locator("details#filter-panel").get_attribute("open") is None
        expect(page.locator("#age")).to_be_hidden()


def test_filters_open_choose_and_apply_by_keyboard_only(new_context, recorder):
    page = new_context(**PHONE).new_page()
    page.goto(f"/services?q={WORDS}")
    keys = Keyboard(page)
    keys.remember_unfocused()

    summary = keys.tab_to("summary", text="Filter results")
    assert summary["shown"], "the focused summary is off screen"
    expect(page.locator("#age")).to_be_hidden()
    keys.press("Enter")
    expect(page.locator("details#filter-panel")).to_have_attribute("open", "")
    recorder.step(page, "filters opened by keyboard")

    keys.tab_to("input#age")
    page.keyboard.type(AGE)
    need, box_id = a_need_with_services(page)
    keys.tab_to(f"input#{box_id}")
    page.keyboard.press("Space")
    expect(page.locator(f"#{box_id}")).to_be_checked()
    keys.tab_to("button", text="Apply filters")
    with page.expect_navigation(url=re.compile(rf"[?&]need={need}\b"), wait_until="load"):
        page.keyboard.press("Enter")
    recorder.step(page, "filters applied by keyboard")
    assert re.search(rf"[?&]age={AGE}\b", page.url) and f"q={WORDS}&" in page.url
    expect(page.locator("details#filter-panel summary")).to_have_text(
        re.compile(r"^\s*Filter results \(2 selected\)\s*$")
    )
    assert_at_the_results(page)

    # The next Tab goes on from the results, not from the top of the page: a removable tag.
    keys.remember_unfocused()
    tag = keys.press("Tab")
    assert tag["element"] and "Remove this filter" in tag["element"], tag
    assert tag["shown"], tag
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    expect(page.locator("details#filter-panel summary")).to_contain_text("(1 selected)")
    assert_at_the_results(page)

    assert keys.no_indicator == [], "focus is not visible on:\n" + "\n".join(keys.no_indicator)
    assert recorder.console_errors == [], "\n".join(recorder.console_errors)


@pytest.mark.parametrize(
    "viewport", [PHONE["viewport"], {"width": 1280, "height": 900}], ids=["phone", "desktop"]
)
def test_without_javascript_the_filters_open_and_apply(new_context, recorder, viewport):
    page = new_context(viewport=viewport, java_script_enabled=False).new_page()
    page.goto(f"/services?q={WORDS}")
    expect(page.locator("body")).not_to_have_class(re.compile(r"\bjs-enabled\b"))
    expect(page.locator("#age")).to_be_hidden()
    page.locator("details#filter-panel summary").click()
    expect(page.locator("#age")).to_be_visible()
    recorder.step(page, "filters opened without JavaScript")
    page.get_by_label("Age in years").fill(AGE)
    need, box_id = a_need_with_services(page)
    page.locator(f"#{box_id}").check()
    page.get_by_role("button", name="Apply filters").last.click()
    page.wait_for_url(re.compile(rf"[?&]need={need}\b.*#results$"))
    page.wait_for_load_state("load")
    recorder.step(page, "filters applied without JavaScript")
    assert re.search(rf"[?&]age={AGE}\b", page.url)
    expect(page.locator("details#filter-panel summary")).to_contain_text("(2 selected)")
    expect(page.locator("#selected-filters a.lo-filter-tag")).to_have_count(2)
    assert_at_the_results(page)


def test_on_a_wide_screen_the_filters_are_open_beside_the_results(new_context):
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"/services?q={WORDS}")
    expect(page.locator("details#filter-panel")).to_have_attribute("open", "")
    expect(page.locator("#age")).to_be_visible()
    filters = page.locator("details#filter-panel").bounding_box()
    results = page.locator("#results").bounding_box()
    assert filters["x"] + filters["width"] <= results["x"], (filters, results)
    # ... and on a phone they stay closed even with JavaScript.
    phone = new_context(**PHONE).new_page()
    phone.goto(f"/services?q={WORDS}")
    expect(phone.locator("body")).to_have_class(re.compile(r"\bjs-enabled\b"))
    expect(phone.locator("#age")).to_be_hidden()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_saving_a_result_comes_back_to_it(new_context, recorder, javascript):
    page = new_context(**PHONE, java_script_enabled=javascript).new_page()
    path = f"/services?q={WORDS}&age={AGE}"
    page.goto(path)
    third = page.locator("#results li.lo-result").nth(2)
    anchor = third.locator(".lo-result__title").get_attribute("id")
    assert re.fullmatch(r"service-\d+", anchor), anchor
    third.get_by_role("button", name=re.compile(r"^Save to shortlist")).click()
    page.wait_for_url(re.compile(re.escape(path) + "#" + anchor + "$"))
    page.wait_for_load_state("load")
    page.wait_for_timeout(200)  # any script that would move the page has run
    recorder.step(page, "back at the saved result")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "added to your shortlist"
    )
    where = top_of(page, f"#{anchor}")
    assert page.evaluate("window.scrollY") > 300 and -2 <= where <= 60, (
        f"the saved result is {where:.0f}px from the top of the window"
    )
    saved = page.locator(f"li.lo-result:has(#{anchor})")
    expect(
        saved.get_by_role("button", name=re.compile(r"^Remove from shortlist"))
    ).to_be_in_viewport()
    # Keyboard focus goes on from the saved result too, not from the banner at the top.
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "(id) => !!document.activeElement.closest('li.lo-result') &&"
        " !!document.activeElement.closest('li.lo-result').querySelector('#' + id)",
        anchor,
    )
    assert focused, "Tab went to " + page.evaluate("document.activeElement.outerHTML")[:200]
    assert recorder.console_errors == [], "\n".join(recorder.console_errors)


def test_a_new_search_keeps_the_filters(new_context):
    page = new_context(**PHONE).new_page()
    page.goto(f"/services?q=swimming&age={AGE}&postcode=PO4&within=5&page=1")
    page.get_by_label("Search for services").fill("short breaks")
    page.locator("form[role=search]").get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"q=short\+breaks"))
    for argument in (f"age={AGE}", "postcode=PO4", "within=5"):
        assert argument in page.url, (argument, page.url)
    assert "page=" not in page.url
    expect(page.locator("details#filter-panel summary")).to_contain_text("(3 selected)")


def test_no_axe_violations_on_a_phone_with_the_filters_closed_and_open(new_context):
    page = new_context(**PHONE, bypass_csp=True).new_page()
    page.goto(f"/services?q={WORDS}&age={AGE}&need=autism")
    expect(page.locator("#selected-filters")).to_be_visible()
    violations = run_axe(page)
    assert not violations, format_violations(f"filters closed ({page.url})", violations)
    open_filters(page)
    expect(page.locator("#age")).to_be_visible()
    violations = run_axe(page)
    assert not violations, format_violations(f"filters open ({page.url})", violations)
