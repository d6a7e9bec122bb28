"""Providers' proposed changes to their listings, held for an officer's decision."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Integer, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from localoffer.models.accounts import User
from localoffer.models.base import Base, value_enum
from localoffer.models.directory import Organization, Service


class ChangeKind(enum.StrEnum):
    EDIT = "edit"
    NEW = "new"
    CLOSURE = "closure"

    @property
    def label(self) -> str:
        return {"edit": "Change", "new": "New listing", "closure": "Closure"}[self.value]


class ChangeStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class ChangeRequest(Base):
    """A provider's proposal. It never touches the public listing until an officer approves it.

    ``proposed`` holds the listing's editable fields as the provider wants them (the same keys as
    the listing form); ``base_version`` is the listing's version the proposal was written against,
    so an officer can see when the listing has changed since.
    """

    __tablename__ = "change_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ChangeKind] = mapped_column(value_enum(ChangeKind, "change_kind"))
    status: Mapped[ChangeStatus] = mapped_column(
        value_enum(ChangeStatus, "change_status"), default=ChangeStatus.PENDING, index=True
    )
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    service_id: Mapped[int | None] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    proposed: Mapped[dict] = mapped_column(JSON, default=dict)
    base_version: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    organization: Mapped[Organization] = relationship()
    service: Mapped[Service | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    __table_args__ = (
        CheckConstraint("kind = 'new' OR service_id IS NOT NULL", name="change_names_its_service"),
        CheckConstraint(
            "status <> 'rejected' OR decision_reason <> ''", name="rejection_has_a_reason"
        ),
    )
