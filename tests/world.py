"""The world the route-walking tests share: a real record for every kind of address argument and
one account per role, built in the current app's database (the route matrix, hostile input)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from localoffer.auth.service import create_invitation
from localoffer.extensions import db
from localoffer.models import (
    ChangeKind,
    ChangeRequest,
    Exercise,
    GlossaryTerm,
    Location,
    Role,
    Service,
    ServiceStatus,
    User,
    WeDid,
    YouSaid,
)
from localoffer.reports.periods import academic_year
from localoffer.reports.service import publish as publish_report
from tests import factories


@dataclass
class World:
    """What was built: the values for every address argument, the accounts, and the records
    tests refer to by name."""

    arguments: dict
    people: dict[str, User]
    service: Service
    managed: Service


def build_world() -> World:
    """Build and commit the records; officers' actions get a listing of their own (``managed``),
    so the public routes walked after them still see a listed service (``service``)."""
    service = db.session.scalars(
        select(Service).where(Service.status == ServiceStatus.ACTIVE).order_by(Service.id)
    ).first()
    target = factories.user(Role.VOLUNTEER)
    guide = factories.guide(versions=2, published=True)
    # A second guide for the public pages, which the officers' POSTs (unpublish) do not touch.
    public_guide = factories.guide(published=True)
    people = {role.value: factories.user(role) for role in Role}
    managed = factories.service()
    location = db.session.scalars(select(Location).order_by(Location.id)).first()
    proposal = ChangeRequest(
        kind=ChangeKind.EDIT,
        organization_id=managed.organization_id,
        service=managed,
        proposed={"name": "A proposed name"},
    )
    db.session.add(proposal)
    invitation, _ = create_invitation("invitee@example.org", Role.VOLUNTEER, None, None)
    review = factories.review(service=service)
    exercise = Exercise(
        month=date(2026, 11, 1),
        title="Exercise",
        case_study="A",
        task="B",
        template=review.template,
    )
    db.session.add(exercise)
    you_said = YouSaid(summary="Families said", source_type="survey", said_on=date(2026, 3, 1))
    you_said.we_did = WeDid(action="We did", team="SEND team", status="done")
    db.session.add(you_said)
    db.session.flush()
    report = publish_report(academic_year(2025), None)
    glossary_entry = db.session.scalars(select(GlossaryTerm).order_by(GlossaryTerm.id)).first()
    db.session.commit()
    arguments = {
        "service_id": service.id,
        "slug": service.slug,
        "theme_slug": "work",
        "token": "not-a-real-token",
        "user_id": target.id,
        "status": "temporarily_closed",
        "organization_id": service.organization_id,
        "location_id": location.id,
        "proposal_id": proposal.id,
        "invitation_id": invitation.id,
        "review_id": review.id,
        "exercise_id": exercise.id,
        "service_at_location_id": "not-a-real-id",
        "taxonomy_id": "not-a-real-id",
        "taxonomy_term_id": "not-a-real-id",
        "guide_slug": public_guide.slug,
        "guide_id": guide.id,
        "number": 1,
        "item_id": you_said.id,
        "period": report.period,
        "version": report.version,
        "kind": "phone",
        "entry_id": glossary_entry.id,
    }
    return World(arguments=arguments, people=people, service=service, managed=managed)
