"""Exporting the directory as CSV, and importing an export into a directory without services."""

from __future__ import annotations

import csv
import io

from sqlalchemy import delete, func, select

from localoffer.bulk.csv_template import COLUMN_NAMES, EXPORT_COLUMNS
from localoffer.extensions import db
from localoffer.models import (
    AuditEvent,
    Location,
    Role,
    Service,
    ServiceAtLocation,
    ServiceStatus,
)
from tests import factories
from tests.accounts import signed_in
from tests.bulk.support import import_file, upload
from tests.pages import parse


def _rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the byte order mark to read UTF-8"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_the_export_holds_every_service_with_its_state(officer_client):
    organisation = factories.organization()
    published = factories.service(org=organisation, name="Open club")
    draft = factories.service(org=organisation, name="Draft club", published_at=None)
    closed = factories.service(org=organisation, name="Shut club", status=ServiceStatus.CLOSED)
    home = Location(
        slug="home",
        name="Childminder's home",
        address_1="3 Quiet Close",
        city="Havant",
        postcode="PO9 1AA",
        mask_address=True,
    )
    draft.service_at_locations.append(ServiceAtLocation(location=home))
    db.session.commit()

    response = officer_client.get("/manage/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="local-offer-services-')
    assert disposition.endswith('.csv"')
    assert response.headers["Cache-Control"] == "no-store"
    header = response.data.decode("utf-8-sig").splitlines()[0]
    assert header == ",".join(EXPORT_COLUMNS)

    rows = {row["name"]: row for row in _rows(response.data)}
    assert set(rows) == {"Open club", "Draft club", "Shut club"}
    assert rows["Open club"]["listing"] == "published"
    assert rows["Draft club"]["listing"] == "draft"
    assert rows["Shut club"]["status"] == "closed"
    assert rows["Open club"]["page_address"].endswith(f"/services/{published.id}")
    assert rows["Open club"]["organisation"] == organisation.slug
    assert rows["Open club"]["version"] == str(published.version)
    # Officers get the full address of a home-based provider, marked as masked.
    assert rows["Draft club"]["address"] == "3 Quiet Close"
    assert rows["Draft club"]["mask_address"] == "yes"
    assert closed.slug == rows["Shut club"]["slug"]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "directory.exported"))
    assert event.changes == {"services": [None, 3]}


def test_cells_that_a_spreadsheet_would_run_are_guarded_and_quoting_survives(officer_client):
    organisation = factories.organization()
    factories.service(
        org=organisation,
        name='=HYPERLINK("http://evil.example","click")',
        description='- first, "quoted"\n- second',
        how_to_access="@SUM(A1)",
        alternate_name="+44 trick",
    )
    db.session.commit()
    data = officer_client.get("/manage/export.csv").data
    text = data.decode("utf-8-sig")
    assert '"\'=HYPERLINK(""http://evil.example"",""click"")"' in text
    [row] = _rows(data)
    assert row["name"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["description"] == '\'- first, "quoted"\n- second'
    assert row["how_to_access"] == "'@SUM(A1)"
    assert row["alternate_name"] == "'+44 trick"
    assert "\r\n" in text, "rows end with CRLF as RFC 4180 says"


def test_the_template_has_the_columns_and_one_example(officer_client):
    response = officer_client.get("/manage/import/template.csv")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    rows = _rows(response.data)
    assert list(rows[0]) == list(COLUMN_NAMES)
    assert len(rows) == 1 and rows[0]["name"] == "Portage home visiting (example)"


def _export(client) -> list[dict[str, str]]:
    response = client.get("/manage/export.csv")
    assert response.status_code == 200
    return _rows(response.data)


def test_an_export_imported_into_a_directory_without_services_gives_the_same_export(
    fresh_seeded_app,
):
    client = signed_in(fresh_seeded_app.test_client(), factories.user(Role.ADMIN))
    first = client.get("/manage/export.csv").data
    before = _rows(first)
    assert len(before) > 100
    # Empty the directory of services (organisations, locations and vocabularies stay).
    db.session.execute(delete(Service))
    db.session.commit()

    response = import_file(client, first)
    assert response.status_code == 302
    after = {row["slug"]: row for row in _export(client)}
    assert set(after) == {row["slug"] for row in before}
    for row in before:
        again = after[row["slug"]]
        for column in COLUMN_NAMES:
            if column != "version":
                assert again[column] == row[column], (row["slug"], column)
        assert again["listing"] == "draft"
        assert again["last_reviewed_on"] == "", "an import is not a check"

    # The same file again changes nothing: nothing to confirm, no audit event but the export's.
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    checked = upload(client, client.get("/manage/export.csv").data)
    assert checked.status_code == 200
    text = parse(checked.get_data(as_text=True)).text
    assert f"{len(before)} services are already as the file says" in text
    assert "There is nothing to import" in text
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events + 1
