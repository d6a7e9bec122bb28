"""/manage/guides: list, write, preview, publish, unpublish, versions, compare and restore."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from localoffer.auth.forms import error_list
from localoffer.auth.roles import STAFF, roles_required
from localoffer.extensions import db
from localoffer.guide_admin import bp
from localoffer.guide_admin import service as guides
from localoffer.guide_admin.forms import CompareForm, ConfirmForm, GuideForm
from localoffer.guides.service import guides_due_for_review, related_services, suggested_services
from localoffer.models import GuideAudience, GuidePage
from localoffer.urls import parse_id


@bp.app_template_global()
def guides_due_for_review_now():
    """For the officers' dashboard: guides past or near their review date."""
    return guides_due_for_review(date.today(), current_app.config["REVIEW_DUE_SOON_DAYS"])


@bp.get("")
@roles_required(*STAFF)
def index():
    return render_template("guide_admin/index.html", guides=guides.list_guides())


def _guide_or_404(guide_id: int) -> GuidePage:
    guide = guides.get_guide(guide_id)
    if guide is None:
        abort(404)
    return guide


def _form(guide: GuidePage | None, **kwargs) -> GuideForm:
    form = GuideForm(
        guides.section_choices(),
        guides.young_people_choices(exclude=guide),
        guides.term_choices(),
        guides.service_choices(),
        **kwargs,
    )
    if guide is not None:
        # The address is fixed once a guide exists: links and bookmarks rely on it.
        form.slug.data = guide.slug
    return form


def _form_data(guide: GuidePage) -> dict:
    latest = guide.latest_version
    return {
        "slug": guide.slug,
        "title": latest.title if latest else "",
        "summary": latest.summary if latest else "",
        "body": latest.body if latest else "",
        "section_id": str(guide.section_id),
        "audience": guide.audience.value,
        "owner_team": guide.owner_team,
        "review_due_on": guide.review_due_on,
        "young_people_version_id": str(guide.young_people_version_id or ""),
        "term_ids": [str(t.id) for t in guide.taxonomy_terms],
        "related_service_ids": [str(s.id) for s in guide.related_services],
        "based_on": str(latest.number) if latest else "",
    }


def _changes(form: GuideForm) -> guides.GuideChanges:
    return guides.GuideChanges(
        title=form.title.data,
        summary=form.summary.data,
        body=form.body.data,
        section_id=int(form.section_id.data),
        audience=GuideAudience(form.audience.data),
        owner_team=form.owner_team.data,
        review_due_on=form.review_due_on.data,
        young_people_version_id=int(form.young_people_version_id.data or 0) or None,
        term_ids=guides._ids(form.term_ids.data),
        related_service_ids=guides._ids(form.related_service_ids.data),
        note=form.note.data or "",
    )


def _link_problem(form: GuideForm, guide: GuidePage | None) -> bool:
    """Put a young people's version problem on its field; True when there was one."""
    changes = _changes(form)
    problem = guides.young_people_version_problem(
        guide, changes.audience, changes.young_people_version_id
    )
    if problem is None:
        return False
    field, message = problem
    getattr(form, field).errors = [message]
    return True


def _render_edit(form: GuideForm, guide: GuidePage | None, status: int = 200):
    return render_template(
        "guide_admin/edit.html", form=form, guide=guide, errors=error_list(form)
    ), status


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new():
    form = _form(None, data={"audience": GuideAudience.FAMILIES.value})
    if form.validate_on_submit():
        if guides.slug_taken(form.slug.data):
            form.slug.errors = ["There is already a guide with this web address"]
        elif not _link_problem(form, None):
            guide, _ = guides.save_guide(None, form.slug.data, _changes(form), current_user, None)
            db.session.commit()
            flash("Draft saved. Families cannot see it until you publish it.", "success")
            return redirect(url_for("guide_admin.edit", guide_id=guide.id))
    return _render_edit(form, None, 400 if form.errors else 200)


@bp.route("/<id:guide_id>", methods=["GET", "POST"])
@roles_required(*STAFF)
def edit(guide_id: int):
    guide = _guide_or_404(guide_id)
    if request.method == "GET":
        return _render_edit(_form(guide, data=_form_data(guide)), guide)
    form = _form(guide)
    if not form.validate_on_submit() or _link_problem(form, guide):
        return _render_edit(form, guide, 400)
    based_on = parse_id(form.based_on.data)
    try:
        _, version = guides.save_guide(guide, None, _changes(form), current_user, based_on)
    except guides.StaleEdit:
        db.session.rollback()
        form.body.errors = [
            "Someone else saved this guide after you opened it. Copy your changes, "
            "open the guide again and make them to the latest version"
        ]
        return _render_edit(form, _guide_or_404(guide_id), 409)
    db.session.commit()
    if version is None:
        flash("Details saved. The words did not change, so there is no new version.", "success")
    elif guide.is_public:
        flash(
            f"Version {version.number} saved as a draft. Families still see version "
            f"{guide.published_number} until you publish.",
            "success",
        )
    else:
        flash(f"Version {version.number} saved as a draft.", "success")
    return redirect(url_for("guide_admin.edit", guide_id=guide.id))


@bp.get("/<id:guide_id>/versions/<id:number>")
@roles_required(*STAFF)
def preview(guide_id: int, number: int):
    guide = _guide_or_404(guide_id)
    version = guides.get_version(guide, number)
    if version is None:
        abort(404)
    return render_template(
        "guides/guide.html",
        guide=guide,
        version=version,
        related=related_services(guide),
        suggested=suggested_services(guide),
        young_people_version=guide.young_people_version,
        family_version=guide.family_version,
        pdf_available=False,
        preview=True,
    )


def _confirmed() -> None:
    if not ConfirmForm().validate():
        abort(400)


@bp.post("/<id:guide_id>/publish")
@roles_required(*STAFF)
def publish(guide_id: int):
    guide = _guide_or_404(guide_id)
    _confirmed()
    if guide.latest_version is None:
        abort(400)
    version = guides.publish(guide, current_user)
    db.session.commit()
    flash(f"Version {version.number} is published. Families can see it now.", "success")
    return redirect(url_for("guide_admin.edit", guide_id=guide.id))


@bp.post("/<id:guide_id>/unpublish")
@roles_required(*STAFF)
def unpublish(guide_id: int):
    guide = _guide_or_404(guide_id)
    _confirmed()
    guides.unpublish(guide, current_user)
    db.session.commit()
    flash("The guide is unpublished. Families cannot see it.", "success")
    return redirect(url_for("guide_admin.edit", guide_id=guide.id))


@bp.post("/<id:guide_id>/reviewed")
@roles_required(*STAFF)
def reviewed(guide_id: int):
    guide = _guide_or_404(guide_id)
    _confirmed()
    guides.mark_reviewed(guide, current_user, date.today())
    db.session.commit()
    flash("Marked as checked today.", "success")
    return redirect(url_for("guide_admin.edit", guide_id=guide.id))


@bp.get("/<id:guide_id>/versions")
@roles_required(*STAFF)
def versions(guide_id: int):
    guide = _guide_or_404(guide_id)
    form = _compare_form(guide, request.args if request.args else None)
    diffs = old = new = None
    status = 200
    if request.args:
        if form.validate():
            old = guides.get_version(guide, form.old.data)
            new = guides.get_version(guide, form.new.data)
            diffs = guides.diff_versions(old, new)
        else:
            status = 400
    return render_template(
        "guide_admin/versions.html",
        guide=guide,
        form=form,
        confirm_form=ConfirmForm(),
        diffs=diffs,
        old=old,
        new=new,
        errors=error_list(form),
    ), status


def _compare_form(guide: GuidePage, formdata) -> CompareForm:
    numbers = [v.number for v in reversed(guide.versions)]
    defaults = {}
    if len(numbers) >= 2:
        defaults = {"old": numbers[1], "new": numbers[0]}
    form = CompareForm(formdata=formdata, data=defaults)
    choices = [(n, f"Version {n}") for n in numbers]
    form.old.choices = choices
    form.new.choices = choices
    return form


@bp.post("/<id:guide_id>/versions/<id:number>/restore")
@roles_required(*STAFF)
def restore(guide_id: int, number: int):
    guide = _guide_or_404(guide_id)
    version = guides.get_version(guide, number)
    if version is None:
        abort(404)
    _confirmed()
    restored = guides.restore(guide, version, current_user)
    db.session.commit()
    if restored is None:
        flash(f"Version {number} is already the latest version.", "success")
    else:
        flash(
            f"Version {number} restored as version {restored.number}, a draft. "
            "Publish it when you are ready.",
            "success",
        )
    return redirect(url_for("guide_admin.edit", guide_id=guide.id))
