"""Guides: the information pages a Local Offer publishes beside its services.

A guide's words (title, summary, body) are kept as numbered versions: every save adds one, and
families see only the version an officer published. The page row holds what is not versioned
(section, audience, owner team, review dates, related services, the young people's version).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    func,
)
from sqlalchemy.orm import Mapped, foreign, mapped_column, relationship

from localoffer.models.accounts import User
from localoffer.models.base import Base, TimestampMixin, value_enum
from localoffer.models.directory import SLUG_LENGTH, Service, TaxonomyTerm


class GuideStatus(enum.StrEnum):
    """Whether families can see a guide."""

    DRAFT = "draft"
    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class GuideAudience(enum.StrEnum):
    """Who a guide is written for."""

    FAMILIES = "families"
    YOUNG_PEOPLE = "young_people"

    @property
    def label(self) -> str:
        return "Parents and carers" if self is GuideAudience.FAMILIES else "Young people (14 to 25)"


guide_related_service = Table(
    "guide_related_service",
    Base.metadata,
    Column("guide_id", ForeignKey("guide_page.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", ForeignKey("service.id", ondelete="CASCADE"), primary_key=True),
)

guide_taxonomy_term = Table(
    "guide_taxonomy_term",
    Base.metadata,
    Column("guide_id", ForeignKey("guide_page.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "taxonomy_term_id", ForeignKey("taxonomy_term.id", ondelete="CASCADE"), primary_key=True
    ),
)


class GuideSection(Base):
    """A group of guides on the contents page, such as "Education, health and care plans"."""

    __tablename__ = "guide_section"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(SLUG_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    guides: Mapped[list[GuidePage]] = relationship(back_populates="section")

    __table_args__ = (
        CheckConstraint("name <> ''", name="name_not_empty"),
        CheckConstraint("slug <> ''", name="slug_not_empty"),
    )


class GuideVersion(Base):
    """One saved state of a guide's words; never changed once written."""

    __tablename__ = "guide_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    guide_id: Mapped[int] = mapped_column(ForeignKey("guide_page.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    # Why this version exists: "Restored version 2", "Loaded from the seed files", or the officer's
    # own words.
    note: Mapped[str] = mapped_column(String(300), default="")
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )

    guide: Mapped[GuidePage] = relationship(back_populates="versions")
    author: Mapped[User | None] = relationship()

    __table_args__ = (
        UniqueConstraint("guide_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("title <> ''", name="title_not_empty"),
    )


class GuidePage(TimestampMixin, Base):
    """An information page; its words live in ``versions``, the published one in
    ``published_version``."""

    __tablename__ = "guide_page"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(SLUG_LENGTH), unique=True)
    section_id: Mapped[int] = mapped_column(
        ForeignKey("guide_section.id", ondelete="RESTRICT"), index=True
    )
    audience: Mapped[GuideAudience] = mapped_column(
        value_enum(GuideAudience, "guide_audience"), default=GuideAudience.FAMILIES
    )
    status: Mapped[GuideStatus] = mapped_column(
        value_enum(GuideStatus, "guide_status"), default=GuideStatus.DRAFT
    )
    # The number of the version families see; None until the guide is first published.
    published_number: Mapped[int | None] = mapped_column(Integer)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    owner_team: Mapped[str] = mapped_column(String(200))
    # Set only when a person confirms the guide is still right, never from the last edit.
    last_reviewed_on: Mapped[date | None] = mapped_column(Date)
    review_due_on: Mapped[date | None] = mapped_column(Date, index=True)
    # A family guide's version written for young people aged 14 to 25.
    young_people_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("guide_page.id", ondelete="SET NULL"), unique=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)

    section: Mapped[GuideSection] = relationship(back_populates="guides")
    versions: Mapped[list[GuideVersion]] = relationship(
        back_populates="guide", cascade="all, delete-orphan", order_by="GuideVersion.number"
    )
    published_version: Mapped[GuideVersion | None] = relationship(
        primaryjoin=lambda: and_(
            foreign(GuideVersion.guide_id) == GuidePage.id,
            GuideVersion.number == GuidePage.published_number,
        ),
        viewonly=True,
        uselist=False,
    )
    young_people_version: Mapped[GuidePage | None] = relationship(
        remote_side=lambda: [GuidePage.id],
        foreign_keys=lambda: [GuidePage.young_people_version_id],
        back_populates="family_version",
    )
    family_version: Mapped[GuidePage | None] = relationship(
        foreign_keys=lambda: [GuidePage.young_people_version_id],
        back_populates="young_people_version",
        uselist=False,
    )
    related_services: Mapped[list[Service]] = relationship(
        secondary=guide_related_service, order_by="Service.name"
    )
    taxonomy_terms: Mapped[list[TaxonomyTerm]] = relationship(
        secondary=guide_taxonomy_term, order_by="TaxonomyTerm.position"
    )

    __table_args__ = (
        CheckConstraint("slug <> ''", name="slug_not_empty"),
        CheckConstraint("owner_team <> ''", name="owner_team_not_empty"),
        CheckConstraint(
            "status <> 'published' OR published_number IS NOT NULL",
            name="published_has_version",
        ),
        CheckConstraint(
            "young_people_version_id IS NULL OR young_people_version_id <> id",
            name="young_people_version_not_itself",
        ),
    )

    @property
    def latest_version(self) -> GuideVersion | None:
        return self.versions[-1] if self.versions else None

    @property
    def title(self) -> str:
        """The working title (the latest version's), for officers' lists."""
        latest = self.latest_version
        return latest.title if latest else self.slug

    @property
    def is_public(self) -> bool:
        return self.status is GuideStatus.PUBLISHED and self.published_number is not None

    @property
    def has_unpublished_changes(self) -> bool:
        latest = self.latest_version
        return latest is not None and latest.number != self.published_number
