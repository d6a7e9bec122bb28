"""/healthz: is the database reachable, and how much is in it."""

from __future__ import annotations

from localoffer.ops import bp
from localoffer.ops.service import database_state


@bp.get("/healthz")
def healthz():
    database = database_state()
    ok = database["reachable"]
    body = {"status": "ok" if ok else "error", "database": database}
    return body, 200 if ok else 503, {"Cache-Control": "no-store"}
