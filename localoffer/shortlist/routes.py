"""/shortlist: view, print, add, remove, clear."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from localoffer.directory.service import get_listed_services, get_service
from localoffer.models import ServiceStatus
from localoffer.shortlist import bp, store
from localoffer.shortlist.forms import ShortlistChangeForm, ShortlistClearForm
from localoffer.urls import safe_next


def _safe_next(target: str | None) -> str:
    return safe_next(target, url_for("shortlist.view"))


@bp.get("")
def view():
    services = get_listed_services(store.shortlist_ids())
    return render_template(
        "shortlist/view.html", services=services, clear_form=ShortlistClearForm()
    )


@bp.get("/print")
def print_view():
    services = get_listed_services(store.shortlist_ids())
    return render_template("shortlist/print.html", services=services)


@bp.post("/add")
def add():
    form = ShortlistChangeForm()
    if not form.validate():
        abort(400)
    service = get_service(form.service_id.data)
    if service is None:
        abort(404)
    if service.status == ServiceStatus.CLOSED:
        flash(f"{service.name} has closed, so it cannot be saved.", "error")
    elif store.add(service.id):
        flash(f"{service.name} was added to your shortlist.", "success")
    else:
        flash("Your shortlist is full. Remove a service before adding another.", "error")
    return redirect(_safe_next(form.next.data or request.referrer))


@bp.post("/remove")
def remove():
    form = ShortlistChangeForm()
    if not form.validate():
        abort(400)
    store.remove(form.service_id.data)
    flash("The service was removed from your shortlist.", "success")
    return redirect(_safe_next(form.next.data))


@bp.post("/clear")
def clear():
    if not ShortlistClearForm().validate():
        abort(400)
    store.clear()
    flash("Your shortlist is now empty.", "success")
    return redirect(url_for("shortlist.view"))
