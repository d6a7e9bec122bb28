"""Contact clicks: how often families used a service's phone number, email address or website.

An outcome measure for the annual report, counted without identifiers: a row holds the service,
the kind of contact and the day, nothing else (no time of day, no address, no account, no
session, no browser details), so a row cannot be tied to a person or put in order with a log.
"""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import Date, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from localoffer.models.base import Base, value_enum


class ContactKind(enum.StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    WEBSITE = "website"

    @property
    def label(self) -> str:
        return {"phone": "Phone", "email": "Email", "website": "Website"}[self.value]


class ContactClick(Base):
    """One click on one service's contact details, on one day."""

    __tablename__ = "contact_click"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"))
    kind: Mapped[ContactKind] = mapped_column(value_enum(ContactKind, "contact_kind"))
    clicked_on: Mapped[date] = mapped_column(Date)

    __table_args__ = (
        # Covers the annual report's counts of a period's clicks by kind and by service.
        Index("ix_contact_click_report", "clicked_on", "service_id", "kind"),
        Index("ix_contact_click_service_id", "service_id"),
    )
