"""Relevance regression suite: what families type, and the services that must come top.

Each case is a search a parent, carer or young person would reasonably make on the demo
area's Local Offer, with the one to three services that obviously answer it (chosen by
reading seed/area/*.yaml, not by copying what the engine returns). Every one of them must be
in the top five results of the first page, searched through the real ``/services`` route
with the default sort (relevance, whenever there are words).

A case the engine ranks badly is kept, not weakened: mark it ``ranking_bug(reason)``
(a strict xfail), so it fails loudly, and must be unmarked, the moment ranking gets it right.
No case is marked today: the last five (EHCP, applying for an EHCP, nursery, support at
college, swimming) were fixed by scaling long thesaurus alternatives to the length of what
was typed, matching multi-word thesaurus phrases in any word form, and a glossary entry for
additional learning support.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from localoffer.directory.service import DirectoryFilters, browse_services
from localoffer.extensions import db
from localoffer.models import Service, ServiceStatus

TOP = 5

# The first link inside each result item is the service's own page.
RESULT_LINK = re.compile(r'<li class="lo-result">.*?href="/services/(\d+)"', re.DOTALL)


def ranking_bug(reason: str):
    """Marks a case the engine gets wrong today; strict, so a fix shows up as a failure."""
    return pytest.mark.xfail(strict=True, reason=reason)


# (query, slugs that must all be in the top five)
FAMILY_QUERIES = [
    # Autism
    pytest.param("autism", ["edu-autism-outreach-primary"], id="autism"),
    pytest.param(
        "ASD",
        ["edu-autism-outreach-primary", "edu-oakfield-autism-outreach-primary"],
        id="asd-acronym",
    ),
    pytest.param(
        "ASD 7 year old",
        ["edu-autism-outreach-primary", "hlth-camhs-neurodevelopmental-pathway"],
        id="asd-7-year-old-in-words",
    ),
    pytest.param(
        "autism assessment",
        ["hlth-camhs-neurodevelopmental-pathway", "hlth-neurodevelopmental-assessment-under-7s"],
        id="autism-assessment",
    ),
    pytest.param(
        "aspergers secondary school",
        ["edu-inclusion-outreach-secondary", "edu-copnor-park-autism-inclusion-centre"],
        id="aspergers-secondary",
    ),
    pytest.param(
        "autism support for parents",
        ["care-cygnet-autism-parenting-course", "care-spectrum-parent-support-group"],
        id="autism-parent-support",
    ),
    pytest.param(
        "autistic holiday club", ["edu-oakfield-holiday-club"], id="autistic-holiday-club"
    ),
    pytest.param("ASC special school", ["edu-oakfield-school-place"], id="asc-special-school"),
    # ADHD
    pytest.param("ADHD", ["hlth-adhd-medication-clinic", "care-adhd-parenting-course"], id="adhd"),
    pytest.param("adhd diagnosis", ["hlth-camhs-neurodevelopmental-pathway"], id="adhd-diagnosis"),
    pytest.param("ADHD medication", ["hlth-adhd-medication-clinic"], id="adhd-medication"),
    # Speech, language and communication
    pytest.param(
        "speech therapy", ["hlth-slt-school-age", "hlth-slt-early-years"], id="speech-therapy"
    ),
    pytest.param("SALT", ["hlth-slt-school-age", "hlth-slt-early-years"], id="salt-acronym"),
    pytest.param(
        "speech therapy for my 3 year old", ["hlth-slt-early-years"], id="speech-3-year-old"
    ),
    pytest.param(
        "late talker",
        ["hlth-slt-drop-in-advice", "hlth-slt-early-years"],
        id="late-talker",
    ),
    pytest.param("stammering", ["hlth-slt-school-age", "hlth-slt-early-years"], id="stammering"),
    pytest.param("communication aid", ["hlth-slt-communication-aids"], id="communication-aid"),
    pytest.param("swallowing problems", ["hlth-slt-eating-drinking"], id="swallowing"),
    # Therapies
    pytest.param("OT", ["hlth-occupational-therapy"], id="ot-acronym"),
    pytest.param(
        "sensory processing",
        ["hlth-occupational-therapy", "hlth-ot-sensory-workshops"],
        id="sensory-processing",
    ),
    pytest.param("physio", ["hlth-physiotherapy"], id="physio"),
    # Mental health
    pytest.param("CAMHS", ["hlth-camhs-getting-help"], id="camhs"),
    pytest.param("mental health crisis", ["hlth-camhs-crisis"], id="mental-health-crisis"),
    pytest.param("anxiety", ["hlth-mhst-parent-led-anxiety"], id="anxiety"),
    pytest.param(
        "counselling for teenagers",
        ["hlth-tidelines-face-to-face-counselling", "hlth-tidelines-online-counselling"],
        id="counselling-teenagers",
    ),
    pytest.param("eating disorder", ["hlth-camhs-eating-disorders"], id="eating-disorder"),
    pytest.param(
        "challenging behavior", ["edu-lighthouse-semh-outreach"], id="challenging-behavior-us"
    ),
    # Plans and assessments
    pytest.param(
        "EHCP",
        ["edu-ehc-needs-assessment", "edu-ehc-plan-annual-reviews"],
        id="ehcp",
    ),
    pytest.param(
        "how do I apply for an EHCP",
        ["edu-ehc-needs-assessment"],
        id="apply-for-ehcp",
    ),
    pytest.param(
        "EHC needs assessment",
        ["edu-ehc-needs-assessment", "care-sendiass-independent-supporters"],
        id="ehc-needs-assessment",
    ),
    pytest.param("annual review", ["edu-ehc-plan-annual-reviews"], id="annual-review"),
    # Advice and having your say
    pytest.param("SENDIASS", ["care-sendiass-helpline"], id="sendiass"),
    pytest.param("SEND tribunal", ["care-sendiass-helpline"], id="send-tribunal"),
    pytest.param("parent carer forum", ["care-parent-voice-forum"], id="parent-carer-forum"),
    pytest.param("coffee morning", ["care-parent-voice-forum"], id="coffee-morning"),
    # Short breaks
    pytest.param(
        "respite",
        ["care-beechwood-overnight-short-breaks", "care-short-breaks-grant"],
        id="respite",
    ),
    pytest.param(
        "short breaks",
        ["care-short-breaks-grant", "care-hampshire-short-breaks-activities"],
        id="short-breaks",
    ),
    pytest.param(
        "overnight respite", ["care-beechwood-overnight-short-breaks"], id="overnight-respite"
    ),
    pytest.param(
        "holiday playscheme", ["care-rainbow-holiday-playscheme"], id="holiday-playscheme"
    ),
    # Early years
    pytest.param("portage", ["edu-portage-home-visiting"], id="portage"),
    pytest.param(
        "nursery",
        ["edu-little-harbour-nursery-place", "edu-seahorse-nursery-place"],
        id="nursery",
    ),
    pytest.param(
        "childminders", ["edu-childminding-network-find-a-childminder"], id="childminders"
    ),
    pytest.param(
        "free nursery hours", ["edu-little-harbour-funded-places"], id="free-nursery-hours"
    ),
    pytest.param(
        "health visitor",
        ["hlth-health-visiting-development-reviews", "hlth-specialist-health-visitors"],
        id="health-visitor",
    ),
    pytest.param("2 year check", ["hlth-health-visiting-development-reviews"], id="two-year-check"),
    # School
    pytest.param(
        "special school for severe learning difficulties",
        ["edu-rosewood-school-place"],
        id="sld-special-school",
    ),
    pytest.param("SEMH school", ["edu-lighthouse-school-place"], id="semh-school"),
    pytest.param("SENCO", ["edu-early-years-area-senco"], id="senco"),
    pytest.param(
        "educational psychologist",
        ["edu-ep-parent-phone-line", "edu-ep-school-consultation"],
        id="educational-psychologist",
    ),
    pytest.param(
        "excluded from school",
        ["edu-compass-alternative-provision", "care-sendiass-helpline"],
        id="excluded",
    ),
    pytest.param(
        "too ill for school",
        ["edu-medical-needs-tuition", "edu-hospital-schoolroom"],
        id="too-ill-for-school",
    ),
    pytest.param(
        "home schooling",
        ["edu-ehe-advice-and-support", "care-home-education-parent-workshops"],
        id="home-schooling",
    ),
    pytest.param(
        "dyslexia",
        ["edu-copnor-park-learning-support", "edu-portsea-bay-learning-support"],
        id="dyslexia",
    ),
    # College, work and growing up
    pytest.param(
        "support at college",
        ["edu-portsea-bay-learning-support", "edu-downs-havant-learning-support"],
        id="support-at-college",
    ),
    pytest.param(
        "specialist college",
        ["edu-meon-valley-day-placement", "edu-meon-valley-residential"],
        id="specialist-college",
    ),
    pytest.param(
        "supported internship",
        ["edu-portsea-bay-supported-internship", "care-supported-internships"],
        id="supported-internship",
    ),
    pytest.param("job coach", ["care-job-coaching"], id="job-coach"),
    pytest.param(
        "transition to adult services",
        ["care-transition-team-14-25", "hlth-transition-to-adult-health"],
        id="transition-to-adult-services",
    ),
    pytest.param(
        "independent living skills", ["care-independent-living-skills"], id="independent-living"
    ),
    pytest.param("supported housing", ["care-supported-housing-advice"], id="supported-housing"),
    pytest.param(
        "annual health check", ["hlth-learning-disability-health-checks"], id="annual-health-check"
    ),
    # Getting about
    pytest.param("travel training", ["care-independent-travel-training"], id="travel-training"),
    pytest.param("school transport", ["care-send-home-to-school-transport"], id="school-transport"),
    pytest.param("taxi to school", ["care-send-home-to-school-transport"], id="taxi-to-school"),
    pytest.param("transport to college", ["care-post-16-transport"], id="transport-to-college"),
    pytest.param("blue badge", ["care-blue-badge-bus-pass"], id="blue-badge"),
    # Money
    pytest.param("DLA", ["care-disability-benefits-advice"], id="dla"),
    pytest.param("PIP", ["care-disability-benefits-advice"], id="pip"),
    pytest.param("benefits advice", ["care-disability-benefits-advice"], id="benefits-advice"),
    pytest.param(
        "direct payments",
        ["care-short-breaks-direct-payments", "care-personal-budgets-advice"],
        id="direct-payments",
    ),
    pytest.param(
        "personal budget",
        ["care-personal-budgets-advice", "hlth-personal-health-budgets"],
        id="personal-budget",
    ),
    pytest.param("personal assistant", ["care-personal-assistant-finder"], id="personal-assistant"),
    # Families and circumstances
    pytest.param("young carers", ["care-young-carers-service"], id="young-carers"),
    pytest.param("siblings", ["care-sibling-support-group"], id="siblings"),
    pytest.param(
        "social worker for disabled child",
        ["care-disabled-children-social-work-assessment"],
        id="disabled-children-social-worker",
    ),
    pytest.param(
        "children in care",
        ["edu-virtual-school-children-in-care", "hlth-camhs-looked-after-children"],
        id="children-in-care",
    ),
    pytest.param("care leaver", ["care-leavers-personal-advisers"], id="care-leaver"),
    pytest.param("bereavement", ["hlth-hospice-family-support"], id="bereavement"),
    # Sensory, physical and health
    pytest.param("wheelchair", ["hlth-childrens-wheelchair-service"], id="wheelchair"),
    pytest.param(
        "deaf",
        ["edu-hearing-support-team", "edu-northmead-hearing-inclusion-centre"],
        id="deaf",
    ),
    pytest.param("hearing test", ["hlth-childrens-audiology"], id="hearing-test"),
    pytest.param("blind", ["edu-vision-support-team", "hlth-eye-clinic-liaison"], id="blind"),
    pytest.param("potty training", ["hlth-childrens-continence-service"], id="potty-training"),
    pytest.param("bedwetting", ["hlth-enuresis-clinic"], id="bedwetting"),
    pytest.param(
        "sleep problems", ["hlth-sleep-clinic", "hlth-sleep-workshops"], id="sleep-problems"
    ),
    pytest.param("hospice", ["hlth-hospice-short-breaks", "hlth-hospice-at-home"], id="hospice"),
    pytest.param("tube feeding", ["hlth-childrens-community-nursing-team"], id="tube-feeding"),
    pytest.param(
        "pediatrician", ["hlth-community-paediatric-clinics"], id="pediatrician-us-spelling"
    ),
    # Things to do
    pytest.param("youth club", ["care-inclusive-youth-club"], id="youth-club"),
    pytest.param(
        "swimming",
        ["care-saturday-swimming-session"],
        id="swimming",
    ),
    pytest.param("sports club", ["care-ability-multi-sports-club"], id="sports-club"),
]

# (query, the age filter as the family sets it, slugs that must all be in the top five)
AGED_QUERIES = [
    pytest.param(
        "ASD",
        "7",
        ["edu-autism-outreach-primary", "hlth-camhs-neurodevelopmental-pathway"],
        id="asd-age-7",
    ),
    pytest.param(
        "autism assessment",
        "4",
        ["hlth-neurodevelopmental-assessment-under-7s"],
        id="autism-assessment-age-4",
    ),
    pytest.param(
        "autism assessment",
        "12",
        ["hlth-camhs-neurodevelopmental-pathway"],
        id="autism-assessment-age-12",
    ),
    pytest.param(
        "autism outreach", "13", ["edu-inclusion-outreach-secondary"], id="autism-outreach-age-13"
    ),
    pytest.param(
        "autism college",
        "16",
        ["edu-fareham-waterside-autism-transition"],
        id="autism-college-age-16",
    ),
    pytest.param(
        "ADHD",
        "5-10",
        ["care-adhd-parenting-course", "hlth-adhd-medication-clinic"],
        id="adhd-age-5-10",
    ),
    pytest.param("speech therapy", "3", ["hlth-slt-early-years"], id="speech-therapy-age-3"),
    pytest.param("speech therapy", "9", ["hlth-slt-school-age"], id="speech-therapy-age-9"),
    pytest.param("youth club", "14", ["care-inclusive-youth-club"], id="youth-club-age-14"),
    pytest.param("social club", "20", ["care-friday-social-club-16-25"], id="social-club-age-20"),
    pytest.param("young carers", "19", ["care-young-adult-carers"], id="young-carers-age-19"),
    pytest.param("SENDIASS", "17", ["care-sendiass-young-people"], id="sendiass-age-17"),
    pytest.param("hospice", "21", ["hlth-hospice-young-adults"], id="hospice-age-21"),
    pytest.param("transport", "17", ["care-post-16-transport"], id="transport-age-17"),
    pytest.param(
        "counselling",
        "20",
        ["hlth-tidelines-face-to-face-counselling", "hlth-tidelines-online-counselling"],
        id="counselling-age-20",
    ),
]

# (query, slugs that must NOT be in the top five): services that only share a word, or have
# closed, must not crowd out the answer.
UNWANTED = [
    pytest.param(
        "speech therapy",
        ["hlth-physiotherapy", "hlth-occupational-therapy"],
        id="speech-therapy-is-not-physio-or-ot",
    ),
    pytest.param(
        "blind",
        ["edu-northmead-hearing-inclusion-centre", "hlth-childrens-audiology"],
        id="blind-is-not-hearing",
    ),
    pytest.param(
        "young carers",
        ["care-parent-voice-forum", "hlth-tidelines-parent-wellbeing-group"],
        id="young-carers-is-not-parent-carers",
    ),
    pytest.param(
        "wheelchair repair", ["hlth-wheelchair-repair-drop-in"], id="closed-wheelchair-repair"
    ),
    pytest.param(
        "wheelchair basketball",
        ["care-junior-wheelchair-basketball"],
        id="closed-wheelchair-basketball",
    ),
]


def _slugs(params) -> set[str]:
    return {slug for param in params for slug in param.values[-1]}


def service_by_slug(slug: str) -> Service | None:
    return db.session.scalar(select(Service).where(Service.slug == slug))


def top_services(client, query: str, age: str | None = None) -> list[Service]:
    """The first five services the results page shows for ``query``, in order."""
    arguments = {"q": query}
    if age is not None:
        arguments["age"] = age
    response = client.get("/services", query_string=arguments)
    assert response.status_code == 200, f"/services?{arguments} answered {response.status_code}"
    ids = [int(i) for i in RESULT_LINK.findall(response.get_data(as_text=True))][:TOP]
    found = {s.id: s for s in db.session.scalars(select(Service).where(Service.id.in_(ids)))}
    return [found[i] for i in ids]


def describe(services: list[Service]) -> str:
    return (
        "\n".join(f"  {n}. {s.name} [{s.slug}]" for n, s in enumerate(services, start=1))
        or "  (nothing)"
    )


def assert_in_top(services: list[Service], expected: list[str], search: str) -> None:
    shown = [s.slug for s in services]
    missing = [slug for slug in expected if slug not in shown]
    assert not missing, (
        f"{search}: expected in the top {TOP} but missing: {', '.join(missing)}\n"
        f"Top {TOP} was:\n{describe(services)}"
    )


@pytest.mark.parametrize(("query", "expected"), FAMILY_QUERIES)
def test_family_query_puts_the_obvious_services_in_the_top_five(client, query, expected):
    assert_in_top(top_services(client, query), expected, f"q={query!r}")


@pytest.mark.parametrize(("query", "age", "expected"), AGED_QUERIES)
def test_family_query_with_an_age_puts_the_right_services_in_the_top_five(
    client, query, age, expected
):
    services = top_services(client, query, age)
    assert_in_top(services, expected, f"q={query!r} age={age}")


@pytest.mark.parametrize(("query", "unwanted"), UNWANTED)
def test_services_that_only_share_a_word_stay_out_of_the_top_five(client, query, unwanted):
    services = top_services(client, query)
    intruders = [s.slug for s in services if s.slug in unwanted]
    assert not intruders, (
        f"q={query!r}: {', '.join(intruders)} should not be in the top {TOP}\n"
        f"Top {TOP} was:\n{describe(services)}"
    )


def test_every_expected_service_exists_and_is_listed(app):
    """A mistyped or delisted slug would otherwise pass silently as an expected failure."""
    wanted = _slugs(FAMILY_QUERIES) | _slugs(AGED_QUERIES)
    problems = []
    for slug in sorted(wanted):
        service = service_by_slug(slug)
        if service is None:
            problems.append(f"{slug}: no such service")
        elif service.status == ServiceStatus.CLOSED:
            problems.append(f"{slug}: closed, so never listed")
    assert not problems, "\n".join(problems)
    for slug in _slugs(UNWANTED):
        assert service_by_slug(slug) is not None, f"{slug}: no such service"


def test_suite_reads_the_page_in_relevance_order(client):
    """The HTTP results list is the engine's relevance order, so the cases measure ranking."""
    page, outcome = browse_services(DirectoryFilters(q="ASD", age=(7, 7)), 1, 20)
    assert outcome.sort == "relevance"
    shown = [s.id for s in top_services(client, "ASD", "7")]
    assert shown == [s.id for s in page.services[:TOP]]
    assert len(shown) == TOP
