"""Open Referral ids for records that have no uuid column of their own.

Vocabularies are identified by their slug, so the same vocabulary has the same id on every
Local Offer site. Child rows (contacts, phones, schedules ...) get an id derived from their
service's uuid and their own row id: stable for as long as the row exists.
"""

from __future__ import annotations

import uuid

NAMESPACE = uuid.UUID("5b0f6f1e-7a0c-4c53-9d7e-2f1d3c8a9e41")


def taxonomy_uuid(slug: str) -> str:
    """The published id of the vocabulary with ``slug``."""
    return str(uuid.uuid5(NAMESPACE, f"taxonomy:{slug}"))


def child_uuid(parent_uuid: str, kind: str, row_id: int | str) -> str:
    """The published id of a row of ``kind`` (e.g. ``contact``) belonging to ``parent_uuid``."""
    return str(uuid.uuid5(NAMESPACE, f"{parent_uuid}:{kind}:{row_id}"))


def is_uuid(value: str) -> bool:
    """True when ``value`` is a UUID written in the usual 36-character form."""
    try:
        return str(uuid.UUID(value)) == value.lower()
    except (ValueError, AttributeError, TypeError):
        return False
