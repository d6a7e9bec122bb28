"""/manage/organisations and /manage/locations: the records listings point at."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from localoffer import audit
from localoffer.auth.forms import error_list
from localoffer.auth.roles import STAFF, roles_required
from localoffer.extensions import db
from localoffer.manage import bp, lifecycle
from localoffer.manage.listing_forms import LocationForm, OrganizationForm
from localoffer.manage.listings import describe, field_label, unique_slug
from localoffer.manage.service import locations, organisations
from localoffer.models import Accessibility, Location, Organization
from localoffer.search.places import locate

ORGANISATION_FIELDS = ("name", "description", "website", "email", "phone")
LOCATION_FIELDS = ("name", "address_1", "city", "postcode", "mask_address", "description")
KINDS = {
    "organisation": (Organization, OrganizationForm, ORGANISATION_FIELDS, "organisations"),
    "location": (Location, LocationForm, LOCATION_FIELDS, "locations"),
}


def _clean(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _assign(record: Any, form: Any, fields: tuple[str, ...]) -> dict[str, list]:
    """Copy the form's fields onto the record; return ``{field: [before, after]}`` that changed."""
    changes = {}
    for name in fields:
        before, after = getattr(record, name), _clean(getattr(form, name).data)
        if name in ("website", "email", "phone") and not after:
            after = None
        if (before or "") != (after or ""):
            changes[name] = [before, after]
            setattr(record, name, after)
    return changes


def _accessibility_lines(location: Location) -> str:
    return "\n".join(item.description for item in location.accessibilities)


def _set_accessibility(location: Location, text: str, changes: dict) -> None:
    wanted = [line.strip() for line in (text or "").splitlines() if line.strip()]
    before = [item.description for item in location.accessibilities]
    if wanted != before:
        location.accessibilities = [Accessibility(description=line) for line in wanted]
        changes["accessibility"] = ["\n".join(before), "\n".join(wanted)]


def _place_on_map(location: Location, changes: dict) -> None:
    """Find the postcode's coordinates for distance search (cached; falls back when offline)."""
    if "postcode" in changes or location.latitude is None:
        found = locate(location.postcode)
        location.latitude, location.longitude = (found.lat, found.lon) if found else (None, None)


@bp.get("/organisations")
@roles_required(*STAFF)
def organisations_list():
    return render_template("manage/organisations.html", organisations=organisations())


@bp.get("/locations")
@roles_required(*STAFF)
def locations_list():
    return render_template("manage/locations.html", locations=locations())


def _edit_record(kind: str, record_id: int | None):
    model, form_class, fields, list_endpoint = KINDS[kind]
    record = None
    if record_id is not None:
        record = db.session.get(model, record_id)
        if record is None:
            abort(404)
    data = None
    if record is not None and request.method == "GET":
        data = {name: getattr(record, name) for name in fields}
        data["version"] = str(record.version)
        if kind == "location":
            data["accessibility"] = _accessibility_lines(record)
    form = form_class(data=data) if data else form_class()
    conflict = None
    if form.validate_on_submit():
        try:
            if record is not None:
                lifecycle.check_version(record, form.version.data)
            created = record is None
            if created:
                record = model(slug=unique_slug(model, form.name.data))
                db.session.add(record)
            with db.session.no_autoflush:
                changes = _assign(record, form, fields)
                if kind == "location":
                    _set_accessibility(record, form.accessibility.data, changes)
                    _place_on_map(record, changes)
            if changes and not created:
                # Accessibility lines are rows of their own: changing only those would leave
                # the version as it was, and a form opened earlier could save over them.
                record.updated_at = datetime.now(UTC)
            db.session.flush()
            if changes or created:
                audit.record(
                    f"{kind}.{'created' if created else 'edited'}", current_user, record, changes
                )
            db.session.commit()
        except (lifecycle.VersionConflict, StaleDataError):
            db.session.rollback()
            record = db.session.get(model, record_id)
            conflict = lifecycle.last_change(record)
            form.version.data = str(record.version)
        else:
            flash(f"{record.name} is saved.", "success")
            return redirect(url_for(f"manage.{list_endpoint}_list"))
    return render_template(
        "manage/record_form.html",
        form=form,
        kind=kind,
        record=record,
        conflict=conflict,
        errors=error_list(form),
        back=url_for(f"manage.{list_endpoint}_list"),
    ), 409 if conflict else 400 if form.errors else 200


@bp.route("/organisations/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new_organisation():
    return _edit_record("organisation", None)


@bp.route("/organisations/<id:organization_id>", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit_organisation(organization_id: int):
    return _edit_record("organisation", organization_id)


@bp.route("/locations/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new_location():
    return _edit_record("location", None)


@bp.route("/locations/<id:location_id>", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit_location(location_id: int):
    return _edit_record("location", location_id)


@bp.get("/organisations/<id:organization_id>/history")
@roles_required(*STAFF)
def organisation_history(organization_id: int):
    return _history(Organization, organization_id, "manage.edit_organisation", "organization_id")


@bp.get("/locations/<id:location_id>/history")
@roles_required(*STAFF)
def location_history(location_id: int):
    return _history(Location, location_id, "manage.edit_location", "location_id")


def _history(model, record_id: int, endpoint: str, argument: str):
    record = db.session.get(model, record_id)
    if record is None:
        abort(404)
    return render_template(
        "manage/history.html",
        record=record,
        title=record.name,
        back=url_for(endpoint, **{argument: record.id}),
        events=lifecycle.history(record),
        field_label=field_label,
        describe=describe,
    )
