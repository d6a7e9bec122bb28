"""How much each typed word counts: a word most services use says little about which fits.

"help with behaviour problems at home": "home" is in a quarter of the listings, "behaviour" in
a few, so a home education service named for "home" must not outrank behaviour support. A
word's weight falls from 1 (in ``RARE_SHARE`` of the documents or fewer) to ``COMMON_WEIGHT``
(in ``COMMON_SHARE`` or more), on a log scale between. Words every directory uses generically
("help", "support", "service", "school" ...) count at most ``GENERIC_WEIGHT`` whatever the
counts say, so a small directory where few listings say "help" behaves the same. A glossary
phrase, a word of the glossary ("autism" is in a third of a SEND directory, and means the
most), or a word no listing uses, counts in full.
"""

from __future__ import annotations

import math

RARE_SHARE = 0.03
COMMON_SHARE = 0.25
COMMON_WEIGHT = 0.15
GENERIC_WEIGHT = 0.2
GENERIC_WORDS = frozenset(
    """
    help helps helping helpful support supports supported supporting service services
    care caring need needs needed problem problems issue issues difficulty difficulties
    home homes school schools child children young people person family families parent
    parents carer carers advice information info team teams group groups centre center
    talk talking assessment assessments local provision provider providers offer needs
    special club clubs activity activities place places work working worker workers
    """.split()
)


def word_weight(
    word: str, documents_with_word: int, documents: int, in_glossary: bool = False
) -> float:
    """How much ``word`` counts, from how many of ``documents`` use it."""
    weight = 1.0
    if documents > 0 and documents_with_word > 0 and not in_glossary:
        share = documents_with_word / documents
        if share >= COMMON_SHARE:
            weight = COMMON_WEIGHT
        elif share > RARE_SHARE:
            fall = math.log(share / RARE_SHARE) / math.log(COMMON_SHARE / RARE_SHARE)
            weight = 1.0 - fall * (1.0 - COMMON_WEIGHT)
    if word in GENERIC_WORDS:
        weight = min(weight, GENERIC_WEIGHT)
    return round(weight, 4)
