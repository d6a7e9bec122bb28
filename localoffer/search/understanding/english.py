"""Whether a word is an ordinary English word: one the spelling corrector must leave alone.

"horse" is not in any listing, but it is not a misspelling of "house": a family asking for
horse riding must be told nothing fits, not shown houses. The list is the English word
frequencies shipped with pyspellchecker (MIT licence; counted from subtitles and books), read
once and kept as a set of the words seen often enough to be real words.
"""

from __future__ import annotations

import gzip
import json
import logging
from functools import lru_cache
from importlib import resources

logger = logging.getLogger(__name__)

# Rarer entries in the list include common misspellings; above this count they are words.
MIN_COUNT = 50


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """The English words seen at least ``MIN_COUNT`` times (empty if the list is missing)."""
    try:
        packed = (resources.files("spellchecker") / "resources" / "en.json.gz").read_bytes()
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        logger.warning("No English word list: every unknown word may be corrected")
        return frozenset()
    counts = json.loads(gzip.decompress(packed))
    return frozenset(word for word, count in counts.items() if count >= MIN_COUNT)


def is_english_word(word: str) -> bool:
    """True when ``word`` (lower case) is a common English word."""
    return word in english_words()
