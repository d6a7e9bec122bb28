"""Every page type in real Chromium: axe-core finds nothing at WCAG 2.2 A and AA, and nothing
scrolls sideways at 320 CSS px (400% zoom) or at 640 CSS px (200% zoom of a 1280 px window).

axe.min.js comes from the npm package axe-core (see vendor/README.md). The site's CSP allows no
injected script, so only the axe contexts bypass CSP; every other test runs under the real one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tests.browser.support import QUERY, format_violations, horizontal_overflow, run_axe

try:
    from playwright.sync_api import expect
except ImportError:  # reported by the browser fixture: a skip, or a failure with REQUIRE_BROWSER
    expect = None

pytestmark = pytest.mark.browser


def save_a_service(page, demo) -> None:
    page.goto(demo.service)
    page.get_by_role("button", name="Save to shortlist").first.click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()


@dataclass(frozen=True)
class PageType:
    name: str
    path: Callable  # demo -> path, or None to stay on the page the setup ended on
    status: int = 200
    shows: str = "main h1"  # a selector the page must show, so we test the state we meant to
    absent: str | None = None  # ... and one it must not
    setup: Callable | None = None  # (page, demo) -> None, run first in the same context
    staff: bool = False  # open it signed in as an admin


def manage(demo) -> str:
    """The officers' page of the demo service (/services/12 -> /manage/services/12)."""
    return "/manage" + demo.service


def submit_a_listing_without_a_name(page, demo) -> None:
    page.goto(manage(demo) + "/edit")
    page.get_by_label("Name", exact=True).fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()


def give_a_glossary_entry_history_and_an_error(page, demo) -> None:
    """Retire an entry and bring it back (so it has a history, and the demo is as it was),
    then save it without a meaning."""
    open_first_link("/manage/glossary", "table#in-use")(page, demo)
    page.get_by_role("button", name="Retire this entry").click()
    page.get_by_role("button", name="Bring back into use").click()
    page.get_by_label("Meaning", exact=True).fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()


def service_id(demo) -> str:
    return demo.service.rsplit("/", 1)[-1]


def send_an_empty_review(page, demo) -> None:
    page.goto("/reviews/new?template=website-mystery-shop")
    page.get_by_role("button", name="Submit review").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()


def open_first_link(listing: str, table: str):
    """A setup that opens ``listing`` and follows the first link in its table."""

    def setup(page, demo) -> None:
        page.goto(listing)
        page.locator(f"{table} tbody a").first.click()
        page.wait_for_load_state()

    return setup


def moderate_without_a_decision(page, demo) -> None:
    open_first_link("/manage/reviews", "table")(page, demo)
    page.get_by_role("button", name=re.compile("^Save")).click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()


PAGE_TYPES = [
    PageType("home", lambda demo: "/", shows="form[role=search]"),
    PageType("results", lambda demo: f"/services?q={QUERY}", shows="li.lo-result"),
    PageType("browse all services", lambda demo: "/services", shows="li.lo-result"),
    PageType(
        "results with filters selected",
        lambda demo: f"/services?q={QUERY}&age=7&need=autism&cost=free",
        shows="#selected-filters a.lo-filter-tag",
    ),
    PageType(
        "results with a corrected word and an age and place in the words",
        lambda demo: "/services?q=dislexia+help+for+my+9+year+old+in+Havant",
        shows="#correction a#search-instead, #understood a.lo-understood__tag",
    ),
    PageType(
        "results with no close match",
        lambda demo: "/services?q=horse+riding+lessons",
        shows="#no-close-match",
    ),
    # One made-up word: several real words could match something once stemmed.
    PageType(
        "results with none found",
        lambda demo: "/services?q=zzqxv",
        absent="li.lo-result",
    ),
    PageType(
        "results with a validation error",
        lambda demo: "/services?age=-1",
        status=400,
        shows=".govuk-error-summary",
    ),
    PageType("service", lambda demo: demo.service, shows="button:has-text('Save to shortlist')"),
    # Straight after "Save to shortlist": the same page with a success banner (path None).
    PageType(
        "service just saved",
        lambda demo: None,
        shows=".govuk-notification-banner--success",
        setup=save_a_service,
    ),
    PageType("shortlist, empty", lambda demo: "/shortlist", shows="main p:has-text('is empty')"),
    PageType(
        "shortlist with a service",
        lambda demo: "/shortlist",
        shows="li.lo-result",
        setup=save_a_service,
    ),
    PageType(
        "print view",
        lambda demo: "/shortlist/print",
        shows=".lo-print-service",
        setup=save_a_service,
    ),
    PageType("young people", lambda demo: "/young-people", shows="main .lo-browse-grid"),
    PageType("young people's theme", lambda demo: demo.theme),
    PageType("guides contents", lambda demo: "/guides", shows="main .lo-guide-list"),
    PageType(
        "guide with table and details",
        lambda demo: "/guides/ehc-needs-assessment",
        shows="main details.govuk-details",
    ),
    PageType(
        "young people's guide",
        lambda demo: "/guides/yp-after-year-11",
        shows="#family-version",
    ),
    PageType(
        "search over guides and services",
        lambda demo: f"/search?q={QUERY}",
        shows="#guide-results",
    ),
    PageType("accessibility statement", lambda demo: "/accessibility"),
    PageType("privacy notice", lambda demo: "/privacy"),
    PageType("page not found", lambda demo: "/no-such-page", status=404),
    PageType("sign in", lambda demo: "/sign-in", shows="form button:has-text('Sign in')"),
    PageType("password reset", lambda demo: "/password-reset"),
    PageType("dashboard", lambda demo: "/manage", shows="#overdue", staff=True),
    PageType("listings", lambda demo: "/manage/services", shows="#listings", staff=True),
    PageType("listing", manage, shows="main form button", staff=True),
    PageType("listing edit form", lambda demo: manage(demo) + "/edit", staff=True),
    PageType(
        "listing edit form with errors",
        lambda demo: None,
        shows=".govuk-error-summary",
        setup=submit_a_listing_without_a_name,
        staff=True,
    ),
    PageType("new listing form", lambda demo: "/manage/services/new", staff=True),
    PageType("listing history", lambda demo: manage(demo) + "/history", staff=True),
    PageType(
        "listing preview",
        lambda demo: manage(demo) + "/preview",
        shows="#preview-notice",
        staff=True,
    ),
    PageType("organisations", lambda demo: "/manage/organisations", staff=True),
    PageType("new organisation form", lambda demo: "/manage/organisations/new", staff=True),
    PageType("locations", lambda demo: "/manage/locations", staff=True),
    PageType("new location form", lambda demo: "/manage/locations/new", staff=True),
    PageType("providers' changes", lambda demo: "/manage/proposals", staff=True),
    PageType("accounts", lambda demo: "/manage/users", staff=True),
    PageType("invite form", lambda demo: "/manage/users/invite", staff=True),
    # The review forms (an admin may answer every template) and the officers' moderation pages.
    PageType("your reviews", lambda demo: "/reviews", shows="#my-reviews", staff=True),
    PageType(
        "website review form",
        lambda demo: "/reviews/new?template=website-mystery-shop",
        shows="form#questions",
        staff=True,
    ),
    PageType(
        "service review form",
        lambda demo: f"/reviews/new?template=service-mystery-shop&service={service_id(demo)}",
        shows="form#questions",
        staff=True,
    ),
    PageType(
        "peer review form",
        lambda demo: "/reviews/new?template=peer-review",
        shows="form#questions",
        staff=True,
    ),
    PageType(
        "young inspector form with smileys",
        lambda demo: f"/reviews/new?template=young-inspector-report&service={service_id(demo)}",
        shows="form#questions .lo-smiley",
        staff=True,
    ),
    PageType(
        "review form with errors",
        lambda demo: None,
        shows=".govuk-error-summary",
        setup=send_an_empty_review,
        staff=True,
    ),
    PageType(
        "reviews to moderate", lambda demo: "/manage/reviews", shows="main table a", staff=True
    ),
    PageType(
        "a review to moderate",
        lambda demo: None,
        shows="main form textarea",
        setup=open_first_link("/manage/reviews", "table"),
        staff=True,
    ),
    PageType(
        "moderation with errors",
        lambda demo: None,
        shows=".govuk-error-summary",
        setup=moderate_without_a_decision,
        staff=True,
    ),
    PageType("exercises", lambda demo: "/manage/exercises", shows="main table a", staff=True),
    PageType("new exercise form", lambda demo: "/manage/exercises/new", staff=True),
    PageType(
        "exercise results",
        lambda demo: None,
        shows="main h1",
        setup=open_first_link("/manage/exercises", "table"),
        staff=True,
    ),
    PageType("month's results", lambda demo: "/manage/results", staff=True),
    PageType("themes", lambda demo: "/manage/themes", shows="main form", staff=True),
    PageType("you said, we did", lambda demo: "/you-said-we-did"),
    PageType("published reports", lambda demo: "/reports"),
    PageType("glossary list", lambda demo: "/manage/glossary", shows="main table a", staff=True),
    PageType("new glossary entry form", lambda demo: "/manage/glossary/new", staff=True),
    PageType(
        "a glossary entry with its history and errors",
        lambda demo: None,
        shows="#history + section table",
        setup=give_a_glossary_entry_history_and_an_error,
        staff=True,
    ),
    PageType("you said list", lambda demo: "/manage/you-said", staff=True),
    PageType("new you said form", lambda demo: "/manage/you-said/new", staff=True),
    PageType("report builder", lambda demo: "/manage/reports", staff=True),
    PageType("report preview", lambda demo: "/manage/reports/2025-26/preview", staff=True),
]
IDS = [
    page_type.name.replace(" ", "-").replace(",", "").replace("'", "") for page_type in PAGE_TYPES
]


def open_page(page, page_type: PageType, demo) -> None:
    if page_type.setup:
        page_type.setup(page, demo)
    path = page_type.path(demo)
    if path is not None:
        response = page.goto(path)
        assert response.status == page_type.status, (page.url, response.status)
    expect(page.locator(page_type.shows).first).to_be_visible()
    if page_type.absent:
        expect(page.locator(page_type.absent)).to_have_count(0)


def context_options(request, page_type: PageType, **options) -> dict:
    if page_type.staff:
        options["storage_state"] = request.getfixturevalue("staff_state")
    return options


@pytest.mark.parametrize("page_type", PAGE_TYPES, ids=IDS)
def test_no_axe_violations(request, new_context, demo, page_type):
    page = new_context(**context_options(request, page_type, bypass_csp=True)).new_page()
    open_page(page, page_type, demo)
    violations = run_axe(page)
    assert not violations, format_violations(f"{page_type.name} ({page.url})", violations)


def test_no_axe_violations_on_a_sample_of_service_pages(new_context, demo):
    """Service pages differ with their data (closed, masked address, no contacts ...)."""
    assert demo.services, "the demo area lists no services"
    step = max(1, len(demo.services) // 8)
    sample = demo.services[::step][:8]
    page = new_context(bypass_csp=True).new_page()
    failures = []
    for path in sample:
        assert page.goto(path).status == 200
        violations = run_axe(page)
        if violations:
            failures.append(format_violations(page.url, violations))
    assert not failures, "\n\n".join(failures)


ZOOMS = {
    # 320 CSS px: WCAG 1.4.10 reflow, the same as a 1280 px window at 400%.
    "320px": {"viewport": {"width": 320, "height": 640}},
    # 200% zoom of a 1280 px window: 640 CSS px, drawn at 2 device pixels per CSS pixel.
    "200%-zoom": {"viewport": {"width": 640, "height": 450}, "device_scale_factor": 2},
}


@pytest.mark.parametrize("zoom", ZOOMS, ids=list(ZOOMS))
@pytest.mark.parametrize("page_type", PAGE_TYPES, ids=IDS)
def test_no_horizontal_scrolling(request, new_context, demo, page_type, zoom):
    page = new_context(**context_options(request, page_type, **ZOOMS[zoom])).new_page()
    open_page(page, page_type, demo)
    overflow = horizontal_overflow(page)
    assert overflow["scrollWidth"] <= overflow["clientWidth"], (
        f"{page_type.name} ({page.url}) scrolls sideways at {zoom}: "
        f"scrollWidth {overflow['scrollWidth']} > clientWidth {overflow['clientWidth']}; "
        "too wide: " + "; ".join(overflow["wide"])
    )
