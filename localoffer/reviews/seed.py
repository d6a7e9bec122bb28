"""Loading review templates and themes from ``seed/``: new versions are added, old ones kept."""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import select

from localoffer.control_characters import control_character_message, holds_control_characters
from localoffer.extensions import db
from localoffer.models import ReviewTemplate, Theme
from localoffer.reviews.questions import TemplateError, parse_template, questions_to_json


def _read(path: Path):
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _values(spec) -> dict:
    return {
        "title": spec.title,
        "audience": spec.audience,
        "target": spec.target,
        "introduction": spec.introduction,
        "questions": questions_to_json(spec.questions),
    }


def template_versions() -> dict[str, list[ReviewTemplate]]:
    """Every template's versions, newest first, by slug."""
    by_slug: dict[str, list[ReviewTemplate]] = {}
    query = select(ReviewTemplate).order_by(ReviewTemplate.slug, ReviewTemplate.version.desc())
    for template in db.session.scalars(query):
        by_slug.setdefault(template.slug, []).append(template)
    return by_slug


def add_template_version(source: str) -> ReviewTemplate:
    """A new version from YAML text (the format of ``seed/review_templates``), checked first.

    It must be the next version of an existing template, or version 1 of a new one; loaded
    versions never change, so reviews keep the questions they answered.
    """
    try:
        data = yaml.safe_load(source)
    except yaml.YAMLError as error:
        raise TemplateError(f"This is not valid YAML: {error}") from error
    except RecursionError as error:
        raise TemplateError("This is not valid YAML: it is nested too deeply") from error
    # The form refuses control characters typed in; YAML escapes such as "\0" can still make them.
    if holds_control_characters(data):
        raise TemplateError(control_character_message("The template"))
    spec = parse_template(data, "The template")
    versions = template_versions().get(spec.slug, [])
    expected = versions[0].version + 1 if versions else 1
    if spec.version != expected:
        raise TemplateError(
            f"The template: {spec.slug} needs version {expected} "
            f"(versions already loaded: {', '.join(str(t.version) for t in versions) or 'none'})"
        )
    template = ReviewTemplate(slug=spec.slug, version=spec.version, **_values(spec))
    db.session.add(template)
    db.session.flush()
    return template


def load_review_templates(folder: Path, report) -> None:
    """Add each template version in ``folder`` not yet loaded; refuse a changed loaded version."""
    for path in sorted(folder.glob("*.yaml")):
        spec = parse_template(_read(path), path.name)
        values = _values(spec)
        existing = db.session.scalar(
            select(ReviewTemplate).filter_by(slug=spec.slug, version=spec.version)
        )
        if existing is None:
            db.session.add(ReviewTemplate(slug=spec.slug, version=spec.version, **values))
            report.note("review_templates", True, False)
        elif any(getattr(existing, name) != value for name, value in values.items()):
            raise TemplateError(
                f"{path.name}: version {spec.version} of {spec.slug} is already in use and "
                f"cannot change. Save the changes as version {spec.version + 1} instead"
            )


def load_themes(path: Path, report) -> None:
    """Create or rename the themes in ``themes.yaml``; themes no longer listed stay, unused."""
    data = _read(path) or {}
    for position, (slug, name) in enumerate((data.get("themes") or {}).items(), start=1):
        theme = db.session.scalar(select(Theme).filter_by(slug=slug))
        if theme is None:
            db.session.add(Theme(slug=slug, name=str(name), position=position))
            report.note("themes", True, False)
        elif (theme.name, theme.position) != (str(name), position):
            theme.name, theme.position = str(name), position
            report.note("themes", False, True)
