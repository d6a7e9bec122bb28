"""Review templates as data: the four shipped files load, bad files are refused, versions stay."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from localoffer.extensions import db
from localoffer.models import ReviewTemplate
from localoffer.reviews.questions import REPORT_KEYS, TemplateError, parse_template
from localoffer.reviews.seed import load_review_templates
from localoffer.seeding.loader import SeedReport
from tests.conftest import PROJECT_ROOT

TEMPLATES = PROJECT_ROOT / "seed" / "review_templates"


def _files() -> dict[str, dict]:
    return {p.name: yaml.safe_load(p.read_text()) for p in sorted(TEMPLATES.glob("*.yaml"))}


def test_the_four_templates_are_valid_and_loaded(app):
    specs = {spec.slug: spec for spec in (parse_template(d, n) for n, d in _files().items())}
    assert set(specs) == {
        "website-mystery-shop",
        "service-mystery-shop",
        "young-inspector-report",
        "peer-review",
    }
    loaded = {t.slug for t in db.session.scalars(select(ReviewTemplate))}
    assert loaded == set(specs)
    every_type = {q.type for spec in specs.values() for q in spec.questions}
    assert every_type == {
        "scale",
        "yes_partly_no",
        "single",
        "multiple",
        "number",
        "short_text",
        "long_text",
    }
    report_keys = {q.report_key for spec in specs.values() for q in spec.questions} - {None}
    assert report_keys == set(REPORT_KEYS)
    young = specs["young-inspector-report"]
    assert young.audience == "young_inspector"
    assert {q.style for q in young.questions if q.type == "scale"} == {"smiley"}
    conditional = specs["website-mystery-shop"].question("what_stopped_you")
    assert conditional.show_if == ("found_what_needed", ("partly", "no"))
    assert conditional.shown_for({"found_what_needed": "no"})
    assert not conditional.shown_for({"found_what_needed": "yes"})
    assert not conditional.shown_for({})


def _minimal(**changes) -> dict:
    data = {
        "slug": "t",
        "version": 1,
        "title": "T",
        "audience": "volunteer",
        "target": "site",
        "questions": [{"key": "a", "type": "yes_partly_no", "label": "A?"}],
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"version": 0}, "version must be a whole number"),
        ({"audience": "family"}, "audience must be one of"),
        ({"questions": []}, "it has no questions"),
        ({"questions": [{"key": "a", "type": "essay", "label": "A"}]}, "type must be one of"),
        (
            {"questions": [{"key": "a", "type": "scale", "label": "A", "labels": ["1", "2"]}]},
            "five labels",
        ),
        (
            {
                "questions": [
                    {"key": "a", "type": "yes_partly_no", "label": "A"},
                    {"key": "a", "type": "short_text", "label": "B"},
                ]
            },
            "keys are unique",
        ),
        (
            {
                "questions": [
                    {"key": "a", "type": "yes_partly_no", "label": "A"},
                    {
                        "key": "b",
                        "type": "long_text",
                        "label": "B",
                        "show_if": {"question": "a", "in": ["maybe"]},
                    },
                ]
            },
            "show_if values must be answers of a",
        ),
        (
            {
                "questions": [
                    {
                        "key": "b",
                        "type": "long_text",
                        "label": "B",
                        "show_if": {"question": "a", "in": ["no"]},
                    },
                    {"key": "a", "type": "yes_partly_no", "label": "A"},
                ]
            },
            "show_if names an earlier question",
        ),
        (
            {
                "questions": [
                    {
                        "key": "a",
                        "type": "single",
                        "label": "A",
                        "options": [{"value": "x", "label": "X"}, {"value": "x", "label": "Y"}],
                    }
                ]
            },
            "option values must be different",
        ),
        (
            {
                "questions": [
                    {"key": "a", "type": "number", "label": "A", "report_key": "happiness"}
                ]
            },
            "report_key must be one of",
        ),
    ],
)
def test_a_bad_template_is_refused_saying_why(changes, message):
    with pytest.raises(TemplateError, match=message):
        parse_template(_minimal(**changes), "bad.yaml")


def _copy_templates(tmp_path: Path) -> Path:
    folder = tmp_path / "review_templates"
    shutil.copytree(TEMPLATES, folder)
    return folder


def test_a_new_version_is_added_and_the_old_one_kept(empty_app, tmp_path):
    folder = _copy_templates(tmp_path)
    load_review_templates(folder, SeedReport())
    db.session.commit()
    again = SeedReport()
    load_review_templates(folder, again)
    assert not again.changed
    data = yaml.safe_load((folder / "service-mystery-shop.v1.yaml").read_text())
    data["version"] = 2
    data["questions"][0]["label"] = "How did you get in touch?"
    (folder / "service-mystery-shop.v2.yaml").write_text(yaml.safe_dump(data))
    report = SeedReport()
    load_review_templates(folder, report)
    db.session.commit()
    assert report.created == {"review_templates": 1}
    versions = db.session.scalars(
        select(ReviewTemplate.version).where(ReviewTemplate.slug == "service-mystery-shop")
    ).all()
    assert sorted(versions) == [1, 2]


def test_changing_a_loaded_version_is_refused(empty_app, tmp_path):
    folder = _copy_templates(tmp_path)
    load_review_templates(folder, SeedReport())
    db.session.commit()
    path = folder / "peer-review.v1.yaml"
    path.write_text(path.read_text().replace("How accessible is it?", "Is it accessible?"))
    with pytest.raises(TemplateError, match="Save the changes as version 2 instead"):
        load_review_templates(folder, SeedReport())
