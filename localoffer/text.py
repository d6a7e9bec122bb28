"""Turning listing text (a small Markdown subset) into safe HTML.

All user or officer supplied markup passes through ``clean_html`` so the sanitiser can change
in one place.
"""

from __future__ import annotations

import re

import bleach
import markdown
from markupsafe import Markup

ALLOWED_TAGS = ["p", "ul", "ol", "li", "a", "strong", "em", "br"]
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"]}
ALLOWED_PROTOCOLS = ["http", "https", "mailto", "tel"]


def _link_attributes(attrs: dict, new: bool = False) -> dict:
    attrs[(None, "rel")] = "noopener noreferrer"
    attrs[(None, "class")] = "govuk-link"
    return attrs


def clean_html(html: str) -> str:
    """Keep only the allowed tags, attributes and link protocols; give links rel=noopener."""
    cleaned = bleach.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
    )
    return bleach.linkify(cleaned, callbacks=[_link_attributes], parse_email=False)


def render_markdown(source: str | None) -> Markup:
    """Render the Markdown subset to clean HTML with GOV.UK body classes."""
    if not source:
        return Markup("")
    html = markdown.markdown(source, extensions=[], output_format="html")
    html = clean_html(html)
    html = (
        html.replace("<p>", '<p class="govuk-body">')
        .replace("<ul>", '<ul class="govuk-list govuk-list--bullet">')
        .replace("<ol>", '<ol class="govuk-list govuk-list--number">')
    )
    return Markup(html)  # noqa: S704 - cleaned above


# Guides may also use headings (## and ###), tables and <details>/<summary> for questions and
# answers. A level-one heading becomes a level-two one: the page's title is its only h1.
GUIDE_TAGS = [*ALLOWED_TAGS, "h2", "h3", "h4", "table", "thead", "tbody", "tr", "th", "td"]
GUIDE_TAGS += ["details", "summary"]
_GUIDE_CLASSES = {
    "<h2>": '<h2 class="govuk-heading-m">',
    "<h3>": '<h3 class="govuk-heading-s">',
    "<h4>": '<h4 class="govuk-heading-s">',
    "<table>": '<table class="govuk-table">',
    "<thead>": '<thead class="govuk-table__head">',
    "<tbody>": '<tbody class="govuk-table__body">',
    "<tr>": '<tr class="govuk-table__row">',
    "<th>": '<th scope="col" class="govuk-table__header">',
    "<td>": '<td class="govuk-table__cell">',
    "<details>": '<details class="govuk-details">',
    "<summary>": (
        '<summary class="govuk-details__summary"><span class="govuk-details__summary-text">'
    ),
    "</summary>": '</span></summary><div class="govuk-details__text">',
    "</details>": "</div></details>",
    "<p>": '<p class="govuk-body">',
    "<ul>": '<ul class="govuk-list govuk-list--bullet">',
    "<ol>": '<ol class="govuk-list govuk-list--number">',
}
_DETAILS_OPEN = re.compile(r"^<details>[ \t]*$", re.MULTILINE)
_H1 = re.compile(r"</?h1>")
_GUIDE_TAG = re.compile("|".join(re.escape(tag) for tag in _GUIDE_CLASSES))


def clean_guide_html(html: str) -> str:
    """``clean_html`` with the guide tags allowed; no attributes beyond links'."""
    cleaned = bleach.clean(
        html,
        tags=GUIDE_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
    )
    return bleach.linkify(cleaned, callbacks=[_link_attributes], parse_email=False)


def render_guide_markdown(source: str | None) -> Markup:
    """Render a guide's body: the listing subset plus headings, tables and details."""
    if not source:
        return Markup("")
    # Markdown inside <details> is rendered without the officer writing markdown="1".
    source = _DETAILS_OPEN.sub('<details markdown="1">', source)
    html = markdown.markdown(source, extensions=["tables", "md_in_html"], output_format="html")
    html = _H1.sub(lambda found: found.group().replace("h1", "h2"), html)
    html = clean_guide_html(html)
    html = _GUIDE_TAG.sub(lambda found: _GUIDE_CLASSES[found.group()], html)
    return Markup(html)  # noqa: S704 - cleaned above
