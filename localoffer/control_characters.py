"""The one rule for characters that no text on the site may hold, whatever brings it in.

Refused: the C0 control characters (U+0000 to U+001F) except tab, line feed and carriage
return; DEL (U+007F); the C1 control characters (U+0080 to U+009F); and lone surrogates
(U+D800 to U+DFFF). None of them is text a person means to write: NUL cannot be stored by
PostgreSQL at all (SQLite would keep it silently), escape sequences can rewrite a terminal that
prints them, C1 characters are what Windows-1252 punctuation becomes when read as Latin-1, and a
lone surrogate cannot be written as UTF-8. Everything else is allowed, including the invisible
format characters some languages and emoji need (zero-width joiners, direction marks).

Where it applies, each in its own way:

- forms (``localoffer.base_form.BaseForm``, the review and redaction forms): the field gets
  ``control_character_message`` and the form is shown again with what was typed (review answers
  sent after the session ended are saved without them, as nobody is there to see an error);
- query-string arguments (``localoffer.request_text``): the argument is dropped, as if absent,
  except that the API answers 400 naming it, as it does for any bad argument; a path holding
  them answers 404;
- the CSV import (``localoffer.bulk``) and the Open Referral UK import (``localoffer.api``): the
  row or service is refused with the column or field named; a review template whose YAML
  escapes make them is refused;
- ``flask users create-admin`` refuses an email address or name holding them; command output
  repeating text from a file writes them as escapes (``shown_safely``).
"""

from __future__ import annotations

import re

# The control characters as a regular expression class, also written into the API's OpenAPI
# document (JSON Schema patterns read these escapes the same way). Surrogates are apart: JSON
# Schema's regular expressions cannot name them, and a query string cannot carry them anyway.
CONTROL_CLASS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
REFUSED = re.compile(f"[{CONTROL_CLASS}\\ud800-\\udfff]")
# What is wrong, after the name of what holds them (the API's errors name the argument apart).
REFUSAL = "must not contain hidden control characters"


def has_control_characters(text: str) -> bool:
    """Whether ``text`` holds any character the rule above refuses."""
    return REFUSED.search(text) is not None


def holds_control_characters(data: object) -> bool:
    """Whether any text in parsed data (dicts, lists, their keys and strings) breaks the rule.

    A loop, not recursion: data nested as deep as its parser allows must not overflow here."""
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if has_control_characters(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list | tuple):
            pending.extend(item)
    return False


def control_character_message(what: str) -> str:
    """The error for a field or column that holds them: "Problem must not contain ..."."""
    return f"{what} {REFUSAL}"


def without_control_characters(text: str) -> str:
    """``text`` with the refused characters taken out."""
    return REFUSED.sub("", text)


def shown_safely(text: str) -> str:
    """``text`` with each refused character written as an escape such as ``\\x00``, for
    messages that repeat what was refused."""
    return REFUSED.sub(lambda found: ascii(found.group())[1:-1], text)
