"""/manage/review-templates: the question sets, and admins adding a new version of one."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired

from localoffer import audit
from localoffer.auth.forms import error_list
from localoffer.auth.roles import STAFF, roles_required
from localoffer.base_form import BaseForm
from localoffer.extensions import db
from localoffer.form_rules import at_most
from localoffer.models import Role
from localoffer.moderation import bp
from localoffer.reviews.questions import TemplateError
from localoffer.reviews.seed import add_template_version, template_versions


class TemplateVersionForm(BaseForm):
    source = TextAreaField(
        "The template, in YAML",
        description="The same format as the files in seed/review_templates (see its README): "
        "slug, version (the next number), title, audience, target, introduction, questions.",
        widget=GovTextArea(),
        validators=[
            DataRequired("Paste the template"),
            at_most(50_000, "The template"),
        ],
    )
    submit = SubmitField("Add this version", widget=GovSubmitInput())


@bp.get("/review-templates")
@roles_required(*STAFF)
def review_templates():
    return render_template("moderation/templates.html", versions=template_versions())


@bp.route("/review-templates/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_template_version():
    form = TemplateVersionForm()
    if form.validate_on_submit():
        try:
            template = add_template_version(form.source.data)
        except TemplateError as error:
            form.source.errors = [*form.source.errors, str(error)]
        else:
            audit.record(
                "review_template.added",
                current_user,
                template,
                {"version": [None, f"{template.slug} {template.version}"]},
            )
            db.session.commit()
            flash(
                f"Version {template.version} of {template.title} is added. New reviews use it; "
                "reviews already written keep the version they answered.",
                "success",
            )
            return redirect(url_for("moderation.review_templates"))
    return render_template(
        "moderation/new_template.html", form=form, errors=error_list(form)
    ), 400 if form.errors else 200
