"""/guides, /guides/<slug> and each guide's PDF."""

from __future__ import annotations

from flask import Response, abort, render_template

from localoffer.guides import bp
from localoffer.guides.pdf import html_to_pdf, pdf_available
from localoffer.guides.service import (
    contents,
    get_public_guide,
    related_services,
    suggested_services,
)
from localoffer.text import render_guide_markdown


@bp.get("")
def index():
    sections, young_people = contents()
    return render_template("guides/index.html", sections=sections, young_people=young_people)


def _guide_or_404(guide_slug: str):
    guide = get_public_guide(guide_slug)
    if guide is None:
        abort(404)
    return guide


def _page_values(guide) -> dict:
    young = guide.young_people_version
    family = guide.family_version
    return {
        "guide": guide,
        "version": guide.published_version,
        "related": related_services(guide),
        "suggested": suggested_services(guide),
        "young_people_version": young if young is not None and young.is_public else None,
        "family_version": family if family is not None and family.is_public else None,
        "pdf_available": pdf_available(),
    }


@bp.get("/<guide_slug>")
def guide(guide_slug: str):
    return render_template("guides/guide.html", **_page_values(_guide_or_404(guide_slug)))


@bp.get("/<guide_slug>.pdf")
def guide_pdf(guide_slug: str):
    found = _guide_or_404(guide_slug)
    if not pdf_available():
        abort(404)
    html = render_template("guides/pdf.html", **_page_values(found))
    return Response(
        html_to_pdf(html),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{found.slug}.pdf"'},
    )


@bp.app_template_filter("guide_markdown")
def guide_markdown(source: str | None):
    """A guide's body as clean HTML (headings, lists, links, tables, details)."""
    return render_guide_markdown(source)
