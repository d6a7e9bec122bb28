"""One version of the index held in memory, every set of documents as an integer bitset.

A ``Snapshot`` is made from a reader whenever the index changes. It holds each document's
id, name order, description and summary (for results pages), the documents of each facet
value and each age, each document's map points (for distances), and a cache of the terms
searched for lately ("leaves": one term's postings in one field, with their BM25F scores).
Combining words, filtering and exact disjunctive facet counts are then a few ANDs, ORs and
popcounts however many documents match; Whoosh's own query objects walk every posting through
a tree of matchers, which was several times slower on 10,000 documents.
"""

from __future__ import annotations

import math
from array import array
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from localoffer.search.backend import MAX_AGE
from localoffer.search.geo import EARTH_RADIUS_MILES, is_valid_point
from localoffer.search.snippets import WordForms

AGE_CEILING = 130
CACHED_PLACES = 16
# Each process keeps the postings of the terms searched for lately, up to about this much
# memory: 16 bytes a posting (document number and score, as the 64-bit arrays numpy indexes
# with no conversion) and a bitset of the term's documents. The 200 queries of
# bench/search_bench.py keep about 39 MB at 50,000 services; under the earlier
# bound of 2 million postings every pass read 0.9 million postings again (three seconds of a
# pass of 200 queries). The bound is a ceiling: a smaller area never comes near it.
CACHED_BYTES = 64 * 2**20


# Bitsets: bit n of an int is document number n.

_BITS = [tuple(bit for bit in range(8) if byte >> bit & 1) for byte in range(256)]


def _mask(docnums: Iterable[int], size: int) -> int:
    buffer = bytearray(size // 8 + 1)
    for docnum in docnums:
        buffer[docnum >> 3] |= 1 << (docnum & 7)
    return int.from_bytes(buffer, "little")


def members(mask: int) -> list[int]:
    found: list[int] = []
    data = mask.to_bytes((mask.bit_length() + 7) // 8, "little")
    for position, byte in enumerate(data):
        if byte:
            base = position * 8
            found.extend(base + bit for bit in _BITS[byte])
    return found


def bitset(flags: np.ndarray) -> int:
    """An array of booleans over document numbers as a bitset."""
    return int.from_bytes(np.packbits(flags, bitorder="little").tobytes(), "little")


def dense(mask: int, size: int) -> np.ndarray:
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
class Leaf:
    """One term's postings in one field: a bitset, and ascending document numbers with scores."""

    mask: int
    docnums: np.ndarray
    scores: np.ndarray


def leaf_bytes(leaf: Leaf) -> int:
    """About how much memory a cached leaf holds."""
    return leaf.docnums.nbytes + leaf.scores.nbytes + leaf.mask.bit_length() // 8 + 100


class Snapshot:
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
        self._leaves: OrderedDict[tuple[str, str], Leaf] = OrderedDict()
        self._cached_bytes = 0

    def leaf(self, searcher: Searcher, field: str, token: str) -> Leaf:
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
        found = Leaf(
            _mask(docnums, self.size) & self.live,
            np.frombuffer(docnums, dtype=np.int64) if docnums else np.zeros(0, np.int64),
            np.frombuffer(scores, dtype=np.float64) if scores else np.zeros(0, np.float64),
        )
        self._leaves[key] = found
        self._cached_bytes += leaf_bytes(found)
        while self._cached_bytes > CACHED_BYTES and len(self._leaves) > 1:
            _, dropped = self._leaves.popitem(last=False)
            self._cached_bytes -= leaf_bytes(dropped)
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
        return bitset(self.distance_array(near) <= miles)
