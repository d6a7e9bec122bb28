"""Helpers for the browser tests: axe-core, keyboard focus, reflow and the demo area's pages.

Nothing here imports Playwright at module level, so the test modules can be collected (and
skipped with a clear reason) on a machine without it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

VENDOR = Path(__file__).resolve().parent / "vendor"

# Families type the acronym; the thesaurus finds the autism services.
QUERY = "ASD"

# WCAG 2.2 A and AA, as axe-core tags them.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_source() -> str:
    return (VENDOR / "axe.min.js").read_text(encoding="utf-8")


def axe_version() -> str:
    head = (VENDOR / "axe.min.js").read_text(encoding="utf-8")[:200]
    match = re.search(r"axe v(\S+)", head)
    return match.group(1) if match else "unknown"


_AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
  });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target, html: n.html, summary: n.failureSummary})),
  }));
}"""


def run_axe(page) -> list[dict]:
    """Run axe-core on the page as it stands; the context must have ``bypass_csp=True``."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=axe_source())
    return page.evaluate(_AXE_RUN, AXE_TAGS)


def format_violations(where: str, violations: list[dict]) -> str:
    lines = [f"{where}: {len(violations)} accessibility rule(s) fail (axe-core {axe_version()}):"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}\n"
            f"  {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            html = " ".join(node["html"].split())
            lines.append(f"    element: {target}\n      html: {html[:300]}")
            summary = " ".join((node["summary"] or "").split())
            if summary:
                lines.append(f"      why: {summary[:500]}")
    return "\n".join(lines)


# --- Reflow (WCAG 1.4.10): no horizontal scrolling at 320 CSS px wide -------------------------

_OVERFLOW = """() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  const wide = [];
  if (root.scrollWidth > width) {
    for (const el of document.body.querySelectorAll('*')) {
      const rect = el.getBoundingClientRect();
      if (rect.width === 0 || rect.right <= width + 1) continue;
      // Report only the innermost culprits: skip an element if a child also overflows.
      const child = [...el.children].some((c) => c.getBoundingClientRect().right > width + 1);
      if (child) continue;
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        [...el.classList].map((c) => '.' + c).join('');
      wide.push(`${name} (right edge ${Math.round(rect.right)}px): ` +
        (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 60));
      if (wide.length >= 10) break;
    }
  }
  return {scrollWidth: root.scrollWidth, clientWidth: width, wide};
}"""


def horizontal_overflow(page) -> dict:
    """``scrollWidth``, ``clientWidth`` and, when they differ, the elements sticking out."""
    return page.evaluate(_OVERFLOW)


# --- Keyboard focus ---------------------------------------------------------------------------

_FOCUS_PROPS = [
    "outline-style",
    "outline-width",
    "outline-color",
    "box-shadow",
    "background-color",
    "border-top-color",
    "border-top-width",
    "color",
    "text-decoration-line",
]

# Remember how every focusable element looks before it has focus. A GOV.UK checkbox or radio
# draws its focus ring on its label's ::before, so that is what is remembered for those.
_SNAPSHOT = """(props) => {
  const look = (el) => {
    const box = el.matches('.govuk-checkboxes__input, .govuk-radios__input') && el.labels[0];
    const cs = box ? getComputedStyle(box, '::before') : getComputedStyle(el);
    return Object.fromEntries(props.map((p) => [p, cs.getPropertyValue(p)]));
  };
  const map = new WeakMap();
  const focusable = 'a[href], button, input, select, textarea, summary, [tabindex]';
  for (const el of document.querySelectorAll(focusable)) {
    if (el !== document.activeElement) map.set(el, look(el));
  }
  window.__loUnfocused = map;
  window.__loLook = look;
}"""

_FOCUS_INFO = """([props, selector, text]) => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) {
    return {element: null, matches: false};
  }
  const look = window.__loLook;
  const now = look(el);
  const before = window.__loUnfocused && window.__loUnfocused.get(el);
  const transparent = (c) => c === 'transparent' || /rgba\\(.*,\\s*0\\)$/.test(c);
  // 'auto' is the browser's own focus ring; otherwise at least 2px in a colour you can see.
  const outline = now['outline-style'] === 'auto' || (now['outline-style'] !== 'none' &&
    parseFloat(now['outline-width']) >= 2 && !transparent(now['outline-color']));
  const yellow = now['background-color'] === 'rgb(255, 221, 0)';
  const changed = before ? props.filter((p) => before[p] !== now[p]) : [];
  const shadow = before ? (changed.includes('box-shadow') && now['box-shadow'] !== 'none')
    : now['box-shadow'] !== 'none';
  const background = changed.includes('background-color') && !transparent(now['background-color']);
  const rect = el.getBoundingClientRect();
  const cs = getComputedStyle(el);
  const label = (el.getAttribute('aria-label') || el.innerText || el.value || '').trim()
    .replace(/\\s+/g, ' ').slice(0, 80);
  const href = el.getAttribute('href');
  const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.name ? `[name=${el.name}]` : '') + (href ? `[href=${href}]` : '');
  return {
    element: `${name} "${label}"`,
    matches: el.matches(selector) && (!text || label.includes(text)),
    indicator: outline || yellow || shadow || background,
    indicatorDetail: {outline, yellow, shadow, background, changed},
    inMain: !!el.closest('main'),
    skipLink: el.classList.contains('govuk-skip-link'),
    shown: rect.width > 1 && rect.height > 1 && cs.clipPath === 'none' &&
      cs.visibility !== 'hidden' && rect.bottom > 0 && rect.top < window.innerHeight,
    tabbable: el.tabIndex >= 0,
    hash: location.hash,
    activeId: el.id,
  };
}"""


@dataclass
class Keyboard:
    """Drives a page with the keyboard only and checks every focus stop has a visible indicator."""

    page: object
    stops: int = 0
    no_indicator: list[str] = field(default_factory=list)
    max_presses: int = 250

    def remember_unfocused(self) -> None:
        """Call after each page load, before pressing Tab."""
        self.page.evaluate(_SNAPSHOT, _FOCUS_PROPS)

    def focus_info(self, selector: str = "*", text: str = "") -> dict:
        return self.page.evaluate(_FOCUS_INFO, [_FOCUS_PROPS, selector, text])

    def press(self, key: str) -> dict:
        self.page.keyboard.press(key)
        info = self.focus_info()
        self._check(info)
        return info

    def _check(self, info: dict) -> None:
        if info["element"] is None or not info["tabbable"]:
            return  # e.g. <main tabindex=-1> focused by the skip link: not a Tab stop
        self.stops += 1
        if not info["indicator"] and info["element"] not in self.no_indicator:
            self.no_indicator.append(f"{self.page.url}: {info['element']}")

    def tab_to(self, selector: str, text: str = "", backwards: bool = False) -> dict:
        """Press Tab (or Shift+Tab) until the focused element matches ``selector``/``text``."""
        key = "Shift+Tab" if backwards else "Tab"
        seen = []
        for _ in range(self.max_presses):
            self.page.keyboard.press(key)
            info = self.focus_info(selector, text)
            self._check(info)
            seen.append(info["element"])
            if info["matches"]:
                return info
        raise AssertionError(
            f"{self.page.url}: pressed {key} {self.max_presses} times without reaching "
            f"{selector} {text!r}; focus went through: {seen[:60]}"
        )


# --- The demo area: find pages to visit without hard-coding names ------------------------------

SERVICE_LINK = re.compile(r'<li class="lo-result">.*?href="(/services/\d+)"', re.S)
THEME_LINK = re.compile(r'href="(/young-people/[\w-]+)"')


def first_match(pattern: re.Pattern, html: str, what: str) -> str:
    match = pattern.search(html)
    if not match:
        raise AssertionError(f"the demo area has no {what} to visit")
    return match.group(1)


def count_from_label(label: str) -> int:
    """``"Autism (12 services)"`` -> 12."""
    match = re.search(r"\((\d+)", label)
    return int(match.group(1)) if match else 0


def open_filters(page) -> None:
    """Open the results page's "Filter results" disclosure if it is closed (on a phone, or
    on any screen without JavaScript)."""
    details = page.locator("details#filter-panel")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
