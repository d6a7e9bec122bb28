"""A guide's body: the Markdown subset becomes GOV.UK markup, and nothing else gets through."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from localoffer.text import GUIDE_TAGS, render_guide_markdown

ALLOWED_ATTRIBUTES = {"href", "title", "rel", "class", "scope"}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict]]:
    collector = _Collector()
    collector.feed(html)
    return collector.tags


def _assert_safe(html: str) -> None:
    for tag, attributes in _tags(html):
        assert tag in GUIDE_TAGS or tag == "span" or tag == "div", tag
        assert set(attributes) <= ALLOWED_ATTRIBUTES, (tag, attributes)
        href = attributes.get("href") or ""
        assert not re.match(r"\s*(javascript|data|vbscript):", href, re.IGNORECASE), href


PIECES = st.sampled_from(
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        "[x](javascript:alert(1))",
        '<p style="position:fixed">x</p>',
        "<details open ontoggle=alert(1)>",
        "<details>",
        "</details>",
        "<summary onclick=x>",
        "</summary>",
        "<svg onload=alert(1)>",
        "<iframe src=//evil>",
        "## heading",
        "# top heading",
        "| a | b |\n|---|---|\n| 1 | 2 |",
        "- item",
        "1. item",
        "**bold**",
        "[link](https://example.org)",
        "<!-- comment -->",
        "<style>body{}</style>",
        "\n\n",
        "text",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(PIECES, st.text(max_size=20)), max_size=12))
def test_whatever_is_written_only_allowed_markup_comes_out(pieces):
    _assert_safe(str(render_guide_markdown("\n".join(pieces))))


def test_the_subset_gets_govuk_classes():
    html = str(
        render_guide_markdown(
            "# Top\n\n## Part\n\n### Small\n\nWords.\n\n- a\n\n| A |\n|---|\n| 1 |\n\n"
            "<details>\n<summary>Why?</summary>\n\nBecause.\n</details>\n"
        )
    )
    assert '<h2 class="govuk-heading-m">Top</h2>' in html  # the page's title is its only h1
    assert '<h3 class="govuk-heading-s">Small</h3>' in html
    assert '<p class="govuk-body">Words.</p>' in html
    assert '<table class="govuk-table">' in html
    assert '<div class="govuk-details__text">\n<p class="govuk-body">Because.</p>' in html
    assert render_guide_markdown("") == "" and render_guide_markdown(None) == ""


class _Tree(HTMLParser):
    """A strict reader: every end tag must close the element opened last."""

    VOID = {"br"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = ("#root", {}, [])
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = (tag, dict(attrs), [])
        self.stack[-1][2].append(element)
        if tag not in self.VOID:
            self.stack.append(element)

    def handle_endtag(self, tag):
        assert len(self.stack) > 1, f"</{tag}> closes nothing"
        assert self.stack[-1][0] == tag, f"</{tag}> closes <{self.stack[-1][0]}>"
        self.stack.pop()

    def handle_data(self, data):
        self.stack[-1][2].append(data)


def _well_formed_tree(html: str):
    """The output as a tree, failing on any end tag out of order or element left open."""
    tree = _Tree()
    tree.feed(html)
    tree.close()
    assert len(tree.stack) == 1, f"<{tree.stack[-1][0]}> is never closed"
    return tree.root


def _text(node) -> str:
    return node if isinstance(node, str) else "".join(_text(child) for child in node[2])


def _elements(node, tag):
    if isinstance(node, str):
        return
    if node[0] == tag:
        yield node
    for child in node[2]:
        yield from _elements(child, tag)


@pytest.mark.parametrize(
    "source",
    [
        "<summary>Why?</summary>\n\nBecause.",
        "Words\n\n<summary>Why?</summary>",
        "<details>\n\nNo summary here.\n</details>",
        "<details>\n<summary>One</summary>\n<summary>Two</summary>\nText\n</details>",
        "<details>\n<summary>Never closed",
        "</details></summary>Stray ends",
        "<details>\n<summary>Outer</summary>\n\n<details>\n<summary>Inner</summary>\n\nx\n"
        "</details>\n</details>",
    ],
)
def test_every_tag_opened_is_closed_in_order(source):
    _well_formed_tree(str(render_guide_markdown(source)))


TAGS = ["details", "summary", "div", "p", "span", "em", "h2", "table", "td", "li", "a"]
HTML_PIECES = st.one_of(
    st.sampled_from(TAGS).map(lambda tag: f"<{tag}>"),
    st.sampled_from(TAGS).map(lambda tag: f"</{tag}>"),
    st.sampled_from(["\n", "\n\n", "- item", "## heading", "**bold**", "<br>", "&amp;"]),
    st.text(alphabet="abc <>&/\n", max_size=8),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(HTML_PIECES, max_size=16))
def test_any_mix_of_tags_and_text_comes_out_well_formed(pieces):
    _well_formed_tree(str(render_guide_markdown("".join(pieces))))


WORDS = st.text(alphabet="abcdefghij ", min_size=1, max_size=12).filter(lambda s: s.strip())


@st.composite
def _details_blocks(draw, depth=0):
    """A well-formed <details> block: a summary, then paragraphs and perhaps nested blocks."""
    summary = draw(WORDS).strip()
    parts = draw(st.lists(WORDS, min_size=1, max_size=3))
    if depth < 2:
        parts += draw(st.lists(_details_blocks(depth=depth + 1), max_size=2))
    body = "\n\n".join(part.strip() if isinstance(part, str) else part[0] for part in parts)
    nested = sum((part[1] for part in parts if not isinstance(part, str)), [])
    block = f"<details>\n<summary>{summary}</summary>\n\n{body}\n</details>"
    return block, [summary, *nested]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(WORDS, _details_blocks()), min_size=1, max_size=4))
def test_well_formed_details_get_the_govuk_markup(parts):
    source = "\n\n".join(part.strip() if isinstance(part, str) else part[0] for part in parts)
    summaries = sum((part[1] for part in parts if not isinstance(part, str)), [])
    root = _well_formed_tree(str(render_guide_markdown(source)))
    details = list(_elements(root, "details"))
    assert [_text(d[2][_first_element(d)]).strip() for d in details] == summaries
    for element in details:
        assert element[1] == {"class": "govuk-details"}
        children = [child for child in element[2] if not isinstance(child, str)]
        assert [child[0] for child in children] == ["summary", "div"]
        summary, text = children
        assert summary[1] == {"class": "govuk-details__summary"}
        [span] = summary[2]
        assert span[0] == "span" and span[1] == {"class": "govuk-details__summary-text"}
        assert text[1] == {"class": "govuk-details__text"}
        assert all(child.isspace() for child in element[2] if isinstance(child, str))


def _first_element(node) -> int:
    return next(i for i, child in enumerate(node[2]) if not isinstance(child, str))
