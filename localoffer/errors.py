"""Error pages: one handler renders ``errors/<code>.html`` in the site's layout."""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from jinja2 import TemplateNotFound
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from localoffer.extensions import db

logger = logging.getLogger(__name__)

PAGE_TEMPLATES = {400, 403, 404, 405, 410, 413, 429, 500, 503}
DATABASE_UNAVAILABLE = "The database could not be read or written. Try again later."


def render_error(code: int, description: str | None = None):
    """Render the error page for ``code`` (JSON for machine addresses)."""
    if request.path.startswith(("/api/", "/healthz")):
        return {"error": code, "message": description or ""}, code
    name = f"errors/{code}.html" if code in PAGE_TEMPLATES else "errors/generic.html"
    try:
        return render_template(name, code=code, description=description), code
    except TemplateNotFound:
        return render_template("errors/generic.html", code=code, description=description), code


def _render_after_rollback(code: int, description: str):
    """The error page after a failure that may have left the session unusable: a failed
    statement aborts PostgreSQL's transaction and a failed flush needs a rollback, and the page
    reads the signed-in user again. Plain text if the page itself cannot be drawn."""
    db.session.rollback()
    try:
        return render_error(code, description)
    except Exception:  # the page itself needed the database
        logger.exception("Could not render the %s page", code)
        db.session.rollback()
        return description + "\n", code, {"Content-Type": "text/plain; charset=utf-8"}


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_template("errors/csrf.html", code=400), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return render_error(error.code or 500, error.description)

    @app.errorhandler(OperationalError)
    def database_unavailable(error: OperationalError):
        # Read-only file, full disk, lost connection: the site cannot work, but it can say so.
        logger.error("Database unavailable on %s: %s", request.path, error.orig)
        return _render_after_rollback(503, DATABASE_UNAVAILABLE)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        logger.exception("Unhandled error on %s", request.path)
        return _render_after_rollback(500, InternalServerError.description)
