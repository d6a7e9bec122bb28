"""Providers propose; officers decide from a field-by-field difference; providers are emailed."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from localoffer.extensions import db
from localoffer.models import AuditEvent, ChangeRequest, ChangeStatus, Role, Service, ServiceStatus
from tests import factories
from tests.accounts import csrf_token, signed_in
from tests.pages import check_page, parse


def _people(app):
    organisation = factories.organization(name="Bilby Play Trust")
    service = factories.service(
        organisation, name="Bilby after-school club", description="Games and crafts."
    )
    provider = factories.user(
        Role.PROVIDER, name="Petra Provider", email="petra@example.org", organization=organisation
    )
    officer = factories.user(Role.OFFICER, name="Olive Officer")
    db.session.commit()
    return service, signed_in(app.test_client(), provider), signed_in(app.test_client(), officer)


def _proposal_form(service, **changes):
    data = {
        "organization_id": str(service.organization_id),
        "name": service.name,
        "description": service.description,
        "cost": "",
        "diagnosis_needed": "",
    }
    data.update(changes)
    return data


def test_a_proposed_change_waits_for_an_officer_then_lands(mail_app):
    service, provider, officer = _people(mail_app)
    url = f"/provider/services/{service.id}/change"
    assert provider.get(url).status_code == 200
    nothing = provider.post(
        url, data={**_proposal_form(service), "csrf_token": csrf_token(provider)}
    )
    assert nothing.status_code == 400
    assert "You have not changed anything yet" in nothing.get_data(as_text=True)

    data = _proposal_form(service, description="Games, crafts and a quiet room.")
    response = provider.post(url, data={**data, "csrf_token": csrf_token(provider)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Service, service.id).description == "Games and crafts."
    proposal = db.session.scalars(select(ChangeRequest)).one()
    assert proposal.proposed == {"description": "Games, crafts and a quiet room."}
    assert "Games and crafts." in mail_app.test_client().get(f"/services/{service.id}").get_data(
        as_text=True
    )

    queue = officer.get("/manage/proposals").get_data(as_text=True)
    assert "Bilby after-school club" in queue and "Petra Provider" in queue
    page = officer.get(f"/manage/proposals/{proposal.id}")
    html = page.get_data(as_text=True)
    check_page(parse(html))
    table = html.split('id="differences"')[1].split("</table>")[0]
    assert "Description" in table and "Games and crafts." in table
    assert "Games, crafts and a quiet room." in table and "Name" not in table

    response = officer.post(
        f"/manage/proposals/{proposal.id}/approve", data={"csrf_token": csrf_token(officer)}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Service, service.id).description == "Games, crafts and a quiet room."
    assert db.session.get(ChangeRequest, proposal.id).status == ChangeStatus.APPROVED
    [email] = mail_app.inbox.messages
    assert email["To"] == "petra@example.org" and "approved" in email["Subject"]
    edit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "service.edited")).one()
    assert edit.actor.name == "Olive Officer"

    again = officer.post(
        f"/manage/proposals/{proposal.id}/approve", data={"csrf_token": csrf_token(officer)}
    )
    assert again.status_code == 302 and len(mail_app.inbox.messages) == 1


def test_a_rejection_needs_a_reason_and_emails_it(mail_app):
    service, provider, officer = _people(mail_app)
    provider.post(
        f"/provider/services/{service.id}/closure",
        data={"note": "We close at Christmas.", "csrf_token": csrf_token(provider)},
    )
    proposal = db.session.scalars(select(ChangeRequest)).one()
    url = f"/manage/proposals/{proposal.id}/reject"
    response = officer.post(url, data={"reason": "", "csrf_token": csrf_token(officer)})
    assert response.status_code == 400
    assert "Say why you are rejecting the change" in response.get_data(as_text=True)
    response = officer.post(
        url, data={"reason": "Please send the date it closes.", "csrf_token": csrf_token(officer)}
    )
    assert response.status_code == 302
    [email] = mail_app.inbox.messages
    assert "Please send the date it closes." in email.get_payload()
    db.session.expire_all()
    assert db.session.get(Service, service.id).status == ServiceStatus.ACTIVE


def test_a_rejection_says_so_when_its_email_could_not_be_sent_yet(mail_down_app):
    from tests.mail import smtp_server

    service, provider, officer = _people(mail_down_app)
    provider.post(
        f"/provider/services/{service.id}/closure",
        data={"note": "We close at Christmas.", "csrf_token": csrf_token(provider)},
    )
    proposal = db.session.scalars(select(ChangeRequest)).one()
    response = officer.post(
        f"/manage/proposals/{proposal.id}/reject",
        data={"reason": "Please send the date it closes.", "csrf_token": csrf_token(officer)},
        follow_redirects=True,
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "The email giving the provider your reason could not be sent yet" in page
    assert "We have emailed" not in page
    with smtp_server(mail_down_app.mail_port) as inbox:
        mail_down_app.test_cli_runner().invoke(args=["mail", "send-pending", "--all"])
        [email] = inbox.messages
    assert "Please send the date it closes." in email.get_payload()


def test_an_approved_new_listing_arrives_as_a_draft(mail_app):
    service, provider, officer = _people(mail_app)
    data = _proposal_form(service, name="Bilby holiday club", description="Summer days out.")
    response = provider.post(
        "/provider/services/new", data={**data, "csrf_token": csrf_token(provider)}
    )
    assert response.status_code == 302
    proposal = db.session.scalars(select(ChangeRequest)).one()
    officer.post(
        f"/manage/proposals/{proposal.id}/approve", data={"csrf_token": csrf_token(officer)}
    )
    created = db.session.scalar(select(Service).where(Service.name == "Bilby holiday club"))
    assert created.organization_id == service.organization_id
    assert created.published_at is None


def test_a_provider_cannot_touch_another_organisations_listing(mail_app):
    service, provider, _ = _people(mail_app)
    other = factories.service(name="Someone else's service")
    db.session.commit()
    for path in ("change", "closure", "still-correct"):
        assert provider.get(f"/provider/services/{other.id}/{path}").status_code == 404
        assert provider.get(f"/provider/services/{service.id}/{path}").status_code == 200
    forged = provider.post(
        "/provider/services/new",
        data={
            **_proposal_form(service, name="Sneaky"),
            "organization_id": str(other.organization_id),
            "csrf_token": csrf_token(provider),
        },
    )
    assert forged.status_code == 400
    assert db.session.scalars(select(ChangeRequest)).all() == []


def test_reminders_go_once_and_still_correct_confirms(mail_app):
    service, provider, officer = _people(mail_app)
    service.review_due_on = date.today() + timedelta(days=5)
    factories.service(name="Not due", review_due_on=date.today() + timedelta(days=200))
    db.session.commit()
    runner = mail_app.test_cli_runner()
    result = runner.invoke(args=["listings", "send-reminders"])
    assert "Sent 1 reminder email." in result.output
    [email] = mail_app.inbox.messages
    assert email["To"] == "petra@example.org"
    link = f"/provider/services/{service.id}/still-correct"
    assert link in email.get_payload()
    assert "Sent 0 reminder emails." in runner.invoke(args=["listings", "send-reminders"]).output

    assert provider.get(link).status_code == 200
    response = provider.post(link, data={"csrf_token": csrf_token(provider)})
    assert response.status_code == 302
    db.session.expire_all()
    confirmed = db.session.get(Service, service.id)
    assert confirmed.last_reviewed_on == date.today()
    assert confirmed.review_due_on > date.today() + timedelta(days=300)
    history = officer.get(f"/manage/services/{service.id}/history").get_data(as_text=True)
    assert "Service confirmed: Petra Provider" in history


def test_reminders_that_could_not_be_sent_are_reported_and_retried(mail_down_app):
    from tests.mail import smtp_server

    service, _, _ = _people(mail_down_app)
    service.review_due_on = date.today() + timedelta(days=5)
    db.session.commit()
    runner = mail_down_app.test_cli_runner()
    result = runner.invoke(args=["listings", "send-reminders"])
    assert "Sent 0 reminder emails." in result.output
    assert "1 could not be sent yet: `flask mail send-pending` will retry them." in result.output
    with smtp_server(mail_down_app.mail_port) as inbox:
        assert runner.invoke(args=["mail", "send-pending", "--all"]).exit_code == 0
        [email] = inbox.messages
    assert email["To"] == "petra@example.org"
    assert f"/provider/services/{service.id}/still-correct" in email.get_payload()
