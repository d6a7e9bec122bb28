"""Fixtures for the search engine's tests: documents, a thesaurus, indexes, a postcodes stub."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from localoffer.search.documents import ServiceDocument
from localoffer.search.thesaurus import Thesaurus, ThesaurusEntry
from localoffer.search.whoosh import WhooshBackend
from tests.search.postcodes_stub import PostcodesStub

PORTSMOUTH = (50.80, -1.09)
SOUTHAMPTON = (50.90, -1.40)
LONDON = (51.50, -0.12)

THESAURUS_ENTRIES = [
    ThesaurusEntry(
        "ASD",
        "Autism spectrum disorder.",
        ("autistic spectrum disorder", "asc"),
        ("autism", "autistic"),
    ),
    ThesaurusEntry(
        "SALT",
        "Speech and language therapy.",
        ("speech therapy", "speech and language therapy", "salt"),
        ("speech", "language"),
    ),
    ThesaurusEntry(
        "EHCP",
        "Education, health and care plan.",
        ("ehc plan", "education health and care plan"),
        ("ehc plan",),
    ),
    ThesaurusEntry("ADD", "Attention deficit disorder.", (), ("adhd", "attention deficit")),
    ThesaurusEntry("OT", "Occupational therapy.", (), ("occupational therapy",)),
]


def make_doc(id: int, name: str, **fields) -> ServiceDocument:
    """A document with sensible empty defaults."""
    return ServiceDocument(id=id, name=name, **fields)


def corpus() -> list[ServiceDocument]:
    """Six services whose facet, age and distance answers are worked out by hand in the tests."""
    return [
        make_doc(
            1,
            "Autism Parent Support Group",
            description="A friendly monthly group for parents and carers.",
            organization="Portsmouth Parent Voice",
            need_text="Communication and interaction Autism",
            category_text="Family support; Information, advice and support",
            towns=("Portsmouth",),
            postcodes=("PO4 8LD",),
            facets={
                "need": ("communication-and-interaction", "autism"),
                "category": ("family-support", "information-advice-and-support"),
                "level": ("targeted",),
                "access": ("self-referral",),
                "cost": ("free",),
            },
            age_ranges=((0, 18),),
            points=(PORTSMOUTH,),
        ),
        make_doc(
            2,
            "Saturday Swimming Club",
            description="Relaxed sessions; children with autism, ADHD or anxiety are welcome.",
            organization="City Leisure",
            need_text="Sensory and physical Physical disability",
            category_text="Short breaks and leisure",
            towns=("Southampton",),
            facets={
                "need": ("sensory-and-physical", "physical-disability"),
                "category": ("short-breaks-and-leisure",),
                "level": ("universal",),
                "access": ("self-referral",),
                "cost": ("paid",),
            },
            age_ranges=((5, 11),),
            points=(SOUTHAMPTON,),
        ),
        make_doc(
            3,
            "Speech and Language Therapy Service",
            description="NHS speech therapy for children who find talking difficult.",
            organization="Solent NHS Trust",
            need_text="Communication and interaction Speech, language and communication",
            category_text="Health",
            facets={
                "need": ("communication-and-interaction", "speech-language-and-communication"),
                "category": ("health",),
                "level": ("specialist",),
                "access": ("professional-referral",),
                "cost": ("free",),
            },
            age_ranges=((0, 18),),
            points=((50.82, -1.07),),
        ),
        make_doc(
            4,
            "Dyslexia Drop-in",
            description="Advice on dyslexia and reading at the central library.",
            need_text="Cognition and learning Specific learning difficulty (such as dyslexia)",
            category_text="Education",
            facets={
                "need": ("cognition-and-learning", "specific-learning-difficulty"),
                "category": ("education",),
                "level": ("targeted",),
                "access": ("self-referral",),
                "cost": ("free",),
            },
            age_ranges=((7, 16),),
        ),
        make_doc(
            5,
            "Young Carers Project",
            description=(
                "Breaks and activities for young carers <script>alert('x')</script> & friends."
            ),
            need_text="Social, emotional and mental health Emotional wellbeing",
            category_text="Family support",
            facets={
                "need": ("social-emotional-and-mental-health", "emotional-wellbeing"),
                "category": ("family-support",),
                "level": ("targeted",),
                "access": ("professional-referral",),
                "cost": ("free", "paid"),
            },
            points=((50.79, -1.10),),
        ),
        make_doc(
            6,
            "Hearing Support Team",
            description="Teachers of the deaf visiting schools and homes.",
            need_text="Sensory and physical Hearing impairment",
            category_text="Education; Health",
            eligibility_text="Needs an education, health and care plan.",
            facets={
                "need": ("sensory-and-physical", "hearing-impairment"),
                "category": ("education", "health"),
                "level": ("specialist",),
                "access": ("ehc-plan",),
                "cost": ("free",),
            },
            age_ranges=((0, 25),),
            points=(LONDON,),
        ),
    ]


@pytest.fixture(scope="session")
def thesaurus() -> Thesaurus:
    return Thesaurus(THESAURUS_ENTRIES)


@pytest.fixture(scope="module")
def searchable(tmp_path_factory, thesaurus) -> Iterator[WhooshBackend]:
    """An index of the corpus, shared by tests that only read it."""
    backend = WhooshBackend(tmp_path_factory.mktemp("searchable") / "index", thesaurus)
    backend.rebuild(corpus())
    yield backend
    backend.close()


@pytest.fixture
def backend(tmp_path, thesaurus) -> Iterator[WhooshBackend]:
    """A backend over a folder with no index yet, for tests that write."""
    backend = WhooshBackend(tmp_path / "index", thesaurus)
    yield backend
    backend.close()


@pytest.fixture
def postcodes() -> Iterator[PostcodesStub]:
    stub = PostcodesStub(
        {
            "PO4 8LD": (50.7891, -1.0630),
            "SO14 7DU": (50.9020, -1.4040),
            "SW1A 1AA": (51.501, -0.142),
        }
    ).start()
    yield stub
    stub.stop()
