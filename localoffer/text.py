"""Turning listing text (a small Markdown subset) into safe HTML, or into plain text.

All user or officer supplied markup passes through ``clean_html`` so the sanitiser can change
in one place.
"""

from __future__ import annotations

import re

import bleach
import markdown
from markupsafe import Markup

from localoffer.html_tree import Element, Node, parse_fragment, serialize

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


def plain_text(source: str | None) -> str:
    """Markdown to plain text with single spaces."""
    if not source:
        return ""
    text = bleach.clean(markdown.markdown(source), tags=[], strip=True)
    return re.sub(r"\s+", " ", text).strip()


# Guides may also use headings (## and ###), tables and <details>/<summary> for questions and
# answers. A level-one heading becomes a level-two one: the page's title is its only h1.
GUIDE_TAGS = [*ALLOWED_TAGS, "h2", "h3", "h4", "table", "thead", "tbody", "tr", "th", "td"]
GUIDE_TAGS += ["details", "summary"]
_GUIDE_CLASSES = {
    "h2": [("class", "govuk-heading-m")],
    "h3": [("class", "govuk-heading-s")],
    "h4": [("class", "govuk-heading-s")],
    "table": [("class", "govuk-table")],
    "thead": [("class", "govuk-table__head")],
    "tbody": [("class", "govuk-table__body")],
    "tr": [("class", "govuk-table__row")],
    "th": [("scope", "col"), ("class", "govuk-table__header")],
    "td": [("class", "govuk-table__cell")],
    "p": [("class", "govuk-body")],
    "ul": [("class", "govuk-list govuk-list--bullet")],
    "ol": [("class", "govuk-list govuk-list--number")],
}
_DETAILS_OPEN = re.compile(r"^<details>[ \t]*$", re.MULTILINE)
_H1 = re.compile(r"</?h1>")


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
    html = serialize(_govuk_markup(parse_fragment(clean_guide_html(html))))
    return Markup(html)  # noqa: S704 - cleaned above


def _govuk_markup(nodes: list[Node]) -> list[Node]:
    """The GOV.UK classes and details component for cleaned guide markup, as a new tree.

    A details element that starts with a summary becomes the GOV.UK component; any other
    details element, and a summary anywhere else, give just their contents.
    """
    marked: list[Node] = []
    for node in nodes:
        if isinstance(node, str):
            marked.append(node)
        elif node.tag == "details":
            marked.extend(_govuk_details(node))
        elif node.tag == "summary":
            marked.extend(_govuk_markup(node.children))
        else:
            attrs = _GUIDE_CLASSES.get(node.tag, node.attrs)
            marked.append(Element(node.tag, list(attrs), _govuk_markup(node.children)))
    return marked


def _govuk_details(details: Element) -> list[Node]:
    children = details.children
    first = next((i for i, node in enumerate(children) if isinstance(node, Element)), None)
    if first is None or children[first].tag != "summary":
        return _govuk_markup(children)
    summary, leading, rest = children[first], children[:first], children[first + 1 :]
    if not all(text.isspace() for text in leading):
        leading, rest = [], [*leading, *rest]
    summary_text = Element(
        "span", [("class", "govuk-details__summary-text")], _govuk_markup(summary.children)
    )
    return [
        Element(
            "details",
            [("class", "govuk-details")],
            [
                *leading,
                Element("summary", [("class", "govuk-details__summary")], [summary_text]),
                Element("div", [("class", "govuk-details__text")], _govuk_markup(rest)),
            ],
        )
    ]
