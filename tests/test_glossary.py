"""/glossary lists every thesaurus entry in plain English, and the seed keeps it in step."""

from sqlalchemy import func, select

from localoffer.extensions import db
from localoffer.models import GlossaryTerm


def test_glossary_lists_every_term_with_its_meaning(app, pages):
    page = pages.get("/glossary")
    terms = db.session.scalars(select(GlossaryTerm)).all()
    assert len(terms) >= 60
    for term in terms:
        assert term.meaning in page.text, term.term


def test_glossary_has_the_acronyms_families_meet(app):
    found = set(db.session.scalars(select(func.lower(GlossaryTerm.term))))
    for acronym in ("asd", "senco", "ehcp", "camhs", "pmld"):
        assert any(acronym in term for term in found), acronym


def test_every_entry_expands_to_something(app):
    for term in db.session.scalars(select(GlossaryTerm)):
        assert term.expands_to, term.term
        assert all(s == s.lower() for s in term.synonyms), term.term


def test_glossary_is_linked_from_every_page(pages):
    assert "/glossary" in pages.get("/").links
