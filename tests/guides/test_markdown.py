"""A guide's body: the Markdown subset becomes GOV.UK markup, and nothing else gets through."""

from __future__ import annotations

import re
from html.parser import HTMLParser

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
