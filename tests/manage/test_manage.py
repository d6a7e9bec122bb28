"""/manage: the dashboard of listings due for review, and account management by admins."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from localoffer.extensions import db
from localoffer.models import AuditEvent, Role, ServiceStatus
from tests import factories
from tests.accounts import csrf_token, signed_in
from tests.pages import check_page, parse


def _page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status
    page = parse(response.get_data(as_text=True))
    check_page(page, url)
    return page


def test_the_dashboard_lists_overdue_and_soon_due_listings(app):
    # Sign in first: the listings below are never committed, so the shared index never sees them.
    client = signed_in(app.test_client(), factories.user(Role.OFFICER))
    today = date.today()
    overdue = factories.service(name="Overdue Zebra Club", review_due_on=today - timedelta(1))
    soon = factories.service(name="Soon Yak Club", review_due_on=today + timedelta(10))
    later = factories.service(name="Later Xylophone Club", review_due_on=today + timedelta(90))
    closed = factories.service(
        name="Closed Walrus Club",
        review_due_on=today - timedelta(5),
        status=ServiceStatus.CLOSED,
    )
    html = client.get("/manage").get_data(as_text=True)
    page = parse(html)
    check_page(page)
    assert page.h1 == ["Dashboard"]
    overdue_table = html.split('id="overdue"')[1].split("</table>")[0]
    soon_table = html.split('id="due-soon"')[1].split("</table>")[0]
    assert overdue.name in overdue_table and f"/services/{overdue.id}" in overdue_table
    assert soon.name in soon_table and soon.name not in overdue_table
    assert later.name not in html and closed.name not in html
    db.session.rollback()


def test_the_accounts_pages_pass_the_page_checks(app):
    person = factories.user(Role.PROVIDER)
    client = signed_in(app.test_client(), factories.user(Role.ADMIN))
    assert _page(client, "/manage/users").h1 == ["Accounts"]
    assert _page(client, "/manage/users/invite").h1 == ["Invite someone"]
    assert _page(client, f"/manage/users/{person.id}").h1 == [person.name]
    _page(client, "/manage/users/999999", status=404)


def test_an_admin_changes_a_role_and_it_is_audited(app):
    admin = factories.user(Role.ADMIN)
    person = factories.user(Role.VOLUNTEER)
    client = signed_in(app.test_client(), admin)
    response = client.post(
        f"/manage/users/{person.id}/role",
        data={"role": "officer", "organization_id": "", "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.role == Role.OFFICER
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "user.role_changed", AuditEvent.subject_id == person.id
        )
    )
    assert event.actor_id == admin.id
    assert event.changes == {"role": ["volunteer", "officer"]}


def test_an_admin_cannot_change_their_own_role(app):
    admin = factories.user(Role.ADMIN)
    client = signed_in(app.test_client(), admin)
    response = client.post(
        f"/manage/users/{admin.id}/role",
        data={"role": "volunteer", "organization_id": "", "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 400
    db.session.refresh(admin)
    assert admin.role == Role.ADMIN


def test_deactivation_signs_the_person_out_and_is_audited(app):
    admin = factories.user(Role.ADMIN)
    officer = factories.user(Role.OFFICER)
    officer_client = signed_in(app.test_client(), officer)
    assert officer_client.get("/manage").status_code == 200
    admin_client = signed_in(app.test_client(), admin)
    response = admin_client.post(
        f"/manage/users/{officer.id}/deactivate", data={"csrf_token": csrf_token(admin_client)}
    )
    assert response.status_code == 302
    assert officer_client.get("/manage").status_code == 302
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "user.deactivated", AuditEvent.subject_id == officer.id
        )
    )
    assert event.actor_id == admin.id
    assert event.changes == {"is_active": [True, False]}
    response = admin_client.post(
        f"/manage/users/{officer.id}/reactivate", data={"csrf_token": csrf_token(admin_client)}
    )
    db.session.refresh(officer)
    assert officer.is_active


def test_an_admin_cannot_deactivate_themselves(app):
    admin = factories.user(Role.ADMIN)
    client = signed_in(app.test_client(), admin)
    client.post(f"/manage/users/{admin.id}/deactivate", data={"csrf_token": csrf_token(client)})
    db.session.refresh(admin)
    assert admin.is_active


def test_an_invitation_can_be_sent_again_or_cancelled(app):
    from localoffer.auth.service import create_invitation, token_digest

    admin = factories.user(Role.ADMIN)
    invitation, first_token = create_invitation("again@example.org", Role.VOLUNTEER, None, admin)
    officer_only = factories.user(Role.OFFICER)
    for_admin, _ = create_invitation("boss@example.org", Role.ADMIN, None, admin)
    db.session.commit()
    client = signed_in(app.test_client(), officer_only)
    page = client.get("/manage/users").get_data(as_text=True)
    assert f"/manage/users/invitations/{invitation.id}/resend" in page
    assert f"/manage/users/invitations/{for_admin.id}/resend" not in page
    refused = client.post(
        f"/manage/users/invitations/{for_admin.id}/cancel", data={"csrf_token": csrf_token(client)}
    )
    assert refused.status_code == 403

    resent = client.post(
        f"/manage/users/invitations/{invitation.id}/resend", data={"csrf_token": csrf_token(client)}
    )
    assert resent.status_code == 302
    db.session.refresh(invitation)
    assert invitation.token_hash != token_digest(first_token)
    assert app.test_client().get(f"/invitations/{first_token}").status_code == 404

    cancelled = client.post(
        f"/manage/users/invitations/{invitation.id}/cancel", data={"csrf_token": csrf_token(client)}
    )
    assert cancelled.status_code == 302
    pending = client.get("/manage/users").get_data(as_text=True).split('id="invitations"')[1]
    assert "again@example.org" not in pending
    again = client.post(
        f"/manage/users/invitations/{invitation.id}/resend", data={"csrf_token": csrf_token(client)}
    )
    assert again.status_code == 404
    actions = db.session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.subject_type == "invitation", AuditEvent.subject_id == invitation.id
        )
    ).all()
    assert actions == ["invitation.created", "invitation.resent", "invitation.cancelled"]
