"""A small HTML fragment tree: parse (already cleaned) markup, change elements, write it out.

Built on the standard library's ``html.parser``. Whatever the input, the tree is well-formed,
so what ``serialize`` writes is too: every element it opens it closes, in order. An end tag
with no open element of its name is dropped; one that skips open elements closes them too;
elements still open at the end are closed there. Comments, doctypes and processing
instructions are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


@dataclass
class Element:
    """One element: its tag, attributes in order, and children (elements and text)."""

    tag: str
    attrs: list[tuple[str, str | None]] = field(default_factory=list)
    children: list[Element | str] = field(default_factory=list)


Node = Element | str


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#fragment")
        self.open = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, list(attrs))
        self.open[-1].children.append(element)
        if tag not in VOID_TAGS:
            self.open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.open[-1].children.append(Element(tag, list(attrs)))

    def handle_endtag(self, tag):
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth].tag == tag:
                del self.open[depth:]
                return

    def handle_data(self, data):
        self.open[-1].children.append(data)


def parse_fragment(html: str) -> list[Node]:
    """The top-level nodes of an HTML fragment."""
    builder = _Builder()
    builder.feed(html)
    builder.close()
    return builder.root.children


def serialize(nodes: list[Node]) -> str:
    """HTML for ``nodes``: text escaped, attribute values quoted, void elements unclosed."""
    return "".join(_write(node) for node in nodes)


def _write(node: Node) -> str:
    if isinstance(node, str):
        return escape(node, quote=False)
    attrs = "".join(
        f" {name}" if value is None else f' {name}="{escape(value)}"' for name, value in node.attrs
    )
    if node.tag in VOID_TAGS:
        return f"<{node.tag}{attrs}>"
    return f"<{node.tag}{attrs}>{serialize(node.children)}</{node.tag}>"
