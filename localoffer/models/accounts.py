"""Accounts: people who sign in, and the invitations that bring them in (no public sign-up)."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from localoffer.models.base import Base, TimestampMixin, value_enum
from localoffer.models.directory import Organization


class Role(enum.StrEnum):
    """What a person may do; officers and admins run the site."""

    VOLUNTEER = "volunteer"
    YOUNG_INSPECTOR = "young_inspector"
    PROVIDER = "provider"
    OFFICER = "officer"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class User(UserMixin, TimestampMixin, Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # Empty until the person accepts their invitation and chooses a password.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(value_enum(Role, "user_role"))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="RESTRICT"), index=True
    )
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_sign_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Part of the session's user id: bumping it ends every session of this account.
    session_version: Mapped[int] = mapped_column(Integer, default=1)

    organization: Mapped[Organization | None] = relationship()

    __table_args__ = (
        CheckConstraint("email <> ''", name="email_not_empty"),
        CheckConstraint("email = lower(email)", name="email_lower_case"),
        CheckConstraint(
            "role <> 'provider' OR organization_id IS NOT NULL", name="provider_has_organization"
        ),
    )

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_staff(self) -> bool:
        return self.role in {Role.OFFICER, Role.ADMIN}


class Invitation(Base):
    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    role: Mapped[Role] = mapped_column(value_enum(Role, "invitation_role"))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="RESTRICT"), index=True
    )
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    # Only a hash: a copy of the database does not give working links.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    organization: Mapped[Organization | None] = relationship()
    invited_by: Mapped[User | None] = relationship()

    __table_args__ = (
        CheckConstraint(
            "role <> 'provider' OR organization_id IS NOT NULL", name="provider_has_organization"
        ),
    )
