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
from localoffer.models.guides import (
    GuideAudience,
    GuidePage,
    GuideSection,
    GuideStatus,
    GuideVersion,
    guide_related_service,
    guide_taxonomy_term,
)
from localoffer.models.listings import ChangeKind, ChangeRequest, ChangeStatus
from localoffer.models.outbox import EmailKind, OutgoingEmail
from localoffer.models.outcomes import ContactClick, ContactKind
from localoffer.models.reviews import (
    Exercise,
    Review,
    ReviewAnswer,
    ReviewStatus,
    ReviewTemplate,
    Theme,
)
from localoffer.models.search import (
    GlossaryTerm,
    PostcodeLookup,
    SearchEvent,
    SearchPhraseDecision,
)
from localoffer.models.search_outbox import SearchChange
from localoffer.models.versions import ContentVersion
from localoffer.models.yousaid import AnnualReport, SourceType, WeDid, WeDidStatus, YouSaid

__all__ = [
    "Accessibility",
    "AnnualReport",
    "AuditEvent",
    "Base",
    "ChangeKind",
    "ChangeRequest",
    "ChangeStatus",
    "Contact",
    "ContactClick",
    "ContactKind",
    "ContentVersion",
    "CostOption",
    "Eligibility",
    "EmailKind",
    "Exercise",
    "GlossaryTerm",
    "GuideAudience",
    "GuidePage",
    "GuideSection",
    "GuideStatus",
    "GuideVersion",
    "Invitation",
    "Language",
    "Location",
    "Organization",
    "OutgoingEmail",
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
    "SearchChange",
    "SearchPhraseDecision",
    "SendAnswer",
    "SendQuestion",
    "Service",
    "SourceType",
    "ServiceArea",
    "ServiceAtLocation",
    "ServiceStatus",
    "Taxonomy",
    "TaxonomyTerm",
    "Theme",
    "User",
    "WeDid",
    "WeDidStatus",
    "YouSaid",
    "guide_related_service",
    "guide_taxonomy_term",
    "service_taxonomy_term",
]
