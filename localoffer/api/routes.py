"""The read API: /api/v1/ ... in the Open Referral UK profile of HSDS 3.0.

Public, no key. Every answer is UTF-8 JSON with ``Access-Control-Allow-Origin: *``, a
``Cache-Control`` lifetime and an ``ETag``; a matching ``If-None-Match`` gets 304.
"""

from __future__ import annotations

import json

from flask import Response, abort, request, url_for

from localoffer.api import bp, serializers
from localoffer.api.arguments import near, read_list_arguments
from localoffer.api.openapi import openapi_document
from localoffer.api.service import (
    get_listed_service,
    get_listed_service_at_location,
    get_taxonomy,
    get_taxonomy_term,
    list_service_at_locations,
    list_services,
    list_taxonomies,
    list_taxonomy_terms,
    service_metadata,
)
from localoffer.search.places import locate

CACHE_SECONDS = 300


def json_response(payload: object, status: int = 200) -> Response:
    """UTF-8 JSON (not ASCII-escaped), in a stable key order so ETags are stable."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return Response(body, status=status, content_type="application/json; charset=utf-8")


def bad_request(errors: dict[str, str]) -> Response:
    return json_response(
        {
            "error": 400,
            "message": "Some query parameters are not valid.",
            "errors": [{"parameter": name, "message": text} for name, text in errors.items()],
        },
        400,
    )


@bp.after_request
def cache_and_share(response: Response) -> Response:
    """CORS for everyone, a cache lifetime and conditional GET."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    if request.method in ("GET", "HEAD") and response.status_code == 200:
        response.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
        response.add_etag()
        response.make_conditional(request)
    else:
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/")
def root():
    return json_response(serializers.api_meta(url_for("api.openapi", _external=True)))


@bp.get("/openapi.json")
def openapi():
    return json_response(openapi_document(url_for("api.root", _external=True).rstrip("/")))


@bp.get("/services")
def services():
    arguments = read_list_arguments(request.args, refused=request.refused_args)
    if arguments.errors:
        return bad_request(arguments.errors)
    result = list_services(arguments.filters, arguments.page, arguments.per_page)
    return json_response(
        serializers.page(result, [serializers.service_summary(s) for s in result.items])
    )


@bp.get("/services/<service_id>")
def service(service_id: str):
    found = get_listed_service(service_id)
    if found is None:
        abort(404)
    return json_response(serializers.service_full(found, service_metadata(found)))


@bp.get("/service_at_locations")
def service_at_locations():
    arguments = read_list_arguments(request.args, place=True, refused=request.refused_args)
    if arguments.errors:
        return bad_request(arguments.errors)
    place = None
    if arguments.postcode:
        found = locate(arguments.postcode)
        if found is None:
            return bad_request({"postcode": f"we could not find {arguments.postcode}"})
        place = near(arguments, found)
    result = list_service_at_locations(arguments.filters, arguments.page, arguments.per_page, place)
    return json_response(
        serializers.page(
            result, [serializers.service_at_location_summary(link) for link in result.items]
        )
    )


@bp.get("/service_at_locations/<service_at_location_id>")
def service_at_location(service_at_location_id: str):
    found = get_listed_service_at_location(service_at_location_id)
    if found is None:
        abort(404)
    return json_response(
        serializers.service_at_location_full(found, service_metadata(found.service))
    )


@bp.get("/taxonomies")
def taxonomies():
    arguments = read_list_arguments(request.args, filters=False, refused=request.refused_args)
    if arguments.errors:
        return bad_request(arguments.errors)
    result = list_taxonomies(arguments.page, arguments.per_page)
    return json_response(serializers.page(result, [serializers.taxonomy(t) for t in result.items]))


@bp.get("/taxonomies/<taxonomy_id>")
def taxonomy(taxonomy_id: str):
    found = get_taxonomy(taxonomy_id)
    if found is None:
        abort(404)
    return json_response(serializers.taxonomy(found))


@bp.get("/taxonomy_terms")
def taxonomy_terms():
    arguments = read_list_arguments(request.args, filters=False, refused=request.refused_args)
    if arguments.errors:
        return bad_request(arguments.errors)
    result = list_taxonomy_terms(arguments.page, arguments.per_page, arguments.taxonomy_id)
    return json_response(
        serializers.page(result, [serializers.taxonomy_term(t) for t in result.items])
    )


@bp.get("/taxonomy_terms/<taxonomy_term_id>")
def taxonomy_term(taxonomy_term_id: str):
    found = get_taxonomy_term(taxonomy_term_id)
    if found is None:
        abort(404)
    return json_response(serializers.taxonomy_term(found))
