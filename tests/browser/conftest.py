"""Real-browser tests: the app served by gunicorn on 127.0.0.1, driven by Debian's Chromium.

- ``live_server`` (session): a temporary SQLite database built with ``flask db upgrade`` and
  ``flask seed`` (the demo area), an admin (``flask users create-admin``), volunteers with
  this month's exercise and one submitted review, and an officer
  (``tests/browser/seed_reviewers.py``),
  served by gunicorn on a free port; stopped at the end. It uses no other fixture, so it is
  the same whatever database the rest of the suite runs on.
- ``browser`` (session): Chromium from ``CHROMIUM_PATH`` (default ``/usr/bin/chromium``) through
  Playwright. Playwright never downloads a browser here. Without Chromium (or Playwright) every
  test in this folder is skipped with the reason, unless ``REQUIRE_BROWSER=1``: then they fail.
- ``new_context``: a browser context factory; ``recorder`` keeps a screenshot of each journey
  step and console errors. When a test fails, its screenshots, a final screenshot and the page's
  HTML are saved under ``test-artifacts/<test>/`` (``TEST_ARTIFACTS_DIR`` to change), and the
  server log under ``test-artifacts/server.log``.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.browser.support import (
    QUERY,
    SERVICE_LINK,
    THEME_LINK,
    axe_version,
    first_match,
)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
BROWSER_TESTS = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS_DIR") or PROJECT_ROOT / "test-artifacts")
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes"}
SERVER_START_SECONDS = 30

_state: dict = {"skipped": 0, "reason": None, "chromium": None}


def browser_unavailable() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (make install-dev)"
    return None


@pytest.hookimpl(trylast=True)  # after -m/-k have deselected what will not run
def pytest_collection_modifyitems(config, items):
    reason = browser_unavailable()
    if reason is None or REQUIRE_BROWSER:
        return  # with REQUIRE_BROWSER=1 the browser fixture fails each test with the reason
    skip = pytest.mark.skip(reason=f"browser tests skipped: {reason}")
    for item in items:
        if BROWSER_TESTS in Path(str(item.path)).resolve().parents:
            item.add_marker(skip)
            _state["skipped"] += 1
    _state["reason"] = reason


def pytest_terminal_summary(terminalreporter):
    if _state["skipped"]:
        terminalreporter.write_sep("=", "browser tests SKIPPED", yellow=True, bold=True)
        terminalreporter.write_line(
            f"{_state['skipped']} browser and accessibility tests in tests/browser were skipped: "
            f"{_state['reason']}. Set REQUIRE_BROWSER=1 to make this a failure (CI does)."
        )
    elif _state["chromium"]:
        terminalreporter.write_line(
            f"browser tests ran in Chromium {_state['chromium']} ({CHROMIUM}) "
            f"with axe-core {axe_version()}"
        )


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so fixtures can tell a test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _failed(request) -> bool:
    return any(
        getattr(getattr(request.node, f"report_{when}", None), "failed", False)
        for when in ("setup", "call")
    )


# --- The server ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(command: list[str], env: dict, what: str) -> None:
    done = subprocess.run(
        command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    if done.returncode != 0:
        pytest.fail(
            f"{what} failed ({' '.join(command)}), exit {done.returncode}:\n"
            f"{done.stdout[-4000:]}\n{done.stderr[-4000:]}",
            pytrace=False,
        )


def _get(url: str, timeout: float = 5) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (our server)
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


@dataclass
class LiveServer:
    url: str
    log_path: Path
    health: dict = field(default_factory=dict)

    def __call__(self, path: str = "/") -> str:
        return self.url + path

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"


@pytest.fixture(scope="session")
def live_server(request):
    """The app with the demo area, served by gunicorn on 127.0.0.1 for the whole session."""
    workdir = Path(tempfile.mkdtemp(prefix="lo-browser-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    env.update(
        APP_ENV="development",
        SECRET_KEY=secrets.token_hex(32),
        DATABASE_URL="sqlite:///" + str(workdir / "localoffer.db"),
        SEARCH_INDEX_DIR=str(workdir / "search-index"),
        PYTHONUNBUFFERED="1",
    )
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    _run([*flask, "db", "upgrade"], env, "flask db upgrade")
    _run([*flask, "seed"], env, "flask seed")
    _run(
        [*flask, "users", "create-admin", "--email", STAFF_EMAIL, "--name", "Ada Admin"],
        {**env, "LOCALOFFER_ADMIN_PASSWORD": STAFF_PASSWORD},
        "flask users create-admin",
    )
    _run(
        [sys.executable, "-m", "tests.browser.seed_reviewers"],
        {
            **env,
            "BROWSER_VOLUNTEER_PASSWORD": VOLUNTEER_PASSWORD,
            "BROWSER_OFFICER_PASSWORD": OFFICER_PASSWORD,
        },
        "seeding the volunteers, their exercise and an officer",
    )

    port = _free_port()
    log_path = workdir / "server.log"
    log = open(log_path, "w")  # noqa: SIM115 (closed below, after the server stops)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--access-logfile",
            "-",
            "--error-logfile",
            "-",
            "wsgi:app",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = LiveServer(f"http://127.0.0.1:{port}", log_path)
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"the server stopped (exit {process.returncode}):\n{server.log_tail()}")
            try:
                status, body = _get(server("/healthz"), timeout=2)
                if status == 200:
                    server.health = json.loads(body)
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"no answer from /healthz in {SERVER_START_SECONDS}s:\n{server.log_tail()}"
                )
            time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        if request.session.testsfailed:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            shutil.copy(log_path, ARTIFACTS / "server.log")
        shutil.rmtree(workdir, ignore_errors=True)


STAFF_EMAIL = "ada.admin@example.org"
STAFF_PASSWORD = secrets.token_urlsafe(18)
VOLUNTEER_PASSWORD = secrets.token_urlsafe(18)
OFFICER_PASSWORD = secrets.token_urlsafe(18)


@dataclass
class DemoArea:
    """Pages of the demo area, found by following links rather than by name."""

    service: str
    services: list[str]
    theme: str


@pytest.fixture(scope="session")
def demo(live_server) -> DemoArea:
    services: list[str] = []
    for number in range(1, 21):
        status, html = _get(live_server(f"/services?page={number}"))
        found = SERVICE_LINK.findall(html)
        if status != 200 or not found:
            break
        services.extend(found)
    _, results = _get(live_server(f"/services?q={QUERY}"))
    _, young_people = _get(live_server("/young-people"))
    return DemoArea(
        service=first_match(SERVICE_LINK, results, f"service matching {QUERY!r}"),
        services=services,
        theme=first_match(THEME_LINK, young_people, "young people's theme page"),
    )


# --- The browser --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    reason = browser_unavailable()
    if reason:
        if REQUIRE_BROWSER:
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        pytest.skip(f"browser tests skipped: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        _state["chromium"] = chromium.version
        try:
            yield chromium
        finally:
            chromium.close()


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:120]


class Recorder:
    """Screenshots of each step and the console errors of every page in a test."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.count = 0
        self.pages: list = []
        self.console_errors: list[str] = []

    def watch(self, page) -> None:
        self.pages.append(page)
        page.on("console", lambda message: self._console(page, message))
        page.on("pageerror", lambda error: self.console_errors.append(f"{page.url}: {error}"))

    def _console(self, page, message) -> None:
        # CSP violations and uncaught errors show here as errors.
        if message.type == "error":
            self.console_errors.append(f"{page.url}: {message.text}")

    def step(self, page, label: str) -> None:
        """Screenshot a journey step (kept only if the test fails)."""
        self.count += 1
        page.screenshot(path=self.workdir / f"{self.count:02d}-{_slug(label)}.png", full_page=True)

    def capture_failure(self) -> None:
        for number, page in enumerate(self.pages, start=1):
            if page.is_closed():
                continue
            try:
                page.screenshot(path=self.workdir / f"failure-page{number}.png", full_page=True)
                (self.workdir / f"failure-page{number}.html").write_text(
                    f"<!-- {page.url} -->\n{page.content()}", encoding="utf-8"
                )
            except Exception as error:  # the page may have crashed; keep what we have
                (self.workdir / f"failure-page{number}.txt").write_text(str(error))
        if self.console_errors:
            (self.workdir / "console-errors.txt").write_text("\n".join(self.console_errors))


@pytest.fixture
def recorder(request, tmp_path):
    target = ARTIFACTS / _slug(request.node.nodeid.replace("tests/browser/", ""))
    shutil.rmtree(target, ignore_errors=True)
    workdir = tmp_path / "steps"
    workdir.mkdir()
    recorder = Recorder(workdir)
    yield recorder
    if _failed(request) and any(workdir.iterdir()):
        shutil.copytree(workdir, target, dirs_exist_ok=True)


@pytest.fixture
def new_context(request, browser, live_server, recorder):
    """``new_context(**options)``: a Chromium context on the live server (closed afterwards)."""
    contexts = []

    def make(**options):
        options.setdefault("base_url", live_server.url)
        options.setdefault("viewport", {"width": 1280, "height": 900})
        options.setdefault("locale", "en-GB")
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        context.set_default_navigation_timeout(20_000)
        context.on("page", recorder.watch)
        contexts.append(context)
        return context

    yield make
    if _failed(request):
        recorder.capture_failure()
    for context in contexts:
        context.close()


def sign_in(context, email: str, password: str, landing: str) -> None:
    """Sign in through the form in ``context`` and wait for the page it lands on."""
    page = context.new_page()
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(landing)
    page.close()


@pytest.fixture(scope="session")
def staff_state(browser, live_server, tmp_path_factory) -> str:
    """A signed-in admin's cookies, saved once: pages of /manage open already signed in."""
    context = browser.new_context(base_url=live_server.url)
    try:
        sign_in(context, STAFF_EMAIL, STAFF_PASSWORD, "**/manage")
        path = tmp_path_factory.mktemp("staff") / "state.json"
        context.storage_state(path=path)
        return str(path)
    finally:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()
