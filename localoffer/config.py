"""Settings read from the environment.

Every setting has one name, read here and nowhere else. ``APP_ENV`` picks the profile:
``production`` (the default: secure cookies, a SECRET_KEY is required), ``development``
(what ``make run`` uses) or ``testing``.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Anything shorter can be guessed offline from one signed cookie; token_hex(32) gives 64.
MIN_SECRET_KEY_LENGTH = 32


class ConfigError(RuntimeError):
    """A setting is missing or malformed; the app refuses to start."""


def database_url(raw: str | None, instance_path: str) -> str:
    """Return an SQLAlchemy URL, defaulting to SQLite in the instance folder.

    ``postgres://`` and ``postgresql://`` URLs are pointed at the psycopg 3 driver so that a
    plain ``DATABASE_URL`` from a hosting platform works unchanged.
    """
    if not raw:
        return "sqlite:///" + str(Path(instance_path) / "localoffer.db")
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_config(instance_path: str, overrides: dict | None = None) -> dict:
    """Build the Flask config mapping from the environment, then apply ``overrides``."""
    env = os.environ
    overrides = dict(overrides or {})
    app_env = overrides.get("APP_ENV") or env.get("APP_ENV", "production")
    if app_env not in {"production", "development", "testing"}:
        raise ConfigError(f"APP_ENV must be production, development or testing, not {app_env!r}")
    production = app_env == "production"

    config = {
        "APP_ENV": app_env,
        "TESTING": app_env == "testing",
        "SECRET_KEY": env.get("SECRET_KEY"),
        "SQLALCHEMY_DATABASE_URI": database_url(env.get("DATABASE_URL"), instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SEARCH_INDEX_DIR": env.get("SEARCH_INDEX_DIR")
        or str(Path(instance_path) / "search-index"),
        "SEED_DIR": env.get("SEED_DIR") or str(PROJECT_ROOT / "seed"),
        "SITE_NAME": env.get("SITE_NAME", "SEND Local Offer"),
        # Where the site lives, for links in emails sent from the command line (reminders).
        "SITE_URL": env.get("SITE_URL", "http://127.0.0.1:5000"),
        "COUNCIL_NAME": env.get("COUNCIL_NAME", "Portsmouth and Hampshire (demo area)"),
        "CONTACT_EMAIL": env.get("CONTACT_EMAIL", "localoffer@portsmouth.example.org"),
        "CONTACT_PHONE": env.get("CONTACT_PHONE", "01632 960000"),
        "SESSION_COOKIE_SECURE": _flag(env.get("SESSION_COOKIE_SECURE"), production),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": 60 * 60 * 8,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_SSL_STRICT": production,
        "POSTCODES_IO_URL": env.get("POSTCODES_IO_URL", "https://api.postcodes.io"),
        "POSTCODE_LOOKUP_TIMEOUT": float(env.get("POSTCODE_LOOKUP_TIMEOUT", "2")),
        "SEARCH_CHECK_ON_START": _flag(env.get("SEARCH_CHECK_ON_START"), True),
        # The search backend (only "whoosh" so far) and the guides' index folder (beside the
        # services' one unless set).
        "SEARCH_BACKEND": env.get("SEARCH_BACKEND", "whoosh"),
        "GUIDE_INDEX_DIR": env.get("GUIDE_INDEX_DIR") or None,
        # How often a request looks for outbox rows this process's indexes have not applied
        # (a search always looks first), how long rows are kept, and how long /healthz reuses
        # its fingerprint comparison.
        "SEARCH_CATCH_UP_SECONDS": float(env.get("SEARCH_CATCH_UP_SECONDS") or 30),
        "SEARCH_OUTBOX_KEEP_DAYS": float(env.get("SEARCH_OUTBOX_KEEP_DAYS") or 7),
        "SEARCH_HEALTH_CACHE_SECONDS": float(env.get("SEARCH_HEALTH_CACHE_SECONDS") or 60),
        # A repair of every index in the background at the first request of each day.
        "SEARCH_DAILY_REPAIR": _flag(env.get("SEARCH_DAILY_REPAIR"), app_env != "testing"),
        "SERVICES_PER_PAGE": 20,
        "SHORTLIST_LIMIT": 50,
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        # CSV imports at /manage/import may be larger than other forms.
        "IMPORT_MAX_BYTES": int(env.get("IMPORT_MAX_BYTES") or 10 * 1024 * 1024),
        # One machine keeps rate limits in memory; several share them through Redis.
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI") or "memory://",
        "RATELIMIT_HEADERS_ENABLED": False,
        "SIGN_IN_LIMIT": env.get("SIGN_IN_LIMIT", "10 per 15 minutes"),
        # How many proxies (load balancer, nginx) sit in front of the app and set X-Forwarded-*.
        # 0 trusts none; set it to the real number or rate limits and secure links go wrong.
        "TRUSTED_PROXY_COUNT": int(env.get("TRUSTED_PROXY_COUNT") or 0),
        "SIGN_IN_MAX_FAILURES": 5,
        # "Was this page helpful?" answers allowed from one address.
        "FEEDBACK_LIMIT": env.get("FEEDBACK_LIMIT", "20 per hour"),
        # Clicks on contact details counted from one address (more are not counted).
        "CONTACT_CLICK_LIMIT": env.get("CONTACT_CLICK_LIMIT", "100 per hour"),
        # Where an individual complaint is signposted (the council's complaints procedure).
        "COMPLAINTS_URL": env.get(
            "COMPLAINTS_URL", "https://www.portsmouth.example.org/complaints"
        ),
        "SIGN_IN_LOCK_MINUTES": 15,
        "INVITATION_DAYS": 7,
        "PASSWORD_RESET_HOURS": 2,
        "PASSWORD_MIN_LENGTH": 12,
        "REVIEW_INTERVAL_MONTHS": int(env.get("REVIEW_INTERVAL_MONTHS") or 12),
        "REVIEW_DUE_SOON_DAYS": int(env.get("REVIEW_DUE_SOON_DAYS") or 30),
        # Emails go to the log instead of a mail server with MAIL_LOG_ONLY, or with no
        # MAIL_SERVER outside production (production refuses to start with neither).
        "MAIL_SERVER": env.get("MAIL_SERVER") or None,
        "MAIL_LOG_ONLY": _flag(env.get("MAIL_LOG_ONLY"), False),
        # How long an email without a link that expires (a decision, a reminder) is retried.
        "MAIL_RETRY_HOURS": 48,
        "MAIL_PORT": int(env.get("MAIL_PORT") or 25),
        "MAIL_USE_TLS": _flag(env.get("MAIL_USE_TLS"), False),
        "MAIL_USE_SSL": _flag(env.get("MAIL_USE_SSL"), False),
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": env.get("MAIL_DEFAULT_SENDER", "localoffer@portsmouth.example.org"),
    }
    config.update(overrides)
    if not config["SECRET_KEY"]:
        if config["APP_ENV"] == "testing":
            config["SECRET_KEY"] = os.urandom(32).hex()
        else:
            raise ConfigError(
                "SECRET_KEY is not set. Set it in the environment (make run creates one in "
                "instance/secret_key for local use)."
            )
    if production and not (config["MAIL_SERVER"] or config["MAIL_LOG_ONLY"]):
        raise ConfigError(
            "MAIL_SERVER is not set, so invitations and password resets could not be sent. Set "
            "MAIL_SERVER (and MAIL_PORT, MAIL_USERNAME ...), or MAIL_LOG_ONLY=1 to write every "
            "email to the log instead."
        )
    if production and len(config["SECRET_KEY"]) < MIN_SECRET_KEY_LENGTH:
        raise ConfigError(
            f"SECRET_KEY is too short: {MIN_SECRET_KEY_LENGTH} characters or more are needed "
            "in production. Make one with: python -c 'import secrets; "
            "print(secrets.token_hex(32))'"
        )
    return config
