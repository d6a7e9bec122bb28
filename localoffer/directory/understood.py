"""What the results pages say about how the words were read: "Showing results for autism.
Search instead for autisim", and the age or place found in the words as tags that remove
them ("Age 17 ×" links to the same search without "17 year old"), all plain links."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from localoffer.search.understanding import Understanding


@dataclass(frozen=True)
class UnderstoodTag:
    label: str
    remove_url: str


@dataclass
class UnderstoodWords:
    """What a results page shows above the results about the words searched for."""

    query: str
    corrected_query: str | None = None
    # The same search without correcting the words.
    exact_url: str | None = None
    tags: list[UnderstoodTag] = field(default_factory=list)
    close_match: bool = True


def understood_words(
    understanding: Understanding | None,
    close_match: bool,
    chosen_age: tuple[int, int] | None,
    search_url: Callable[..., str],
) -> UnderstoodWords | None:
    """The page's account of ``understanding``; ``search_url(q=..., exact=...)`` makes a link
    to the same search (the same filters) with other words. An age typed in the words is not
    shown when an age was chosen in the filters: the chosen one is used."""
    if understanding is None or not understanding.query:
        return None
    shown = UnderstoodWords(
        query=understanding.query,
        corrected_query=understanding.corrected_query,
        close_match=close_match,
    )
    if understanding.corrected_query:
        shown.exact_url = search_url(q=understanding.query, exact="1")
    if understanding.age is not None and chosen_age is None:
        shown.tags.append(
            UnderstoodTag(
                understanding.age.label, search_url(q=understanding.without(understanding.age))
            )
        )
    if understanding.place is not None:
        shown.tags.append(
            UnderstoodTag(
                understanding.place.label,
                search_url(q=understanding.without(understanding.place)),
            )
        )
    return shown
