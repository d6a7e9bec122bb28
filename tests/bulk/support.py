"""Building CSV files and walking the import's two steps (check, then confirm) in tests."""

from __future__ import annotations

import csv
import io
import re

from localoffer.bulk.csv_template import COLUMN_NAMES
from tests.accounts import csrf_token

PAYLOAD = re.compile(r'<input[^>]*name="payload"[^>]*value="([^"]*)"')


def csv_bytes(rows: list[dict[str, str]], columns=COLUMN_NAMES, encoding="utf-8") -> bytes:
    """A CSV file with ``columns`` as its first row and one row per dict (missing cells empty)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    return buffer.getvalue().encode(encoding)


def upload(client, data: bytes, filename: str = "services.csv"):
    """Post a file to the check step; returns the response."""
    return client.post(
        "/manage/import",
        data={"file": (io.BytesIO(data), filename), "csrf_token": csrf_token(client)},
        content_type="multipart/form-data",
    )


def multipart(fields: dict[str, str], data: bytes, filename: str) -> tuple[bytes, str]:
    """A multipart body built by hand, so a large file stays in memory (the test client would
    spool it to a temporary file that nothing closes when the app refuses it early)."""
    boundary = "bulk-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: text/csv\r\n\r\n".encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def confirm(client, checked_response):
    """Press "Import these services" on the page the check step showed."""
    html = checked_response.get_data(as_text=True)
    payload = PAYLOAD.search(html)
    assert payload, "the check step did not offer a confirmation"
    return client.post(
        "/manage/import/confirm",
        data={"payload": payload.group(1), "csrf_token": csrf_token(client)},
    )


def import_file(client, data: bytes):
    """Check then confirm; returns the confirmation's response (a redirect when it worked)."""
    checked = upload(client, data)
    assert checked.status_code == 200, checked.get_data(as_text=True)[:3000]
    return confirm(client, checked)
