"""A guide as a PDF, drawn by WeasyPrint from the same HTML and print stylesheet as the page.

WeasyPrint needs Pango from the system; where it cannot be imported the site offers no PDF link
and the PDF address answers 404, and the print stylesheet still gives a clean printout.
"""

from __future__ import annotations

import logging
from functools import cache

from localoffer.config import PROJECT_ROOT

logger = logging.getLogger(__name__)

PRINT_STYLESHEET = PROJECT_ROOT / "static" / "css" / "guide-print.css"


@cache
def _weasyprint():
    try:
        import weasyprint
    except (ImportError, OSError):
        logger.warning("WeasyPrint is not available: guides have no PDF version")
        return None
    return weasyprint


def pdf_available() -> bool:
    return _weasyprint() is not None


def _refuse_fetch(url: str, *args, **kwargs):
    # Everything the PDF needs is in the HTML and the stylesheet; never fetch anything else.
    raise ValueError(f"the PDF may not fetch {url}")


def html_to_pdf(html: str) -> bytes:
    """The PDF of ``html``, styled by the guides' print stylesheet."""
    weasyprint = _weasyprint()
    if weasyprint is None:
        raise RuntimeError("WeasyPrint is not available")
    stylesheet = weasyprint.CSS(filename=str(PRINT_STYLESHEET), url_fetcher=_refuse_fetch)
    document = weasyprint.HTML(string=html, url_fetcher=_refuse_fetch)
    return document.write_pdf(stylesheets=[stylesheet])
