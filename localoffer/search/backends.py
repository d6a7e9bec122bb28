"""The one place a search backend is chosen: ``SEARCH_BACKEND`` names it (default ``whoosh``)."""

from __future__ import annotations

import os

from flask import Flask

from localoffer.search.backend import SearchBackend


class UnknownBackend(ValueError):
    """``SEARCH_BACKEND`` names no backend this app has."""


def _whoosh(folder: str) -> SearchBackend:
    from localoffer.search.whoosh import WhooshBackend

    return WhooshBackend(folder)


BACKENDS = {"whoosh": _whoosh}


def index_folder(app: Flask, collection: str) -> str:
    """Where ``collection``'s index lives: ``SEARCH_INDEX_DIR`` for services, ``GUIDE_INDEX_DIR``
    or a folder beside it for guides (and ``<folder>-<name>`` for any other)."""
    services = str(app.config["SEARCH_INDEX_DIR"])
    if collection == "services":
        return services
    if collection == "guides" and app.config.get("GUIDE_INDEX_DIR"):
        return str(app.config["GUIDE_INDEX_DIR"])
    return os.path.normpath(services) + "-" + collection


def make_backend(app: Flask, collection: str) -> SearchBackend:
    """A backend for ``collection``, of the kind ``SEARCH_BACKEND`` names."""
    name = app.config.get("SEARCH_BACKEND", "whoosh")
    try:
        build = BACKENDS[name]
    except KeyError:
        raise UnknownBackend(
            f"SEARCH_BACKEND is {name!r}; the backends are {', '.join(sorted(BACKENDS))}"
        ) from None
    return build(index_folder(app, collection))
