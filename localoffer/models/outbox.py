"""Outgoing email waiting to be sent: written in the transaction that wants it sent.

A row lives only until its email is sent, is no longer wanted, or passes its life
(``expires_at``: a password reset's or invitation's link life, otherwise ``MAIL_RETRY_HOURS``).
Emails that carry a link that signs someone in are never stored: a password reset or an
invitation row names the account or invitation, and a retry makes a new link when it is sent,
so a copy of the database holds no working link (invitations keep only their token's hash).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from localoffer.models.accounts import Invitation, User
from localoffer.models.base import Base, value_enum


class EmailKind(enum.StrEnum):
    MESSAGE = "message"  # subject and body stored: nothing secret in them
    PASSWORD_RESET = "password_reset"  # composed again, with a new link, when sent
    INVITATION = "invitation"  # the same


class OutgoingEmail(Base):
    __tablename__ = "outgoing_email"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[EmailKind] = mapped_column(value_enum(EmailKind, "email_kind"))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitation.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Counted, and the next attempt scheduled, before each try: see localoffer/outbox/sender.py.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    last_error: Mapped[str | None] = mapped_column(String(200))

    user: Mapped[User | None] = relationship()
    invitation: Mapped[Invitation | None] = relationship()

    __table_args__ = (
        CheckConstraint(
            "(kind = 'message') = (subject IS NOT NULL AND body IS NOT NULL)",
            name="only_messages_store_text",
        ),
        CheckConstraint(
            "kind <> 'password_reset' OR user_id IS NOT NULL", name="password_reset_has_user"
        ),
        CheckConstraint(
            "kind <> 'invitation' OR invitation_id IS NOT NULL", name="invitation_has_invitation"
        ),
    )
