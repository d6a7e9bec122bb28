"""Reading a page's forms as a browser would submit them, and its GOV.UK error summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

# The input types a person types into; hidden inputs, boxes and buttons are not typed.
TYPED = {"text", "email", "tel", "url", "search", "password", "number"}


@dataclass
class Control:
    tag: str
    type: str
    name: str
    id: str
    value: str = ""
    selected: bool = False


@dataclass
class HtmlForm:
    action: str
    method: str
    controls: list[Control] = field(default_factory=list)

    def submission(self) -> list[tuple[str, str]]:
        """The pairs a browser sends when the form's first submit button is pressed."""
        pairs, pressed = [], False
        for control in self.controls:
            if control.type in {"submit", "button", "image", "reset"}:
                if control.type == "submit" and control.name and not pressed:
                    pairs.append((control.name, control.value))
                pressed = pressed or control.type == "submit"
                continue
            if control.type in {"checkbox", "radio"} and not control.selected:
                continue
            if control.tag == "select":
                continue  # added through its options below
            if control.tag == "option":
                if control.selected:
                    pairs.append((control.name, control.value))
                continue
            pairs.append((control.name, control.value))
        return pairs

    def typed(self) -> list[Control]:
        """The boxes a person types into: text inputs and text areas."""
        return [
            c
            for c in self.controls
            if c.tag == "textarea" or (c.tag == "input" and c.type in TYPED)
        ]


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[HtmlForm] = []
        self.summary: list[tuple[str, str]] = []
        self._textarea: Control | None = None
        self._select: Control | None = None
        self._options: list[Control] = []
        self._in_summary = 0
        self._link: list | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if "govuk-error-summary__list" in a.get("class", ""):
            self._in_summary = 1
        elif self._in_summary and tag == "ul":
            self._in_summary += 1
        if self._in_summary and tag == "a":
            self._link = [a.get("href", ""), ""]
        if tag == "form":
            self.forms.append(HtmlForm(a.get("action", ""), (a.get("method") or "get").lower()))
            return
        if not self.forms or not a.get("name") and tag != "option":
            return
        controls = self.forms[-1].controls
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            value, checked = a.get("value", ""), "checked" in a
            controls.append(Control("input", kind, a["name"], a.get("id", ""), value, checked))
        elif tag == "button":
            kind = (a.get("type") or "submit").lower()
            controls.append(Control("button", kind, a["name"], a.get("id", ""), a.get("value", "")))
        elif tag == "textarea":
            self._textarea = Control("textarea", "textarea", a["name"], a.get("id", ""))
            controls.append(self._textarea)
        elif tag == "select":
            self._select = Control("select", "select", a["name"], a.get("id", ""))
            self._options = []
            controls.append(self._select)
        elif tag == "option" and self._select is not None:
            option = Control("option", "option", self._select.name, "", a.get("value", ""))
            option.selected = "selected" in a
            self._options.append(option)
            controls.append(option)

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        if tag == "select" and self._select is not None:
            if self._options and not any(o.selected for o in self._options):
                self._options[0].selected = True  # what a browser sends for a single select
            self._select = None
        if tag == "a" and self._link is not None:
            self.summary.append((self._link[0], " ".join(self._link[1].split())))
            self._link = None
        if tag == "ul" and self._in_summary:
            self._in_summary -= 1

    def handle_data(self, data):
        if self._textarea is not None:
            # A browser drops the one line break that follows <textarea>.
            self._textarea.value += data.removeprefix("\n") if not self._textarea.value else data
        if self._link is not None:
            self._link[1] += data


def forms_of(html: str) -> list[HtmlForm]:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def form_posting_to(html: str, action: str) -> HtmlForm:
    """The page's POST form whose action is ``action``."""
    found = [f for f in forms_of(html) if f.method == "post" and f.action == action]
    assert found, f"no POST form to {action}: {[f.action for f in forms_of(html)]}"
    return found[0]


def error_summary(html: str) -> list[tuple[str, str]]:
    """(link, text) for each item of the page's error summary."""
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.summary
