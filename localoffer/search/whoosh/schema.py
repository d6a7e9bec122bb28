"""What the index holds: the analyser, the fields and their boosts, and a document's fields.

Every text field shares one stemming analyser. The boosts are applied at query time (by the
ranking, see ``ranking.py``), not stored in the index. The ``fingerprint`` is a column only:
it is neither indexed nor stored with the other fields, so no search can match it and it
adds nothing to any score; ``id`` keeps a column too, so that every document's fingerprint can
be read back in one pass over two columns (``WhooshBackend.fingerprints``).
"""

from __future__ import annotations

from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, Schema

from localoffer.search.documents import ServiceDocument
from localoffer.search.geo import is_valid_point
from localoffer.search.geocoding import normalise_postcode, outward_code
from localoffer.search.snippets import spelling_words

ANALYZER = StemmingAnalyzer()
# Applied at query time: index-time boosts are flattened by BM25's term-frequency saturation.
FIELD_BOOSTS = {
    "name": 4.0,
    "alternate_name": 3.0,
    "need_text": 3.0,
    "category_text": 2.0,
    "organization": 1.5,
    "description": 1.0,
    "eligibility_text": 1.0,
    "towns": 1.0,
}


def build_schema() -> Schema:
    """The index's fields; every text field shares one stemming analyser."""
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        name=TEXT(analyzer=ANALYZER, stored=True),
        alternate_name=TEXT(analyzer=ANALYZER),
        description=TEXT(analyzer=ANALYZER, stored=True),
        organization=TEXT(analyzer=ANALYZER),
        need_text=TEXT(analyzer=ANALYZER),
        category_text=TEXT(analyzer=ANALYZER),
        eligibility_text=TEXT(analyzer=ANALYZER),
        towns=TEXT(analyzer=ANALYZER),
        postcodes=KEYWORD(commas=True, lowercase=True),
        # One field for every facet ("need=autism"), so new vocabularies need no schema change.
        facet=KEYWORD(commas=True),
        ages=STORED(),
        points=STORED(),
        summary=STORED(),
        # Each document's distinct unstemmed words, the corrector's source for "did you mean".
        spelling=KEYWORD(),
        # What the document was built from, hashed by the caller: a column of UTF-8 bytes,
        # not indexed and not stored, so it is never searched and never scored.
        fingerprint=COLUMN(),
    )


def document_fields(doc: ServiceDocument) -> dict[str, str | bytes]:
    """The Whoosh fields for one document; empty fields are left out."""
    postcodes: dict[str, None] = {}
    for postcode in doc.postcodes:
        postcodes[normalise_postcode(postcode)] = None
        outward = outward_code(postcode)
        if outward:
            postcodes[outward] = None
    fields: dict[str, str | bytes] = {
        "name": doc.name,
        "alternate_name": doc.alternate_name,
        "description": doc.description,
        "organization": doc.organization,
        "need_text": doc.need_text,
        "category_text": doc.category_text,
        "eligibility_text": doc.eligibility_text,
        "towns": " ".join(doc.towns),
        "postcodes": ",".join(p.replace(",", " ") for p in postcodes),
        "facet": ",".join(
            f"{facet}={value}".replace(",", " ")
            for facet, values in doc.facets.items()
            for value in values
        ),
        "ages": ";".join(f"{max(int(low), 0)}-{max(int(high), 0)}" for low, high in doc.age_ranges),
        "points": ";".join(
            f"{float(lat)!r},{float(lon)!r}"
            for lat, lon in doc.points
            if is_valid_point((lat, lon))
        ),
        "summary": doc.summary,
        "spelling": " ".join(
            spelling_words(" ".join((doc.name, doc.alternate_name, doc.description, doc.need_text)))
        ),
        # A column holds bytes; a document without one reads back as b"" (no fingerprint).
        "fingerprint": doc.fingerprint.encode("utf-8"),
    }
    return {"id": str(doc.id), **{name: value for name, value in fields.items() if value}}
