"""All models, imported here so Alembic and the app see one complete metadata."""

from localoffer.models.base import Base
from localoffer.models.directory import (
    Accessibility,
    Contact,
    CostOption,
    Eligibility,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    SendAnswer,
    SendQuestion,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceStatus,
    Taxonomy,
    TaxonomyTerm,
    service_taxonomy_term,
)
from localoffer.models.search import GlossaryTerm, PostcodeLookup, SearchEvent

__all__ = [
    "Accessibility",
    "Base",
    "Contact",
    "CostOption",
    "Eligibility",
    "GlossaryTerm",
    "Language",
    "Location",
    "Organization",
    "Phone",
    "PostcodeLookup",
    "Schedule",
    "SearchEvent",
    "SendAnswer",
    "SendQuestion",
    "Service",
    "ServiceArea",
    "ServiceAtLocation",
    "ServiceStatus",
    "Taxonomy",
    "TaxonomyTerm",
    "service_taxonomy_term",
]
