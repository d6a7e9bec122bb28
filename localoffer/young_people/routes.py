"""/young-people and one page per preparing-for-adulthood theme."""

from __future__ import annotations

from flask import abort, render_template

from localoffer.directory.service import services_with_term, term_counts
from localoffer.directory.vocabulary import load_vocabularies
from localoffer.guides.service import young_people_guides
from localoffer.young_people import bp
from localoffer.young_people.themes import THEME_INTROS


@bp.get("")
def index():
    vocabulary = load_vocabularies()["pfa-theme"]
    return render_template(
        "young_people/index.html",
        themes=vocabulary.top_level,
        intros=THEME_INTROS,
        counts=term_counts("pfa-theme"),
        guides=young_people_guides(),
    )


@bp.get("/<theme_slug>")
def theme(theme_slug: str):
    vocabulary = load_vocabularies()["pfa-theme"]
    term = vocabulary.terms.get(theme_slug)
    if term is None:
        abort(404)
    return render_template(
        "young_people/theme.html",
        theme=term,
        intro=THEME_INTROS.get(theme_slug, {}),
        services=services_with_term("pfa-theme", theme_slug),
        themes=vocabulary.top_level,
    )
