"""The backend is chosen in one place, by SEARCH_BACKEND."""

from __future__ import annotations

import pytest

from localoffer import create_app
from localoffer.search.backends import UnknownBackend, index_folder
from localoffer.search.whoosh import WhooshBackend


def _config(tmp_path, **values) -> dict:
    return {
        "APP_ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/area.db",
        "SEARCH_INDEX_DIR": str(tmp_path / "index"),
        "SEARCH_CHECK_ON_START": False,
        **values,
    }


def test_whoosh_is_the_default_and_each_collection_has_a_folder_of_its_own(tmp_path):
    app = create_app(_config(tmp_path))
    indexes = app.extensions["search"].indexes
    assert set(indexes) == {"services", "guides"}
    assert all(isinstance(index.backend, WhooshBackend) for index in indexes.values())
    folders = {str(index.backend.index_dir) for index in indexes.values()}
    assert folders == {str(tmp_path / "index"), str(tmp_path / "index") + "-guides"}
    assert index_folder(app, "guides") == str(tmp_path / "index") + "-guides"


def test_a_guides_folder_can_be_set(tmp_path):
    app = create_app(_config(tmp_path, GUIDE_INDEX_DIR=str(tmp_path / "guides")))
    assert str(app.extensions["search"].index("guides").backend.index_dir) == str(
        tmp_path / "guides"
    )


def test_an_unknown_backend_stops_the_app_with_a_clear_message(tmp_path):
    with pytest.raises(UnknownBackend, match="SEARCH_BACKEND is 'solr'; the backends are whoosh"):
        create_app(_config(tmp_path, SEARCH_BACKEND="solr"))
