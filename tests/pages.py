"""A helper every view test uses: fetch a page and check what every page must get right."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class ParsedPage:
    title: str = ""
    h1: list[str] = field(default_factory=list)
    forms: list[dict] = field(default_factory=list)
    inline_scripts: int = 0
    inline_styles: int = 0
    links: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    text: str = ""


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = ParsedPage()
        self._in: list[str] = []
        self._text: list[str] = []
        self._h1: list[str] | None = None
        self._title: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.page.ids.append(attributes["id"])
        if "style" in attributes:
            self.page.inline_styles += 1
        if tag == "script" and not attributes.get("src"):
            self.page.inline_scripts += 1
        if tag == "style":
            self.page.inline_styles += 1
        if tag == "title":
            self._title = []
        if tag == "h1":
            self._h1 = []
        if tag == "a" and attributes.get("href"):
            self.page.links.append(attributes["href"])
        if tag == "form":
            self.page.forms.append(
                {
                    "action": attributes.get("action"),
                    "method": (attributes.get("method") or "get").lower(),
                    "inputs": [],
                }
            )
        if tag in {"input", "button", "select", "textarea"} and self.page.forms:
            self.page.forms[-1]["inputs"].append(attributes.get("name"))

    def handle_endtag(self, tag):
        if tag == "title" and self._title is not None:
            self.page.title = " ".join("".join(self._title).split())
            self._title = None
        if tag == "h1" and self._h1 is not None:
            self.page.h1.append(" ".join("".join(self._h1).split()))
            self._h1 = None

    def handle_data(self, data):
        if self._title is not None:
            self._title.append(data)
        if self._h1 is not None:
            self._h1.append(data)
        self._text.append(data)

    def close(self):
        super().close()
        self.page.text = " ".join(" ".join(self._text).split())


def parse(html: str) -> ParsedPage:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.page


class PageChecker:
    def __init__(self, client) -> None:
        self.client = client

    def get(self, url: str, status: int = 200) -> ParsedPage:
        """GET ``url``, assert its status and the house rules for every HTML page."""
        response = self.client.get(url)
        assert response.status_code == status, (url, response.status_code)
        assert response.mimetype == "text/html"
        page = parse(response.get_data(as_text=True))
        check_page(page, url)
        page.response = response
        return page


def check_page(page: ParsedPage, url: str = "") -> None:
    assert len(page.h1) == 1, f"{url}: expected one h1, found {page.h1}"
    title = page.title.removeprefix("Error: ")
    assert title.startswith(page.h1[0]), f"{url}: title {page.title!r} does not start with h1"
    assert page.inline_scripts == 0, f"{url}: inline script"
    assert page.inline_styles == 0, f"{url}: inline style"
    duplicates = {i for i in page.ids if page.ids.count(i) > 1}
    assert not duplicates, f"{url}: duplicate ids {duplicates}"
    for form in page.forms:
        assert form["action"], f"{url}: a form has no action"
        if form["method"] == "post":
            assert "csrf_token" in form["inputs"], f"{url}: a POST form has no CSRF token"
