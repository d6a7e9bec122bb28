"""A first redaction an officer starts from: email addresses and phone numbers taken out.

Names and health details cannot be found reliably by a program; the officer reads and redacts
them. This only saves typing for the two kinds of personal data that have a fixed shape.
"""

from __future__ import annotations

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# UK numbers: 01632 960000, 07700 900123, +44 7700 900123, (01632) 960 000 ...
PHONE = re.compile(r"(?:\+44\s?|\(?0)\d[\d\s)]{8,12}\d")


def suggested_redaction(text: str) -> str:
    """``text`` with email addresses and phone numbers replaced by a note saying so."""
    text = EMAIL.sub("[email address removed]", text)
    return PHONE.sub("[phone number removed]", text)
