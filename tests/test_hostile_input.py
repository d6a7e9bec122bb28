"""Hostile input on every route, as every kind of visitor: never a 5xx, always a clear answer.

The corpus walks the URL map as ``tests/auth/test_route_matrix.py`` does (every rule, real ids
for its arguments, one account per role), so a route is covered the day it is added, and sends:

1. bad path arguments (``test_bad_path_arguments``): for every numeric argument (found from
   the rule's converter, or a name ending in ``_id``, or ``version``, ``number``) 2**31, 2**63
   and 2**64 (past PostgreSQL's integer, past any 64-bit integer), -1, 0, "abc", "1e3", the
   real id after a space and the real id in Arabic-Indic digits (which ``int()`` reads); for
   every text argument (slugs, tokens, periods) NUL, control characters, CR LF, invalid UTF-8,
   8 kB and ``../../etc/passwd``. GET where the route has a page, POST for actions.
2. bad query strings on every GET route (``test_bad_query_strings``): every argument name the
   site reads (``QUERY_NAMES`` in ``tests/hostile.py``) all at once, then one at a time for
   the names the route asked for when given them all, holding NUL, control characters, invalid
   UTF-8, 100 kB, 2**31, 2**63, -1, each name twice, and upside-down age ranges.
3. bad forms on every POST route, with a valid CSRF token (``test_bad_forms``): the fields the
   page at the same address shows (or a generic set, for actions) all holding each of those
   values; each field twice; the page's form filled in as a person would with NUL in one text
   field at a time; multipart bodies without a boundary, with the wrong one or cut short, and
   JSON, plain text, XML, urlencoded bytes that are not UTF-8, and no content type at all.
4. two promises of their own: page feedback is never stored about an address that is no page
   of the site, and forms that send email still answer when the mail server is down (the app
   here has a mail server on a closed port).

It expects never a 5xx, an exception out of the app, an unhandled error in its log or a
traceback in a page; every 4xx to be a clear error (the site's own error page, a form with its
error summary, or the API's JSON error); a bad numeric path argument to be a 404 for anyone
allowed on the route; a bad text path argument to be a 4xx; a query argument holding NUL or
control characters to be dropped, so the answer is the one without it (the API names it in a
400 instead: ``CONTROL_IN_QUERY_REFUSED``); an upside-down range to be a 400; a form page (a
POST route with a form at the same address) to refuse NUL and control characters in its
fields: a 4xx, or the page again with its error summary (the honeypot field is the one
exception: ``NUL_IN_FORM_ACCEPTED``).

Visitors turned away before the handler runs (sent to sign in, or 403: a volunteer on
``/manage/...``) get one request per route, which must turn them away (or be a 404), not the
corpus. What meets every visitor's request the same way is sent by the first visitor allowed
on the route (in the order of ``VISITORS``) only: arguments and fields one at a time, the
malformed bodies, the path values no number converter lets through, and the problems of
encoding and size (invalid UTF-8, 100 kB, -1, duplicates). Every allowed visitor sends the
rest: hidden characters and numbers the database cannot hold, which can reach code of their
own (a provider's listings, a reviewer's drafts).

Each test collects every failure and reports them together: route, method, address, visitor,
input class, status, and the error the app logged (its type, message, the innermost line of
the app and the route). The number of requests is printed at the end of the module; the
number for one run is in ``docs/testing.md``.
"""

from __future__ import annotations

import logging
import re
import socket
from urllib.parse import unquote

import pytest
from sqlalchemy import select
from werkzeug.exceptions import HTTPException
from werkzeug.routing import BaseConverter, Map, Rule

from localoffer.extensions import db
from localoffer.models import (
    PageFeedback,
    ReviewStatus,
    Role,
    User,
)
from tests import factories
from tests.auth.test_route_matrix import EVERYONE_REDIRECTED, MATRIX
from tests.conftest import built_app
from tests.hostile import (
    CONTROL_CLASSES,
    CONVERTER_REFUSES,
    FIRST_VISITOR_CLASSES,
    HUGE,
    INVERTED_RANGES,
    NUMERIC_PATH_VALUES,
    QUERY_NAMES,
    READ_NAMES,
    SENT,
    STRING_PATH_VALUES,
    VALUES,
    VISITORS,
    Answer,
    ErrorLog,
    Failure,
    Field,
    Form,
    Sender,
    clear_error,
    encode_pairs,
    json_body,
    numeric_argument,
    post_forms_to,
    refused,
    server_error,
    shows_errors,
    tracking_request_class,
)
from tests.world import build_world


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


UNLIMITED = "1000000 per minute"
SETTINGS = {
    # Rate limits would turn much of the corpus into 429s before the handlers ran. Flask-
    # Limiter's own switch (RATELIMIT_ENABLED=False) does not fit: the one ``limiter`` object
    # is shared by every app the test session builds, so the switch would stay off for the
    # apps built after this one, and it returns before giving the limiter the storage that
    # sign-in and contact clicks use directly. This app raises its own limits instead, so
    # every request reaches its handler.
    "SIGN_IN_LIMIT": UNLIMITED,
    "FEEDBACK_LIMIT": UNLIMITED,
    "CONTACT_CLICK_LIMIT": UNLIMITED,
    "SIGN_IN_MAX_FAILURES": 1_000_000,
    # A mail server that is down (a local port nothing listens on).
    "MAIL_SERVER": "127.0.0.1",
    "MAIL_PORT": _closed_port(),
    "MAIL_SUPPRESS_SEND": False,
}

# Query arguments holding NUL or control characters that may be refused with a clear 400
# instead of being dropped: endpoint -> why.
API_NAMES_EVERY_BAD_ARGUMENT = "the API's contract: every bad argument is named in a JSON 400"
CONTROL_IN_QUERY_REFUSED = {
    "api.services": API_NAMES_EVERY_BAD_ARGUMENT,
    "api.service_at_locations": API_NAMES_EVERY_BAD_ARGUMENT,
    "api.taxonomies": API_NAMES_EVERY_BAD_ARGUMENT,
    "api.taxonomy_terms": API_NAMES_EVERY_BAD_ARGUMENT,
}
# Form fields where NUL need not be refused: (endpoint, field) -> why.
NUL_IN_FORM_ACCEPTED = {
    ("feedback.submit", "website"): "the honeypot: a bot is thanked and nothing is stored",
}
# Text path arguments a route ignores, answering as it does for the real value.
IGNORED_PATH_ARGUMENTS = {
    ("directory.service_with_slug", "slug"): "redirects to the service's own address",
}
# Addresses that are no page of the site: feedback about them must not be stored.
NOT_PAGES = ("/../../etc/passwd", "/wp-login.php", "/" + "x" * 490, "/services/%00")
# The fields posted to actions, which have no form of their own at their address.
GENERIC_FIELDS = (
    "service_id",
    "organization_id",
    "role",
    "name",
    "email",
    "description",
    "reason",
    "text",
    "status",
    "version",
    "path",
    "number",
)
FORM_PAGE_REFUSES = "a 4xx or the error summary"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, request):
    """An app of its own with the route matrix's world in it, and a sender for each visitor."""
    log = ErrorLog()
    error_logger = logging.getLogger("localoffer.errors")
    with built_app(tmp_path_factory.mktemp("hostile"), seeded=True, **SETTINGS) as app:
        app.request_class = tracking_request_class(app.request_class)
        with app.app_context():
            world = _build_world()
        # No application context stays open: each request has its own (its own database
        # session), as in production, so one request that fails cannot spoil the next.
        error_logger.addFilter(log)
        try:
            yield Corpus(app, world, log)
        finally:
            error_logger.removeFilter(log)
            _print_count(request.config)


def _print_count(config) -> None:
    parts = ", ".join(f"{name} {count}" for name, count in SENT.items())
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line("")
            reporter.write_sep("-", f"hostile input: {sum(SENT.values())} requests ({parts})")


def _build_world() -> dict:
    """The route matrix's world (real ids, one account per role), and what the forms need to
    be reached: a listing of the provider's own organisation, and each reviewer's own draft."""
    built = build_world()
    people, service = built.people, built.service
    owned = factories.service(people["provider"].organization)
    drafts = {
        "volunteer": factories.review(
            author=people["volunteer"], service=service, status=ReviewStatus.DRAFT
        ),
        "young_inspector": factories.review(
            author=people["young_inspector"],
            template=factories.review_template("young-inspector-report"),
            service=service,
            status=ReviewStatus.DRAFT,
        ),
    }
    db.session.commit()
    return {
        "arguments": built.arguments,
        "form": [
            ("service_id", str(service.id)),
            ("role", Role.VOLUNTEER.value),
            ("organization_id", ""),
        ],
        "people": {visitor: user.get_id() for visitor, user in people.items()},
        "emails": {visitor: user.email for visitor, user in people.items()},
        "managed_service_id": built.managed.id,
        "owned_service_id": owned.id,
        "drafts": {visitor: draft.id for visitor, draft in drafts.items()},
    }


TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class Corpus:
    """The app, its world, the sender, and what each route answered to plain requests."""

    def __init__(self, app, world: dict, log: ErrorLog) -> None:
        self.app = app
        self.world = world
        cookies, tokens = {}, {}
        cookie_name = app.config["SESSION_COOKIE_NAME"]
        for visitor in VISITORS:
            # A signed session cookie per visitor (signed in, with a CSRF secret), reused by
            # every request: sessions are in the cookie, so a fresh client with it is that
            # visitor, and signing out or a failed request cannot end the next one's session.
            client = app.test_client()
            if visitor != "anonymous":
                with client.session_transaction() as session:
                    session["_user_id"] = world["people"][visitor]
                    session["_fresh"] = True
            SENT["setup"] += 1
            html = client.get("/password-reset").get_data(as_text=True)
            tokens[visitor] = TOKEN.search(html).group(1)
            cookies[visitor] = client.get_cookie(cookie_name).value
        self.sender = Sender(app, cookies, tokens, log)
        self._probes: dict[tuple, Answer] = {}
        self._read: dict[tuple, list[str]] = {}
        self._forms: dict[tuple, tuple[list[Form], bool]] = {}

    def rules(self) -> list[Rule]:
        rules = (r for r in self.app.url_map.iter_rules() if r.endpoint != "static")
        return sorted(rules, key=lambda r: (r.endpoint, r.rule))

    def arguments(self, rule: Rule, visitor: str) -> dict:
        values = dict(self.world["arguments"])
        if rule.endpoint.startswith("manage."):
            # Officers' actions change the listing: they get one of their own (as in the matrix).
            values["service_id"] = self.world["managed_service_id"]
        if rule.endpoint.startswith("provider."):
            values["service_id"] = self.world["owned_service_id"]
        if rule.endpoint == "reviews.edit" and visitor in self.world["drafts"]:
            values["review_id"] = self.world["drafts"][visitor]
        missing = set(rule.arguments) - values.keys()
        assert not missing, f"{rule.endpoint}: give the world a real value for {missing}"
        return {name: values[name] for name in rule.arguments}

    def path(self, rule: Rule, visitor: str, replace: str | None = None, raw: str = "") -> str:
        """The rule's address with real values; ``replace`` names an argument whose value is
        ``raw`` instead (percent-encoded, as it reaches the server)."""
        values = self.arguments(rule, visitor)
        marker = None
        if replace is not None:
            # A number for a number's converter, text for text; swapped for ``raw`` once built.
            marker = 918273645 if isinstance(values[replace], int) else "corpusmarker"
            values[replace] = marker
        _, path = rule.build(values, append_unknown=False)
        if marker is not None:
            assert path.count(str(marker)) == 1, path
            path = path.replace(str(marker), raw)
        return path

    def probe(self, rule: Rule, visitor: str, method: str) -> Answer:
        """The route's answer to a plain request: a GET, or a POST of the CSRF token alone."""
        key = (rule.rule, visitor, method)
        if key not in self._probes:
            path = self.path(rule, visitor)
            if method == "GET":
                answer = self.sender.send(visitor, "GET", path)
            else:
                answer = self.sender.post_form(visitor, path, [])
            # Only anonymous visitors are sent to sign in: anyone else here has lost the session
            # (a request changed it), and would skip the corpus as if turned away.
            lost = visitor != "anonymous" and refused(answer) and answer.status == 302
            assert not lost, f"{visitor} is no longer signed in (at {path})"
            self._probes[key] = answer
        return self._probes[key]

    def is_refused(self, rule: Rule, visitor: str, method: str) -> bool:
        """Whether the visitor is turned away before the handler runs. For actions (POST
        only) the route matrix says, since posting to find out would act."""
        if method == "POST" and "GET" not in rule.methods:
            expected = MATRIX.get(rule.endpoint, {}).get(visitor)
            if expected == 403:
                return True
            return (
                visitor == "anonymous"
                and expected == 302
                and MATRIX[rule.endpoint] is not EVERYONE_REDIRECTED
            )
        return refused(self.probe(rule, visitor, method))

    def first_allowed(self, rule: Rule, visitor: str, method: str) -> bool:
        """Whether this visitor is the first one allowed on the route (in the order of
        ``VISITORS``), who also tries what every visitor's request meets the same way."""
        allowed = [v for v in VISITORS if not self.is_refused(rule, v, method)]
        return bool(allowed) and allowed[0] == visitor

    def read_names(self, rule: Rule, visitor: str) -> list[str]:
        """The query arguments the route asks for when it is given every known name."""
        key = (rule.rule, visitor)
        if key not in self._read:
            query = encode_pairs([(name, "1") for name in QUERY_NAMES])
            self.sender.send(visitor, "GET", self.path(rule, visitor), query)
            self._read[key] = sorted(READ_NAMES)
        return self._read[key]

    def forms(self, rule: Rule, visitor: str) -> tuple[list[Form], bool]:
        """The POST forms the page at the route's address shows, and True; or, for actions
        without a page, one generic form and False."""
        key = (rule.rule, visitor)
        if key not in self._forms:
            path = self.path(rule, visitor)
            found = self._page_forms(visitor, path) if self._has_page(path) else []
            if found:
                self._forms[key] = (found, True)
            else:
                given = dict(self.world["form"])
                fields = [Field(n, "input", "text", given.get(n, "1")) for n in GENERIC_FIELDS]
                self._forms[key] = ([Form("", "post", fields)], False)
        return self._forms[key]

    def fresh_form(self, rule: Rule, visitor: str, index: int) -> Form | None:
        """The ``index``-th form of the route's page as it is now."""
        found = self._page_forms(visitor, self.path(rule, visitor))
        return found[index] if index < len(found) else None

    def _has_page(self, path: str) -> bool:
        try:
            self.app.url_map.bind("localhost").match(unquote(path), method="GET")
        except HTTPException:  # not found, no GET there, or a redirect
            return False
        return True

    def _page_forms(self, visitor: str, path: str) -> list[Form]:
        page = self.sender.send(visitor, "GET", path)
        if page.status != 200:
            return []
        return [form for form in post_forms_to(page.body, path) if form.names()]


def _check(failures, answer: Answer, endpoint, method, url, visitor, input_class, expected, ok):
    """Note a failure: any server error, a 4xx that is not a clear error, or ``ok`` false."""
    if server_error(answer):
        problem = f"{expected}, never a 5xx"
    elif isinstance(answer.status, int) and 400 <= answer.status < 500 and not clear_error(answer):
        problem = f"{expected}, as a clear error page"
    elif not ok:
        problem = expected
    else:
        return
    failures.append(
        Failure(endpoint, method, url, visitor, input_class, answer.status, problem, answer.error)
    )


def _assert_none(failures: list[Failure], what: str) -> None:
    assert not failures, f"{len(failures)} {what}:\n" + "\n".join(f"  {f}" for f in failures)


# --- 1. path arguments -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["numeric", "text"])
@pytest.mark.parametrize("visitor", VISITORS)
def test_bad_path_arguments(corpus, visitor, kind):
    """A bad numeric argument is a 404, a bad text argument a clear 4xx, for anyone allowed on
    the route; the others are still turned away (or get a 404)."""
    corpus.sender.counter = "path arguments"
    failures: list[Failure] = []
    for rule in corpus.rules():
        method = "GET" if "GET" in rule.methods else "POST"
        turned_away = corpus.is_refused(rule, visitor, method)
        first = not turned_away and corpus.first_allowed(rule, visitor, method)
        sent = False
        for name in sorted(rule.arguments - set(rule.defaults or ())):  # the path's own
            real = corpus.arguments(rule, visitor)[name]
            if kind == "numeric" and not numeric_argument(rule, name):
                continue
            if kind == "text" and not isinstance(real, str):
                continue  # text cannot even reach a number's converter
            values = NUMERIC_PATH_VALUES if kind == "numeric" else STRING_PATH_VALUES
            for label, raw in values.items():
                if label in CONVERTER_REFUSES and not (first or turned_away):
                    continue
                if turned_away and sent:
                    break  # one request shows the door is shut
                path = corpus.path(rule, visitor, name, raw(real) if callable(raw) else raw)
                if method == "GET":
                    answer = corpus.sender.send(visitor, "GET", path)
                else:
                    answer = corpus.sender.post_form(visitor, path, corpus.world["form"])
                sent = True
                if turned_away:
                    expected, ok = "403, sign in or 404", refused(answer) or answer.status == 404
                elif kind == "numeric":
                    expected, ok = "404", answer.status == 404
                elif (rule.endpoint, name) in IGNORED_PATH_ARGUMENTS:
                    plain = corpus.probe(rule, visitor, method).status
                    expected, ok = f"{plain} or 404", answer.status in (plain, 404)
                else:
                    expected = "a 4xx"
                    ok = isinstance(answer.status, int) and 400 <= answer.status < 500
                label = f"{name}={label}"
                _check(failures, answer, rule.endpoint, method, path, visitor, label, expected, ok)
    _assert_none(failures, f"bad {kind} path arguments as {visitor} went wrong")


# --- 2. query strings ------------------------------------------------------------------------

QUERY_CLASSES = [*VALUES, "duplicated", "upside-down range"]


@pytest.mark.parametrize("input_class", QUERY_CLASSES)
@pytest.mark.parametrize("visitor", VISITORS)
def test_bad_query_strings(corpus, visitor, input_class):
    """Every GET route with every known argument name holding a bad value, all at once, then
    one at a time for the names the route reads. NUL and control characters are dropped (the
    same answer as without them); an upside-down range is a 400."""
    corpus.sender.counter = "query strings"
    failures: list[Failure] = []
    for rule in corpus.rules():
        if "GET" not in rule.methods or corpus.is_refused(rule, visitor, "GET"):
            continue
        plain = corpus.probe(rule, visitor, "GET").status
        path = corpus.path(rule, visitor)
        first = corpus.first_allowed(rule, visitor, "GET")
        if input_class in FIRST_VISITOR_CLASSES and not first:
            continue
        read = corpus.read_names(rule, visitor) if first else []
        for names, query in _queries(input_class, read):
            answer = corpus.sender.send(visitor, "GET", path, query)
            if input_class in CONTROL_CLASSES:
                may_refuse = rule.endpoint in CONTROL_IN_QUERY_REFUSED
                ok = answer.status == plain or (may_refuse and answer.status == 400)
                expected = f"{plain} as without it" + (" or 400" if may_refuse else "")
            elif input_class == "upside-down range":
                expected, ok = "400", answer.status == 400
            else:
                expected, ok = "an answer", True
            label = f"{input_class} in {names if len(names) < 4 else 'every name'}"
            _check(
                failures,
                answer,
                rule.endpoint,
                "GET",
                f"{path}?{query}",
                visitor,
                label,
                expected,
                ok,
            )
    _assert_none(failures, f"bad query strings ({input_class}) as {visitor} went wrong")


def _queries(input_class: str, read: list[str]):
    """(names, query string) for one class: every known name at once, then each name in
    ``read`` on its own; upside-down ranges only where the route reads both ends."""
    if input_class == "upside-down range":
        for pair in INVERTED_RANGES:
            names = [name for name, _ in pair]
            if set(names) <= set(read):
                yield names, encode_pairs(list(pair))
        return
    if input_class == "duplicated":
        yield list(QUERY_NAMES), encode_pairs([(n, v) for n in QUERY_NAMES for v in ("1", "2")])
        for name in read:
            yield [name], encode_pairs([(name, "1"), (name, "2")])
        return
    value = VALUES[input_class]
    # All at once, 100 kB in each of 38 names would be a 4 MB address: 4 kB each is enough.
    every = value[:4_000] if value == HUGE else value
    yield list(QUERY_NAMES), encode_pairs([(name, every) for name in QUERY_NAMES])
    for name in read:
        yield [name], encode_pairs([(name, value)])


# --- 3. forms and bodies ---------------------------------------------------------------------

ONE_FIELD = "NUL in one text field"
BODIES = "malformed bodies"
FORM_CLASSES = [*VALUES, "duplicated", ONE_FIELD, BODIES]
MALFORMED = {
    "multipart without a boundary": (b"--x\r\nContent-Disposition: form-data\r\n\r\na", None),
    "multipart with another boundary": (
        b'--other\r\nContent-Disposition: form-data; name="name"\r\n\r\nvalue\r\n--other--\r\n',
        "corpus",
    ),
    "multipart cut short": (
        b'--corpus\r\nContent-Disposition: form-data; name="name"\r\n\r\nval',
        "corpus",
    ),
}
OTHER_BODIES = {
    "JSON": (None, "application/json"),
    "plain text": (b"name=value\nemail=someone@example.org", "text/plain"),
    "XML": (b'<?xml version="1.0"?><form><name>value</name></form>', "application/xml"),
    "urlencoded, not UTF-8": (b"name=\xff\xfe&email=\xc3\x28", "application/x-www-form-urlencoded"),
    "no content type": (b"name=value", None),
}


@pytest.mark.parametrize("input_class", FORM_CLASSES)
@pytest.mark.parametrize("visitor", VISITORS)
def test_bad_forms(corpus, visitor, input_class):
    """Every POST route with a valid CSRF token and bad fields or bodies: never a 5xx, and a
    form page refuses NUL and control characters in its fields."""
    corpus.sender.counter = "forms"
    failures: list[Failure] = []
    for rule in corpus.rules():
        if "POST" not in rule.methods:
            continue
        path = corpus.path(rule, visitor)
        if corpus.is_refused(rule, visitor, "POST"):
            if input_class == "NUL" and "GET" not in rule.methods:  # pages were probed
                answer = corpus.sender.post_form(visitor, path, [("name", VALUES["NUL"])])
                label, expected = "turned away", "403 or sign in"
                _check(
                    failures,
                    answer,
                    rule.endpoint,
                    "POST",
                    path,
                    visitor,
                    label,
                    expected,
                    refused(answer),
                )
            continue
        first_only = (*FIRST_VISITOR_CLASSES, ONE_FIELD, BODIES)
        if input_class in first_only and not corpus.first_allowed(rule, visitor, "POST"):
            continue
        forms, form_page = corpus.forms(rule, visitor)
        for index, form in enumerate(forms):
            for label, marked, send in _form_requests(corpus, input_class, form, rule, index):
                answer = send(visitor, path)
                excused = any((rule.endpoint, name) in NUL_IN_FORM_ACCEPTED for name in marked)
                if form_page and marked and not excused:
                    expected, ok = FORM_PAGE_REFUSES, shows_errors(answer)
                else:
                    expected, ok = "an answer", True
                _check(failures, answer, rule.endpoint, "POST", path, visitor, label, expected, ok)
    _assert_none(failures, f"bad forms ({input_class}) as {visitor} went wrong")


def _form_requests(corpus: Corpus, input_class: str, form: Form, rule: Rule, index: int):
    """(label, the fields holding NUL or control characters, send(visitor, path)) for one
    class and the ``index``-th form of the route's page."""
    sender = corpus.sender
    names = [n for n in form.names() if n != "csrf_token"]
    pairs = [p for p in form.plausible_pairs() if p[0] != "csrf_token"]
    if input_class in VALUES:
        value = VALUES[input_class]
        # 100 kB in every field of a long form would pass the 2 MB limit: 15 fields a time.
        size = 15 if value == HUGE else max(len(names), 1)
        for start in range(0, max(len(names), 1), size):
            chunk = names[start : start + size]
            label = f"{input_class} in {'every field' if size >= len(names) else chunk}"
            marked = chunk if input_class in CONTROL_CLASSES else []
            bad = [(n, value) for n in chunk]
            yield label, marked, lambda v, p, bad=bad: sender.post_form(v, p, bad)
    elif input_class == "duplicated":
        twice = [q for p in pairs for q in (p, (p[0], "2"))]
        yield "every field twice", [], lambda v, p: sender.post_form(v, p, twice)
    elif input_class == ONE_FIELD:
        current = {"form": form}
        for name in form.text_fields():

            def send(visitor, path, name=name):
                filled = current["form"].plausible_pairs()
                changed = [(n, _with_nul(v) if n == name else v) for n, v in filled]
                answer = sender.post_form(
                    visitor, path, [p for p in changed if p[0] != "csrf_token"]
                )
                if not shows_errors(answer):
                    # Saved: the page again, for the version (or draft) it now carries.
                    current["form"] = corpus.fresh_form(rule, visitor, index) or form
                return answer

            yield f"NUL in {name}", [name], send
    else:
        for label, (body, boundary) in MALFORMED.items():
            kind = "multipart/form-data" + (f"; boundary={boundary}" if boundary else "")
            yield label, [], lambda v, p, b=body, k=kind: sender.post_raw(v, p, b, k)
        for label, (body, kind) in OTHER_BODIES.items():
            raw = json_body(pairs) if body is None else body
            yield label, [], lambda v, p, b=raw, k=kind: sender.post_raw(v, p, b, k)


def _with_nul(value: str) -> str:
    value = value or "text"
    return value[:1] + "\x00" + value[1:]


# --- 4. two promises -----------------------------------------------------------------------------


def test_feedback_is_kept_only_about_pages_of_the_site(corpus):
    """POST /feedback stores the address it is about: never one that is no page of the site."""
    corpus.sender.counter = "promises"
    failures: list[Failure] = []
    endpoint = "feedback.submit"
    for path in NOT_PAGES:
        pairs = [("path", path), ("helpful", "yes")]
        answer = corpus.sender.post_form("anonymous", "/feedback", pairs)
        label = f"path={path[:30]}"
        _check(
            failures, answer, endpoint, "POST", "/feedback", "anonymous", label, "an answer", True
        )
    with corpus.app.app_context():
        stored = set(db.session.scalars(select(PageFeedback.path)))
    for path in NOT_PAGES:
        if path in stored:
            label = f"path={path[:30]}"
            failures.append(
                Failure(endpoint, "POST", "/feedback", "anonymous", label, "stored", "not stored")
            )
    _assert_none(failures, "answers about addresses that are no page went wrong")


def test_forms_that_send_email_answer_when_the_mail_server_is_down(corpus):
    """A password reset for a real account, and an invitation, with the mail server down: the
    page that says it was sent (a reset must not tell who has an account), or a clear "try
    again later" (503), never a 500."""
    corpus.sender.counter = "promises"
    failures: list[Failure] = []
    address = corpus.world["emails"]["volunteer"]
    with corpus.app.app_context():
        person = db.session.scalars(select(User).where(User.email == address)).one()
        assert person.is_active and person.password_hash, "the reset needs a real account"
    requests = [
        ("auth.password_reset_request", "anonymous", "/password-reset", [("email", address)]),
        (
            "manage.invite",
            "admin",
            "/manage/users/invite",
            [("email", "new-person@example.org"), ("role", "volunteer"), ("organization_id", "")],
        ),
    ]
    for endpoint, visitor, path, pairs in requests:
        answer = corpus.sender.post_form(visitor, path, pairs)
        if server_error(answer, allow_unavailable=True):
            failures.append(
                Failure(
                    endpoint,
                    "POST",
                    path,
                    visitor,
                    "mail server down",
                    answer.status,
                    "the page or a 503, never a 500",
                    answer.error,
                )
            )
    _assert_none(failures, "forms that send email failed with the mail server down")


# --- the checks themselves -------------------------------------------------------------------


def test_the_checks_can_fail():
    """What the corpus would report: numeric arguments behind any converter, server errors,
    unclear 4xx pages, and who counts as turned away."""

    class IdConverter(BaseConverter):  # the kind of converter a fix for ids might add
        regex = r"[1-9][0-9]{0,9}"

    rules = Map(
        [
            Rule("/things/<id:thing>/<slug>", endpoint="thing"),
            Rule("/api/<item_id>", endpoint="api"),
            Rule("/reports/<period>/v<int:version>", endpoint="report"),
            Rule("/click/<any(phone, email):kind>", endpoint="click"),
        ],
        converters={"id": IdConverter},
    )
    found = {r.endpoint: r for r in rules.iter_rules()}
    assert numeric_argument(found["thing"], "thing")
    assert not numeric_argument(found["thing"], "slug")
    assert numeric_argument(found["api"], "item_id")
    assert numeric_argument(found["report"], "version")
    assert not numeric_argument(found["report"], "period")
    assert not numeric_argument(found["click"], "kind")

    def answer(status, body="", kind="text/html", location="", error=None):
        return Answer(status, location, body, kind, error)

    page = '<h1 class="govuk-heading-l">Page not found</h1>'
    assert server_error(answer(500, page))
    assert server_error(answer(404, page, error="builtins.ValueError: boom"))
    assert server_error(answer(200, "Traceback (most recent call last):"))
    assert server_error(answer("raised"))
    assert not server_error(answer(404, page))
    assert server_error(answer(503, "Sorry, the service is unavailable"))
    assert not server_error(
        answer(503, "Sorry, the service is unavailable"), allow_unavailable=True
    )
    assert clear_error(answer(404, page))
    assert not clear_error(answer(404, "<h1>Not Found</h1>"))  # werkzeug's bare page
    assert clear_error(answer(400, '{"error": 400, "message": "page"}', "application/json"))
    assert not clear_error(answer(400, "[]", "application/json"))
    assert refused(answer(302, location="/sign-in?next=%2Fmanage"))
    assert refused(answer(403, page))
    assert not refused(answer(302, location="/manage"))
    assert shows_errors(answer(400, page))
    assert shows_errors(answer(200, '<div class="govuk-error-summary">'))
    assert not shows_errors(answer(303, location="/"))
