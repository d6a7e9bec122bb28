import pytest

from localoffer import create_app
from localoffer.config import ConfigError, database_url, load_config


def test_missing_secret_key_stops_start_up_outside_tests(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    for env in ("production", "development"):
        with pytest.raises(ConfigError, match="SECRET_KEY"):
            load_config(str(tmp_path), {"APP_ENV": env})


def test_unknown_app_env_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="APP_ENV"):
        load_config(str(tmp_path), {"APP_ENV": "staging"})


def test_production_cookies_are_secure(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    config = load_config(str(tmp_path), {"APP_ENV": "production"})
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    development = load_config(str(tmp_path), {"APP_ENV": "development"})
    assert development["SESSION_COOKIE_SECURE"] is False


def test_database_url_defaults_to_sqlite_in_instance_folder(tmp_path):
    assert database_url(None, str(tmp_path)) == f"sqlite:///{tmp_path}/localoffer.db"


@pytest.mark.parametrize(
    "raw",
    ["postgres://u:p@db:5432/lo", "postgresql://u:p@db:5432/lo"],
)
def test_postgres_urls_use_psycopg_3(raw):
    assert database_url(raw, "/x") == "postgresql+psycopg://u:p@db:5432/lo"


def test_other_urls_are_kept(tmp_path):
    assert database_url("sqlite:///:memory:", "/x") == "sqlite:///:memory:"


def test_database_url_from_environment_reaches_the_app(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/other.db")
    app = create_app({"APP_ENV": "testing"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/other.db"
