"""/glossary."""

from flask import render_template

from localoffer.glossary import bp
from localoffer.glossary.service import glossary_by_letter


@bp.get("/glossary")
def index():
    return render_template("glossary/index.html", letters=glossary_by_letter())
