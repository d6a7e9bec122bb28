"""Keeping the Whoosh index: writes, rebuilds, damage and several processes writing at once."""

import fcntl
import multiprocessing
import os
import threading

import pytest

from localoffer.search.backend import SearchRequest, SearchUnavailable, SearchWriteTimeout
from localoffer.search.whoosh import WhooshBackend, store
from localoffer.search.whoosh.store import LOCK_FILE, PROGRESS_FILE
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
    monkeypatch.setattr(store, "WRITE_WAIT_SECONDS", 0.2)
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


def test_fingerprints_round_trip(backend):
    backend.upsert(
        [
            make_doc(1, "Portage", fingerprint="aa11"),
            make_doc(2, "Sensory room", fingerprint="bb22"),
            make_doc(3, "Toy library"),
        ]
    )
    assert backend.fingerprints() == {1: "aa11", 2: "bb22", 3: ""}
    backend.upsert(
        [make_doc(2, "Sensory room", fingerprint="cc33"), make_doc(4, "New", fingerprint="dd44")]
    )
    assert backend.fingerprints() == {1: "aa11", 2: "cc33", 3: "", 4: "dd44"}
    backend.delete([1, 3])
    assert backend.fingerprints() == {2: "cc33", 4: "dd44"}
    backend.rebuild([make_doc(5, "Rebuilt", fingerprint="ee55")])
    assert backend.fingerprints() == {5: "ee55"}


def test_fingerprints_are_not_searched_or_scored(backend, tmp_path):
    import dataclasses

    with_prints = [dataclasses.replace(doc, fingerprint=f"print{doc.id}") for doc in corpus()]
    backend.rebuild(with_prints)
    assert backend.search(SearchRequest(text="print1")).ids == []
    with WhooshBackend(tmp_path / "plain", backend.thesaurus) as plain:
        plain.rebuild(corpus())
        for text in ("autism", "speech therapy", "swimming portsmouth", ""):
            assert backend.search(SearchRequest(text=text)) == plain.search(
                SearchRequest(text=text)
            )


def test_fingerprints_without_an_index(backend):
    with pytest.raises(SearchUnavailable):
        backend.fingerprints()


def test_fingerprints_of_an_empty_index(backend):
    backend.rebuild([])
    assert backend.fingerprints() == {}
    backend.upsert([make_doc(1, "Portage", fingerprint="aa11")])
    backend.delete([1])
    assert backend.fingerprints() == {}


def test_apply_writes_progress_after_its_commit(backend):
    assert backend.read_progress() == {}
    backend.apply([make_doc(1, "Portage"), make_doc(2, "Sensory room")], [], {"outbox": 2})
    assert backend.read_progress() == {"outbox": 2}
    backend.apply([make_doc(3, "Toy library")], [1], {"outbox": 5, "at": "2024-01-01"})
    assert backend.ids() == {2, 3}
    assert backend.read_progress() == {"outbox": 5, "at": "2024-01-01"}
    # No progress leaves the file alone; nothing to change still records progress.
    backend.upsert([make_doc(4, "Makaton")])
    assert backend.read_progress() == {"outbox": 5, "at": "2024-01-01"}
    backend.apply([], [], {"outbox": 6})
    assert backend.read_progress() == {"outbox": 6}
    assert backend.ids() == {2, 3, 4}


def test_apply_an_id_both_upserted_and_deleted_is_deleted(backend):
    backend.upsert([make_doc(1, "Portage")])
    backend.apply(
        [make_doc(1, "Portage again"), make_doc(2, "First"), make_doc(2, "Second")], [1], None
    )
    assert backend.ids() == {2}
    assert backend.doc_count() == 1
    assert names(backend, "second") == [2]


def test_a_failed_commit_leaves_the_progress_file(backend, monkeypatch):
    backend.apply([make_doc(1, "Portage")], [], {"outbox": 1})
    real_commit = WhooshBackend._commit

    def failing_commit(ix, apply, deadline, mergetype=None):
        def apply_then_fail(writer):
            apply(writer)
            raise OSError("disk full")

        real_commit(ix, apply_then_fail, deadline, mergetype)

    monkeypatch.setattr(WhooshBackend, "_commit", staticmethod(failing_commit))
    with pytest.raises(OSError, match="disk full"):
        backend.apply([make_doc(2, "Sensory room")], [1], {"outbox": 2})
    with pytest.raises(OSError, match="disk full"):
        backend.rebuild([make_doc(3, "Toy library")], {"outbox": 3})
    assert backend.read_progress() == {"outbox": 1}
    assert backend.ids() == {1}
    monkeypatch.undo()
    backend.apply([make_doc(2, "Sensory room")], [1], {"outbox": 2})
    assert backend.read_progress() == {"outbox": 2}
    assert backend.ids() == {2}


def test_progress_that_is_not_json_writes_nothing(backend):
    backend.apply([make_doc(1, "Portage")], [], {"outbox": 1})
    with pytest.raises((TypeError, ValueError)):
        backend.apply([make_doc(2, "Sensory room")], [], {"outbox": object()})
    assert backend.ids() == {1}
    assert backend.read_progress() == {"outbox": 1}


def test_rebuild_writes_progress_afresh(backend):
    backend.apply([make_doc(1, "Portage")], [], {"outbox": 9})
    assert backend.rebuild(corpus(), {"outbox": 12}) == 6
    assert backend.read_progress() == {"outbox": 12}
    assert backend.rebuild(corpus()) == 6
    assert backend.read_progress() == {}
    assert not os.path.exists(os.path.join(backend.index_dir, PROGRESS_FILE))
    # A damaged index's folder is cleared; the progress is written after the rebuild.
    backend.apply([], [], {"outbox": 13})
    for name in os.listdir(backend.index_dir):
        if name.endswith(".toc"):
            with open(os.path.join(backend.index_dir, name), "wb") as file:
                file.write(b"")
    assert not backend.is_healthy()
    assert backend.rebuild(corpus(), {"outbox": 14}) == 6
    assert backend.is_healthy()
    assert backend.read_progress() == {"outbox": 14}


def test_unreadable_progress_reads_as_empty(backend):
    backend.apply([make_doc(1, "Portage")], [], {"outbox": 1})
    path = os.path.join(backend.index_dir, PROGRESS_FILE)
    for garbage in (b"{not json", b"[1, 2]", b"\xff\xfe"):
        with open(path, "wb") as file:
            file.write(garbage)
        assert backend.read_progress() == {}


def test_wait_zero_gives_up_at_once_while_another_backend_writes(backend):
    import time

    backend.apply([make_doc(1, "Portage")], [], {"outbox": 1})
    other = WhooshBackend(backend.index_dir, backend.thesaurus)
    with other._write_lock():
        started = time.monotonic()
        with pytest.raises(SearchWriteTimeout):
            backend.apply([make_doc(2, "Sensory room")], [], {"outbox": 2}, wait=0)
        assert time.monotonic() - started < 0.1
        started = time.monotonic()
        with pytest.raises(SearchWriteTimeout):
            backend.apply([make_doc(2, "Sensory room")], [], {"outbox": 2}, wait=0.2)
        assert 0.2 <= time.monotonic() - started < 1.0
    assert backend.read_progress() == {"outbox": 1}
    backend.apply([make_doc(2, "Sensory room")], [], {"outbox": 2}, wait=0)
    assert backend.ids() == {1, 2}
    other.close()


@pytest.mark.parametrize("change", ["no-fingerprint", "no-id-column"])
def test_an_index_from_before_the_fingerprints_is_unhealthy(backend, change):
    from whoosh import fields, index

    from localoffer.search.whoosh import build_schema

    earlier = build_schema()
    if change == "no-fingerprint":
        earlier.remove("fingerprint")
    else:
        earlier.remove("id")
        earlier.add("id", fields.ID(stored=True, unique=True))
    os.makedirs(backend.index_dir)
    ix = index.create_in(backend.index_dir, earlier)
    writer = ix.writer()
    writer.add_document(id="1", name="Portage")
    writer.commit()
    assert not backend.is_healthy()
    with pytest.raises(SearchUnavailable):
        backend.search(SearchRequest(text="portage"))
    with pytest.raises(SearchUnavailable):
        backend.fingerprints()
    with pytest.raises(SearchUnavailable):
        backend.upsert([make_doc(2, "Sensory room")])
    assert backend.rebuild(corpus(), {"outbox": 1}) == 6
    assert backend.is_healthy()
    assert backend.fingerprints() == dict.fromkeys(range(1, 7), "")
