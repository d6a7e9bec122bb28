"""A published report's figures as CSV rows (section, measure, value) and as a JSON document."""

from __future__ import annotations

import csv
import io
from typing import Any

from localoffer.models import AnnualReport
from localoffer.reports.service import public_figures

# The key that names a row in a list of figures (a category, a query, a month ...).
ROW_NAMES = (
    "name",
    "query",
    "section",
    "month",
    "status",
    "filter",
    "said_on",
    "question",
    "kind",
    "label",
)


def _row_name(item: dict, index: int) -> tuple[str, set[str]]:
    """The row's name and the keys that made it."""
    for key in ROW_NAMES:
        if key in item:
            if key == "filter":
                return f"{item['filter']}={item['value']}", {"filter", "value"}
            return str(item[key]), {key}
    return str(index + 1), set()


def flatten(value: Any, path: tuple[str, ...] = ()) -> list[tuple[str, str, Any]]:
    """Every figure as (section, measure, value); lists are keyed by their rows' names."""
    if isinstance(value, dict):
        rows = []
        for key, inner in value.items():
            rows += flatten(inner, (*path, str(key)))
        return rows
    if isinstance(value, list):
        rows = []
        for index, item in enumerate(value):
            if isinstance(item, dict):
                name, used = _row_name(item, index)
                rest = {k: v for k, v in item.items() if k not in used}
                rows += flatten(rest, (*path, name))
            else:
                rows += flatten(item, (*path, str(index + 1)))
        return rows
    section = path[0] if path else ""
    return [(section, ".".join(path[1:]), "" if value is None else value)]


def _safe_cell(value: Any) -> Any:
    # A spreadsheet must not run a formula someone typed into a search box.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(report: AnnualReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "measure", "value"])
    for section, measure, value in flatten(public_figures(report)):
        writer.writerow([section, _safe_cell(measure), _safe_cell(value)])
    return out.getvalue()


def to_json(report: AnnualReport) -> dict:
    return {
        "period": report.period,
        "version": report.version,
        "published_at": report.published_at.isoformat() if report.published_at else None,
        "figures": public_figures(report),
        "narrative": report.narrative,
        "corrects_version": report.corrects_version,
        "searches_withdrawn_at": (
            report.searches_withdrawn_at.isoformat() if report.searches_withdrawn_at else None
        ),
    }
