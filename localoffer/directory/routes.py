"""Routes for /services and /services/<id>."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, url_for

from localoffer.directory import bp
from localoffer.directory.forms import DirectoryArgumentsForm
from localoffer.directory.service import AGE_BANDS, MAX_AGE, browse_services, get_service
from localoffer.directory.vocabulary import load_vocabularies
from localoffer.models import SendQuestion


@bp.get("/services")
def services():
    vocabularies = load_vocabularies()
    form = DirectoryArgumentsForm(vocabularies, request.args)
    form.validate()
    filters = form.filters()
    page = form.page_number()
    results = browse_services(filters, page, current_app.config["SERVICES_PER_PAGE"])
    status = 400 if form.errors else 200
    kept = form.kept_arguments()

    def page_url(number: int) -> str:
        return url_for("directory.services", **kept, page=number if number > 1 else None)

    return (
        render_template(
            "directory/services.html",
            form=form,
            filters=filters,
            results=results,
            vocabularies=vocabularies,
            errors=form.error_list(),
            age_bands=AGE_BANDS,
            max_age=MAX_AGE,
            page_url=page_url,
        ),
        status,
    )


@bp.get("/services/<int:service_id>")
def service(service_id: int):
    found = get_service(service_id)
    if found is None:
        abort(404)
    return render_template(
        "directory/service.html",
        service=found,
        send_questions=list(SendQuestion),
    )


@bp.get("/services/<int:service_id>/<slug>")
def service_with_slug(service_id: int, slug: str):
    """Readable links such as /services/12/portage-home-visiting go to the canonical page."""
    return redirect(url_for("directory.service", service_id=service_id), code=301)
