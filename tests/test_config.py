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
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.org")
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


def _sign_in_statuses(app, forwarded_for: list[str]) -> list[int]:
    from tests.accounts import csrf_token

    statuses = []
    with app.app_context():
        for address in forwarded_for:
            client = app.test_client()
            data = {
                "email": "nobody@example.org",
                "password": "x",
                "csrf_token": csrf_token(client),
            }
            response = client.post("/sign-in", data=data, headers={"X-Forwarded-For": address})
            statuses.append(response.status_code)
    return statuses


def test_behind_a_trusted_proxy_each_visitor_has_their_own_rate_limit(tmp_path):
    from localoffer.extensions import limiter
    from tests.conftest import built_app

    (tmp_path / "proxied").mkdir()
    (tmp_path / "direct").mkdir()
    addresses = ["203.0.113.1", "203.0.113.1", "203.0.113.1", "203.0.113.2"]
    with built_app(
        tmp_path / "proxied", seeded=False, TRUSTED_PROXY_COUNT=1, SIGN_IN_LIMIT="2 per minute"
    ) as app:
        assert _sign_in_statuses(app, addresses)[2:] == [429, 400]  # 400: wrong password
        limiter.reset()
    # Without a trusted proxy the header is ignored: everyone shares the proxy's address.
    with built_app(tmp_path / "direct", seeded=False, SIGN_IN_LIMIT="2 per minute") as app:
        assert _sign_in_statuses(app, addresses)[2:] == [429, 429]
        limiter.reset()


@pytest.mark.parametrize("key", ["x", "k" * 31])
def test_a_short_secret_key_stops_production_start_up(monkeypatch, tmp_path, key):
    monkeypatch.setenv("SECRET_KEY", key)
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.org")
    with pytest.raises(ConfigError, match="SECRET_KEY is too short: 32 characters or more"):
        load_config(str(tmp_path), {"APP_ENV": "production"})


def test_the_generated_keys_are_long_enough(monkeypatch, tmp_path):
    # make run and CI make theirs with secrets.token_hex(32): 64 characters.
    import secrets

    monkeypatch.setenv("SECRET_KEY", secrets.token_hex(32))
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.org")
    assert load_config(str(tmp_path), {"APP_ENV": "production"})["SECRET_KEY"]


def _production_app(monkeypatch, tmp_path, **environment):
    for name in ("MAIL_SERVER", "MAIL_LOG_ONLY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRET_KEY", "k" * 64)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return create_app(
        {
            "APP_ENV": "production",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/production.db",
            "SEARCH_INDEX_DIR": str(tmp_path / "index"),
            "SEARCH_CHECK_ON_START": False,
        }
    )


def test_production_without_a_mail_server_refuses_to_start(monkeypatch, tmp_path):
    with pytest.raises(ConfigError, match="MAIL_SERVER is not set.*MAIL_LOG_ONLY=1"):
        _production_app(monkeypatch, tmp_path)


def test_production_starts_with_a_mail_server_or_told_to_log_emails(monkeypatch, tmp_path, caplog):
    from localoffer.outbox.transport import Email, deliver

    assert _production_app(monkeypatch, tmp_path, MAIL_SERVER="smtp.example.org")
    app = _production_app(monkeypatch, tmp_path, MAIL_LOG_ONLY="1")
    assert app.config["MAIL_LOG_ONLY"] is True
    with app.app_context():
        deliver(Email("someone@example.org", "A subject", "The words of the email."))
    assert "someone@example.org" in caplog.text
    assert "The words of the email." in caplog.text
