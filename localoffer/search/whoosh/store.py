"""The index folder on disk: opening, the write lock, committing, clearing, versions, progress.

Several processes write one folder. Writers take an exclusive ``flock`` on ``LOCK_FILE`` in the
folder (waiting up to ``WRITE_WAIT_SECONDS``, or what the caller asks), then Whoosh's own lock
inside it. Readers never lock: they notice a new version by the newest table of contents.
Beside the index, the folder keeps ``PROGRESS_FILE``, a JSON object the caller writes under
the same lock after a commit (how far the index has applied a change log).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from whoosh import index as whoosh_index
from whoosh.fields import Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError
from whoosh.writing import IndexWriter

from localoffer.search.backend import SearchUnavailable, SearchWriteTimeout

WRITE_WAIT_SECONDS = 10.0
LOCK_FILE = ".localoffer-write.lock"
PROGRESS_FILE = "outbox-progress.json"
_TOC_FILE = re.compile(r"^_MAIN_(\d+)\.toc$")


class TrackingStorage(FileStorage):
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


def _columns(schema: Schema) -> set[str]:
    return {name for name, field in schema.items() if field.column_type is not None}


def open_index(index_dir: str, schema: Schema) -> whoosh_index.Index:
    """The index in ``index_dir``; SearchUnavailable if it was made with another schema."""
    storage = TrackingStorage(index_dir)
    with storage.closing_on_error():
        ix = storage.open_index()
    # An index from an earlier release (without a field, or without a field's column) is
    # another schema: the app rebuilds it.
    if set(ix.schema.names()) != set(schema.names()) or _columns(ix.schema) != _columns(schema):
        raise SearchUnavailable(f"the index in {index_dir} has another schema")
    return ix


def create_index(index_dir: str, schema: Schema) -> whoosh_index.Index:
    """A new empty index in ``index_dir``."""
    return TrackingStorage(index_dir).create_index(schema)


def version(index_dir: str) -> tuple[int, int, int] | None:
    """The newest table of contents' generation, inode and mtime; None when there is none."""
    # Generation alone is not enough: a rebuilt index starts counting again.
    try:
        generations = [
            int(found.group(1))
            for name in os.listdir(index_dir)
            if (found := _TOC_FILE.match(name))
        ]
        if not generations:
            return None
        newest = max(generations)
        stat = os.stat(os.path.join(index_dir, f"_MAIN_{newest}.toc"))
    except OSError:
        return None
    return newest, stat.st_ino, stat.st_mtime_ns


def commit(
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
            # Only something outside WhooshBackend (which serialises writers) can hold it.
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
def write_lock(index_dir: str, wait: float | None = None) -> Iterator[float]:
    """Hold an exclusive lock on the index folder, waiting up to ``wait`` seconds for it
    (``WRITE_WAIT_SECONDS`` when None; 0 tries once). Yields the deadline, for Whoosh's lock."""
    seconds = WRITE_WAIT_SECONDS if wait is None else max(float(wait), 0.0)
    deadline = time.monotonic() + seconds
    os.makedirs(index_dir, exist_ok=True)
    # flock locks belong to the open file, so threads with their own open exclude each other.
    handle = os.open(os.path.join(index_dir, LOCK_FILE), os.O_RDWR | os.O_CREAT, 0o644)
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


def clear_folder(index_dir: str) -> None:
    """Delete everything in the index folder except the write lock."""
    for name in os.listdir(index_dir):
        if name == LOCK_FILE:
            continue
        path = os.path.join(index_dir, name)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.remove(path)


def read_progress(index_dir: str) -> dict:
    """The JSON object in the progress file; empty when there is none or it cannot be read."""
    try:
        with open(os.path.join(index_dir, PROGRESS_FILE), encoding="utf-8") as file:
            found = json.load(file)
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def progress_text(progress: dict) -> str:
    """``progress`` as the progress file holds it; raises before anything is written if it is
    not a JSON object."""
    if not isinstance(progress, dict):
        raise TypeError(f"progress must be a dict, not {type(progress).__name__}")
    return json.dumps(progress, sort_keys=True, allow_nan=False)


def write_progress(index_dir: str, text: str | None) -> None:
    """Replace the progress file with ``text`` at once (readers see the old or the new file,
    never part of one); None removes it. Call with the write lock held."""
    path = os.path.join(index_dir, PROGRESS_FILE)
    if text is None:
        try:
            os.remove(path)
        except FileNotFoundError:
            pass
        return
    temporary = path + ".tmp"
    with open(temporary, "w", encoding="utf-8") as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)
