"""Reading and writing CSV files, without a database."""

from __future__ import annotations

import csv
import io

import pytest

from localoffer.bulk.csv_files import FileProblem, guard, read_csv, unguard, write_csv

HEAD = "name,organisation,description"


@pytest.mark.parametrize("cell", ["=1+1", "+44 1632 960000", "-5", "@SUM(A1)", "\tx", "\rx"])
def test_cells_a_spreadsheet_would_run_are_guarded_and_read_back(cell):
    assert guard(cell) == "'" + cell
    assert unguard(guard(cell)) == cell


@pytest.mark.parametrize("cell", ["", "plain", "'quoted already", "1632", "a=b"])
def test_other_cells_are_left_alone(cell):
    assert guard(cell) == cell
    assert unguard(cell) == cell


def test_row_numbers_are_the_spreadsheet_rows_and_blank_rows_are_skipped():
    data = f'{HEAD}\r\nA,B,"two\r\nlines"\r\n,,\r\nC,D,E\r\n'.encode()
    csv_file = read_csv(data)
    assert [row.number for row in csv_file.rows] == [2, 4]
    assert csv_file.rows[0].cells["description"] == "two\nlines"


def test_a_row_with_more_cells_than_names_is_a_row_error():
    csv_file = read_csv(f"{HEAD}\nA,B,C,D\nE,F,G,,\n".encode())
    assert csv_file.rows[0].errors and not csv_file.rows[1].errors


def test_an_unnamed_column_is_ignored_when_empty_and_refused_when_not():
    assert read_csv(f"{HEAD},\nA,B,C,\n".encode()).columns == HEAD.split(",")
    with pytest.raises(FileProblem, match="Column 4 has no name"):
        read_csv(f"{HEAD},\nA,B,C,D\n".encode())


def test_the_export_and_template_files_are_what_excel_and_the_csv_module_expect():
    data = write_csv(["a", "b"], [{"a": 'x, "y"', "b": "=2"}, {"a": "line\nbreak"}])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows == [["a", "b"], ['x, "y"', "'=2"], ["line\nbreak", ""]]
