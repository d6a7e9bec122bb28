"""How results are ordered: the ranking policy, on its own.

What scores. Whoosh scores each analysed word in each text field with BM25F (how often the
word is in the field, how rare it is across the index, how long the field is). Each field's
score is multiplied by its boost (``FIELD_BOOSTS`` in ``schema.py``: the name counts four
times the description, and so on). A phrase (one typed word, a typed phrase, or one of the
thesaurus's phrases for it) matches a field only when every one of its words is in that field;
it then scores the sum of its words' scores there, and the phrase's score is the sum over the
fields it matches.

Groups and the thesaurus. The query is split into groups: a typed word, or a typed phrase the
thesaurus knows ("speech therapy"). Within a group, what the family typed counts in full
(``TYPED_WEIGHT``); each of the thesaurus's other phrases for it counts for less
(``ALTERNATIVE_WEIGHT``), and less again when it has more words than what was typed (scaled by
the square root of typed words / its words, ``LENGTH_EXPONENT``), so a long synonym does not
outscore a short typed word just by having more words. The single words of a typed phrase count
for ``SINGLE_WORD_WEIGHT``. A group scores its best phrase plus ``TIE_BREAKER`` (a half) of the
rest, so a service that repeats several synonyms is not ranked above one named for the typed
words. A postcode-like word ("po4") also matches the postcodes field.

Weights and coordination. Each group carries a weight from the engine (``QueryGroup.weight``,
set above the backend by ``search/understanding/weights.py``: common words count less). A
group's score is multiplied by its weight, the groups' scores add up, and the total is scaled by
the share of the weight matched: ``(1 - COORDINATION) + COORDINATION * share``. A service
matching every meaningful word ranks above one matching some of them, but a partial match still
counts and is still listed (the text matches any group; filters narrow it). The share is also
returned: at least ``SearchRequest.close_coverage`` makes a close match (``close_total``).

Ties, and other orders. Equal scores are ordered by name (case-folded, then id), so the order is
the same every time. Sorting by name ignores scores. Sorting by distance puts the good matches
(close, and scoring at least ``GOOD_SHARE`` of the best) nearest first, then the rest nearest
first (services with no location last), ties again by name. A place typed in the words
(``prefer_towns``) puts the good matches with a location there first. With no words, results
are by name, or by distance.

Scores are computed for every matching document at once in numpy arrays, with the same
floating-point operations in the same order as scoring one document at a time, so the order
(ties included) does not depend on how it was computed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from whoosh.searching import Searcher

from localoffer.search.query import ParsedQuery, QueryGroup
from localoffer.search.whoosh.schema import ANALYZER, FIELD_BOOSTS
from localoffer.search.whoosh.snapshot import Leaf, Snapshot, dense

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
# A close match scoring at least this share of the best score is a good match: first when
# sorting by distance, and first in a place typed in the words.
GOOD_SHARE = 0.4
# Matching every group counts in full; matching none of n groups would count 1 - COORDINATION.
COORDINATION = 0.9


@dataclass(frozen=True)
class Clause:
    """Every token of one phrase in one field; the unit a query group is an OR of."""

    boost: float
    leaves: tuple[Leaf, ...]
    # Which phrase of its group the clause belongs to, and how much that phrase counts.
    phrase: int = 0
    weight: float = 1.0

    @property
    def mask(self) -> int:
        mask = self.leaves[0].mask
        for leaf in self.leaves[1:]:
            mask &= leaf.mask
        return mask


@lru_cache(maxsize=8192)
def _tokens(phrase: str) -> tuple[str, ...]:
    """``phrase`` as the index's analyser reads it. Cached: the same thesaurus phrases come up
    in query after query, and the analyser's filter chain cost more than scoring them."""
    return tuple(token.text for token in ANALYZER(phrase))


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


@dataclass(frozen=True)
class PlannedGroup:
    """The clauses any of which matches one query group, and how much the group counts."""

    clauses: list[Clause]
    weight: float = 1.0


def plan_query(parsed: ParsedQuery, snap: Snapshot, searcher: Searcher) -> list[PlannedGroup]:
    """Per query group, the clauses any of which matches it; built from postings, not syntax."""
    groups = []
    for group in parsed.groups:
        # A group with any analysed token counts towards coordination even when none of its
        # clauses can match: only the clauses are left out, not the group.
        searched = False
        seen: set[tuple[str, tuple[str, ...]]] = set()
        clauses: list[Clause] = []
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
                    clauses.append(Clause(boost, leaves, number, weight))
        word = group.words[0]
        if len(group.words) == 1 and re.search(r"\d", word) and re.search(r"[a-z]", word):
            searched = True
            clauses.append(Clause(1.0, (snap.leaf(searcher, "postcodes", word),)))
        if searched and group.weight > 0:
            groups.append(PlannedGroup(clauses, group.weight))
    return groups


def town_mask(towns: tuple[str, ...], snap: Snapshot, searcher: Searcher) -> int:
    """The documents with a location in any of ``towns`` (every word of the name matching)."""
    mask = 0
    for town in towns:
        tokens = _distinct_tokens(town)
        if not tokens:
            continue
        found = snap.live
        for token in tokens:
            found &= snap.leaf(searcher, "towns", token).mask
        mask |= found
    return mask


def _phrase_scores(
    by_phrase: dict[int, np.ndarray], weights: dict[int, float], clause: Clause, size: int
) -> np.ndarray:
    """The score array of ``clause``'s phrase, made the first time the phrase adds a score."""
    if clause.phrase not in by_phrase:
        by_phrase[clause.phrase] = np.zeros(size)
        weights[clause.phrase] = clause.weight
    return by_phrase[clause.phrase]


def relevance(
    groups: list[PlannedGroup], allowed: int, size: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scores of the ``allowed`` documents, as (document numbers, their scores, the share of
    the groups' weight each matched). Within a group, a phrase scores the sum over its fields
    and the group scores its best phrase plus a share of the rest (so synonyms do not simply
    add up); groups add up, each times its weight, scaled by the share of the weight matched.
    Documents that score nothing are left out.

    Every document is scored at once in arrays over all document numbers, with the same
    floating-point operations in the same order as scoring one document at a time would do,
    so the scores (and so the order, ties included) do not depend on how they were computed.
    """
    allowed_dense = dense(allowed, size)
    totals = np.zeros(size)
    matched = np.zeros(size)
    for group in groups:
        # Only phrases that add something to an allowed document get an array: one that adds
        # nothing would add 0.0 to every sum and leave every maximum as it is (scores are
        # never negative). The sums are made in phrase order, as when every phrase had one.
        by_phrase: dict[int, np.ndarray] = {}
        weights: dict[int, float] = {}
        for clause in group.clauses:
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
            both = dense(every_word, size)
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
        totals[scored] += group_score[scored] * group.weight
        matched[scored] += group.weight
    # More of the typed words' weight matching ranks higher; partial matches still count.
    docnums = np.flatnonzero(matched)
    share = matched[docnums] / sum(group.weight for group in groups)
    scale = (1 - COORDINATION) + COORDINATION * share
    return docnums, totals[docnums] * scale, share


def top_by_score(docnums: np.ndarray, scores: np.ndarray, rank: np.ndarray, stop: int) -> list[int]:
    """The first ``stop`` document numbers by score, highest first, ties by name."""
    if len(docnums) > stop > 0:
        # Only documents scoring at least the stop-th best score can be in the first ``stop``.
        threshold = np.partition(scores, len(scores) - stop)[len(scores) - stop]
        keep = scores >= threshold
        docnums, scores = docnums[keep], scores[keep]
    order = np.lexsort((rank[docnums], -scores))
    return docnums[order[:stop]].tolist()


@dataclass
class Ordered:
    """The first document numbers in order, and each matching document's share of the words
    (all of them when there are no words to match)."""

    docnums: list[int]
    shares: dict[int, float]
    close_total: int


def order(
    sort: str,
    snap: Snapshot,
    groups: list[PlannedGroup],
    matching: int,
    near: tuple[float, float] | None,
    stop: int,
    close_coverage: float = 0.0,
    preferred: int = 0,
) -> Ordered:
    """The first ``stop`` matching document numbers in the requested order. By relevance, the
    good matches (close, ``close_coverage``, and scoring ``GOOD_SHARE`` of the best) in
    ``preferred`` (a place typed in the words) come first; by distance, the good matches come
    first, nearest first."""
    if not groups:
        total = matching.bit_count()
        return Ordered(_order_without_words(sort, snap, matching, near, stop), {}, total)
    docnums, scores, shares = relevance(groups, matching, snap.size)
    close = shares >= close_coverage - 1e-9
    close_total = int(np.count_nonzero(close))
    # A good match: close, and scoring at least GOOD_SHARE of the best score (a service that
    # only mentions the words in passing is close but not good).
    good = close & (scores >= GOOD_SHARE * scores.max()) if len(scores) else close

    def picked(positions: np.ndarray) -> Ordered:
        # Shares only for the documents returned: a dict of every match costs about 9 ms
        # when 48,000 services match (measured on the benchmark machine, under load).
        chosen = docnums[positions]
        share_of = dict(zip(chosen.tolist(), shares[positions].tolist(), strict=True))
        return Ordered(chosen.tolist(), share_of, close_total)

    if sort == "distance" and near is not None:
        # Good matches nearest first, then the rest nearest first; ties by name.
        distances = snap.distance_array(near)[docnums]
        keys = np.lexsort((snap.rank_array[docnums], distances, ~good))
        return picked(keys[:stop])
    if sort == "name":
        keys = np.lexsort((snap.rank_array[docnums],))
        return picked(keys[:stop])
    if preferred:
        # Good matches in the place first, by score; then everything else by score.
        first = good & dense(preferred, snap.size)[docnums]
        keys = np.lexsort((snap.rank_array[docnums], -scores, ~first))
        return picked(keys[:stop])
    best = np.array(top_by_score(docnums, scores, snap.rank_array, stop), dtype=np.int64)
    # ``docnums`` is in ascending order (``np.flatnonzero``), so each is found by bisection.
    return picked(np.searchsorted(docnums, best))


def _order_without_words(
    sort: str, snap: Snapshot, matching: int, near: tuple[float, float] | None, stop: int
) -> list[int]:
    if sort == "distance" and near is not None:
        docnums = np.flatnonzero(dense(matching, snap.size))
        # Nearest first (those without a location last), ties by name.
        return top_by_score(docnums, -snap.distance_array(near)[docnums], snap.rank_array, stop)
    docnums = np.flatnonzero(dense(matching, snap.size))
    ranks = snap.rank_array[docnums]
    if len(docnums) > stop:
        first = np.argpartition(ranks, stop - 1)[:stop]
        docnums, ranks = docnums[first], ranks[first]
    return docnums[np.argsort(ranks)].tolist()


def highlight_terms(parsed: ParsedQuery) -> frozenset[str]:
    """The analysed forms of every word and thesaurus phrase searched for."""
    phrases = [" ".join(group.words) for group in parsed.groups]
    phrases += [phrase for group in parsed.groups for phrase in group.alternatives]
    return frozenset(token for phrase in phrases for token in _tokens(phrase))
