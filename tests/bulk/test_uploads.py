"""Files that are not what the import expects: each gets a plain message, never a 500."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from localoffer.extensions import db
from localoffer.models import Role, Service
from tests import factories
from tests.accounts import csrf_token, signed_in
from tests.bulk.support import csv_bytes, multipart, upload
from tests.pages import check_page, parse

GOOD_ROW = {"name": "Swim", "organisation": "Nobody", "description": "Swimming."}

BAD_FILES = [
    ("services.xlsx", b"PK\x03\x04 a spreadsheet", "The selected file must be a CSV"),
    ("services.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "The selected file must be a CSV"),
    ("services.csv", b"", "The selected file is empty"),
    ("services.csv", b"  \r\n", "The selected file is empty"),
    (
        "services.csv",
        "name,organisation,description\nCaf\u00e9,Org,Words\n".encode("latin-1"),
        "line 2 has characters that are not UTF-8",
    ),
    ("services.csv", b"name,organisation,description\n", "The file has no services in it"),
    ("services.csv", b"name,organisation,colour\nA,B,C\n", "Unknown columns: colour"),
    ("services.csv", b"name,organisation\nA,B\n", "missing these columns: description"),
    ("services.csv", b"name,name,organisation,description\n", "more than once: name"),
    (
        "services.csv",
        b"name,organisation,description,cost\nA,B,C,free\n",
        "The columns cost, cost_amount, cost_unit, cost_description go together",
    ),
    ("services.csv", b'name,organisation,description\n"A,B,C\n', "could not be read as CSV"),
]


@pytest.mark.parametrize(("filename", "data", "message"), BAD_FILES)
def test_a_file_that_cannot_be_imported_is_refused_with_a_message(
    officer_client, filename, data, message
):
    response = upload(officer_client, data, filename)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    page = parse(html)
    check_page(page)
    assert page.title.startswith("Error: ")
    assert message in html.replace("&#39;", "'")
    assert 'href="#file"' in html, "the error summary links to the file field"
    assert db.session.scalar(select(func.count()).select_from(Service)) == 0


def test_no_file_selected(officer_client):
    response = officer_client.post(
        "/manage/import", data={"csrf_token": csrf_token(officer_client)}
    )
    assert response.status_code == 400
    assert "Select a CSV file" in response.get_data(as_text=True)


def test_a_file_over_the_limit_gets_the_form_back(officer_client, bulk_app):
    bulk_app.config["IMPORT_MAX_BYTES"] = 4096
    body, content_type = multipart(
        {"csrf_token": csrf_token(officer_client)}, csv_bytes([GOOD_ROW] * 200), "big.csv"
    )
    assert len(body) > 4096
    response = officer_client.post("/manage/import", data=body, content_type=content_type)
    assert response.status_code == 413
    page = parse(response.get_data(as_text=True))
    check_page(page)
    assert page.h1 == ["Import and export services"]
    assert "The selected file must be smaller than 4 KB" in page.text


def test_the_import_limit_replaces_the_site_wide_limit(officer_client, bulk_app):
    bulk_app.config["MAX_CONTENT_LENGTH"] = 1024
    data = csv_bytes([{**GOOD_ROW, "description": "Swimming. " * 200}])
    assert len(data) > 1024
    response = upload(officer_client, data)
    assert response.status_code == 400, "read and checked, not refused for its size"
    assert "There is no organisation called Nobody" in response.get_data(as_text=True)


def test_a_file_over_the_limit_tells_a_volunteer_nothing_about_the_form(bulk_app):
    bulk_app.config["IMPORT_MAX_BYTES"] = 4096
    client = signed_in(bulk_app.test_client(), factories.user(Role.VOLUNTEER))
    body, content_type = multipart({}, b"x" * 5000, "b.csv")
    response = client.post("/manage/import", data=body, content_type=content_type)
    assert response.status_code == 413
    assert "Upload a CSV file" not in response.get_data(as_text=True)


def test_a_file_with_a_byte_order_mark_and_odd_headings_is_read(officer_client):
    data = "\ufeffName , ORGANISATION,Description\r\nSwim,Nobody,Swimming.\r\n".encode()
    response = upload(officer_client, data)
    # The file is read: the problem is the row's organisation, not the file.
    assert response.status_code == 400
    assert "There is no organisation called Nobody" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/manage/import", "/manage/import/confirm"])
def test_a_post_without_a_csrf_token_is_refused(officer_client, url):
    response = officer_client.post(
        url,
        data={"file": (io.BytesIO(csv_bytes([GOOD_ROW])), "s.csv"), "payload": "x"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Your session has ended" in response.get_data(as_text=True)


def test_the_import_page_passes_the_page_checks(officer_client):
    response = officer_client.get("/manage/import")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = parse(html)
    check_page(page, "/manage/import")
    assert page.h1 == ["Import and export services"]
    assert 'enctype="multipart/form-data"' in html
    assert "/manage/import/template.csv" in page.links and "/manage/export.csv" in page.links


def test_the_dashboard_links_to_the_import_page(officer_client):
    assert "/manage/import" in parse(officer_client.get("/manage").get_data(as_text=True)).links


HOSTILE_CELLS = [
    ("website", "http://[::1", "website must be a web address"),
    ("website", "javascript:alert(1)", "website must be a web address"),
    ("min_age", "\u00b2", "min_age must be a whole number"),
    ("version", "\u00b2", "version must be a whole number"),
    ("cost_amount", "NaN", "cost_amount must be an amount"),
    ("visible_from", "2026-02-30", "visible_from must be a date"),
    ("slug", "Robert'); DROP TABLE service;--", "slug must be lower-case letters"),
    ("name", "x" * 201, "name must be 200 characters or fewer"),
    ("needs", "<script>alert(1)</script>", "not in the need list"),
]


@pytest.mark.parametrize(("column", "value", "message"), HOSTILE_CELLS)
def test_hostile_cells_are_row_errors_not_failures(officer_client, column, value, message):
    row = {**GOOD_ROW, column: value}
    response = upload(officer_client, csv_bytes([row]))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    assert "<script>alert(1)</script>" not in html
