"""The directory: organisations, services, locations and their details (Open Referral UK aligned).

Table and column names follow the Open Referral UK / HSDS data model where one exists, so the
API can publish them without renaming. Rules that protect the data (not null, foreign keys,
unique slugs, minimum age <= maximum age, opening before closing) live in the database, not only
in forms.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from localoffer.models.base import Base, TimestampMixin, UuidMixin, value_enum

SLUG_LENGTH = 120


class ServiceStatus(enum.StrEnum):
    """Whether a service is running. A closed service stays in the database but is not listed."""

    ACTIVE = "active"
    TEMPORARILY_CLOSED = "temporarily_closed"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class SendQuestion(enum.StrEnum):
    """The fixed SEND information questions every listing answers."""

    STAFF_TRAINING = "staff_training"
    INVOLVEMENT = "involvement"
    ACCESSIBILITY = "accessibility"
    TRANSITIONS = "transitions"
    SEND_CONTACT = "send_contact"

    @property
    def question(self) -> str:
        return SEND_QUESTION_TEXT[self]


SEND_QUESTION_TEXT = {
    SendQuestion.STAFF_TRAINING: "What training do staff have in special educational needs "
    "and disabilities?",
    SendQuestion.INVOLVEMENT: "How are parents, carers and young people involved?",
    SendQuestion.ACCESSIBILITY: "How accessible is the service?",
    SendQuestion.TRANSITIONS: "How do you help when a child or young person moves on?",
    SendQuestion.SEND_CONTACT: "Who can I contact about special educational needs?",
}

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


service_taxonomy_term = Table(
    "service_taxonomy_term",
    Base.metadata,
    Column(
        "service_id", ForeignKey("service.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
    Column(
        "taxonomy_term_id",
        ForeignKey("taxonomy_term.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class Organization(UuidMixin, TimestampMixin, Base):
    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(SLUG_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str | None] = mapped_column(String(254))
    website: Mapped[str | None] = mapped_column(String(500))
    phone: Mapped[str | None] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer, default=1)

    services: Mapped[list[Service]] = relationship(
        back_populates="organization", order_by="Service.name"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (CheckConstraint("name <> ''", name="name_not_empty"),)


class Service(UuidMixin, TimestampMixin, Base):
    __tablename__ = "service"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(SLUG_LENGTH), unique=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    alternate_name: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    how_to_access: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(500))
    email: Mapped[str | None] = mapped_column(String(254))
    status: Mapped[ServiceStatus] = mapped_column(
        value_enum(ServiceStatus, "service_status"),
        default=ServiceStatus.ACTIVE,
    )
    visible_from: Mapped[date | None] = mapped_column(Date)
    visible_to: Mapped[date | None] = mapped_column(Date)
    information_incomplete: Mapped[bool] = mapped_column(Boolean, default=False)
    # None means the listing does not say.
    diagnosis_needed: Mapped[bool | None] = mapped_column(Boolean)
    ehc_plan_needed: Mapped[bool] = mapped_column(Boolean, default=False)
    sen_information_report_url: Mapped[str | None] = mapped_column(String(500))
    # Set only when a person confirms the listing is correct, never from the last edit.
    last_reviewed_on: Mapped[date | None] = mapped_column(Date)
    review_due_on: Mapped[date | None] = mapped_column(Date, index=True)
    # None while the listing is a draft: drafts are invisible to families and to the index.
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When the provider was last reminded that the review date is near (one reminder per due date).
    review_reminder_sent_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)

    organization: Mapped[Organization] = relationship(back_populates="services")
    eligibilities: Mapped[list[Eligibility]] = relationship(
        back_populates="service", cascade="all, delete-orphan", order_by="Eligibility.id"
    )
    cost_options: Mapped[list[CostOption]] = relationship(
        back_populates="service", cascade="all, delete-orphan", order_by="CostOption.id"
    )
    schedules: Mapped[list[Schedule]] = relationship(
        back_populates="service", cascade="all, delete-orphan", order_by="Schedule.id"
    )
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="service", cascade="all, delete-orphan", order_by="Contact.id"
    )
    service_areas: Mapped[list[ServiceArea]] = relationship(
        back_populates="service", cascade="all, delete-orphan", order_by="ServiceArea.id"
    )
    languages: Mapped[list[Language]] = relationship(
        back_populates="service", cascade="all, delete-orphan", order_by="Language.id"
    )
    send_answers: Mapped[list[SendAnswer]] = relationship(
        back_populates="service", cascade="all, delete-orphan", order_by="SendAnswer.id"
    )
    service_at_locations: Mapped[list[ServiceAtLocation]] = relationship(
        back_populates="service", cascade="all, delete-orphan", order_by="ServiceAtLocation.id"
    )
    taxonomy_terms: Mapped[list[TaxonomyTerm]] = relationship(
        secondary=service_taxonomy_term, order_by="TaxonomyTerm.position"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint("name <> ''", name="name_not_empty"),
        CheckConstraint("slug <> ''", name="slug_not_empty"),
        CheckConstraint(
            "visible_from IS NULL OR visible_to IS NULL OR visible_from <= visible_to",
            name="visible_from_before_to",
        ),
    )

    @property
    def organization_name(self) -> str:
        """As ``ResultService`` has it, so one template shows either."""
        return self.organization.name

    @property
    def locations(self) -> list[Location]:
        return [sal.location for sal in self.service_at_locations]

    def terms_in(self, taxonomy_slug: str) -> list[TaxonomyTerm]:
        """This service's terms from one vocabulary, in the vocabulary's order."""
        return [t for t in self.taxonomy_terms if t.taxonomy.slug == taxonomy_slug]

    def send_answer(self, question: SendQuestion) -> str | None:
        for answer in self.send_answers:
            if answer.question == question.value:
                return answer.answer
        return None


class Eligibility(Base):
    __tablename__ = "eligibility"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    minimum_age: Mapped[int | None] = mapped_column(Integer)
    maximum_age: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")

    service: Mapped[Service] = relationship(back_populates="eligibilities")

    __table_args__ = (
        CheckConstraint("minimum_age IS NULL OR minimum_age >= 0", name="minimum_age_not_negative"),
        CheckConstraint("maximum_age IS NULL OR maximum_age <= 120", name="maximum_age_plausible"),
        CheckConstraint(
            "minimum_age IS NULL OR maximum_age IS NULL OR minimum_age <= maximum_age",
            name="minimum_age_not_above_maximum",
        ),
    )


class CostOption(Base):
    __tablename__ = "cost_option"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    is_free: Mapped[bool] = mapped_column(Boolean)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    currency: Mapped[str] = mapped_column(String(3), default="GBP")
    option: Mapped[str | None] = mapped_column(String(200))
    amount_description: Mapped[str] = mapped_column(Text, default="")

    service: Mapped[Service] = relationship(back_populates="cost_options")

    __table_args__ = (
        CheckConstraint("amount IS NULL OR amount >= 0", name="amount_not_negative"),
        CheckConstraint(
            "is_free OR amount IS NOT NULL OR amount_description <> ''",
            name="paid_option_says_what",
        ),
    )


class Location(UuidMixin, TimestampMixin, Base):
    __tablename__ = "location"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(SLUG_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    address_1: Mapped[str] = mapped_column(String(200), default="")
    city: Mapped[str] = mapped_column(String(100))
    postcode: Mapped[str] = mapped_column(String(10), index=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    # Home-based providers (childminders, shared care carers) show the town only.
    mask_address: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)

    accessibilities: Mapped[list[Accessibility]] = relationship(
        back_populates="location", cascade="all, delete-orphan", order_by="Accessibility.id"
    )
    service_at_locations: Mapped[list[ServiceAtLocation]] = relationship(back_populates="location")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint("latitude IS NULL OR (latitude BETWEEN -90 AND 90)", name="latitude_range"),
        CheckConstraint(
            "longitude IS NULL OR (longitude BETWEEN -180 AND 180)", name="longitude_range"
        ),
        CheckConstraint("postcode <> ''", name="postcode_not_empty"),
    )

    @property
    def outward_code(self) -> str:
        return self.postcode.split()[0] if self.postcode else ""

    @property
    def public_address_lines(self) -> list[str]:
        """The address a family sees: the town and outward code only when the address is masked."""
        if self.mask_address:
            return [self.city, self.outward_code]
        return [line for line in (self.address_1, self.city, self.postcode) if line]


class Accessibility(Base):
    __tablename__ = "accessibility"

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(
        ForeignKey("location.id", ondelete="CASCADE"), index=True
    )
    description: Mapped[str] = mapped_column(Text)
    details: Mapped[str] = mapped_column(Text, default="")

    location: Mapped[Location] = relationship(back_populates="accessibilities")


class ServiceAtLocation(UuidMixin, Base):
    __tablename__ = "service_at_location"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    location_id: Mapped[int] = mapped_column(
        ForeignKey("location.id", ondelete="RESTRICT"), index=True
    )

    service: Mapped[Service] = relationship(back_populates="service_at_locations")
    location: Mapped[Location] = relationship(back_populates="service_at_locations")

    __table_args__ = (UniqueConstraint("service_id", "location_id"),)


class Contact(Base):
    __tablename__ = "contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(254))

    service: Mapped[Service] = relationship(back_populates="contacts")
    phones: Mapped[list[Phone]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", order_by="Phone.id"
    )


class Phone(Base):
    __tablename__ = "phone"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(String(200), default="")

    contact: Mapped[Contact] = relationship(back_populates="phones")

    __table_args__ = (CheckConstraint("number <> ''", name="number_not_empty"),)


class Schedule(Base):
    """Regular opening times: the days in ``byday`` (iCalendar codes) from opens_at to closes_at."""

    __tablename__ = "schedule"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    byday: Mapped[str] = mapped_column(String(30))
    opens_at: Mapped[time] = mapped_column(Time)
    closes_at: Mapped[time] = mapped_column(Time)
    description: Mapped[str] = mapped_column(Text, default="")

    service: Mapped[Service] = relationship(back_populates="schedules")

    __table_args__ = (
        CheckConstraint("opens_at < closes_at", name="opens_before_closes"),
        CheckConstraint("byday <> ''", name="byday_not_empty"),
    )

    @property
    def days(self) -> list[str]:
        return [d for d in self.byday.split(",") if d]


class ServiceArea(Base):
    __tablename__ = "service_area"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")

    service: Mapped[Service] = relationship(back_populates="service_areas")


class Language(Base):
    __tablename__ = "language"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str | None] = mapped_column(String(10))

    service: Mapped[Service] = relationship(back_populates="languages")


class SendAnswer(Base):
    """A service's answer to one of the fixed SEND information questions."""

    __tablename__ = "send_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    question: Mapped[str] = mapped_column(String(40))
    answer: Mapped[str] = mapped_column(Text)

    service: Mapped[Service] = relationship(back_populates="send_answers")

    __table_args__ = (
        UniqueConstraint("service_id", "question"),
        CheckConstraint(
            "question IN (" + ", ".join(f"'{q.value}'" for q in SendQuestion) + ")",
            name="known_question",
        ),
    )


class Taxonomy(Base):
    """A vocabulary, such as category or area of need."""

    __tablename__ = "taxonomy"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(SLUG_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")

    terms: Mapped[list[TaxonomyTerm]] = relationship(
        back_populates="taxonomy", order_by="TaxonomyTerm.position"
    )


class TaxonomyTerm(UuidMixin, Base):
    __tablename__ = "taxonomy_term"

    id: Mapped[int] = mapped_column(primary_key=True)
    taxonomy_id: Mapped[int] = mapped_column(
        ForeignKey("taxonomy.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("taxonomy_term.id", ondelete="CASCADE"), index=True
    )
    slug: Mapped[str] = mapped_column(String(SLUG_LENGTH))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    taxonomy: Mapped[Taxonomy] = relationship(back_populates="terms")
    parent: Mapped[TaxonomyTerm | None] = relationship(
        remote_side="TaxonomyTerm.id", back_populates="children"
    )
    children: Mapped[list[TaxonomyTerm]] = relationship(
        back_populates="parent", order_by="TaxonomyTerm.position"
    )

    __table_args__ = (
        UniqueConstraint("taxonomy_id", "slug"),
        CheckConstraint("slug <> ''", name="slug_not_empty"),
    )
