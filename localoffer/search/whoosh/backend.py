"""``WhooshBackend``: one index folder that several processes write to and search.

Whoosh analyses, stores and scores (BM25F per term and field). A search works on the current
view: a searcher and a ``Snapshot`` (``snapshot.py``) of the index as it is now, made again
whenever another writer (this process or another) has committed. Matching, filtering and
facet counts are bitset operations on the snapshot; the order is ``ranking.py``'s. Writes
(``rebuild``, ``apply``, and ``upsert``/``delete`` through it) hold the folder's write lock
(``store.py``) and can record, under the same lock, how far the index has applied a change log.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from whoosh import index as whoosh_index
from whoosh.searching import Searcher
from whoosh.writing import CLEAR, IndexWriter

from localoffer.search.backend import (
    MAX_AGE,
    SearchRequest,
    SearchResponse,
    SearchUnavailable,
)
from localoffer.search.documents import FACET_NAMES, ServiceDocument
from localoffer.search.geo import is_valid_point
from localoffer.search.query import parse_query
from localoffer.search.snippets import make_snippet
from localoffer.search.thesaurus import Thesaurus
from localoffer.search.whoosh import store
from localoffer.search.whoosh.ranking import (
    highlight_terms,
    order,
    plan_query,
    town_mask,
)
from localoffer.search.whoosh.schema import build_schema, document_fields
from localoffer.search.whoosh.snapshot import Snapshot, members

MAX_PER_PAGE = 100


@dataclass
class _View:
    token: tuple[int, int, int]
    searcher: Searcher
    snapshot: Snapshot
    frequencies: dict[str, int] | None = None


def _selected(values: object) -> tuple[str, ...]:
    # A bare string is one value, not a tuple of characters.
    if isinstance(values, str):
        return (values,)
    return tuple(str(value) for value in values or ())


def _filter_masks(
    request: SearchRequest, snap: Snapshot, near: tuple[float, float] | None
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
    request: SearchRequest, snap: Snapshot, context: int, filters: dict[str, int]
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


def _snippets(snap: Snapshot, docnums: list[int], terms: frozenset[str]) -> dict[int, str]:
    literals = snap.word_forms.literals(terms)
    return {
        snap.ids[docnum]: make_snippet(snap.descriptions[docnum], terms, literals)
        for docnum in docnums
    }


def _page_distances(
    snap: Snapshot, docnums: list[int], near: tuple[float, float] | None
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
        """True when the index exists, has this schema, opens and its documents can be read."""
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
            return {snapshot.ids[docnum] for docnum in members(snapshot.live)}

    def fingerprints(self) -> dict[int, str]:
        """Every document's id and the fingerprint it was written with ("" for none).

        Read from the ``id`` and ``fingerprint`` columns in one pass, without the stored
        fields or a snapshot: about 0.15 s at 50,000 documents."""
        if self._version() is None:
            raise SearchUnavailable(f"no search index in {self.index_dir}")
        try:
            ix = self._open()
            with ix.storage.closing_on_error(), ix.reader() as reader:
                if reader.doc_count_all() == 0:
                    return {}  # an empty reader has no columns to read
                ids = list(reader.column_reader("id"))
                found = list(reader.column_reader("fingerprint"))
                return {int(ids[docnum]): found[docnum].decode() for docnum in reader.all_doc_ids()}
        except SearchUnavailable:
            raise
        except Exception as exc:
            raise SearchUnavailable(f"cannot read the search index in {self.index_dir}") from exc

    def read_progress(self) -> dict:
        """The progress object last written with a commit (``apply``, ``rebuild``); empty when
        there is none or it cannot be read."""
        return store.read_progress(self.index_dir)

    def word_frequencies(self) -> Mapping[str, int]:
        """Every letters-only word of the documents' names, descriptions and needs, with how
        many documents use it; read once per version of the index."""
        with self._lock:
            view = self._current()
            if view.frequencies is None:
                reader = view.searcher.reader()
                view.frequencies = {
                    term.decode("utf-8") if isinstance(term, bytes) else term: info.doc_frequency()
                    for term, info in reader.iter_field("spelling")
                }
            return view.frequencies

    def search(self, request: SearchRequest) -> SearchResponse:
        """Run a family's search; see SearchRequest and SearchResponse for the contract."""
        parsed = request.query
        if parsed is None:
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
                for clause in (clause for group in groups for clause in group.clauses):
                    text |= clause.mask
            if request.towns:
                text &= town_mask(request.towns, snap, searcher)
            ages, place, filters = _filter_masks(request, snap, near)
            all_facets = snap.live
            for mask in filters.values():
                all_facets &= mask
            matching = text & ages & place & all_facets
            total = matching.bit_count()
            docnums: list[int] = []
            ordered = order(
                request.sort,
                snap,
                groups,
                matching,
                near,
                page * per_page,
                request.close_coverage,
                town_mask(request.prefer_towns, snap, searcher) if request.prefer_towns else 0,
            )
            if (page - 1) * per_page < total:
                docnums = ordered.docnums[(page - 1) * per_page :]
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
                coverage={snap.ids[docnum]: ordered.shares.get(docnum, 1.0) for docnum in docnums},
                close_total=ordered.close_total,
            )

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

    def _load(self) -> tuple[Searcher, Snapshot]:
        ix = self._open()
        with ix.storage.closing_on_error():
            searcher = ix.searcher()
            try:
                return searcher, Snapshot(searcher.reader())
            except BaseException:
                searcher.close()
                raise

    def _version(self) -> tuple[int, int, int] | None:
        return store.version(self.index_dir)

    def _open(self) -> whoosh_index.Index:
        return store.open_index(self.index_dir, self.schema)

    # Writing

    def rebuild(self, documents: Iterable[ServiceDocument], progress: dict | None = None) -> int:
        """Replace the whole index with ``documents``; readers see the old one until commit.

        After the commit, under the same lock, the progress file is written with ``progress``,
        or removed when it is None (a rebuilt index has applied nothing it can vouch for)."""
        text = None if progress is None else store.progress_text(progress)
        latest = {doc.id: doc for doc in documents}
        with self._write_lock() as deadline:
            if self.is_healthy():
                ix = self._open()
            else:
                self._clear_folder()
                ix = store.create_index(self.index_dir, self.schema)

            def add_all(writer: IndexWriter) -> None:
                for doc in latest.values():
                    writer.add_document(**document_fields(doc))

            self._commit(ix, add_all, deadline, mergetype=CLEAR)
            store.write_progress(self.index_dir, text)
        return len(latest)

    def apply(
        self,
        upserts: Iterable[ServiceDocument],
        deletes: Iterable[int],
        progress: dict | None,
        wait: float | None = None,
    ) -> None:
        """Add or replace ``upserts`` by id and remove ``deletes``, in one Whoosh commit under
        one hold of the write lock; then, if ``progress`` is not None, write it as the
        progress file (atomically, still under the lock). If anything fails before Whoosh has
        committed, the progress file is left as it was.

        Of several upserts with one id the last counts; an id both upserted and deleted is
        deleted. With no index yet, upserts create one and deletes have nothing to remove; a
        damaged index raises SearchUnavailable (only a rebuild mends it). ``wait`` is how long
        to wait for the write lock in seconds (0: try once), ``WRITE_WAIT_SECONDS`` when None;
        SearchWriteTimeout when it stays held."""
        text = None if progress is None else store.progress_text(progress)
        latest = {doc.id: doc for doc in upserts}
        keys = [str(int(i)) for i in deletes]
        for key in keys:
            latest.pop(int(key), None)
        if not latest and not keys and text is None:
            return

        def change(writer: IndexWriter) -> None:
            for doc in latest.values():
                writer.update_document(**document_fields(doc))
            for key in keys:
                writer.delete_by_term("id", key)

        with self._write_lock(wait) as deadline:
            if latest or keys:
                if self._version() is not None:
                    self._commit(self._open_for_write(), change, deadline)
                elif latest:
                    self._commit(store.create_index(self.index_dir, self.schema), change, deadline)
            if text is not None:
                store.write_progress(self.index_dir, text)

    def upsert(self, documents: Iterable[ServiceDocument]) -> None:
        """Add or replace documents by id; creates the index if there is none."""
        self.apply(documents, (), None)

    def delete(self, ids: Iterable[int]) -> None:
        """Remove documents by id; ids not in the index are ignored."""
        self.apply((), ids, None)

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
        """Apply changes in one Whoosh writer and commit (the fault tests replace this to stop
        a write between the two)."""
        store.commit(ix, apply, deadline, mergetype)

    def _write_lock(self, wait: float | None = None):
        """The folder's write lock; see ``store.write_lock``."""
        return store.write_lock(self.index_dir, wait)

    def _clear_folder(self) -> None:
        """Delete everything in the index folder except the write lock."""
        with self._lock:
            self.close()
        store.clear_folder(self.index_dir)
