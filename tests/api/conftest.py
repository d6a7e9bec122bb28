"""A small directory built by hand, whose every answer is known: the API tests' world."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest

from localoffer.audit import record
from localoffer.extensions import db
from localoffer.models import (
    Accessibility,
    Contact,
    CostOption,
    Eligibility,
    Language,
    Location,
    Organization,
    Phone,
    Role,
    Schedule,
    SendAnswer,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceStatus,
    Taxonomy,
    TaxonomyTerm,
)
from tests import factories
from tests.conftest import built_app

PORTSMOUTH = (50.7986, -1.0913)  # PO1 2DX
SOUTHSEA = (50.7850, -1.0700)  # PO4, about 2.3 km from Portsmouth
SOUTHAMPTON = (50.9097, -1.4044)  # SO14, about 25 km away
HOME = (50.7912, -1.0635)


@dataclass
class World:
    organization: Organization
    need: Taxonomy
    autism: TaxonomyTerm
    communication: TaxonomyTerm
    hearing: TaxonomyTerm
    swimming: Service
    autism_group: Service
    childminder: Service
    closed: Service
    hidden: Service
    city_centre: Location
    southsea: Location
    southampton: Location
    home: Location


def _location(slug, name, address, city, postcode, point, masked=False) -> Location:
    location = Location(
        slug=slug,
        name=name,
        address_1=address,
        city=city,
        postcode=postcode,
        latitude=point[0],
        longitude=point[1],
        mask_address=masked,
        description=f"About {name}.",
    )
    db.session.add(location)
    return location


def _service(org, slug, name, description, locations, terms, ages, **fields) -> Service:
    fields.setdefault("published_at", datetime.now(UTC))
    service = Service(
        organization=org,
        slug=slug,
        name=name,
        description=description,
        taxonomy_terms=terms,
        **fields,
    )
    service.eligibilities = [Eligibility(minimum_age=ages[0], maximum_age=ages[1], description="")]
    service.service_at_locations = [ServiceAtLocation(location=loc) for loc in locations]
    db.session.add(service)
    return service


def build_world() -> World:
    """Five services: three listed (one run from a home), one closed, one not yet visible."""
    org = Organization(
        slug="harbour-trust",
        name="Harbour Trust",
        description="A made-up charity.",
        email="hello@harbour.example.org",
        website="https://harbour.example.org/",
        phone="01632 960001",
    )
    need = Taxonomy(slug="need", name="Area of need", description="The four broad areas.")
    communication = TaxonomyTerm(
        taxonomy=need, slug="communication-and-interaction", name="Communication", position=0
    )
    autism = TaxonomyTerm(
        taxonomy=need, slug="autism", name="Autism", parent=communication, position=1
    )
    hearing = TaxonomyTerm(taxonomy=need, slug="hearing", name="Hearing", position=2)
    db.session.add_all([org, need, communication, autism, hearing])
    city_centre = _location(
        "civic", "Civic Offices", "1 Guildhall Square", "Portsmouth", "PO1 2DX", PORTSMOUTH
    )
    southsea = _location("pool", "Southsea Pool", "Pool Road", "Southsea", "PO4 9AA", SOUTHSEA)
    southampton = _location(
        "quay", "Quay Centre", "2 Quay Street", "Southampton", "SO14 2AA", SOUTHAMPTON
    )
    home = _location(
        "home", "Little Steps childminding", "12 Acacia Avenue", "Southsea", "PO4 0QQ", HOME, True
    )
    swimming = _service(
        org,
        "swimming",
        "Sensory swimming sessions",
        "Quiet swimming for children who find noise hard, with trained staff. Café on site.",
        [southsea],
        [hearing],
        (5, 11),
        url="https://harbour.example.org/swim",
        email="swim@harbour.example.org",
        last_reviewed_on=date(2026, 3, 10),
        review_due_on=date(2027, 3, 10),
        alternate_name="Splash",
        how_to_access="Book online.",
        diagnosis_needed=False,
    )
    swimming.schedules = [
        Schedule(byday="SA,SU", opens_at=time(9), closes_at=time(12), description="Weekends")
    ]
    swimming.cost_options = [
        CostOption(is_free=False, amount=Decimal("4.50"), option="Per session"),
        CostOption(is_free=True, amount_description="Free for a carer"),
    ]
    contact = Contact(name="Pool desk", title="Reception", email="desk@harbour.example.org")
    contact.phones = [Phone(number="01632 960002", description="Mornings")]
    swimming.contacts = [contact]
    swimming.service_areas = [ServiceArea(name="Portsmouth", description="The city")]
    swimming.languages = [Language(name="English", code="en"), Language(name="Polish", code="pl")]
    swimming.send_answers = [SendAnswer(question="staff_training", answer="Autism awareness.")]
    southsea.accessibilities = [Accessibility(description="Pool hoist", details="Ask at desk")]
    autism_group = _service(
        org,
        "autism-group",
        "Autism parent support group",
        "A monthly group for parents of autistic children.",
        [city_centre, southampton],
        [autism],
        (0, 18),
        status=ServiceStatus.TEMPORARILY_CLOSED,
    )
    autism_group.schedules = [Schedule(byday="TU", opens_at=time(18), closes_at=time(20))]
    childminder = _service(
        org,
        "childminder",
        "Little Steps childminder",
        "A childminder with experience of Down syndrome.",
        [home],
        [communication],
        (0, 4),
    )
    closed = _service(
        org, "closed", "Closed autism club", "Closed.", [city_centre], [autism], (0, 25),
        status=ServiceStatus.CLOSED,
    )  # fmt: skip
    hidden = _service(
        org, "hidden", "Future autism club", "Not yet.", [city_centre], [autism], (0, 25),
        visible_from=date.today() + timedelta(days=30),
    )  # fmt: skip
    db.session.flush()
    officer = factories.user(Role.OFFICER)
    record("service.updated", officer, swimming, {"name": ["Swimming", swimming.name]})
    db.session.commit()
    return World(
        org, need, autism, communication, hearing, swimming, autism_group, childminder,
        closed, hidden, city_centre, southsea, southampton, home,
    )  # fmt: skip


@pytest.fixture(scope="module")
def world_app(tmp_path_factory):
    """One app over the hand-built world, shared by a module's read-only tests."""
    with built_app(tmp_path_factory.mktemp("api-world"), seeded=False) as app:
        with app.app_context():
            built = build_world()
            ids = {name: getattr(built, name).id for name in World.__dataclass_fields__}
        yield app, ids


@pytest.fixture
def world(world_app) -> Iterator[World]:
    """The world's records, loaded in this test's app context (read-only tests)."""
    app, ids = world_app
    with app.app_context():
        yield World(
            **{name: db.session.get(type_of(name), record_id) for name, record_id in ids.items()}
        )
        db.session.rollback()


@pytest.fixture
def api(world_app):
    return world_app[0].test_client()


def type_of(field_name: str):
    return {
        "organization": Organization,
        "need": Taxonomy,
        **dict.fromkeys(("autism", "communication", "hearing"), TaxonomyTerm),
        **dict.fromkeys(("swimming", "autism_group", "childminder", "closed", "hidden"), Service),
        **dict.fromkeys(("city_centre", "southsea", "southampton", "home"), Location),
    }[field_name]
