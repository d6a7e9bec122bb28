"""Routes for /services and /services/<id>."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, url_for

from localoffer.directory import bp
from localoffer.directory.forms import FACET_LEGENDS, WITHIN_CHOICES, DirectoryArgumentsForm
from localoffer.directory.service import AGE_BANDS, MAX_AGE, Place, browse_services, get_service
from localoffer.directory.understood import understood_words
from localoffer.directory.vocabulary import load_vocabularies
from localoffer.models import SendQuestion
from localoffer.search.log import record_search
from localoffer.search.places import locate


def _place(form: DirectoryArgumentsForm) -> Place | None:
    postcode = form.postcode_value()
    if postcode is None:
        return None
    found = locate(postcode)
    if found is None:
        form.postcode.errors = [
            *form.postcode.errors,
            f"We could not find {postcode}. Check the postcode, or search without one",
        ]
        return None
    return Place(postcode, found.lat, found.lon, found.approximate)


@bp.get("/services")
def services():
    vocabularies = load_vocabularies()
    form = DirectoryArgumentsForm(vocabularies, request.args)
    form.validate()
    place = _place(form)
    filters = form.filters()
    page = form.page_number()
    within = None if form.within.errors else form.within.data
    results, outcome = browse_services(
        filters,
        page,
        current_app.config["SERVICES_PER_PAGE"],
        sort=None if form.sort.errors else form.sort.data,
        place=place,
        within_miles=within,
    )
    kept = form.kept_arguments()

    # Links that change the results land on them (#results), not at the top of the page.
    def page_url(number: int) -> str:
        page = number if number > 1 else None
        return url_for("directory.services", **kept, page=page, _anchor="results")

    def sort_url(sort: str) -> str:
        return url_for("directory.services", **{**kept, "sort": sort}, _anchor="results")

    def results_url(arguments: dict) -> str:
        return url_for("directory.services", **arguments, _anchor="results")

    def search_url(q: str, exact: str | None = None) -> str:
        """Other words (or the exact words typed), the filters kept, back to the first page."""
        arguments = {**kept, "q": q or None, "exact": exact}
        return url_for("directory.services", **arguments, _anchor="results")

    understood = understood_words(
        outcome.understanding, outcome.close_match, filters.age, search_url
    )

    html = render_template(
        "directory/services.html",
        form=form,
        filters=filters,
        results=results,
        outcome=outcome,
        place=place,
        within=within,
        within_choices=WITHIN_CHOICES,
        vocabularies=vocabularies,
        errors=form.error_list(),
        age_bands=AGE_BANDS,
        max_age=MAX_AGE,
        page_url=page_url,
        sort_url=sort_url,
        understood=understood,
        results_url=results_url,
        facet_legends=FACET_LEGENDS,
        selected_filters=form.selected_filters(),
        search_arguments=form.search_arguments(),
        show_filters=form.has_filter_errors(),
    )
    # Logged after rendering: the log's commit would expire every service on the page, and
    # each would then be read again, one query at a time.
    if page == 1 and (filters.active or place):
        record_search(filters.q, kept, results.total, outcome.close_match if filters.q else None)
    return html, 400 if form.error_list() else 200


@bp.get("/services/<id:service_id>")
def service(service_id: int):
    found = get_service(service_id)
    if found is None:
        abort(404)
    return render_template(
        "directory/service.html",
        service=found,
        send_questions=list(SendQuestion),
    )


@bp.get("/services/<id:service_id>/<slug>")
def service_with_slug(service_id: int, slug: str):
    """Readable links such as /services/12/portage-home-visiting go to the canonical page."""
    return redirect(url_for("directory.service", service_id=service_id), code=301)
