"""The glossary's rules are one module (``localoffer.glossary.rules``) that the officers' form and
the seed loader both apply: the same entry is refused by both, with the same words. The seed
loader leaves retired entries alone."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from localoffer.extensions import db
from localoffer.glossary import rules
from localoffer.glossary_admin import service as glossary
from localoffer.models import GlossaryTerm
from localoffer.seeding.loader import SeedError, SeedReport, load_glossary
from tests.conftest import PROJECT_ROOT
from tests.glossary_admin.test_pages import officer, post

ASD = {
    "term": "ASD",
    "meaning": "ASD means autism spectrum disorder.",
    "synonyms": ["asd", "autistic"],
    "expands_to": ["autism"],
}
SALT = {
    "term": "SALT",
    "meaning": "SALT means speech and language therapy.",
    "synonyms": ["salt", "speech therapy"],
    "expands_to": ["speech and language therapy"],
}


def write(tmp_path: Path, *entries: dict) -> Path:
    path = tmp_path / "thesaurus.yaml"
    path.write_text(yaml.safe_dump({"entries": list(entries)}, allow_unicode=True))
    return path


def load(path: Path) -> SeedReport:
    report = SeedReport()
    load_glossary(path, report)
    db.session.commit()
    return report


def terms() -> dict[str, GlossaryTerm]:
    db.session.expire_all()
    return {g.term: g for g in db.session.scalars(select(GlossaryTerm))}


# An entry that breaks a rule, and words of the message both the form and the loader give.
BROKEN = [
    ({"meaning": "ASD means autism spectrum disorder"}, "ending with a full stop"),
    ({"meaning": "ASD means autism. It is common."}, "Meaning must be one sentence"),
    ({"expands_to": []}, "Enter at least one word or phrase"),
    ({"synonyms": ["asd", "x" * 101]}, "must be 100 characters or fewer"),
    ({"synonyms": ["asd", "..."]}, "must include a letter or a number"),
    ({"term": "T" * 121}, "Term must be 120 characters or fewer"),
]


@pytest.mark.parametrize(("change", "message"), BROKEN)
def test_the_form_and_the_seed_loader_refuse_the_same_entry_alike(
    empty_app, tmp_path, change, message
):
    broken = {**ASD, **change}
    with pytest.raises(SeedError, match="entry 1") as refused:
        load(write(tmp_path, broken))
    assert message in str(refused.value)
    db.session.rollback()

    client = officer(empty_app)
    form = {k: "\n".join(v) if isinstance(v, list) else v for k, v in broken.items()}
    response = post(client, "/manage/glossary/new", **form)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert terms() == {}


def test_the_seed_loader_refuses_a_synonym_in_two_entries_naming_both(empty_app, tmp_path):
    with pytest.raises(SeedError) as refused:
        load(write(tmp_path, ASD, {**SALT, "synonyms": ["salt", "Autistic"]}))
    assert "‘autistic’ is already a synonym of ‘ASD’" in str(refused.value)
    assert "SALT" in str(refused.value)


def test_the_seed_loader_refuses_a_term_twice_whatever_its_case(empty_app, tmp_path):
    with pytest.raises(SeedError, match="entry 2 .asd. has the same term as entry 1"):
        load(write(tmp_path, ASD, {**SALT, "term": "asd", "synonyms": []}))


def test_the_seed_loader_refuses_an_unquoted_yaml_boolean(empty_app, tmp_path):
    path = tmp_path / "thesaurus.yaml"
    path.write_text(
        "entries:\n  - term: OT\n    meaning: OT means x.\n"
        # YAML 1.1 reads a bare "on" as True.
        "    synonyms: [ot, on]\n    expands_to: [ot]\n"
    )
    with pytest.raises(SeedError, match="is not text .quote it."):
        load(path)


def test_the_seed_loader_checks_against_entries_officers_added(empty_app, tmp_path):
    load(write(tmp_path, SALT))
    client = officer(empty_app)
    response = post(
        client,
        "/manage/glossary/new",
        term="Autism",
        meaning="Autism is a difference in how a person communicates.",
        synonyms="autistic",
        expands_to="autism",
    )
    assert response.status_code == 302
    with pytest.raises(SeedError, match="‘autistic’ is already a synonym of"):
        load(write(tmp_path, SALT, ASD))
    db.session.rollback()
    assert set(terms()) == {"SALT", "Autism"}


def test_the_seed_loader_tidies_phrases_as_the_form_does(empty_app, tmp_path):
    load(write(tmp_path, {**ASD, "synonyms": [" ASD ", "Autistic  Spectrum", "asd", ""]}))
    assert terms()["ASD"].synonyms == ["asd", "autistic spectrum"]


def test_the_seed_loader_leaves_a_retired_entry_alone(empty_app, tmp_path):
    load(write(tmp_path, ASD, SALT))
    asd = terms()["ASD"]
    assert glossary.retire(asd, None)
    db.session.commit()
    version = asd.version

    # Loading again, even with the entry changed in the file, neither brings it back nor
    # changes it; the other entries are still kept in step with the file.
    changed = {**ASD, "meaning": "ASD means something new."}
    report = load(write(tmp_path, changed, {**SALT, "meaning": "SALT means something new."}))
    assert report.updated == {"glossary_terms": 1} and not report.created
    kept = terms()
    assert kept["ASD"].is_retired and kept["ASD"].meaning == ASD["meaning"]
    assert kept["ASD"].version == version
    assert kept["SALT"].meaning == "SALT means something new."

    # Its synonyms are free: a file entry may take them while it is retired.
    load(write(tmp_path, ASD, {**SALT, "synonyms": ["salt", "autistic"]}))
    assert terms()["SALT"].synonyms == ["salt", "autistic"]


def test_the_seed_loader_matches_an_entry_whatever_the_case_of_its_term(empty_app, tmp_path):
    load(write(tmp_path, {**ASD, "term": "asd"}))
    report = load(write(tmp_path, {**ASD, "meaning": "ASD means autism, a difference."}))
    assert report.updated == {"glossary_terms": 1} and not report.created
    assert db.session.scalar(select(func.count(GlossaryTerm.id))) == 1


def test_the_shipped_glossary_keeps_every_rule(empty_app):
    report = load(PROJECT_ROOT / "seed" / "thesaurus.yaml")
    assert report.created["glossary_terms"] >= 60
    held = [
        (rules.Held(g.id, g.term, tuple(g.synonyms)), rules.Entry(g.term, g.meaning))
        for g in terms().values()
    ]
    for entry in terms().values():
        values = rules.Entry(
            entry.term, entry.meaning, tuple(entry.synonyms), tuple(entry.expands_to)
        )
        assert rules.problems(values) == {}, entry.term
    assert rules.every_clash(held) == []


def test_the_rules_compare_phrases_as_the_thesaurus_matches_them():
    asd = rules.Held(1, "ASD", ("asd", "asperger's", "on the spectrum"))
    values = rules.entry("Spectrum", "Spectrum means x.", ["On-the  SPECTRUM"], ["autism"])
    assert values.synonyms == ("on-the spectrum",)
    assert "a synonym of ‘ASD’" in rules.clashes(None, values, [asd])["synonyms"]
    # Another spelling is another phrase to the thesaurus, so no clash.
    other = rules.entry("Aspergers", "Aspergers means x.", ["aspergers"], ["autism"])
    assert rules.clashes(None, other, [asd]) == {}
    # A retired entry clashes by its term only.
    retired = rules.Held(1, "ASD", ("asd", "on the spectrum"), retired=True)
    assert rules.clashes(None, values, [retired]) == {}
    assert "retired" in rules.clashes(None, rules.entry("asd", "", [], []), [retired])["term"]
    # An entry is never a clash with itself.
    assert rules.clashes(1, rules.entry("ASD", "", ["asd"], []), [asd]) == {}
