"""The officers' dashboard lists guides past or near their review date beside listings."""

from __future__ import annotations

from datetime import date, timedelta

from localoffer.models import GuideStatus, Role
from tests import factories
from tests.accounts import signed_in
from tests.pages import check_page, parse


def test_the_dashboard_lists_guides_due_for_review(app):
    # Sign in first: the guides below are never committed.
    client = signed_in(app.test_client(), factories.user(Role.OFFICER))
    today = date.today()
    overdue = factories.guide(title="Overdue Ocelot guide", review_due_on=today - timedelta(1))
    soon = factories.guide(title="Soon Stoat guide", review_due_on=today + timedelta(10))
    later = factories.guide(title="Later Lemur guide", review_due_on=today + timedelta(90))
    gone = factories.guide(title="Gone Gecko guide", review_due_on=today - timedelta(3))
    gone.status = GuideStatus.UNPUBLISHED
    draft = factories.guide(
        title="Draft Dingo guide", published=False, review_due_on=today + timedelta(2)
    )
    html = client.get("/manage").get_data(as_text=True)
    check_page(parse(html))
    overdue_table = html.split('id="guides-overdue"')[1].split("</table>")[0]
    soon_table = html.split('id="guides-due-soon"')[1].split("</table>")[0]
    assert "Overdue Ocelot guide" in overdue_table
    assert f"/manage/guides/{overdue.id}" in overdue_table
    assert "Soon Stoat guide" in soon_table and "Draft Dingo guide" in soon_table
    assert "Overdue Ocelot" not in soon_table and "Soon Stoat" not in overdue_table
    for absent in ("Later Lemur", "Gone Gecko"):
        assert absent not in overdue_table and absent not in soon_table
    # The listings' own tables are still there, before the guides.
    assert html.index('id="overdue"') < html.index('id="guides-overdue"')
    del soon, later, draft
