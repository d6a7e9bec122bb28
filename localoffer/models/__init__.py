"""All models, imported here so Alembic and the app see one complete metadata."""

from localoffer.models.accounts import Invitation, Role, User
from localoffer.models.audit import AuditEvent
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
from localoffer.models.feedback import PageFeedback
from localoffer.models.listings import ChangeKind, ChangeRequest, ChangeStatus
from localoffer.models.reviews import (
    Exercise,
    Review,
    ReviewAnswer,
    ReviewStatus,
    ReviewTemplate,
    Theme,
)
from localoffer.models.search import GlossaryTerm, PostcodeLookup, SearchEvent

__all__ = [
    "Accessibility",
    "AuditEvent",
    "Base",
    "ChangeKind",
    "ChangeRequest",
    "ChangeStatus",
    "Contact",
    "CostOption",
    "Eligibility",
    "Exercise",
    "GlossaryTerm",
    "Invitation",
    "Language",
    "Location",
    "Organization",
    "PageFeedback",
    "Phone",
    "PostcodeLookup",
    "Review",
    "ReviewAnswer",
    "ReviewStatus",
    "ReviewTemplate",
    "Role",
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
    "Theme",
    "User",
    "service_taxonomy_term",
]
