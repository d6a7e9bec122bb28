"""When the mail server is down: nothing fails, nothing tells, and the email goes later.

The mail server is a closed port on 127.0.0.1 (connections refused), then a real SMTP server
brought up on that port (tests/mail.py).
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from localoffer.extensions import db
from localoffer.models import EmailKind, Invitation, OutgoingEmail, Role
from tests import factories
from tests.accounts import csrf_token, signed_in
from tests.mail import smtp_server

KNOWN = "known1@example.org"
UNKNOWN = "nobody@example.org"  # as long as KNOWN, so the pages can be compared whole


def _request_reset(client, email, token):
    return client.post("/password-reset", data={"email": email, "csrf_token": token})


def _waiting() -> list[OutgoingEmail]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutgoingEmail).order_by(OutgoingEmail.id)))


def _link(message, path: str) -> str:
    body = message.get_payload(decode=True).decode()
    return re.search(rf"https?://[^/\s]+({path}/\S+)", body).group(1)


def test_a_reset_for_an_account_looks_exactly_like_one_for_an_unknown_address(
    mail_down_app, caplog
):
    factories.user(Role.VOLUNTEER, email=KNOWN)
    db.session.commit()
    client = mail_down_app.test_client()
    token = csrf_token(client)
    with caplog.at_level(logging.INFO):
        known = _request_reset(client, KNOWN, token)
        unknown = _request_reset(client, UNKNOWN, token)
    assert known.status_code == unknown.status_code == 200
    assert sorted(known.headers.items()) == sorted(unknown.headers.items())
    page = known.get_data(as_text=True)
    assert "Check your email" in page
    assert page.replace(KNOWN, "?") == unknown.get_data(as_text=True).replace(UNKNOWN, "?")

    # The failure is logged, without the address or the link.
    [row] = _waiting()
    assert f"Email {row.id} (password_reset) could not be sent, attempt 1" in caplog.text
    assert "ConnectionRefusedError" in caplog.text
    assert "/password-reset/" not in caplog.text and KNOWN not in caplog.text
    # Only whom it is for is kept: the retry makes a new link.
    assert (row.kind, row.recipient, row.subject, row.body) == (
        EmailKind.PASSWORD_RESET,
        KNOWN,
        None,
        None,
    )
    assert row.attempts == 1 and row.last_error.startswith("ConnectionRefusedError")


def test_the_reset_email_is_sent_when_the_server_is_back(mail_down_app):
    user = factories.user(Role.VOLUNTEER)
    db.session.commit()
    client = mail_down_app.test_client()
    assert _request_reset(client, user.email, csrf_token(client)).status_code == 200
    runner = mail_down_app.test_cli_runner()

    failed = runner.invoke(args=["mail", "send-pending", "--all"])
    assert failed.exit_code == 1
    assert "could not send 1" in failed.output
    assert [row.attempts for row in _waiting()] == [2]

    with smtp_server(mail_down_app.mail_port) as inbox:
        # The next try waits its turn (backoff) ...
        early = runner.invoke(args=["mail", "send-pending"])
        assert early.exit_code == 0 and "Sent 0" in early.output and inbox.messages == []
        # ... and goes once it is due.
        db.session.execute(
            update(OutgoingEmail).values(next_attempt_at=datetime.now(UTC) - timedelta(1))
        )
        db.session.commit()
        sent = runner.invoke(args=["mail", "send-pending"])
        assert sent.exit_code == 0 and "Sent 1" in sent.output and "0 waiting" in sent.output
        [message] = inbox.messages
    assert message["To"] == user.email
    assert _waiting() == []
    assert client.get(_link(message, "/password-reset")).status_code == 200


def test_an_email_past_its_life_is_dropped_unsent_and_logged(mail_down_app, caplog):
    user = factories.user(Role.VOLUNTEER)
    db.session.commit()
    client = mail_down_app.test_client()
    _request_reset(client, user.email, csrf_token(client))
    # Two hours on, a reset link made now would already have expired.
    db.session.execute(
        update(OutgoingEmail).values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    )
    db.session.commit()
    with smtp_server(mail_down_app.mail_port) as inbox:
        result = mail_down_app.test_cli_runner().invoke(args=["mail", "send-pending", "--all"])
    assert "1 past their life" in result.output
    assert inbox.messages == [] and _waiting() == []
    assert "(password_reset) was never sent: gave up after 1 attempts" in caplog.text


def test_an_officer_is_told_when_an_invitation_could_not_be_sent_yet(mail_down_app):
    officer = signed_in(mail_down_app.test_client(), factories.user(Role.OFFICER))
    data = {"email": "new@example.org", "role": "volunteer", "organization_id": ""}
    data["csrf_token"] = csrf_token(officer)
    response = officer.post("/manage/users/invite", data=data, follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "The invitation to new@example.org is saved, but the email could not be sent" in page
    assert "We have sent" not in page
    invitation = db.session.scalar(select(Invitation))

    with smtp_server(mail_down_app.mail_port) as inbox:
        result = mail_down_app.test_cli_runner().invoke(args=["mail", "send-pending", "--all"])
        assert "Sent 1" in result.output
        [message] = inbox.messages
    assert message["To"] == "new@example.org"
    assert mail_down_app.test_client().get(_link(message, "/invitations")).status_code == 200
    assert _waiting() == []
    db.session.refresh(invitation)
    assert invitation.accepted_at is None


def test_a_cancelled_invitation_is_never_sent_later(mail_down_app):
    officer = signed_in(mail_down_app.test_client(), factories.user(Role.OFFICER))
    data = {"email": "new@example.org", "role": "volunteer", "organization_id": ""}
    data["csrf_token"] = csrf_token(officer)
    officer.post("/manage/users/invite", data=data)
    invitation = db.session.scalar(select(Invitation))
    officer.post(
        f"/manage/users/invitations/{invitation.id}/cancel",
        data={"csrf_token": csrf_token(officer)},
    )
    with smtp_server(mail_down_app.mail_port) as inbox:
        result = mail_down_app.test_cli_runner().invoke(args=["mail", "send-pending", "--all"])
    assert "dropped 1 no longer needed" in result.output
    assert inbox.messages == [] and _waiting() == []
