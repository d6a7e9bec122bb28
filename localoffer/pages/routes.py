"""Home, accessibility statement and privacy notice."""

from __future__ import annotations

from flask import render_template

from localoffer.directory.service import age_band_counts, listed_total, term_counts
from localoffer.directory.vocabulary import load_vocabularies
from localoffer.pages import bp


@bp.get("/")
def home():
    vocabularies = load_vocabularies()
    return render_template(
        "pages/home.html",
        needs=vocabularies["need"].top_level,
        categories=vocabularies["category"].top_level,
        need_counts=term_counts("need"),
        category_counts=term_counts("category"),
        age_bands=age_band_counts(),
        total=listed_total(),
    )


@bp.get("/accessibility")
def accessibility():
    return render_template("pages/accessibility.html")


@bp.get("/privacy")
def privacy():
    return render_template("pages/privacy.html")
