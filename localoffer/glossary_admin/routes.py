"""/manage/glossary: list, add, change, retire and bring back glossary entries."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from localoffer.auth.forms import error_list
from localoffer.auth.roles import STAFF, roles_required
from localoffer.extensions import db
from localoffer.glossary_admin import bp
from localoffer.glossary_admin import service as glossary
from localoffer.glossary_admin.forms import ConfirmForm, GlossaryEntryForm, form_data
from localoffer.manage.lifecycle import VersionConflict, history, last_change
from localoffer.models import GlossaryTerm

MAX_SEARCH_CHARS = 100


@bp.get("")
@roles_required(*STAFF)
def index():
    text = " ".join(request.args.get("q", "", type=str).split())[:MAX_SEARCH_CHARS]
    letter = request.args.get("letter", "", type=str).strip().upper()
    if len(letter) != 1 or not (letter == glossary.OTHER_LETTERS or "A" <= letter <= "Z"):
        letter = ""
    return render_template(
        "glossary_admin/index.html",
        found=glossary.list_entries(text, letter),
        text=text,
        letter=letter,
        max_search_chars=MAX_SEARCH_CHARS,
    )


def _entry_or_404(entry_id: int) -> GlossaryTerm:
    entry = glossary.get_entry(entry_id)
    if entry is None:
        abort(404)
    return entry


def _render(form: GlossaryEntryForm, entry: GlossaryTerm | None, status: int = 200, **extra):
    return render_template(
        "glossary_admin/edit.html",
        form=form,
        entry=entry,
        errors=extra.pop("errors", None) or error_list(form),
        events=history(entry) if entry is not None else [],
        actions=glossary.ACTIONS,
        field_label=glossary.field_label,
        describe=glossary.describe,
        **extra,
    ), status


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new():
    form = GlossaryEntryForm()
    if form.validate_on_submit():
        try:
            entry, _ = glossary.save_entry(None, form.values(), current_user, None)
        except glossary.RulesBroken as broken:
            db.session.rollback()
            form.show_problems(broken.problems)
        else:
            db.session.commit()
            flash(f"‘{entry.term}’ is added. Searches use it straight away.", "success")
            return redirect(url_for("glossary_admin.edit", entry_id=entry.id))
    return _render(form, None, 400 if form.errors else 200)


@bp.route("/<id:entry_id>", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit(entry_id: int):
    entry = _entry_or_404(entry_id)
    if request.method == "GET":
        return _render(GlossaryEntryForm(data=form_data(entry)), entry)
    form = GlossaryEntryForm()
    if not form.validate_on_submit():
        return _render(form, entry, 400)
    try:
        _, changes = glossary.save_entry(entry, form.values(), current_user, form.version.data)
    except glossary.RulesBroken as broken:
        db.session.rollback()
        form.show_problems(broken.problems)
        return _render(form, _entry_or_404(entry_id), 400)
    except (VersionConflict, StaleDataError):
        db.session.rollback()
        entry = _entry_or_404(entry_id)
        # What was typed stays in the form; saving it again now means keeping it.
        form.version.data = str(entry.version)
        return _render(form, entry, 409, conflict=last_change(entry))
    db.session.commit()
    if not changes:
        flash("Nothing was changed.", "success")
    elif entry.is_retired:
        flash(f"‘{entry.term}’ is saved. It is still retired.", "success")
    else:
        flash(f"‘{entry.term}’ is saved. Searches use the change straight away.", "success")
    return redirect(url_for("glossary_admin.edit", entry_id=entry.id))


def _changed_meanwhile(entry_id: int):
    """Someone else changed the entry while this request was retiring or restoring it."""
    db.session.rollback()
    entry = _entry_or_404(entry_id)
    flash(
        f"Someone else changed ‘{entry.term}’ at the same time, so nothing was done. "
        "Check the entry below and try again if you still need to.",
        "info",
    )
    return redirect(url_for("glossary_admin.edit", entry_id=entry.id))


def _confirmed() -> None:
    if not ConfirmForm().validate():
        abort(400)


@bp.post("/<id:entry_id>/retire")
@roles_required(*STAFF)
def retire(entry_id: int):
    entry = _entry_or_404(entry_id)
    _confirmed()
    try:
        retired = glossary.retire(entry, current_user)
    except StaleDataError:
        return _changed_meanwhile(entry_id)
    if retired:
        db.session.commit()
        flash(
            f"‘{entry.term}’ is retired. Searches and the public glossary no longer use it, "
            "and its synonyms are free for other entries.",
            "success",
        )
    else:
        flash(f"‘{entry.term}’ was already retired.", "success")
    return redirect(url_for("glossary_admin.edit", entry_id=entry.id))


@bp.post("/<id:entry_id>/restore")
@roles_required(*STAFF)
def restore(entry_id: int):
    entry = _entry_or_404(entry_id)
    _confirmed()
    try:
        restored = glossary.restore(entry, current_user)
    except StaleDataError:
        return _changed_meanwhile(entry_id)
    except glossary.RulesBroken as broken:
        db.session.rollback()
        entry = _entry_or_404(entry_id)
        form = GlossaryEntryForm(formdata=None, data=form_data(entry))
        form.show_problems(broken.problems)
        not_yet = f"‘{entry.term}’ cannot be brought back yet."
        errors = [
            {"text": f"{not_yet} {item['text']}", "href": item["href"]} for item in error_list(form)
        ]
        return _render(form, entry, 409, errors=errors)
    if restored:
        db.session.commit()
        flash(f"‘{entry.term}’ is back in use. Searches use it straight away.", "success")
    else:
        flash(f"‘{entry.term}’ is already in use.", "success")
    return redirect(url_for("glossary_admin.edit", entry_id=entry.id))
