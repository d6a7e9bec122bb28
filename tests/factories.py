"""Small helpers that make valid records (directory, accounts) for tests that write."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from localoffer.auth.passwords import hash_password
from localoffer.extensions import db
from localoffer.models import (
    GuideAudience,
    GuidePage,
    GuideSection,
    GuideStatus,
    GuideVersion,
    Organization,
    Role,
    Service,
    User,
)

_numbers = itertools.count(1)


def organization(**values) -> Organization:
    n = next(_numbers)
    record = Organization(**{"slug": f"org-{n}", "name": f"Organisation {n}", **values})
    db.session.add(record)
    db.session.flush()
    return record


def service(org: Organization | None = None, **values) -> Service:
    n = next(_numbers)
    fields = {
        "slug": f"service-{n}",
        "name": f"Service {n}",
        "description": "What it does.",
        "published_at": datetime.now(UTC),
    }
    fields.update(values)
    record = Service(organization=org or organization(), **fields)
    db.session.add(record)
    db.session.flush()
    return record


PASSWORD = "a long enough test password"


def user(role: Role | str = Role.OFFICER, password: str | None = PASSWORD, **values) -> User:
    """A user with a unique email; providers get an organisation of their own."""
    n = next(_numbers)
    role = Role(role)
    fields = {"email": f"person-{n}@example.org", "name": f"Person {n}", "role": role}
    if role == Role.PROVIDER and "organization" not in values:
        fields["organization"] = organization()
    fields.update(values)
    record = User(password_hash=hash_password(password) if password else None, **fields)
    db.session.add(record)
    db.session.flush()
    return record


def review_template(slug: str = "service-mystery-shop", version: int | None = None):
    """A loaded review template version (the newest unless ``version`` is given)."""
    from sqlalchemy import select

    from localoffer.models import ReviewTemplate

    query = select(ReviewTemplate).where(ReviewTemplate.slug == slug)
    if version is not None:
        query = query.where(ReviewTemplate.version == version)
    return db.session.scalars(query.order_by(ReviewTemplate.version.desc())).first()


def review(author: User | None = None, template=None, answers: dict | None = None, **values):
    """A review with ``answers`` (key to value); submitted unless ``status`` says otherwise."""
    import uuid
    from datetime import UTC, datetime

    from localoffer.models import Review, ReviewAnswer, ReviewStatus

    status = ReviewStatus(values.pop("status", ReviewStatus.SUBMITTED))
    record = Review(
        author=author or user(Role.VOLUNTEER),
        template=template or review_template(),
        draft_key=str(uuid.uuid4()),
        status=status,
        submitted_at=None if status == ReviewStatus.DRAFT else datetime.now(UTC),
        **values,
    )
    for key, value in (answers or {}).items():
        record.answers.append(ReviewAnswer(question_key=key, value=value))
    db.session.add(record)
    db.session.flush()
    return record


def guide_section(**values) -> GuideSection:
    n = next(_numbers)
    fields = {"slug": f"section-{n}", "name": f"Section {n}"}
    fields.update(values)
    record = GuideSection(**fields)
    db.session.add(record)
    db.session.flush()
    return record


def guide(
    versions: int = 1,
    published: bool = True,
    section: GuideSection | None = None,
    audience: GuideAudience = GuideAudience.FAMILIES,
    title: str | None = None,
    body: str = "What families need to know.",
    **values,
) -> GuidePage:
    """A guide with ``versions`` versions ("... version 1", ...); the latest published if asked."""
    n = next(_numbers)
    fields = {"slug": f"guide-{n}", "owner_team": "Local Offer Team"}
    fields.update(values)
    record = GuidePage(section=section or guide_section(), audience=audience, **fields)
    for number in range(1, versions + 1):
        record.versions.append(
            GuideVersion(
                number=number,
                title=title or f"Guide {n} version {number}",
                summary=f"Summary of guide {n}, version {number}.",
                body=f"{body}\n\nVersion {number}.\n",
            )
        )
    if published:
        record.status = GuideStatus.PUBLISHED
        record.published_number = versions
    db.session.add(record)
    db.session.flush()
    return record
