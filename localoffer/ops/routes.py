"""/healthz: is the database reachable, how much is in it, and does the index match it."""

from __future__ import annotations

from localoffer.ops import bp
from localoffer.ops.service import database_state, search_state


@bp.get("/healthz")
def healthz():
    database = database_state()
    search = search_state(database)
    ok = database["reachable"] and search["healthy"]
    body = {"status": "ok" if ok else "error", "database": database, "search": search}
    return body, 200 if ok else 503, {"Cache-Control": "no-store"}
