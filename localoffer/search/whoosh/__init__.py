"""The Whoosh search backend, in parts.

- ``schema.py``: the analyser, the fields and their boosts, a document's fields.
- ``snapshot.py``: one version of the index in memory, every set of documents a bitset.
- ``ranking.py``: how results are ordered (read it to know the policy).
- ``store.py``: the folder on disk: opening, the write lock, committing, versions, progress.
- ``backend.py``: ``WhooshBackend``, searching and writing with the above.
"""

from localoffer.search.whoosh.backend import WhooshBackend
from localoffer.search.whoosh.schema import ANALYZER, build_schema
from localoffer.search.whoosh.store import LOCK_FILE, PROGRESS_FILE

__all__ = ["ANALYZER", "LOCK_FILE", "PROGRESS_FILE", "WhooshBackend", "build_schema"]
