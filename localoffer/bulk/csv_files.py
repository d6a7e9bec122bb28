"""Reading an uploaded CSV file into rows, and writing rows as a file spreadsheets open safely.

Both directions use UTF-8 with a byte order mark, which is what Excel writes when you choose
"CSV UTF-8" and what it needs to open accented letters correctly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from localoffer.bulk.csv_template import COLUMN_NAMES, GROUPS, READ_ONLY_COLUMNS, REQUIRED_COLUMNS

# A cell a spreadsheet would run as a formula starts with one of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class FileProblem(ValueError):
    """The file as a whole cannot be imported; the message says why in plain English."""


@dataclass
class Row:
    """One service's row: its number as a spreadsheet shows it (the column names are row 1)."""

    number: int
    cells: dict[str, str]
    errors: list[str] = field(default_factory=list)


@dataclass
class CsvFile:
    columns: list[str]
    rows: list[Row]


def column_key(heading: str) -> str:
    """``Min age`` and ``min-age`` both name the ``min_age`` column."""
    return "_".join(heading.strip().lower().replace("-", " ").split())


def unguard(cell: str) -> str:
    """Undo the export's formula guard: ``'=x`` was written for ``=x``."""
    if len(cell) > 1 and cell[0] == "'" and cell[1] in FORMULA_STARTS:
        return cell[1:]
    return cell


def guard(cell: str) -> str:
    """Stop a spreadsheet running a cell as a formula (CSV injection) by starting it with '."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def read_csv(data: bytes) -> CsvFile:
    """Decode and split an uploaded file; raise FileProblem when it is not a usable CSV file."""
    if not data.strip():
        raise FileProblem("The selected file is empty")
    # NUL bytes in the column names, or in a file that is not UTF-8, mean another kind of file
    # (a spreadsheet, an image, UTF-16 text). Elsewhere a NUL is a cell's problem, named there.
    if b"\x00" in data.split(b"\n", 1)[0]:
        raise FileProblem("The selected file must be a CSV file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if b"\x00" in data:
            raise FileProblem("The selected file must be a CSV file") from error
        line = data[: error.start].count(b"\n") + 1
        raise FileProblem(
            f"The file must be saved as CSV UTF-8: line {line} has characters that are not "
            "UTF-8. In Excel, choose Save as, then CSV UTF-8 (comma delimited)"
        ) from error
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        records = list(reader)
    except csv.Error as error:
        raise FileProblem(
            f"The file could not be read as CSV near line {reader.line_num}: {error}"
        ) from error
    if not records:
        raise FileProblem("The selected file is empty")
    columns = _check_header(records[0], records[1:])
    rows = []
    for index, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue  # spreadsheets leave blank rows at the end
        named = [c for c in columns if c]
        cells = {
            name: unguard(value.replace("\r\n", "\n").strip())
            for name, value in zip(columns, record, strict=False)
            if name
        }
        row = Row(index, {name: cells.get(name, "") for name in named})
        extra = record[len(columns) :]
        if any(cell.strip() for cell in extra):
            row.errors.append(
                f"The row has {len(record)} cells but there are only {len(columns)} column names"
            )
        rows.append(row)
    if not rows:
        raise FileProblem(
            "The file has no services in it. Add one row for each service under the column names"
        )
    return CsvFile([c for c in columns if c], rows)


def _check_header(header: list[str], records: list[list[str]]) -> list[str]:
    columns = [column_key(h) for h in header]
    for position, name in enumerate(columns):
        if not name and any(
            len(record) > position and record[position].strip() for record in records
        ):
            raise FileProblem(f"Column {position + 1} has no name in the first row")
    named = [c for c in columns if c]
    known = set(COLUMN_NAMES) | set(READ_ONLY_COLUMNS)
    unknown = [c for c in named if c not in known]
    if unknown:
        raise FileProblem(
            "The first row must hold the column names from the template. Unknown columns: "
            + ", ".join(unknown)
        )
    duplicates = sorted({c for c in named if named.count(c) > 1})
    if duplicates:
        raise FileProblem("These columns appear more than once: " + ", ".join(duplicates))
    missing = [c for c in REQUIRED_COLUMNS if c not in named]
    if missing:
        raise FileProblem("The file is missing these columns: " + ", ".join(missing))
    for group in GROUPS.values():
        present = [c for c in group if c in named]
        if present and len(present) != len(group):
            absent = [c for c in group if c not in named]
            raise FileProblem(
                f"The columns {', '.join(group)} go together: add "
                + ", ".join(absent)
                + " or leave them all out"
            )
    return columns


def write_csv(columns: Iterable[str], rows: Iterable[dict[str, str]]) -> bytes:
    """A CSV file (UTF-8 with a byte order mark, CRLF line ends) with every cell guarded."""
    columns = list(columns)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([guard(row.get(name, "")) for name in columns])
    return buffer.getvalue().encode("utf-8-sig")
