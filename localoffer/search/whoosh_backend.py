"""The Whoosh backend: one index folder that several processes write to and search.

Whoosh analyses, stores and scores (BM25F per term and field). Everything else is worked out
in memory from a snapshot of the index, rebuilt whenever the index changes: each term's
postings, each facet value, each age and the matches themselves are integer bitsets over
document numbers, so combining words, filtering and exact disjunctive facet counts are a few
ANDs, ORs and popcounts however many documents match. Whoosh's own query objects walk every
posting through a tree of matchers, which was several times slower on 10,000 documents.
"""

from __future__ import annotations

import fcntl
import math
import os
import re
import shutil
import threading
import time
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from whoosh import index as whoosh_index
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError
from whoosh.reading import IndexReader
from whoosh.searching import Searcher
from whoosh.writing import CLEAR, IndexWriter

from localoffer.search.backend import (
    MAX_AGE,
    SearchRequest,
    SearchResponse,
    SearchUnavailable,
    SearchWriteTimeout,
)
from localoffer.search.documents import FACET_NAMES, ServiceDocument
from localoffer.search.geo import EARTH_RADIUS_MILES, is_valid_point
from localoffer.search.geocoding import normalise_postcode, outward_code
from localoffer.search.query import ParsedQuery, QueryGroup, parse_query
from localoffer.search.snippets import WordForms, make_snippet, spelling_words
from localoffer.search.thesaurus import Thesaurus

ANALYZER = StemmingAnalyzer()
# Applied at query time: index-time boosts are flattened by BM25's term-frequency saturation.
FIELD_BOOSTS = {
    "name": 4.0,
    "alternate_name": 3.0,
    "need_text": 3.0,
    "category_text": 2.0,
    "organization": 1.5,
    "description": 1.0,
    "eligibility_text": 1.0,
    "towns": 1.0,
}
COORDINATION = 0.9
WRITE_WAIT_SECONDS = 10.0
LOCK_FILE = ".localoffer-write.lock"
MAX_PER_PAGE = 100
AGE_CEILING = 130
CACHED_PLACES = 16
# Each process keeps the postings of the terms searched for lately, up to about this much
# memory: 16 bytes a posting (document number and score, as the 64-bit arrays numpy indexes
# with no conversion) and a bitset of the term's documents. The 200 queries of
# bench/search_bench.py keep about 39 MB at 50,000 services; under the earlier
# bound of 2 million postings every pass read 0.9 million postings again (three seconds of a
# pass of 200 queries). The bound is a ceiling: a smaller area never comes near it.
CACHED_BYTES = 64 * 2**20
SUGGEST_BELOW = 3
_TOC_FILE = re.compile(r"^_MAIN_(\d+)\.toc$")


def build_schema() -> Schema:
    """The index's fields; every text field shares one stemming analyser."""
    return Schema(
        id=ID(stored=True, unique=True),
        name=TEXT(analyzer=ANALYZER, stored=True),
        alternate_name=TEXT(analyzer=ANALYZER),
        description=TEXT(analyzer=ANALYZER, stored=True),
        organization=TEXT(analyzer=ANALYZER),
        need_text=TEXT(analyzer=ANALYZER),
        category_text=TEXT(analyzer=ANALYZER),
        eligibility_text=TEXT(analyzer=ANALYZER),
        towns=TEXT(analyzer=ANALYZER),
        postcodes=KEYWORD(commas=True, lowercase=True),
        # One field for every facet ("need=autism"), so new vocabularies need no schema change.
        facet=KEYWORD(commas=True),
        ages=STORED(),
        points=STORED(),
        summary=STORED(),
        # Each document's distinct unstemmed words, the corrector's source for "did you mean".
        spelling=KEYWORD(),
    )


def document_fields(doc: ServiceDocument) -> dict[str, str]:
    """The Whoosh fields for one document; empty fields are left out."""
    postcodes: dict[str, None] = {}
    for postcode in doc.postcodes:
        postcodes[normalise_postcode(postcode)] = None
        outward = outward_code(postcode)
        if outward:
            postcodes[outward] = None
    fields = {
        "name": doc.name,
        "alternate_name": doc.alternate_name,
        "description": doc.description,
        "organization": doc.organization,
        "need_text": doc.need_text,
        "category_text": doc.category_text,
        "eligibility_text": doc.eligibility_text,
        "towns": " ".join(doc.towns),
        "postcodes": ",".join(p.replace(",", " ") for p in postcodes),
        "facet": ",".join(
            f"{facet}={value}".replace(",", " ")
            for facet, values in doc.facets.items()
            for value in values
        ),
        "ages": ";".join(f"{max(int(low), 0)}-{max(int(high), 0)}" for low, high in doc.age_ranges),
        "points": ";".join(
            f"{float(lat)!r},{float(lon)!r}"
            for lat, lon in doc.points
            if is_valid_point((lat, lon))
        ),
        "summary": doc.summary,
        "spelling": " ".join(
            spelling_words(" ".join((doc.name, doc.alternate_name, doc.description, doc.need_text)))
        ),
    }
    return {"id": str(doc.id), **{name: value for name, value in fields.items() if value}}


# Bitsets: bit n of an int is document number n.

_BITS = [tuple(bit for bit in range(8) if byte >> bit & 1) for byte in range(256)]


def _mask(docnums: Iterable[int], size: int) -> int:
    buffer = bytearray(size // 8 + 1)
    for docnum in docnums:
        buffer[docnum >> 3] |= 1 << (docnum & 7)
    return int.from_bytes(buffer, "little")


def _members(mask: int) -> list[int]:
    found: list[int] = []
    data = mask.to_bytes((mask.bit_length() + 7) // 8, "little")
    for position, byte in enumerate(data):
        if byte:
            base = position * 8
            found.extend(base + bit for bit in _BITS[byte])
    return found


def _bitset(flags: np.ndarray) -> int:
    """An array of booleans over document numbers as a bitset."""
    return int.from_bytes(np.packbits(flags, bitorder="little").tobytes(), "little")


def _dense(mask: int, size: int) -> np.ndarray:
    """A bitset as an array of ``size`` booleans, for scoring every document at once."""
    data = mask.to_bytes(size // 8 + 1, "little")
    bits = np.unpackbits(np.frombuffer(data, dtype=np.uint8), bitorder="little")
    return bits[:size].view(bool)


def _parse_ranges(stored: str) -> list[tuple[int, int]]:
    ranges = []
    for part in stored.split(";") if stored else ():
        low, _, high = part.partition("-")
        a, b = sorted((int(low), int(high)))
        ranges.append((max(a, 0), min(b, AGE_CEILING)))
    return ranges


def _parse_points(stored: str) -> tuple[tuple[float, float], ...]:
    points = []
    for part in stored.split(";") if stored else ():
        lat, _, lon = part.partition(",")
        if is_valid_point((lat, lon)):
            points.append((float(lat), float(lon)))
    return tuple(points)


@dataclass(frozen=True)
class _Leaf:
    """One term's postings in one field: a bitset, and ascending document numbers with scores."""

    mask: int
    docnums: np.ndarray
    scores: np.ndarray


def _leaf_bytes(leaf: _Leaf) -> int:
    """About how much memory a cached leaf holds."""
    return leaf.docnums.nbytes + leaf.scores.nbytes + leaf.mask.bit_length() // 8 + 100


@dataclass(frozen=True)
class _Clause:
    """Every token of one phrase in one field; the unit a query group is an OR of."""

    boost: float
    leaves: tuple[_Leaf, ...]
    # Which phrase of its group the clause belongs to, and how much that phrase counts.
    phrase: int = 0
    weight: float = 1.0

    @property
    def mask(self) -> int:
        mask = self.leaves[0].mask
        for leaf in self.leaves[1:]:
            mask &= leaf.mask
        return mask


class _Snapshot:
    """Per-document facts for one version of the index, with every set held as a bitset."""

    def __init__(self, reader: IndexReader) -> None:
        self.size = size = reader.doc_count_all()
        self.ids = [0] * size
        self.rank = [0] * size
        # Each document's description, for its snippet: reading it back from the stored
        # fields (decompressing and unpickling them) cost a tenth of a search per page.
        self.descriptions = [""] * size
        self.summaries = [""] * size
        # Per document: each point as (lat radians, lon radians, cos lat), for haversine.
        self.points: dict[int, tuple[tuple[float, float, float], ...]] = {}
        ranges: dict[int, list[tuple[int, int]]] = {}
        names = []
        for docnum, stored in reader.iter_docs():
            self.ids[docnum] = int(stored["id"])
            self.descriptions[docnum] = stored.get("description", "")
            self.summaries[docnum] = stored.get("summary", "")
            names.append((stored.get("name", "").casefold(), self.ids[docnum], docnum))
            if found := _parse_ranges(stored.get("ages", "")):
                ranges[docnum] = found
            if points := _parse_points(stored.get("points", "")):
                self.points[docnum] = tuple(
                    (math.radians(lat), math.radians(lon), math.cos(math.radians(lat)))
                    for lat, lon in points
                )
        for position, (_, _, docnum) in enumerate(sorted(names)):
            self.rank[docnum] = position
        self.rank_array = np.array(self.rank, dtype=np.int64)
        self.live = _mask((docnum for _, _, docnum in names), size)
        self.facets = self._facet_masks(reader)
        self.word_forms = WordForms(reader.field_terms("spelling"))
        self.unbounded = self.live & ~_mask(ranges, size)
        top = max([MAX_AGE, *(high for found in ranges.values() for _, high in found)])
        by_age: list[list[int]] = [[] for _ in range(top + 1)]
        for docnum, found in ranges.items():
            for age in {age for low, high in found for age in range(low, high + 1)}:
                by_age[age].append(docnum)
        self.ages = [_mask(docnums, size) | self.unbounded for docnums in by_age]
        self._distances: OrderedDict[tuple[float, float], dict[int, float]] = OrderedDict()
        self._distance_arrays: OrderedDict[tuple[float, float], np.ndarray] = OrderedDict()
        self._leaves: OrderedDict[tuple[str, str], _Leaf] = OrderedDict()
        self._cached_bytes = 0

    def leaf(self, searcher: Searcher, field: str, token: str) -> _Leaf:
        """The documents containing ``token`` in ``field`` with their BM25F scores, cached."""
        key = (field, token)
        if key in self._leaves:
            self._leaves.move_to_end(key)
            return self._leaves[key]
        docnums, scores = array("q"), array("d")
        if key in searcher.reader():
            matcher = searcher.postings(field, token)
            while matcher.is_active():
                docnums.append(matcher.id())
                scores.append(matcher.score())
                matcher.next()
        found = _Leaf(
            _mask(docnums, self.size) & self.live,
            np.frombuffer(docnums, dtype=np.int64) if docnums else np.zeros(0, np.int64),
            np.frombuffer(scores, dtype=np.float64) if scores else np.zeros(0, np.float64),
        )
        self._leaves[key] = found
        self._cached_bytes += _leaf_bytes(found)
        while self._cached_bytes > CACHED_BYTES and len(self._leaves) > 1:
            _, dropped = self._leaves.popitem(last=False)
            self._cached_bytes -= _leaf_bytes(dropped)
        return found

    def _facet_masks(self, reader: IndexReader) -> dict[str, dict[str, int]]:
        masks: dict[str, dict[str, int]] = {}
        for term in reader.field_terms("facet"):
            facet, _, value = term.partition("=")
            docnums = reader.postings("facet", term).all_ids()
            masks.setdefault(facet, {})[value] = _mask(docnums, self.size) & self.live
        return masks

    def facet_mask(self, facet: str, values: Iterable[str]) -> int:
        """Documents with any of ``values`` in ``facet``."""
        known = self.facets.get(facet, {})
        mask = 0
        for value in values:
            mask |= known.get(value, 0)
        return mask

    def age_mask(self, low: int, high: int) -> int:
        """Documents with an age range overlapping low..high, or with no age ranges."""
        low, high = sorted((int(low), int(high)))
        mask = self.unbounded
        for age in range(max(low, 0), min(high, len(self.ages) - 1) + 1):
            mask |= self.ages[age]
        return mask

    def distances(self, near: tuple[float, float]) -> dict[int, float]:
        """Miles from ``near`` to each document's nearest point (documents with points only)."""
        key = (float(near[0]), float(near[1]))
        if key in self._distances:
            self._distances.move_to_end(key)
            return self._distances[key]
        lat1, lon1 = math.radians(key[0]), math.radians(key[1])
        cos1 = math.cos(lat1)
        sin = math.sin
        found = {}
        for docnum, points in self.points.items():
            # Haversine, keeping the smallest h: the distance grows with it.
            h = min(
                sin((lat - lat1) / 2) ** 2 + cos1 * cos_lat * sin((lon - lon1) / 2) ** 2
                for lat, lon, cos_lat in points
            )
            found[docnum] = 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(h)))
        self._distances[key] = found
        if len(self._distances) > CACHED_PLACES:
            self._distances.popitem(last=False)
        return found

    def distance_array(self, near: tuple[float, float]) -> np.ndarray:
        """``distances`` as an array over document numbers, infinite for documents without
        points."""
        key = (float(near[0]), float(near[1]))
        if key in self._distance_arrays:
            self._distance_arrays.move_to_end(key)
            return self._distance_arrays[key]
        found = self.distances(near)
        miles = np.full(self.size, math.inf)
        miles[np.fromiter(found.keys(), np.int64, len(found))] = np.fromiter(
            found.values(), np.float64, len(found)
        )
        self._distance_arrays[key] = miles
        if len(self._distance_arrays) > CACHED_PLACES:
            self._distance_arrays.popitem(last=False)
        return miles

    def within(self, near: tuple[float, float], miles: float) -> int:
        """Documents with a point no more than ``miles`` from ``near``."""
        return _bitset(self.distance_array(near) <= miles)


class _TrackingStorage(FileStorage):
    """A FileStorage that closes what it opened when reading fails.

    Whoosh leaves a damaged table of contents open when it cannot parse it; the leaked file
    would otherwise be closed only by the garbage collector, with a ResourceWarning.
    """

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self._opened: list | None = None

    def open_file(self, name: str, **kwargs):
        opened = super().open_file(name, **kwargs)
        if self._opened is not None:
            self._opened.append(opened)
        return opened

    @contextmanager
    def closing_on_error(self) -> Iterator[None]:
        """Close every file opened inside the block if the block raises."""
        self._opened = []
        try:
            yield
        except BaseException:
            for opened in self._opened:
                try:
                    opened.close()
                except Exception:
                    pass
            raise
        finally:
            self._opened = None


@dataclass
class _View:
    token: tuple[int, int, int]
    searcher: Searcher
    snapshot: _Snapshot


@lru_cache(maxsize=8192)
def _tokens(phrase: str) -> tuple[str, ...]:
    """``phrase`` as the index's analyser reads it. Cached: the same thesaurus phrases come up
    in query after query, and the analyser's filter chain cost more than scoring them."""
    return tuple(token.text for token in ANALYZER(phrase))


# What the family typed counts most; the thesaurus's other phrases for it, and the single words
# of a typed phrase, count for less, so a service named for the typed words is not outranked
# by one that merely repeats several synonyms.
TYPED_WEIGHT = 1.0
ALTERNATIVE_WEIGHT = 0.6
SINGLE_WORD_WEIGHT = 0.5
# A group scores its best phrase plus this share of the others (a dis-max with tie-breaker).
TIE_BREAKER = 0.5
# An alternative longer than what was typed is scaled by (typed words / its words) to this
# power: the square root, as classic Lucene normalises for length.
LENGTH_EXPONENT = 0.5


def _distinct_tokens(phrase: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_tokens(phrase)))


def _weighted_phrases(group: QueryGroup) -> list[tuple[tuple[str, ...], float]]:
    """Each phrase of a group as its distinct analysed tokens, with how much it counts.

    A phrase scores the sum of its tokens' scores, so without a correction a long thesaurus
    alternative would outweigh a short typed word just by having more words: "after school
    club" (a synonym of "swimming" in the leisure entry) scored three words' worth against
    one, and "early years" two against a typed "nursery". An alternative with more tokens
    than the typed phrase is therefore scaled down by the square root of the ratio; a
    shorter one is not scaled up."""
    typed = _distinct_tokens(" ".join(group.words))
    phrases = [(typed, TYPED_WEIGHT)]
    for phrase in group.alternatives:
        tokens = _distinct_tokens(phrase)
        if tokens:
            ratio = min(max(len(typed), 1) / len(tokens), 1.0)
            phrases.append((tokens, ALTERNATIVE_WEIGHT * ratio**LENGTH_EXPONENT))
    if len(group.words) > 1:
        phrases += [(_distinct_tokens(word), SINGLE_WORD_WEIGHT) for word in group.words]
    return phrases


def plan_query(parsed: ParsedQuery, snap: _Snapshot, searcher: Searcher) -> list[list[_Clause]]:
    """Per query group, the clauses any of which matches it; built from postings, not syntax."""
    groups = []
    for group in parsed.groups:
        # A group with any analysed token counts towards coordination even when none of its
        # clauses can match: only the clauses are left out, not the group.
        searched = False
        seen: set[tuple[str, tuple[str, ...]]] = set()
        clauses: list[_Clause] = []
        for number, (tokens, weight) in enumerate(_weighted_phrases(group)):
            for field, boost in FIELD_BOOSTS.items() if tokens else ():
                searched = True
                if (field, tokens) in seen:
                    continue
                seen.add((field, tokens))
                leaves = tuple(snap.leaf(searcher, field, token) for token in tokens)
                # A clause with a word no listed document has in the field matches nothing and
                # adds nothing to any score: most of a broad thesaurus group's clauses.
                if all(leaf.mask for leaf in leaves):
                    clauses.append(_Clause(boost, leaves, number, weight))
        word = group.words[0]
        if len(group.words) == 1 and re.search(r"\d", word) and re.search(r"[a-z]", word):
            searched = True
            clauses.append(_Clause(1.0, (snap.leaf(searcher, "postcodes", word),)))
        if searched:
            groups.append(clauses)
    return groups


def _phrase_scores(
    by_phrase: dict[int, np.ndarray], weights: dict[int, float], clause: _Clause, size: int
) -> np.ndarray:
    """The score array of ``clause``'s phrase, made the first time the phrase adds a score."""
    if clause.phrase not in by_phrase:
        by_phrase[clause.phrase] = np.zeros(size)
        weights[clause.phrase] = clause.weight
    return by_phrase[clause.phrase]


def relevance(
    groups: list[list[_Clause]], allowed: int, size: int
) -> tuple[np.ndarray, np.ndarray]:
    """Scores of the ``allowed`` documents, as (document numbers, their scores). Within a
    group, a phrase scores the sum over its fields and the group scores its best phrase plus a
    share of the rest (so synonyms do not simply add up); groups add up, scaled by how many
    matched. Documents that score nothing are left out.

    Every document is scored at once in arrays over all document numbers, with the same
    floating-point operations in the same order as scoring one document at a time would do,
    so the scores (and so the order, ties included) do not depend on how they were computed.
    """
    allowed_dense = _dense(allowed, size)
    totals = np.zeros(size)
    matched = np.zeros(size, dtype=np.int64)
    for clauses in groups:
        # Only phrases that add something to an allowed document get an array: one that adds
        # nothing would add 0.0 to every sum and leave every maximum as it is (scores are
        # never negative). The sums are made in phrase order, as when every phrase had one.
        by_phrase: dict[int, np.ndarray] = {}
        weights: dict[int, float] = {}
        for clause in clauses:
            if len(clause.leaves) == 1:
                leaf = clause.leaves[0]
                if not leaf.mask & allowed:
                    continue
                scores = _phrase_scores(by_phrase, weights, clause, size)
                keep = allowed_dense[leaf.docnums]
                scores[leaf.docnums[keep]] += leaf.scores[keep] * clause.boost
                continue
            every_word = clause.mask & allowed
            if not every_word:
                # Common for a phrase in a short field: nothing to add, so skip the arrays.
                continue
            scores = _phrase_scores(by_phrase, weights, clause, size)
            # Summed leaf by leaf from zero, as sum() would, then kept where every leaf matched.
            summed_leaves = np.zeros(size)
            for leaf in clause.leaves:
                summed_leaves[leaf.docnums] += leaf.scores
            both = _dense(every_word, size)
            scores[both] += summed_leaves[both] * clause.boost
        if not by_phrase:
            # Nothing in the group matched an allowed document: no score, no match to count.
            continue
        best = np.zeros(size)
        summed = np.zeros(size)
        for phrase in sorted(by_phrase):
            weighted = by_phrase[phrase] * weights[phrase]
            # Adding 0.0 where a phrase did not match leaves a sum unchanged.
            summed += weighted
            np.maximum(best, weighted, out=best)
        scored = best > 0.0
        group_score = best + TIE_BREAKER * (summed - best)
        totals[scored] += group_score[scored]
        matched += scored
    # More of the typed words matching ranks higher; partial matches still count.
    scale = np.array(
        [(1 - COORDINATION) + COORDINATION * n / len(groups) for n in range(len(groups) + 1)]
    )
    docnums = np.flatnonzero(matched)
    return docnums, totals[docnums] * scale[matched[docnums]]


def top_by_score(docnums: np.ndarray, scores: np.ndarray, rank: np.ndarray, stop: int) -> list[int]:
    """The first ``stop`` document numbers by score, highest first, ties by name."""
    if len(docnums) > stop > 0:
        # Only documents scoring at least the stop-th best score can be in the first ``stop``.
        threshold = np.partition(scores, len(scores) - stop)[len(scores) - stop]
        keep = scores >= threshold
        docnums, scores = docnums[keep], scores[keep]
    order = np.lexsort((rank[docnums], -scores))
    return docnums[order[:stop]].tolist()


def highlight_terms(parsed: ParsedQuery) -> frozenset[str]:
    """The analysed forms of every word and thesaurus phrase searched for."""
    phrases = [" ".join(group.words) for group in parsed.groups]
    phrases += [phrase for group in parsed.groups for phrase in group.alternatives]
    return frozenset(token for phrase in phrases for token in _tokens(phrase))


def _correct(reader: IndexReader, word: str) -> str | None:
    """The index's most frequent word one (or for long words two) edits from ``word``."""
    if len(word) < 4 or not word.isalpha() or reader.doc_frequency("spelling", word):
        return None
    for distance in (1, 2) if len(word) >= 6 else (1,):
        found = reader.terms_within("spelling", word, distance, prefix=1)
        candidates = [c for c in found if c != word]
        if candidates:
            return min(candidates, key=lambda c: (-reader.doc_frequency("spelling", c), c))
    return None


def suggest(reader: IndexReader, parsed: ParsedQuery) -> str | None:
    """The query with unknown words replaced by close words from the index, if any changed."""
    words: list[str] = []
    changed = False
    for group in parsed.groups:
        better = None if group.entries else _correct(reader, group.words[0])
        words.extend([better] if better else group.words)
        changed = changed or better is not None
    return " ".join(words) if changed else None


def _selected(values: object) -> tuple[str, ...]:
    # A bare string is one value, not a tuple of characters.
    if isinstance(values, str):
        return (values,)
    return tuple(str(value) for value in values or ())


def _filter_masks(
    request: SearchRequest, snap: _Snapshot, near: tuple[float, float] | None
) -> tuple[int, int, dict[str, int]]:
    """The age and place filters' documents, and each filtered facet's documents."""
    ages = snap.live if request.age is None else snap.age_mask(*request.age)
    place = snap.live
    miles = request.within_miles
    if near is not None and miles is not None and math.isfinite(miles):
        place = snap.within(near, miles)
    filters = {
        facet: snap.facet_mask(facet, _selected(values))
        for facet, values in request.filters.items()
        if _selected(values)
    }
    return ages, place, filters


def _facet_counts(
    request: SearchRequest, snap: _Snapshot, context: int, filters: dict[str, int]
) -> dict[str, dict[str, int]]:
    """Counts per facet value over the matches with that facet's own filter removed."""
    counts: dict[str, dict[str, int]] = {}
    for facet in dict.fromkeys([*FACET_NAMES, *request.facet_values, *request.filters]):
        base = context
        for other, mask in filters.items():
            if other != facet:
                base &= mask
        known = snap.facets.get(facet, {})
        wanted = dict.fromkeys(
            [
                *_selected(request.facet_values.get(facet, ())),
                *_selected(request.filters.get(facet, ())),
            ]
        )
        values = {value: (base & known.get(value, 0)).bit_count() for value in wanted}
        for value in sorted(known.keys() - wanted.keys()):
            if count := (base & known[value]).bit_count():
                values[value] = count
        counts[facet] = values
    return counts


def _snippets(snap: _Snapshot, docnums: list[int], terms: frozenset[str]) -> dict[int, str]:
    literals = snap.word_forms.literals(terms)
    return {
        snap.ids[docnum]: make_snippet(snap.descriptions[docnum], terms, literals)
        for docnum in docnums
    }


def _page_distances(
    snap: _Snapshot, docnums: list[int], near: tuple[float, float] | None
) -> dict[int, float]:
    if near is None:
        return {}
    known = snap.distances(near)
    return {snap.ids[docnum]: known[docnum] for docnum in docnums if docnum in known}


class WhooshBackend:
    """A Whoosh index in ``index_dir``; safe for several processes to write at once."""

    def __init__(self, index_dir: str | os.PathLike[str], thesaurus: Thesaurus | None = None):
        self.index_dir = os.fspath(index_dir)
        self.thesaurus = thesaurus if thesaurus is not None else Thesaurus()
        self.schema = build_schema()
        self._lock = threading.RLock()
        self._view: _View | None = None

    def close(self) -> None:
        """Release the open searcher; the backend reopens one when next used."""
        with self._lock:
            if self._view is not None:
                self._view.searcher.close()
                self._view = None

    def __enter__(self) -> WhooshBackend:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # Reading

    def is_healthy(self) -> bool:
        """True when the index exists, opens and its documents can be read."""
        try:
            ix = self._open()
            with ix.storage.closing_on_error(), ix.searcher() as searcher:
                reader = searcher.reader()
                next(iter(reader.iter_docs()), None)
                list(reader.field_terms("facet"))
            return True
        except Exception:
            return False

    def doc_count(self) -> int:
        with self._lock:
            return self._current().snapshot.live.bit_count()

    def ids(self) -> set[int]:
        with self._lock:
            snapshot = self._current().snapshot
            return {snapshot.ids[docnum] for docnum in _members(snapshot.live)}

    def search(self, request: SearchRequest) -> SearchResponse:
        """Run a family's search; see SearchRequest and SearchResponse for the contract."""
        parsed = parse_query(request.text, self.thesaurus)
        per_page = min(max(int(request.per_page), 1), MAX_PER_PAGE)
        page = max(int(request.page), 1)
        near = request.near if request.near is not None and is_valid_point(request.near) else None
        with self._lock:
            view = self._current()
            snap, searcher = view.snapshot, view.searcher
            groups = plan_query(parsed, snap, searcher)
            text = snap.live
            if groups:
                text = 0
                for clause in (clause for clauses in groups for clause in clauses):
                    text |= clause.mask
            ages, place, filters = _filter_masks(request, snap, near)
            all_facets = snap.live
            for mask in filters.values():
                all_facets &= mask
            matching = text & ages & place & all_facets
            total = matching.bit_count()
            docnums: list[int] = []
            if (page - 1) * per_page < total:
                ordered = self._ordered(request.sort, snap, groups, matching, near, page * per_page)
                docnums = ordered[(page - 1) * per_page :]
            suggestion = None
            if total < SUGGEST_BELOW and not parsed.is_empty:
                suggestion = suggest(searcher.reader(), parsed)
            return SearchResponse(
                ids=[snap.ids[docnum] for docnum in docnums],
                total=total,
                page=page,
                pages=max(1, math.ceil(total / per_page)),
                snippets=_snippets(snap, docnums, highlight_terms(parsed)),
                distances=_page_distances(snap, docnums, near),
                summaries={
                    snap.ids[docnum]: snap.summaries[docnum]
                    for docnum in docnums
                    if snap.summaries[docnum]
                },
                facets=_facet_counts(request, snap, text & ages & place, filters),
                age_counts={
                    age: (text & place & all_facets & snap.ages[age]).bit_count()
                    for age in range(MAX_AGE + 1)
                },
                interpreted_as=parsed.text,
                expansions=parsed.entries,
                suggestion=suggestion,
            )

    @staticmethod
    def _ordered(
        sort: str,
        snap: _Snapshot,
        groups: list[list[_Clause]],
        matching: int,
        near: tuple[float, float] | None,
        stop: int,
    ) -> list[int]:
        """The first ``stop`` matching document numbers in the requested order."""
        if sort == "distance" and near is not None:
            docnums = np.flatnonzero(_dense(matching, snap.size))
            # Nearest first (those without a location last), ties by name.
            return top_by_score(docnums, -snap.distance_array(near)[docnums], snap.rank_array, stop)
        if sort != "name" and groups:
            docnums, scores = relevance(groups, matching, snap.size)
            return top_by_score(docnums, scores, snap.rank_array, stop)
        docnums = np.flatnonzero(_dense(matching, snap.size))
        ranks = snap.rank_array[docnums]
        if len(docnums) > stop:
            first = np.argpartition(ranks, stop - 1)[:stop]
            docnums, ranks = docnums[first], ranks[first]
        return docnums[np.argsort(ranks)].tolist()

    def _current(self) -> _View:
        """The searcher and snapshot for the index as it is now, reopened after any write."""
        error: Exception | None = None
        for attempt in range(3):
            token = self._version()
            if token is None:
                raise SearchUnavailable(f"no search index in {self.index_dir}")
            if self._view is not None and self._view.token == token:
                return self._view
            try:
                searcher, snapshot = self._load()
            except SearchUnavailable:
                raise
            except Exception as exc:
                error = exc
                # Retry only if a writer replaced the files between listing and opening them.
                if self._version() == token:
                    break
                time.sleep(0.02 * (attempt + 1))
                continue
            self.close()
            self._view = _View(token, searcher, snapshot)
            return self._view
        raise SearchUnavailable(f"cannot read the search index in {self.index_dir}") from error

    def _load(self) -> tuple[Searcher, _Snapshot]:
        ix = self._open()
        with ix.storage.closing_on_error():
            searcher = ix.searcher()
            try:
                return searcher, _Snapshot(searcher.reader())
            except BaseException:
                searcher.close()
                raise

    def _version(self) -> tuple[int, int, int] | None:
        """The newest table of contents' generation, inode and mtime; None when there is none."""
        # Generation alone is not enough: a rebuilt index starts counting again.
        try:
            generations = [
                int(found.group(1))
                for name in os.listdir(self.index_dir)
                if (found := _TOC_FILE.match(name))
            ]
            if not generations:
                return None
            newest = max(generations)
            stat = os.stat(os.path.join(self.index_dir, f"_MAIN_{newest}.toc"))
        except OSError:
            return None
        return newest, stat.st_ino, stat.st_mtime_ns

    def _open(self) -> whoosh_index.Index:
        storage = _TrackingStorage(self.index_dir)
        with storage.closing_on_error():
            ix = storage.open_index()
        if set(ix.schema.names()) != set(self.schema.names()):
            raise SearchUnavailable(f"the index in {self.index_dir} has another schema")
        return ix

    # Writing

    def rebuild(self, documents: Iterable[ServiceDocument]) -> int:
        """Replace the whole index with ``documents``; readers see the old one until commit."""
        latest = {doc.id: doc for doc in documents}
        with self._write_lock() as deadline:
            if self.is_healthy():
                ix = self._open()
            else:
                self._clear_folder()
                ix = _TrackingStorage(self.index_dir).create_index(self.schema)

            def add_all(writer: IndexWriter) -> None:
                for doc in latest.values():
                    writer.add_document(**document_fields(doc))

            self._commit(ix, add_all, deadline, mergetype=CLEAR)
        return len(latest)

    def upsert(self, documents: Iterable[ServiceDocument]) -> None:
        """Add or replace documents by id; creates the index if there is none."""
        docs = list(documents)
        if not docs:
            return

        def update(writer: IndexWriter) -> None:
            for doc in docs:
                writer.update_document(**document_fields(doc))

        with self._write_lock() as deadline:
            if self._version() is None:
                ix = _TrackingStorage(self.index_dir).create_index(self.schema)
            else:
                ix = self._open_for_write()
            self._commit(ix, update, deadline)

    def delete(self, ids: Iterable[int]) -> None:
        """Remove documents by id; ids not in the index are ignored."""
        keys = [str(int(i)) for i in ids]
        if not keys:
            return

        def remove(writer: IndexWriter) -> None:
            for key in keys:
                writer.delete_by_term("id", key)

        with self._write_lock() as deadline:
            if self._version() is None:
                return
            self._commit(self._open_for_write(), remove, deadline)

    def _open_for_write(self) -> whoosh_index.Index:
        # Writing into a damaged index would fail halfway; only a rebuild can mend it.
        if not self.is_healthy():
            raise SearchUnavailable(f"the index in {self.index_dir} is damaged; rebuild it")
        return self._open()

    @staticmethod
    def _commit(
        ix: whoosh_index.Index,
        apply: Callable[[IndexWriter], None],
        deadline: float,
        mergetype: Callable | None = None,
    ) -> None:
        """Apply changes in one Whoosh writer and commit, waiting out Whoosh's own lock."""
        delay = 0.01
        while True:
            try:
                writer = ix.writer()
                break
            except LockError:
                # Only something outside this class (which serialises writers) can hold it.
                if time.monotonic() >= deadline:
                    raise SearchWriteTimeout("the search index stayed locked") from None
                time.sleep(delay)
                delay = min(delay * 2, 0.2)
        with ix.storage.closing_on_error():
            try:
                apply(writer)
            except BaseException:
                writer.cancel()
                raise
            writer.commit(mergetype=mergetype)

    @contextmanager
    def _write_lock(self) -> Iterator[float]:
        """Hold an exclusive lock on the index folder for up to ten seconds of waiting."""
        deadline = time.monotonic() + WRITE_WAIT_SECONDS
        os.makedirs(self.index_dir, exist_ok=True)
        # flock locks belong to the open file, so threads with their own open exclude each other.
        handle = os.open(os.path.join(self.index_dir, LOCK_FILE), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            delay = 0.005
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise SearchWriteTimeout("another process is writing the index") from None
                    time.sleep(delay)
                    delay = min(delay * 2, 0.025)
            yield deadline
        finally:
            os.close(handle)

    def _clear_folder(self) -> None:
        """Delete everything in the index folder except the write lock."""
        with self._lock:
            self.close()
        for name in os.listdir(self.index_dir):
            if name == LOCK_FILE:
                continue
            path = os.path.join(self.index_dir, name)
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path)
            else:
                os.remove(path)
