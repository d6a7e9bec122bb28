"""Reading and writing the shortlist held in the signed session cookie."""

from __future__ import annotations

from flask import current_app, session

KEY = "shortlist"


def shortlist_ids() -> list[int]:
    """The saved service ids, oldest first; anything malformed in the session is ignored."""
    raw = session.get(KEY, [])
    if not isinstance(raw, list):
        return []
    return [i for i in raw if isinstance(i, int)]


def add(service_id: int) -> bool:
    """Save a service; False when the shortlist is full."""
    ids = shortlist_ids()
    if service_id in ids:
        return True
    if len(ids) >= current_app.config["SHORTLIST_LIMIT"]:
        return False
    session[KEY] = [*ids, service_id]
    return True


def remove(service_id: int) -> None:
    session[KEY] = [i for i in shortlist_ids() if i != service_id]


def clear() -> None:
    session.pop(KEY, None)
