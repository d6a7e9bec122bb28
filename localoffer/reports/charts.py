"""Bar charts drawn on the server as SVG: each has a title, a text alternative and the numbers
for a data table beside it, so nothing depends on JavaScript or on seeing the picture."""

from __future__ import annotations

from dataclasses import dataclass, field

WIDTH = 640
LABEL_WIDTH = 220
BAR_HEIGHT = 24
GAP = 8
TOP = 8


@dataclass
class Bar:
    label: str
    value: int | None
    shown: str
    y: int
    width: int


@dataclass
class Chart:
    id: str
    title: str
    unit: str
    bars: list[Bar] = field(default_factory=list)
    # A reference line (the 90% aspiration), as a value on the same scale.
    target: int | None = None
    target_x: int | None = None

    @property
    def height(self) -> int:
        return TOP * 2 + max(len(self.bars), 1) * (BAR_HEIGHT + GAP)

    @property
    def label_width(self) -> int:
        return LABEL_WIDTH

    @property
    def text_alternative(self) -> str:
        if not self.bars:
            return f"{self.title}: no data for this period."
        parts = [f"{bar.label}: {bar.shown}" for bar in self.bars]
        return f"{self.title}. " + "; ".join(parts) + "."


def bar_chart(
    chart_id: str,
    title: str,
    rows: list[tuple[str, int | None]],
    unit: str = "",
    maximum: int | None = None,
    target: int | None = None,
) -> Chart:
    """A horizontal bar chart of ``rows`` (label, value); percentages use ``maximum=100``."""
    values = [v for _, v in rows if v is not None]
    top = maximum or max([*values, target or 0, 1])
    span = WIDTH - LABEL_WIDTH - 60
    chart = Chart(chart_id, title, unit, target=target)
    for index, (label, value) in enumerate(rows):
        chart.bars.append(
            Bar(
                label=label,
                value=value,
                shown="no answers" if value is None else f"{value:,}{unit}",
                y=TOP + index * (BAR_HEIGHT + GAP),
                width=0 if value is None else round(span * value / top),
            )
        )
    if target is not None:
        chart.target_x = LABEL_WIDTH + round(span * target / top)
    return chart


def report_charts(figures: dict) -> dict[str, Chart]:
    """The report's charts, by the theme they illustrate."""
    searches = figures["searches"]
    mystery = figures["mystery_shopping"]
    aspiration = figures["aspiration"]
    labels = {
        "found_what_needed": "Found what they needed",
        "satisfied_with_information": "Satisfied with the information",
        "felt_listened_to": "Felt listened to",
    }
    charts = {
        "directory": bar_chart(
            "chart-categories",
            "Services listed at the end of the period, by category",
            [(row["name"], row["count"]) for row in figures["directory"]["by_category"]],
        ),
        "searches": bar_chart(
            "chart-no-results",
            "Top searches that found nothing",
            [(row["query"], row["count"]) for row in searches["top_with_no_results"]],
        ),
        "mystery_shopping": bar_chart(
            "chart-mystery-trend",
            "Share who found what they needed, month by month",
            [(row["month"], row["percent"]) for row in mystery["found_what_needed_by_month"]],
            unit="%",
            maximum=100,
        ),
        "page_feedback": bar_chart(
            "chart-helpful",
            "Pages found helpful, by section",
            [
                (row["section"], row["helpful_percent"])
                for row in figures["page_feedback"]["sections"]
            ],
            unit="%",
            maximum=100,
        ),
        "you_said_we_did": bar_chart(
            "chart-you-said",
            "Published responses by status",
            [(row["label"], row["count"]) for row in figures["you_said_we_did"]["by_status"]],
        ),
        "aspiration": bar_chart(
            "chart-aspiration",
            f"Against the {aspiration['aspiration_percent']}% aspiration",
            [
                (labels[key], aspiration[key]["percent"])
                for key in ("felt_listened_to", "satisfied_with_information")
            ],
            unit="%",
            maximum=100,
            target=aspiration["aspiration_percent"],
        ),
    }
    # Reports published before contact clicks were counted have no such figure.
    clicks = figures.get("contact_clicks")
    if clicks is not None:
        charts["contact_clicks"] = bar_chart(
            "chart-contact-clicks",
            "Clicks on contact details, by kind",
            [(row["label"], row["count"]) for row in clicks["by_kind"]],
        )
    return charts
