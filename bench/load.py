"""Load and concurrency on real parts: the site under gunicorn (2 workers, 127.0.0.1) over the
10,000-service synthetic area.

1. Family traffic: a bounded pool of threads, each a family with its own cookies, sends a mix
   of home pages, searches, filtered searches, service pages and page feedback for
   ``--seconds``; requests a second, p50/p95/p99 and errors.
2. The ceiling: a bare Flask app returning a fixed string (``bench/ceiling.py``) under the same
   gunicorn settings and the same threads; ``ratio`` is the site's rate over the ceiling's.
3. Concurrency: 20 volunteers, signed in through the form, submit service reviews at the same
   moment, each form sent twice at once (a double click); 5 officers edit the same listings
   through the real edit form (its hidden ``version``) in rounds. Every submitted review must be
   stored exactly once; every edit must land (the audit trail shows it, based on the version
   before it) or be answered 409 with both versions; ``edits_lost`` counts the rest.

    .venv/bin/python bench/load.py --seconds 30

Prints one JSON object on stdout; progress on stderr. Not part of the test run. Options:
``--services``, ``--threads``, ``--workdir`` (keep the area: a second run reuses it).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from bench.search_bench import (  # noqa: E402
    ACRONYMS,
    KEYWORDS,
    code_version,
    machine,
    percentile,
)
from bench.synthetic import bench_app, populate  # noqa: E402
from localoffer.auth.passwords import hash_password  # noqa: E402
from localoffer.extensions import db  # noqa: E402
from localoffer.listings.visibility import publicly_listed  # noqa: E402
from localoffer.models import (  # noqa: E402
    AuditEvent,
    Review,
    ReviewStatus,
    Role,
    Service,
    User,
)
from localoffer.reviews.seed import load_review_templates  # noqa: E402
from localoffer.seeding.loader import SeedReport  # noqa: E402

WORKERS = 2
VOLUNTEERS = 20
OFFICERS = 5
EDITED_LISTINGS = 3
EDIT_ROUNDS = 4
PASSWORD = secrets.token_urlsafe(18)
# Marks this run's edits, so an area kept from an earlier run does not confuse the checks.
RUN = secrets.token_hex(3)
NEEDS = ("autism", "adhd", "speech-language-and-communication", "physical-disability")
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
HIDDEN = re.compile(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">')
COMPLETE_REVIEW = {
    "answer-contact_method": "phone",
    "answer-response_days": "2",
    "answer-matched_listing": "yes",
    "answer-listened_to": "4",
    "answer-recommend": "yes",
}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- The area and the server ---------------------------------------------------------------


def build_area(workdir: Path, services: int) -> dict[str, Any]:
    """The synthetic area, its index, and the accounts the concurrency part signs in with."""
    app = bench_app(workdir, SEARCH_CHECK_ON_START=False)
    made = populate(app, services)
    with app.app_context():
        started = time.perf_counter()
        made["indexed"] = app.extensions["search"].rebuild()
        made["build_s"] = round(time.perf_counter() - started, 1)
        digest = hash_password(PASSWORD)
        for role, count in ((Role.VOLUNTEER, VOLUNTEERS), (Role.OFFICER, OFFICERS)):
            for number in range(1, count + 1):
                db.session.add(
                    User(
                        email=f"{role.value}-{number}@example.org",
                        name=f"{role.value.title()} {number}",
                        role=role,
                        password_hash=digest,
                    )
                )
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return made


def prepare_area(workdir: Path) -> tuple[list[int], int]:
    """The listed services; loads the review templates (once) and sets this run's password."""
    from localoffer import create_app

    app = create_app(_app_config(workdir))
    with app.app_context():
        load_review_templates(ROOT / "seed" / "review_templates", SeedReport())
        # This run's password (an area kept with --workdir has the last run's).
        digest = hash_password(PASSWORD)
        for user in db.session.scalars(
            select(User).where(User.role.in_([Role.VOLUNTEER, Role.OFFICER]))
        ):
            user.password_hash = digest
            user.failed_sign_ins = 0
            user.locked_until = None
        db.session.commit()
        ids = list(db.session.scalars(select(Service.id).where(*publicly_listed())))
        last_review = db.session.scalar(select(func.max(Review.id))) or 0
        db.session.remove()
        db.engine.dispose()
    return ids, last_review


def _app_config(workdir: Path) -> dict[str, Any]:
    return {
        "APP_ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(workdir / "bench.db"),
        "SEARCH_INDEX_DIR": str(workdir / "index"),
        "SEARCH_CHECK_ON_START": False,
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with the bench's settings, started and stopped around a block."""

    def __init__(self, app: str, workdir: Path, log_name: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / log_name
        env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
        env.update(
            APP_ENV="production",
            SESSION_COOKIE_SECURE="0",  # plain http on 127.0.0.1
            SECRET_KEY=secrets.token_hex(32),
            DATABASE_URL="sqlite:///" + str(workdir / "bench.db"),
            SEARCH_INDEX_DIR=str(workdir / "index"),
            # One address sends everything here: the per-address limits would refuse it.
            FEEDBACK_LIMIT="1000000 per hour",
            SIGN_IN_LIMIT="1000000 per hour",
            POSTCODES_IO_URL="http://127.0.0.1:9",
        )
        self.command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(WORKERS),
            "--error-logfile",
            "-",
            app,
        ]
        self.env = env
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        self._log = open(self.log_path, "w")  # noqa: SIM115 (closed in __exit__)
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 120
        while True:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn stopped: see {self.log_path}")
            try:
                if requests.get(self.url + "/", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not answer in 120 s: see {self.log_path}")
            time.sleep(0.5)
        # Both workers answer before timing starts (each opens the index on first use).
        for _ in range(WORKERS * 4):
            requests.get(self.url + "/services?q=autism", timeout=30)
        return self

    def __exit__(self, *exc_info: object) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()


# --- Family traffic ------------------------------------------------------------------------


@dataclass
class Tally:
    """Latencies and outcomes, shared by the threads."""

    latencies: list[float] = field(default_factory=list)
    by_kind: Counter = field(default_factory=Counter)
    kind_latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, problem: str | None) -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.by_kind[kind] += 1
            self.kind_latencies.setdefault(kind, []).append(seconds * 1000)
            if problem:
                self.errors[problem] += 1


@dataclass
class Family:
    """One visitor: their own cookies and a CSRF token for the feedback form."""

    base: str
    service_ids: Sequence[int]
    rng: random.Random
    session: requests.Session = field(default_factory=requests.Session)
    token: str | None = None

    def request(self) -> tuple[str, Callable[[], requests.Response], int]:
        """A request from the mix: (kind, send, expected status)."""
        pick = self.rng.random()
        words = self.rng.choice(KEYWORDS + ACRONYMS)
        get = self.session.get
        if pick < 0.15:
            return "home", lambda: get(self.base + "/", timeout=60), 200
        if pick < 0.45:
            params = {"q": words}
            return "search", lambda: get(self.base + "/services", params=params, timeout=60), 200
        if pick < 0.65:
            params = {"q": words, "age": str(self.rng.randint(0, 25))}
            params["need"] = self.rng.choice(NEEDS)
            if self.rng.random() < 0.5:
                params.pop("q")
            return "filter", lambda: get(self.base + "/services", params=params, timeout=60), 200
        if pick < 0.92:
            path = f"/services/{self.rng.choice(self.service_ids)}"
            return "service", lambda: get(self.base + path, timeout=60), 200
        return "feedback", self.feedback, 303

    def feedback(self) -> requests.Response:
        if self.token is None:
            page = self.session.get(self.base + "/feedback?path=/", timeout=60)
            self.token = CSRF.search(page.text).group(1)
        data = {
            "csrf_token": self.token,
            "path": "/",
            "helpful": self.rng.choice(["yes", "no"]),
            "problem": self.rng.choice(["", "The opening times were wrong"]),
        }
        return self.session.post(
            self.base + "/feedback", data=data, allow_redirects=False, timeout=60
        )


def run_load(
    base: str,
    seconds: float,
    threads: int,
    make: Callable[[int], Any],
) -> dict[str, Any]:
    """Each thread sends one request after another until the time is up."""
    tally = Tally()
    start = time.perf_counter()
    deadline = start + seconds

    def visitor(number: int) -> None:
        family = make(number)
        while time.perf_counter() < deadline:
            kind, send, expected = family.request()
            began = time.perf_counter()
            problem = None
            try:
                response = send()
                if response.status_code != expected:
                    problem = f"{kind} {response.status_code}"
            except requests.RequestException as error:
                problem = f"{kind} {type(error).__name__}"
            tally.add(kind, time.perf_counter() - began, problem)

    with ThreadPoolExecutor(threads) as pool:
        for future in [pool.submit(visitor, n) for n in range(threads)]:
            future.result()
    elapsed = time.perf_counter() - start
    ms = [value * 1000 for value in tally.latencies]
    return {
        "requests": len(ms),
        "rps": round(len(ms) / elapsed, 1),
        "p50_ms": round(percentile(ms, 50), 1),
        "p95_ms": round(percentile(ms, 95), 1),
        "p99_ms": round(percentile(ms, 99), 1),
        "errors": sum(tally.errors.values()),
        "error_kinds": dict(tally.errors),
        "by_kind": dict(tally.by_kind),
        "by_kind_p50_p95_ms": {
            kind: [round(percentile(values, 50), 1), round(percentile(values, 95), 1)]
            for kind, values in tally.kind_latencies.items()
        },
    }


@dataclass
class Fixed:
    """The ceiling's visitor: the one fixed page."""

    session: requests.Session
    base: str

    def request(self):
        return "fixed", lambda: self.session.get(self.base + "/", timeout=60), 200


# --- Volunteers and officers ---------------------------------------------------------------


def signed_in(base: str, email: str) -> requests.Session:
    session = requests.Session()
    page = session.get(base + "/sign-in", timeout=60)
    response = session.post(
        base + "/sign-in",
        data={"email": email, "password": PASSWORD, "csrf_token": CSRF.search(page.text)[1]},
        allow_redirects=False,
        timeout=60,
    )
    if response.status_code != 302:
        raise SystemExit(f"{email} could not sign in: {response.status_code}")
    return session


def volunteers_submit(base: str, service_ids: Sequence[int]) -> dict[str, Any]:
    """Each volunteer opens a review form, then all send it at once, twice (a double click)."""
    sessions = [signed_in(base, f"volunteer-{n}@example.org") for n in range(1, VOLUNTEERS + 1)]
    forms = []
    for number, session in enumerate(sessions):
        url = f"{base}/reviews/new?template=service-mystery-shop&service={service_ids[number]}"
        fields = dict(HIDDEN.findall(session.get(url, timeout=60).text))
        answers = {**COMPLETE_REVIEW, "answer-worked_well": f"Volunteer {number + 1} was here"}
        forms.append((session, url, {**fields, **answers, "action": "submit"}))
    barrier = threading.Barrier(len(forms) * 2)
    outcomes: Counter = Counter()
    lock = threading.Lock()

    def send(session, url, data) -> None:
        barrier.wait()
        try:
            status = session.post(url, data=data, allow_redirects=False, timeout=120).status_code
        except requests.RequestException as error:
            status = type(error).__name__
        with lock:
            outcomes[status] += 1

    with ThreadPoolExecutor(len(forms) * 2) as pool:
        futures = [pool.submit(send, *form) for form in forms for _ in range(2)]
        for future in futures:
            future.result()
    return {"forms": len(forms), "responses": dict(outcomes)}


class FormFields(HTMLParser):
    """The fields a browser would send from the form whose action ends with ``action``."""

    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action = action
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._submitted = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self.inside = a.get("action", "").endswith(self.action)
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self.fields.append((name, a.get("value", "on")))
            elif kind == "submit":
                if not self._submitted:
                    self.fields.append((name, a.get("value", "")))
                    self._submitted = True
            else:
                self.fields.append((name, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select, self._options = name, []
        elif tag == "option" and self._select:
            self._options.append((a.get("value", ""), "selected" in a))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            self.fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = [v for v, selected in self._options if selected] or [
                v for v, _ in self._options[:1]
            ]
            self.fields.extend((self._select, v) for v in chosen)
            self._select = None


def edit_form(session: requests.Session, base: str, service_id: int) -> list[tuple[str, str]]:
    path = f"/manage/services/{service_id}/edit"
    parser = FormFields(path)
    parser.feed(session.get(base + path, timeout=60).text)
    return parser.fields


def with_description(fields: list[tuple[str, str]], text: str) -> list[tuple[str, str]]:
    return [(k, text if k == "description" else v) for k, v in fields]


def editable_listings(session: requests.Session, base: str, ids: Sequence[int]) -> list[int]:
    """Listings whose edit form, sent back unchanged, is accepted (synthetic data may not be)."""
    found = []
    for service_id in ids:
        fields = edit_form(session, base, service_id)
        response = session.post(
            f"{base}/manage/services/{service_id}/edit",
            data=fields,
            allow_redirects=False,
            timeout=60,
        )
        if response.status_code == 302:
            found.append(service_id)
        if len(found) == EDITED_LISTINGS:
            return found
    raise SystemExit("no listing's edit form round-trips unchanged; cannot test edits")


def save_edit(
    base: str,
    session: requests.Session,
    fields: list[tuple[str, str]],
    service_id: int,
    marker: str,
    barrier: threading.Barrier,
) -> dict[str, Any]:
    """Send one officer's edit once every officer is ready; what the site answered."""
    barrier.wait()
    try:
        response = session.post(
            f"{base}/manage/services/{service_id}/edit",
            data=with_description(fields, f"{marker}. Open on Saturdays."),
            allow_redirects=False,
            timeout=120,
        )
        status = response.status_code
        # A conflict page shows the officer both versions: theirs and the one saved.
        both = status == 409 and "Open on Saturdays" in response.text
    except requests.RequestException as error:
        status, both = type(error).__name__, False
    return {"service": service_id, "marker": marker, "status": status, "both": both}


def officers_edit(base: str, listing_ids: Sequence[int]) -> dict[str, Any]:
    """Rounds in which every officer opens the same listing's form, then all save at once."""
    sessions = [signed_in(base, f"officer-{n}@example.org") for n in range(1, OFFICERS + 1)]
    results: list[dict] = []
    with ThreadPoolExecutor(len(sessions)) as pool:
        for round_number in range(1, EDIT_ROUNDS + 1):
            for service_id in listing_ids:
                opened = [edit_form(session, base, service_id) for session in sessions]
                barrier = threading.Barrier(len(sessions))
                futures = [
                    pool.submit(
                        save_edit,
                        base,
                        session,
                        fields,
                        service_id,
                        f"Edit {RUN}-{service_id}-{round_number}-{number}",
                        barrier,
                    )
                    for number, (session, fields) in enumerate(
                        zip(sessions, opened, strict=True), start=1
                    )
                ]
                results.extend(future.result() for future in futures)
    return {"edits": results}


def check_writes(
    workdir: Path, last_review: int, volunteer_part: dict, officer_part: dict
) -> dict[str, Any]:
    """What the database holds after the concurrency part."""
    from localoffer import create_app

    app = create_app(_app_config(workdir))
    with app.app_context():
        volunteer_ids = select(User.id).where(User.role == Role.VOLUNTEER)
        this_run = (Review.author_id.in_(volunteer_ids), Review.id > last_review)
        stored = db.session.scalar(
            select(func.count(Review.id)).where(*this_run, Review.status == ReviewStatus.SUBMITTED)
        )
        per_author = db.session.execute(
            select(Review.author_id, func.count(Review.id))
            .where(*this_run)
            .group_by(Review.author_id)
        ).all()
        edits = officer_part["edits"]
        landed = [e for e in edits if e["status"] == 302]
        conflicts = [e for e in edits if e["status"] == 409 and e["both"]]
        events = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "service.edited", AuditEvent.subject_type == "service")
            .order_by(AuditEvent.id)
        ).all()
        descriptions = [
            (event.subject_id, *event.changes["description"])
            for event in events
            if "description" in (event.changes or {})
        ]
        recorded = {
            marker
            for _, _, after in descriptions
            for marker in re.findall(r"Edit [0-9a-f]{6}-\d+-\d+-\d+", after or "")
        }
        # A landed edit is lost if the audit trail does not have it, or if the next landed edit
        # of the same listing started from something other than what it wrote.
        lost = [e for e in landed if e["marker"] not in recorded]
        chain_breaks = 0
        last: dict[int, str] = {}
        for service_id, before, after in descriptions:
            if service_id in last and last[service_id] != before:
                chain_breaks += 1
            last[service_id] = after
        unanswered = [e for e in edits if e not in landed and e not in conflicts]
        conflict_recorded = [e for e in conflicts if e["marker"] in recorded]
        db.session.remove()
        db.engine.dispose()
    return {
        "reviews_submitted": volunteer_part["forms"],
        "review_responses": volunteer_part["responses"],
        "reviews_stored": stored,
        "reviews_per_volunteer": sorted({count for _, count in per_author}),
        "edits_sent": len(edits),
        "edits_landed": len(landed),
        "edits_conflict": len(conflicts),
        "edits_other": [(e["status"], e["marker"]) for e in unanswered],
        "edits_lost": len(lost) + chain_breaks + len(unanswered) + len(conflict_recorded),
    }


# --- Putting it together -------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--workdir", type=Path, help="keep (or reuse) the area here")
    args = parser.parse_args(argv)

    load_before = os.getloadavg()[0]
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="lo-load-"))
    workdir.mkdir(parents=True, exist_ok=True)
    area: dict[str, Any] = {"reused": True}
    if not (workdir / "bench.db").exists():
        log(f"building the synthetic area ({args.services:,} services) in {workdir}")
        area = build_area(workdir, args.services)
    service_ids, last_review = prepare_area(workdir)
    rng = random.Random(1)
    rng.shuffle(service_ids)
    log(f"{len(service_ids):,} listed services")

    with Server("wsgi:app", workdir, "site.log") as site:
        log(f"family traffic for {args.seconds:g} s with {args.threads} threads")
        family = run_load(
            site.url,
            args.seconds,
            args.threads,
            lambda n: Family(site.url, service_ids, random.Random(n)),
        )
        log(f"site: {family['rps']} requests/s, p95 {family['p95_ms']} ms")
        log("20 volunteers and 5 officers")
        volunteer_part = volunteers_submit(site.url, service_ids[:VOLUNTEERS])
        admin = signed_in(site.url, "officer-1@example.org")
        listings = editable_listings(admin, site.url, service_ids[VOLUNTEERS : VOLUNTEERS + 40])
        officer_part = officers_edit(site.url, listings)

    with Server("bench.ceiling:app", workdir, "ceiling.log") as ceiling:
        log(f"ceiling for {args.seconds:g} s")
        fixed = run_load(
            ceiling.url,
            args.seconds,
            args.threads,
            lambda n: Fixed(requests.Session(), ceiling.url),
        )
        log(f"ceiling: {fixed['rps']} requests/s")

    writes = check_writes(workdir, last_review, volunteer_part, officer_part)
    print(
        json.dumps(
            {
                **{k: family[k] for k in ("rps", "p50_ms", "p95_ms", "p99_ms", "errors")},
                "ceiling_rps": fixed["rps"],
                "ratio": round(family["rps"] / fixed["rps"], 3) if fixed["rps"] else None,
                **writes,
                "seconds": args.seconds,
                "threads": args.threads,
                "gunicorn_workers": WORKERS,
                "services": args.services,
                "listed_services": len(service_ids),
                "family": family,
                "ceiling": fixed,
                "area": area,
                "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
                "code": code_version(),
                "machine": machine(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
