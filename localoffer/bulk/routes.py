"""/manage/import (check a file, then confirm), the template, and /manage/export.csv."""

from __future__ import annotations

import logging
from datetime import date

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import RequestEntityTooLarge

from localoffer import audit
from localoffer.auth.forms import error_list
from localoffer.auth.roles import STAFF, roles_required
from localoffer.bulk import bp
from localoffer.bulk.csv_files import FileProblem, read_csv
from localoffer.bulk.forms import ConfirmImportForm, UploadForm
from localoffer.bulk.service import (
    check_rows,
    export_csv,
    has_errors,
    import_rows,
    load_lookups,
    services_for_export,
    template_csv,
)
from localoffer.errors import render_error
from localoffer.extensions import db

logger = logging.getLogger(__name__)

PAYLOAD_SALT = "bulk-import"
# How long a checked file waits for its confirmation.
PAYLOAD_MAX_AGE = 60 * 60
UPLOAD_ENDPOINTS = {"bulk.import_services", "bulk.confirm_import"}


@bp.url_value_preprocessor
def _upload_limits(endpoint, values) -> None:
    # Runs before the CSRF check reads the form, so the import's own limit is the one that counts.
    if endpoint in UPLOAD_ENDPOINTS:
        limit = current_app.config["IMPORT_MAX_BYTES"]
        request.max_content_length = limit
        request.max_form_memory_size = limit


def _size_limit() -> str:
    """The import's size limit in words: ``10 MB``, or ``4 KB`` for small test limits."""
    limit = current_app.config["IMPORT_MAX_BYTES"]
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):.3g} MB"
    return f"{max(limit // 1024, 1)} KB"


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error):
    if request.endpoint in UPLOAD_ENDPOINTS and getattr(current_user, "is_staff", False):
        form = UploadForm(formdata=None)
        form.file.errors = [f"The selected file must be smaller than {_size_limit()}"]
        return _upload_page(form, 413)
    return render_error(413, error.description)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=PAYLOAD_SALT)


def _upload_page(form: UploadForm, status: int = 200):
    return render_template(
        "bulk/import.html", form=form, errors=error_list(form), size_limit=_size_limit()
    ), status


def _file_problem(message: str, status: int = 400):
    form = UploadForm(formdata=None)
    form.file.errors = [message]
    return _upload_page(form, status)


def _row_errors_page(checks, filename: str):
    rows = [check for check in checks if check.errors]
    summary = [
        {"text": f"Row {check.number}: {check.errors[0]}", "href": f"#row-{check.number}"}
        for check in rows
    ]
    return render_template(
        "bulk/row_errors.html",
        rows=rows,
        total=len(checks),
        filename=filename,
        errors=summary,
        form=UploadForm(formdata=None),
        size_limit=_size_limit(),
    ), 400


def _refused(error: SQLAlchemyError):
    db.session.rollback()
    logger.warning("Import refused by the database", exc_info=True)
    return _file_problem(
        "Nothing was imported: the database refused one of the rows ("
        + type(error).__name__
        + "). Check the file and try again, or ask for help"
    )


@bp.route("/import", methods=["GET", "POST"])
@roles_required(*STAFF)
def import_services():
    form = UploadForm()
    if not form.validate_on_submit():
        return _upload_page(form, 400 if form.errors else 200)
    upload = form.file.data
    filename = upload.filename or ""
    if not filename.lower().endswith(".csv"):
        return _file_problem("The selected file must be a CSV")
    data = upload.read()
    try:
        csv_file = read_csv(data)
    except FileProblem as problem:
        return _file_problem(str(problem))
    lookups = load_lookups()
    checks = check_rows(csv_file, lookups)
    if has_errors(checks):
        return _row_errors_page(checks, filename)
    try:
        # A dry run: what the import would do, rolled back, so the officer confirms knowingly.
        result = import_rows(checks, lookups, current_user)
    except SQLAlchemyError as error:
        return _refused(error)
    db.session.rollback()
    payload = _serializer().dumps({"csv": data.decode("utf-8-sig"), "filename": filename})
    return render_template(
        "bulk/confirm.html",
        result=result,
        filename=filename,
        form=ConfirmImportForm(formdata=None, payload=payload),
    )


@bp.post("/import/confirm")
@roles_required(*STAFF)
def confirm_import():
    form = ConfirmImportForm()
    content = None
    if form.validate_on_submit():
        try:
            content = _serializer().loads(form.payload.data, max_age=PAYLOAD_MAX_AGE)
        except BadSignature:
            content = None
    if not isinstance(content, dict) or not isinstance(content.get("csv"), str):
        return _file_problem("The checked file has expired or could not be read. Upload it again")
    try:
        csv_file = read_csv(content["csv"].encode("utf-8"))
    except FileProblem as problem:
        return _file_problem(str(problem))
    lookups = load_lookups()
    # Checked again: the directory may have changed since the file was first checked.
    checks = check_rows(csv_file, lookups)
    if has_errors(checks):
        return _row_errors_page(checks, str(content.get("filename", "")))
    try:
        result = import_rows(checks, lookups, current_user)
        db.session.commit()
    except SQLAlchemyError as error:
        return _refused(error)
    flash(_imported_message(result), "success")
    return redirect(url_for("bulk.import_services"))


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _imported_message(result) -> str:
    parts = [
        _count(len(result.created), "new service saved as a draft", "new services saved as drafts"),
        _count(len(result.updated), "service updated", "services updated"),
    ]
    if result.unchanged:
        parts.append(_count(len(result.unchanged), "service unchanged", "services unchanged"))
    return (
        "Import finished: "
        + ", ".join(parts)
        + ". Families see new services only once an officer has checked and published them."
    )


def _csv_response(data: bytes, filename: str):
    response = current_app.response_class(data, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/import/template.csv")
@roles_required(*STAFF)
def template():
    return _csv_response(template_csv(), "local-offer-services-template.csv")


@bp.get("/export.csv")
@roles_required(*STAFF)
def export():
    services = services_for_export()
    data = export_csv(
        services,
        lambda service: url_for("directory.service", service_id=service.id, _external=True),
    )
    # The export holds contact details and the full addresses of home-based providers.
    audit.record("directory.exported", current_user, changes={"services": [None, len(services)]})
    db.session.commit()
    return _csv_response(data, f"local-offer-services-{date.today().isoformat()}.csv")
