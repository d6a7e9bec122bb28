"""The pieces of ``test_hostile_input.py``: bad values, the forms a page shows, and a sender
that sends raw requests as a visitor, counts them and notes what each one did wrong.

Requests are built the way a real server hands them to the app: the path is percent-decoded
to bytes (so ``%FF`` reaches the app as the byte 0xFF, not as U+FFFD, which is what the test
client's own decoding would make of it) and the query string and body are sent as they are.
No application context is held open between requests, so each request has its own database
session and its own ``flask.g``, as in production: one request that fails cannot spoil the
next one's session.
"""

from __future__ import annotations

import json
import logging
import re
import traceback
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote_to_bytes, urlsplit

from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import Rule
from werkzeug.routing.converters import NumberConverter

from localoffer.config import PROJECT_ROOT
from localoffer.models import Role

VISITORS = ("anonymous", *(role.value for role in Role))

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
# Numbers the database cannot hold (2**31 is past PostgreSQL's integer, 2**63 past SQLite's and
# PostgreSQL's bigint, 2**64 past any machine word), numbers that are never ids, and text that
# is not a number at all (a float, padding, digits from another script that int() accepts).
# A callable makes its value from the argument's real value.
NUMERIC_PATH_VALUES = {
    "2**31": str(2**31),
    "2**63": str(2**63),
    "2**64": str(2**64),
    "-1": "-1",
    "0": "0",
    "abc": "abc",
    "1e3": "1e3",
    "space before": lambda real: f"%20{real}",
    # The real id in Arabic-Indic digits: int() reads it, so \d+ routes find the record.
    "non-ASCII digits": lambda real: quote(str(real).translate(ARABIC_INDIC)),
}
# Values no number converter lets through: a route gives them the same 404 whoever asks, so
# only the first visitor allowed on it sends them.
CONVERTER_REFUSES = ("-1", "abc", "1e3", "space before")
# Percent-encoded path segments for text arguments (slugs, tokens, periods, kinds).
STRING_PATH_VALUES = {
    "NUL": "a%00b",
    "control characters": "a%01%1B%7Fb",
    "CR LF": "a%0D%0ASet-Cookie:%20x=1",
    "invalid UTF-8": "a%FF%FEb",
    "8 kB": "a" * 8_000,
    "traversal": "../../etc/passwd",
}

# Every query-string argument the site reads (from ``request.args`` and the GET forms:
# the directory's filters, the API's, the staff lists', the review form's subject, the
# guides' comparison, "You said, we did"), and a few that other directories use.
QUERY_NAMES = (
    "q",
    "page",
    "per_page",
    "limit",
    "age",
    "postcode",
    "within",
    "sort",
    "category",
    "need",
    "level",
    "access",
    "cost",
    "next",
    "path",
    "month",
    "year",
    "theme",
    "status",
    "state",
    "service",
    "exercise",
    "template",
    "organisation",
    "old",
    "new",
    "submit",
    "search",
    "text",
    "taxonomy_id",
    "taxonomy_term_id",
    "minimum_age",
    "maximum_age",
    "day",
    "start_time",
    "end_time",
    "proximity",
    "modified_after",
)
HUGE = "a" * 100_000
# Bad values for query arguments and form fields. ``raw`` values are already percent-encoded.
VALUES = {
    "NUL": "a\x00b",
    "control characters": "a\x01\x08\x1b\x7fb",
    "invalid UTF-8": None,  # raw "%FF%FE", see encode_pairs
    "100 kB": HUGE,
    "2**31": str(2**31),
    "2**63": str(2**63),
    "-1": "-1",
}
CONTROL_CLASSES = ("NUL", "control characters")
# Problems of encoding and size, met by the parsing and the length checks the same way whoever
# asks: sent by the first visitor allowed on each route. Every allowed visitor sends the others
# (hidden characters and numbers the database cannot hold), which can reach code of their own.
FIRST_VISITOR_CLASSES = ("invalid UTF-8", "100 kB", "-1", "duplicated")
INVALID_UTF8 = "a%FF%FEb"
# Contradictory pairs: a clear 400 naming an argument, not an empty answer.
INVERTED_RANGES = (
    (("minimum_age", "10"), ("maximum_age", "5")),
    (("age", "10-5"),),
)

TEXT_INPUT_TYPES = {"", "text", "email", "url", "tel", "search", "number", "password"}


def encode_pairs(pairs: list[tuple[str, str | None]]) -> str:
    """``a=b&c=d`` with UTF-8 percent-encoding; a value of None is the invalid UTF-8 one."""
    parts = []
    for name, value in pairs:
        encoded = INVALID_UTF8 if value is None else quote(value, safe="")
        parts.append(f"{quote(name, safe='')}={encoded}")
    return "&".join(parts)


def numeric_argument(rule: Rule, name: str) -> bool:
    """Whether a path argument is a number (an id, a version): by its converter, or its name.

    Any converter that is one of werkzeug's numbers, or whose pattern takes digits and not
    letters, or which carries bounds, counts; so does any name ending in ``_id`` and the names
    ``version`` and ``number``, whatever their converter (the API's ids are text).
    """
    converter = getattr(rule, "_converters", {}).get(name)
    if isinstance(converter, NumberConverter):
        return True
    regex = getattr(converter, "regex", None)
    if regex:
        try:
            if re.fullmatch(regex, "123") and not re.fullmatch(regex, "abc"):
                return True
        except re.error:
            pass
    bounds = ("bounds", "min", "max", "minimum", "maximum")
    if converter is not None and any(hasattr(converter, attribute) for attribute in bounds):
        return True
    return name.endswith("_id") or name in {"id", "version", "number"}


# --- reading forms -------------------------------------------------------------------------


@dataclass
class Field:
    name: str
    tag: str  # input, select, textarea, button
    type: str = ""
    value: str = ""
    checked: bool = False
    options: list[tuple[str, bool]] = field(default_factory=list)  # (value, selected)
    hidden_from_people: bool = False  # inside an element with ``hidden``: a honeypot

    @property
    def text_like(self) -> bool:
        return self.tag == "textarea" or (self.tag == "input" and self.type in TEXT_INPUT_TYPES)


@dataclass
class Form:
    action: str
    method: str
    fields: list[Field] = field(default_factory=list)

    def names(self) -> list[str]:
        return list(dict.fromkeys(f.name for f in self.fields if f.tag != "button"))

    def text_fields(self) -> list[str]:
        return list(dict.fromkeys(f.name for f in self.fields if f.text_like))

    def plausible_pairs(self) -> list[tuple[str, str]]:
        """What a person would send: the page's own values, a plausible one for empty boxes."""
        pairs: list[tuple[str, str]] = []
        radios_done: set[str] = set()
        button_done = False
        for item in self.fields:
            if item.tag == "button" or (item.tag == "input" and item.type == "submit"):
                if not button_done and item.name:
                    pairs.append((item.name, item.value))
                    button_done = True
            elif item.tag == "select":
                chosen = [value for value, selected in item.options if selected]
                chosen = chosen or [value for value, _ in item.options if value][:1]
                pairs.extend((item.name, value) for value in chosen[:1] or [""])
            elif item.type == "radio":
                if item.name in radios_done:
                    continue
                group = [f for f in self.fields if f.name == item.name and f.type == "radio"]
                picked = next((f for f in group if f.checked), group[0])
                pairs.append((item.name, picked.value))
                radios_done.add(item.name)
            elif item.type == "checkbox":
                if item.checked:
                    pairs.append((item.name, item.value or "y"))
            elif item.type == "file":
                continue
            elif item.text_like and not item.hidden_from_people:
                pairs.append((item.name, item.value or plausible_value(item)))
            else:  # hidden and the other input types keep their value
                pairs.append((item.name, item.value))
        return pairs


def plausible_value(item: Field) -> str:
    """A value a person might type in an empty box, chosen from its type and name."""
    name = item.name.lower()
    if item.type == "email" or "email" in name:
        return "corpus@example.org"
    if item.type == "url" or "url" in name or "website" in name:
        return "https://www.example.org/"
    if item.type == "tel" or "phone" in name:
        return "01632 960000"
    if "postcode" in name:
        return "PO1 2AB"
    if item.type == "password" or "password" in name:
        return "a long enough corpus password"
    if name.endswith("day"):
        return "1"
    if name.endswith("month"):
        return "1"
    if name.endswith("year"):
        return "2026"
    if "time" in name or "opens" in name or "closes" in name:
        return "09:00"
    if "age" in name or item.type == "number":
        return "5"
    return "Corpus text"


VOID_ELEMENTS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._open: list[tuple[str, bool]] = []  # open elements, and whether each is hidden
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._option: tuple[str, bool] | None = None
        self._option_text: list[str] = []
        self._textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {key: value or "" for key, value in attrs}
        if tag not in VOID_ELEMENTS:
            self._open.append((tag, "hidden" in attributes))
        if tag == "form":
            self._form = Form(attributes.get("action", ""), attributes.get("method", "get").lower())
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = attributes.get("name", "")
        if tag == "input" and name:
            self._form.fields.append(
                Field(
                    name,
                    "input",
                    attributes.get("type", "text").lower(),
                    attributes.get("value", ""),
                    "checked" in attributes,
                    hidden_from_people=any(hidden for _, hidden in self._open),
                )
            )
        elif tag == "button" and name and attributes.get("type", "submit") == "submit":
            self._form.fields.append(Field(name, "button", "submit", attributes.get("value", "")))
        elif tag == "select" and name:
            self._select = Field(name, "select")
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = (attributes.get("value"), "selected" in attributes)
            self._option_text = []
        elif tag == "textarea" and name:
            self._textarea = Field(name, "textarea")
            self._form.fields.append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data
        if self._option is not None:
            self._option_text.append(data)

    def handle_endtag(self, tag):
        if any(name == tag for name, _ in self._open):
            while self._open and self._open.pop()[0] != tag:
                pass
        if tag == "form":
            self._form = None
        elif tag == "option" and self._option is not None and self._select is not None:
            value, selected = self._option
            if value is None:
                value = "".join(self._option_text).strip()
            self._select.options.append((value, selected))
            self._option = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            if self._textarea is not None and self._textarea.value.startswith("\n"):
                self._textarea.value = self._textarea.value[1:]
            self._textarea = None


def post_forms_to(html: str, path: str) -> list[Form]:
    """The POST forms of a page whose action is ``path`` (or the page itself)."""
    parser = _FormParser()
    parser.feed(html)
    return [
        form
        for form in parser.forms
        if form.method == "post" and urlsplit(form.action).path in ("", path)
    ]


# --- which query arguments a route reads -----------------------------------------------------

READ_NAMES: set[str] = set()


class TrackingMultiDict(ImmutableMultiDict):
    """``request.args`` that notes each name the app asks for."""

    def __getitem__(self, key):
        READ_NAMES.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None, type=None):
        READ_NAMES.add(key)
        return super().get(key, default=default, type=type)

    def getlist(self, key, type=None):
        READ_NAMES.add(key)
        return super().getlist(key, type=type)

    def __contains__(self, key):
        READ_NAMES.add(key)
        return super().__contains__(key)

    def __iter__(self):
        READ_NAMES.update(super().keys())
        return super().__iter__()

    def items(self, multi=False):
        READ_NAMES.update(super().keys())
        return super().items(multi=multi)

    def lists(self):
        READ_NAMES.update(super().keys())
        return super().lists()

    def to_dict(self, flat=True):
        READ_NAMES.update(super().keys())
        return super().to_dict(flat=flat)


def tracking_request_class(base: type) -> type:
    """The app's own request class, its ``args`` noting what is read (whatever ``base`` does
    to them first, such as dropping some)."""

    class TrackingRequest(base):
        @property
        def args(self):
            if "_tracked_args" not in self.__dict__:
                self.__dict__["_tracked_args"] = TrackingMultiDict(super().args)
            return self.__dict__["_tracked_args"]

    return TrackingRequest


# --- sending and judging ----------------------------------------------------------------------


class ErrorLog(logging.Filter):
    """Takes the unhandled errors the app logs during a request, each as a line: what and where.

    A filter on the app's error logger, so the record goes no further (pytest would otherwise
    print every traceback of a run that finds hundreds)."""

    def __init__(self) -> None:
        super().__init__()
        self.errors: list[str] = []

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.ERROR:
            return True
        if record.exc_info and record.exc_info[1] is not None:
            self.errors.append(describe_exception(record.exc_info[1]))
        else:
            self.errors.append(record.getMessage().splitlines()[0])
        return False

    @property
    def summary(self) -> str | None:
        """The first error (the cause), and how many followed it."""
        if not self.errors:
            return None
        more = len(self.errors) - 1
        return self.errors[0] + (f" (then {more} more: {self.errors[-1]})" if more else "")


def describe_exception(error: BaseException) -> str:
    """``ExcType: message`` and the innermost frame of the application that raised it."""
    message = str(error).splitlines()[0] if str(error) else ""
    kind = f"{type(error).__module__}.{type(error).__qualname__}"
    package = str(PROJECT_ROOT / "localoffer")
    ours = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.startswith(package)]
    # The innermost frame of the app, and the outermost past the role check: the route.
    routes = [f for f in ours if not f.filename.endswith("auth/roles.py")]
    places = [ours[-1], routes[0]] if routes and routes[0] is not ours[-1] else ours[-1:]
    where = " from ".join(
        f"{Path(f.filename).relative_to(PROJECT_ROOT).as_posix()}:{f.lineno} ({f.name})"
        for f in places
    )
    where = f" at {where}" if where else ""
    return f"{kind}: {message[:160]}{where}"


@dataclass
class Answer:
    status: int | str
    location: str
    body: str
    content_type: str
    error: str | None  # what the app logged as an unhandled error, if anything


@dataclass
class Failure:
    endpoint: str
    method: str
    url: str
    visitor: str
    input_class: str
    status: int | str
    expected: str
    error: str | None = None

    def __str__(self) -> str:
        url = self.url if len(self.url) <= 110 else self.url[:100] + f"...({len(self.url)} chars)"
        line = (
            f"{self.endpoint} {self.method} {url} as {self.visitor}, {self.input_class}: "
            f"{self.status}, expected {self.expected}"
        )
        return line + (f"\n      {self.error}" if self.error else "")


SENT: Counter[str] = Counter()


class Sender:
    """Sends requests as a visitor (a signed session cookie made once per visitor)."""

    def __init__(self, app, cookies: dict[str, str], tokens: dict[str, str], log: ErrorLog):
        self.app = app
        self.cookies = cookies
        self.tokens = tokens
        self.log = log
        self.cookie_name = app.config["SESSION_COOKIE_NAME"]
        self.counter = "unnamed"

    def send(
        self,
        visitor: str,
        method: str,
        path: str,
        query: str = "",
        body: bytes | None = None,
        content_type: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        """One request: ``path`` and ``query`` percent-encoded, ``body`` as raw bytes."""
        client = self.app.test_client()
        client.set_cookie(self.cookie_name, self.cookies[visitor])
        request_uri = path + (f"?{query}" if query else "")
        environ = {
            "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
            "REQUEST_URI": request_uri,
            "RAW_URI": request_uri,
        }
        self.log.errors = []
        READ_NAMES.clear()
        SENT[self.counter] += 1
        try:
            response = client.open(
                "/",
                method=method,
                query_string=query,
                data=body,
                content_type=content_type,
                headers=headers or {},
                environ_overrides=environ,
            )
        except Exception as error:  # raised out of the app: worse than a 500
            raised = describe_exception(error)
            return Answer("raised", "", "", "", "; ".join([*self.log.errors, raised]))
        with response:
            return Answer(
                response.status_code,
                response.headers.get("Location", ""),
                response.get_data().decode("utf-8", "replace"),
                response.headers.get("Content-Type", ""),
                self.log.summary,
            )

    def post_form(self, visitor: str, path: str, pairs: list[tuple[str, str | None]]) -> Answer:
        """A urlencoded form with this visitor's CSRF token first."""
        body = encode_pairs([("csrf_token", self.tokens[visitor]), *pairs]).encode("ascii")
        return self.send(visitor, "POST", path, "", body, "application/x-www-form-urlencoded")

    def post_raw(self, visitor: str, path: str, body: bytes, content_type: str | None) -> Answer:
        """Any body, with the CSRF token in the header the site also accepts."""
        headers = {"X-CSRFToken": self.tokens[visitor]}
        return self.send(
            visitor, "POST", path, body=body, content_type=content_type, headers=headers
        )


def json_body(pairs: list[tuple[str, str]]) -> bytes:
    return json.dumps(dict(pairs)).encode()


TRACEBACK = "Traceback (most recent call last)"


def server_error(answer: Answer, allow_unavailable: bool = False) -> bool:
    """A 5xx, an exception out of the app, an unhandled error logged, or a traceback shown."""
    if answer.status == "raised" or answer.error or TRACEBACK in answer.body:
        return True
    if allow_unavailable and answer.status == 503 and "unavailable" in answer.body:
        return False
    return answer.status >= 500


def clear_error(answer: Answer) -> bool:
    """A 4xx says what went wrong: the site's error page, a form with its error summary, or
    the API's JSON error."""
    if "json" in answer.content_type:
        try:
            data = json.loads(answer.body)
        except ValueError:
            return False
        return isinstance(data, dict) and bool({"error", "errors", "ok"} & data.keys())
    return "<h1" in answer.body and "govuk-" in answer.body


def refused(answer: Answer) -> bool:
    """Sent to sign in, or forbidden: the visitor never reached the handler."""
    return answer.status == 403 or (
        answer.status == 302 and urlsplit(answer.location).path == "/sign-in"
    )


def shows_errors(answer: Answer) -> bool:
    """Not accepted: a 4xx (400, or 409 when the form no longer matches what is stored), or
    the page again with its error summary."""
    if isinstance(answer.status, int) and 400 <= answer.status < 500:
        return True
    return answer.status == 200 and "govuk-error-summary" in answer.body
