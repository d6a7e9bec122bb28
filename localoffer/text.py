"""Turning listing text (a small Markdown subset) into safe HTML.

All user or officer supplied markup passes through ``clean_html`` so the sanitiser can change
in one place.
"""

from __future__ import annotations

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
