"""Jinja set-up: the GOV.UK Frontend macro loaders, filters and values every page uses."""

from __future__ import annotations

from datetime import date, time

from flask import Flask
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader

from localoffer.listings.ages import format_ages
from localoffer.listings.display import cost_summary, format_money, summary_facts, summary_text
from localoffer.shortlist.store import shortlist_ids
from localoffer.text import render_markdown

DAY_NAMES = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}


def format_date(value: date | None) -> str:
    """23 November 2026, as GOV.UK writes dates."""
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"


def format_time(value: time | None) -> str:
    """9am, 5:30pm, midday, as GOV.UK writes times."""
    if value is None:
        return ""
    if value.hour == 12 and value.minute == 0:
        return "midday"
    if value.hour == 0 and value.minute == 0:
        return "midnight"
    suffix = "am" if value.hour < 12 else "pm"
    hour = value.hour % 12 or 12
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


def format_days(codes: list[str]) -> str:
    """Monday to Friday; Monday, Wednesday and Friday; Saturday."""
    order = list(DAY_NAMES)
    indexes = sorted(order.index(c) for c in codes if c in DAY_NAMES)
    if not indexes:
        return ""
    names = [DAY_NAMES[order[i]] for i in indexes]
    consecutive = indexes == list(range(indexes[0], indexes[0] + len(indexes)))
    if len(names) >= 3 and consecutive:
        return f"{names[0]} to {names[-1]}"
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def init_app(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            app.jinja_loader,
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals["govukRebrand"] = False
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["govuk_date"] = format_date
    app.jinja_env.filters["govuk_time"] = format_time
    app.jinja_env.filters["govuk_days"] = format_days
    app.jinja_env.filters["summary_text"] = summary_text
    app.jinja_env.filters["cost_summary"] = cost_summary
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.globals["format_ages"] = format_ages
    app.jinja_env.globals["summary_facts"] = summary_facts
    # A global, not a context value, so imported macros (shortlist buttons) can see it too.
    app.jinja_env.globals["in_shortlist"] = lambda service_id: service_id in shortlist_ids()
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def site_values() -> dict:
        return {
            "site_name": app.config["SITE_NAME"],
            "council_name": app.config["COUNCIL_NAME"],
            "contact_email": app.config["CONTACT_EMAIL"],
            "contact_phone": app.config["CONTACT_PHONE"],
            "shortlist_ids": shortlist_ids(),
            "today": date.today(),
        }
