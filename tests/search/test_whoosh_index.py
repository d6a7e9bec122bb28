"""Keeping the Whoosh index: writes, rebuilds, damage and several processes writing at once."""

import fcntl
import multiprocessing
import os
import threading

import pytest

from localoffer.search import whoosh_backend
from localoffer.search.backend import SearchRequest, SearchUnavailable, SearchWriteTimeout
from localoffer.search.whoosh_backend import LOCK_FILE, WhooshBackend
from tests.search.conftest import corpus, make_doc


def names(backend, text):
    return backend.search(SearchRequest(text=text)).ids


def test_upsert_adds_and_replaces(backend):
    backend.upsert([make_doc(1, "Portage home visiting"), make_doc(2, "Sensory room")])
    assert backend.doc_count() == 2
    assert backend.ids() == {1, 2}
    backend.upsert([make_doc(1, "Toy library")])
    assert backend.doc_count() == 2
    assert names(backend, "portage") == []
    assert names(backend, "toy library") == [1]


def test_delete(backend):
    backend.upsert(
        [make_doc(1, "Portage"), make_doc(2, "Sensory room"), make_doc(3, "Toy library")]
    )
    backend.delete([2, 99])
    assert backend.ids() == {1, 3}
    backend.delete([])
    assert backend.doc_count() == 2


def test_delete_without_an_index_does_nothing(backend):
    backend.delete([1])
    assert not backend.is_healthy()


def test_empty_upsert_writes_nothing(backend):
    backend.upsert([])
    assert not backend.is_healthy()


def test_rebuild_replaces_everything(backend):
    backend.upsert([make_doc(99, "Old listing")])
    assert backend.rebuild(corpus()) == 6
    assert backend.ids() == {1, 2, 3, 4, 5, 6}
    assert names(backend, "old listing") == []


def test_rebuild_keeps_the_last_of_duplicate_ids(backend):
    assert backend.rebuild([make_doc(1, "First"), make_doc(1, "Second")]) == 1
    assert names(backend, "second") == [1]
    assert backend.rebuild([]) == 0
    assert backend.is_healthy()
    assert backend.doc_count() == 0


def test_missing_index(backend):
    assert not backend.is_healthy()
    with pytest.raises(SearchUnavailable):
        backend.search(SearchRequest())
    with pytest.raises(SearchUnavailable):
        backend.doc_count()


@pytest.mark.parametrize(
    "damaged, garbage",
    [
        (lambda name: True, b"\x00garbage\xff" * 10),
        (lambda name: name.endswith(".toc"), b""),
        (lambda name: not name.endswith(".toc"), b"\x00garbage\xff" * 10),
    ],
    ids=["everything", "empty-toc", "segments"],
)
def test_corrupt_index_is_detected_and_rebuilt(backend, damaged, garbage):
    backend.rebuild(corpus())
    assert backend.is_healthy()
    for name in os.listdir(backend.index_dir):
        if name != LOCK_FILE and damaged(name):
            with open(os.path.join(backend.index_dir, name), "wb") as file:
                file.write(garbage)
    fresh = WhooshBackend(backend.index_dir, backend.thesaurus)
    assert not fresh.is_healthy()
    with pytest.raises(SearchUnavailable):
        fresh.search(SearchRequest(text="autism"))
    with pytest.raises(SearchUnavailable):
        fresh.upsert([make_doc(7, "New")])
    assert fresh.rebuild(corpus()) == 6
    assert fresh.is_healthy()
    assert names(fresh, "autism") == [1, 2]
    # A backend that had the old index open notices the new one.
    assert names(backend, "autism") == [1, 2]
    fresh.close()


def test_an_index_with_another_schema_is_unhealthy(backend, tmp_path):
    from whoosh import fields, index

    folder = tmp_path / "other"
    folder.mkdir()
    index.create_in(str(folder), fields.Schema(title=fields.TEXT))
    other = WhooshBackend(folder, backend.thesaurus)
    assert not other.is_healthy()
    assert other.rebuild(corpus()) == 6
    assert other.is_healthy()
    other.close()


def test_other_instances_see_writes(backend):
    backend.rebuild(corpus())
    reader = WhooshBackend(backend.index_dir, backend.thesaurus)
    assert reader.doc_count() == 6
    backend.upsert([make_doc(7, "Makaton signing class")])
    assert names(reader, "makaton") == [7]
    backend.delete([7])
    assert names(reader, "makaton") == []
    reader.close()


def test_a_held_lock_times_out(backend, monkeypatch):
    monkeypatch.setattr(whoosh_backend, "WRITE_WAIT_SECONDS", 0.2)
    backend.upsert([make_doc(1, "Portage")])
    with open(os.path.join(backend.index_dir, LOCK_FILE), "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(SearchWriteTimeout):
            backend.upsert([make_doc(2, "Sensory room")])
    backend.upsert([make_doc(2, "Sensory room")])
    assert backend.ids() == {1, 2}


def _write_many(index_dir: str, worker: int, start, per_worker: int) -> None:
    backend = WhooshBackend(index_dir)
    start.wait(timeout=30)
    for n in range(per_worker):
        doc_id = worker * 1000 + n
        backend.upsert([make_doc(doc_id, f"Service {doc_id} from worker {worker}")])
    backend.close()


def test_concurrent_writers_lose_nothing(tmp_path):
    index_dir = str(tmp_path / "index")
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(4)
    workers = [
        context.Process(target=_write_many, args=(index_dir, worker, start, 10))
        for worker in range(4)
    ]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=120)
    assert [process.exitcode for process in workers] == [0, 0, 0, 0]
    with WhooshBackend(index_dir) as backend:
        assert backend.ids() == {w * 1000 + n for w in range(4) for n in range(10)}
        assert backend.is_healthy()


def test_threads_writing_at_once_lose_nothing(tmp_path):
    index_dir = str(tmp_path / "index")
    start = threading.Barrier(3)
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        try:
            _write_many(index_dir, worker, start, 5)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=write, args=(worker,)) for worker in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with WhooshBackend(index_dir) as backend:
        assert backend.ids() == {w * 1000 + n for w in range(3) for n in range(5)}


def test_odd_document_values_are_stored_safely(backend):
    backend.upsert(
        [
            make_doc(
                1,
                "Odd",
                age_ranges=((-3, 4), (30, 2)),
                points=((float("nan"), 1.0), (95.0, 0.0), (50.8, -1.09)),
                postcodes=("not a postcode", "po4 8ld"),
                facets={"need": ("a,b",)},
            )
        ]
    )
    found = backend.search(SearchRequest(age=(0, 0), near=(50.8, -1.09), within_miles=1))
    assert found.ids == [1]
    assert found.distances == {1: 0.0}
    assert backend.search(SearchRequest(age=(26, 26))).ids == [1]
    assert backend.search(SearchRequest(age=(27, 29))).ids == [1]
    assert backend.search(SearchRequest(age=(31, 40))).ids == []
