"""One reading of a family's words, the same for every page, the API and every backend.

In order: the words are cleaned; each word nothing knows is corrected to the closest known word
(``spelling.py``), unless the family asked for their exact words; glossary phrases are found;
an age (``ages.py``) and a place (``places.py``) outside those phrases are taken out as filters;
filler words are dropped (``filler.py``) and every other word is weighed (``weights.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from localoffer.search.query import ParsedQuery, QueryGroup, group_words, typed_words
from localoffer.search.thesaurus import Thesaurus
from localoffer.search.understanding.ages import AgeMention, find_age
from localoffer.search.understanding.filler import is_filler
from localoffer.search.understanding.places import Gazetteer, PlaceMention
from localoffer.search.understanding.spelling import PhraseCorrector, SpellingCorrector
from localoffer.search.understanding.weights import word_weight

# A query with this many meaningful words or phrases (each counting more than a generic
# word) is a sentence ...
SENTENCE_GROUPS = 5
# ... in which a word the directory does not know at all counts for little: in a sentence it
# is more often how someone writes ("says", "fine") than what they need. In a short query it
# is the need ("dentist for autistic child") and counts in full.
SENTENCE_UNKNOWN_WEIGHT = 0.25
MEANINGFUL_WEIGHT = 0.4


@dataclass(frozen=True)
class Understanding:
    """What was typed, how it was read, and what is searched for."""

    query: str
    typed: tuple[str, ...] = ()
    searched: ParsedQuery = field(default_factory=lambda: ParsedQuery("", ()))
    # (typed word, word searched for) for each corrected word, in order.
    corrections: tuple[tuple[str, str], ...] = ()
    # The typed words, lower case, as corrected.
    words: tuple[str, ...] = ()
    age: AgeMention | None = None
    place: PlaceMention | None = None
    exact: bool = False
    # Five or more meaningful words: judged more loosely for a close match.
    sentence: bool = False

    @property
    def corrected_query(self) -> str | None:
        """The typed words with the corrections made, or None when nothing was corrected."""
        if not self.corrections:
            return None
        return " ".join(
            word if word.lower() == meant else meant
            for word, meant in zip(self.typed, self.words, strict=True)
        )

    @property
    def meaningful(self) -> bool:
        """True when words other than filler, an age or a place were typed."""
        return not self.searched.is_empty

    def without(self, mention: AgeMention | PlaceMention | None) -> str:
        """The typed words without those of ``mention`` (for removing an understood filter)."""
        if mention is None:
            return self.query
        kept = [w for i, w in enumerate(self.typed) if not mention.start <= i < mention.end]
        return " ".join(kept)

    def as_json(self) -> dict:
        """What the API says it did with the words."""
        return {
            "query": self.query,
            "corrected_query": self.corrected_query,
            "understood": {
                "age": None
                if self.age is None
                else {"minimum": self.age.low, "maximum": self.age.high, "label": self.age.label},
                "place": None if self.place is None else self.place.name,
            },
        }


@dataclass(frozen=True)
class Reader:
    """What reading words needs: the glossary, the known words and the directory's places."""

    thesaurus: Thesaurus
    corrector: SpellingCorrector
    gazetteer: Gazetteer
    phrases: PhraseCorrector
    # How many documents use a word, and how many documents there are.
    frequency: Callable[[str], int]
    documents: int
    # The glossary's one-word terms, synonyms and expansions ("autism", "dyslexia").
    glossary_words: frozenset[str] = frozenset()


def understand(text: str, reader: Reader, exact: bool = False) -> Understanding:
    """Read ``text`` as a family meant it (``exact``: search the words as typed, uncorrected)."""
    typed = typed_words(text)
    words = [word.lower() for word in typed]
    corrections: list[tuple[str, str]] = []
    if not exact:
        for position, word in enumerate(words):
            better = None if is_filler(word) else reader.corrector.correct(word)
            if better is not None:
                corrections.append((word, better))
                words[position] = better
        for position, better in reader.phrases.correct(words, reader.corrector.knows):
            corrections.append((words[position], better))
            words[position] = better
    matches = reader.thesaurus.find(words)
    taken = {i for match in matches for i in range(match.start, match.end)}
    age = find_age(words, taken)
    if age is not None:
        taken |= set(range(age.start, age.end))
    place = reader.gazetteer.find(words, taken)
    skip: set[int] = set()
    for mention in (age, place):
        if mention is not None:
            skip |= set(range(mention.start, mention.end))
    matches = [m for m in matches if not skip.intersection(range(m.start, m.end))]
    grouped = group_words(words, matches, skip)
    groups = [group for _, group in grouped if group.entries or not is_filler(group.words[0])]
    if not groups and age is None and place is None:
        # Only filler was typed: search the words as they are rather than nothing.
        groups = [group for _, group in grouped]
    weighed = [_weigh(group, reader, False) for group in groups]
    sentence = sum(g.weight >= MEANINGFUL_WEIGHT for g in weighed) >= SENTENCE_GROUPS
    if sentence:
        weighed = [_weigh(group, reader, True) for group in groups]
    kept = tuple(weighed)
    return Understanding(
        query=" ".join(typed),
        typed=tuple(typed),
        searched=ParsedQuery(" ".join(w for g in kept for w in g.words), kept),
        sentence=sentence,
        corrections=tuple(corrections),
        words=tuple(words),
        age=age,
        place=place,
        exact=exact,
    )


def _weigh(group: QueryGroup, reader: Reader, sentence: bool) -> QueryGroup:
    if group.entries or len(group.words) > 1:
        return group
    word = group.words[0]
    used_by = reader.frequency(word)
    weight = word_weight(word, used_by, reader.documents, word in reader.glossary_words)
    if sentence and used_by == 0 and not reader.corrector.knows(word):
        weight = min(weight, SENTENCE_UNKNOWN_WEIGHT)
    return QueryGroup(group.words, group.alternatives, group.entries, weight)
