"""The Local Offer application factory."""

from __future__ import annotations

import os

from flask import Flask

from localoffer import errors, request_text, security, templating, urls
from localoffer.config import PROJECT_ROOT, load_config
from localoffer.extensions import csrf, db, limiter, login_manager, mail, migrate


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: config, extensions, blueprints, error pages, command line, templates."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_mapping(load_config(app.instance_path, test_config))
    os.makedirs(app.instance_path, exist_ok=True)
    request_text.init_app(app)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    mail.init_app(app)
    from localoffer.db_events import init_app as init_db_events

    init_db_events(app)
    from localoffer.content_versions import init_app as init_content_versions

    init_content_versions(app)
    urls.init_app(app)
    from localoffer.outbox import queue as outbox_queue
    from localoffer.outbox import sender as outbox_sender

    outbox_queue.init_app(app)
    outbox_sender.init_app(app)

    from localoffer.api import bp as api_bp
    from localoffer.auth import bp as auth_bp
    from localoffer.auth.service import load_session_user
    from localoffer.bulk import bp as bulk_bp
    from localoffer.contact_clicks import bp as contact_clicks_bp
    from localoffer.directory import bp as directory_bp
    from localoffer.feedback import bp as feedback_bp
    from localoffer.glossary import bp as glossary_bp
    from localoffer.glossary_admin import bp as glossary_admin_bp
    from localoffer.guide_admin import bp as guide_admin_bp
    from localoffer.guides import bp as guides_bp
    from localoffer.manage import bp as manage_bp
    from localoffer.moderation import bp as moderation_bp
    from localoffer.ops import bp as ops_bp
    from localoffer.pages import bp as pages_bp
    from localoffer.provider import bp as provider_bp
    from localoffer.reports import bp as reports_bp
    from localoffer.reviews import bp as reviews_bp
    from localoffer.shortlist import bp as shortlist_bp
    from localoffer.site_search import bp as site_search_bp
    from localoffer.young_people import bp as young_people_bp
    from localoffer.yousaid import bp as yousaid_bp

    app.register_blueprint(pages_bp)
    app.register_blueprint(directory_bp)
    app.register_blueprint(shortlist_bp)
    app.register_blueprint(young_people_bp)
    app.register_blueprint(glossary_bp)
    app.register_blueprint(ops_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(manage_bp)
    app.register_blueprint(provider_bp)
    app.register_blueprint(bulk_bp)
    app.register_blueprint(feedback_bp)
    app.register_blueprint(reviews_bp)
    app.register_blueprint(moderation_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(guides_bp)
    app.register_blueprint(guide_admin_bp)
    app.register_blueprint(glossary_admin_bp)
    app.register_blueprint(site_search_bp)
    app.register_blueprint(yousaid_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(contact_clicks_bp)
    login_manager.user_loader(load_session_user)

    proxies = app.config["TRUSTED_PROXY_COUNT"]
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_prefix=proxies
        )

    templating.init_app(app)
    security.init_app(app)
    errors.init_app(app)

    from localoffer.search import engine as search_engine

    search_engine.init_app(app)

    from localoffer.seeding.cli import seed_command

    app.cli.add_command(seed_command)
    from localoffer.auth.cli import users_cli

    app.cli.add_command(users_cli)
    from localoffer.manage.cli import listings_cli

    app.cli.add_command(listings_cli)
    from localoffer.outbox.cli import mail_cli

    app.cli.add_command(mail_cli)
    from localoffer.api.cli import export_cli, import_cli

    app.cli.add_command(import_cli)
    app.cli.add_command(export_cli)
    from localoffer.reports.cli import report_cli

    app.cli.add_command(report_cli)
    return app
