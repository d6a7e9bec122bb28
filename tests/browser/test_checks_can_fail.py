"""The checks themselves: each one fails on a page planted with the problem it looks for, so a
clean run of the other tests means something."""

from __future__ import annotations

import pytest

from tests.browser.support import Keyboard, axe_version, horizontal_overflow, run_axe

pytestmark = pytest.mark.browser

PLANTED = """<!DOCTYPE html><html lang="en"><head><title>Planted problems</title>
<style>
  .no-ring:focus { outline: none; }
  .ring:focus { outline: 3px solid #ffdd00; }
</style></head>
<body><main>
  <h1>Planted problems</h1>
  <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
  <input type="text" name="unlabelled">
  <button class="ring" type="button">Has a focus ring</button>
  <button class="no-ring" type="button">Has no focus ring</button>
  <div style="width: 2000px">Too wide</div>
</main></body></html>"""


def test_axe_reflow_and_focus_checks_find_planted_problems(new_context):
    page = new_context(bypass_csp=True, viewport={"width": 320, "height": 640}).new_page()
    page.set_content(PLANTED)

    assert axe_version() != "unknown"
    found = {violation["id"] for violation in run_axe(page)}
    assert {"image-alt", "label"} <= found, found

    overflow = horizontal_overflow(page)
    assert overflow["scrollWidth"] > overflow["clientWidth"]
    assert any("Too wide" in line for line in overflow["wide"]), overflow

    keys = Keyboard(page)
    keys.remember_unfocused()
    keys.tab_to("input")
    keys.tab_to("button.ring")
    assert keys.no_indicator == []
    keys.tab_to("button.no-ring")
    assert len(keys.no_indicator) == 1 and "Has no focus ring" in keys.no_indicator[0]
