"""A synthetic local area of any size, for benchmarks.

``generate_area(services, seed)`` composes organisations, locations and services (with
eligibility, costs, opening times, contacts, SEND answers and vocabulary terms) from the seed
vocabularies' term names, the thesaurus's meanings and synonyms, and phrase templates. The
same ``services`` and ``seed`` always give the same rows, byte for byte.

``insert_area`` writes them with SQLAlchemy Core inserts: no ORM objects enter the session, so
the search index's after-commit hook has nothing to do and the caller rebuilds the index once.

``bench_app(workdir)`` makes an app over a fresh SQLite database in ``workdir`` with the
migrations applied and only the vocabularies and glossary loaded (no demo area).

Run it on its own to leave a synthetic area behind for poking at::

    .venv/bin/python bench/synthetic.py --services 10000 --out /tmp/area
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import sys
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from localoffer import create_app  # noqa: E402
from localoffer.extensions import db  # noqa: E402
from localoffer.models import (  # noqa: E402
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
from localoffer.seeding.loader import SeedReport, load_glossary, load_vocabularies  # noqa: E402

SEED_DIR = ROOT / "seed"
INSERT_BATCH = 5_000

# Postcode districts: outward code, town, centre latitude and longitude, and the cluster
# (Portsmouth, Southampton or Winchester) an organisation belongs to.
DISTRICTS: tuple[tuple[str, str, float, float, str], ...] = (
    ("PO1", "Portsmouth", 50.7990, -1.0920, "Portsmouth"),
    ("PO2", "Portsmouth", 50.8170, -1.0800, "Portsmouth"),
    ("PO3", "Portsmouth", 50.8100, -1.0560, "Portsmouth"),
    ("PO4", "Southsea", 50.7880, -1.0600, "Portsmouth"),
    ("PO5", "Southsea", 50.7880, -1.0850, "Portsmouth"),
    ("PO6", "Cosham", 50.8450, -1.0700, "Portsmouth"),
    ("PO7", "Waterlooville", 50.8800, -1.0300, "Portsmouth"),
    ("PO8", "Horndean", 50.9150, -1.0050, "Portsmouth"),
    ("PO9", "Havant", 50.8560, -0.9850, "Portsmouth"),
    ("PO10", "Emsworth", 50.8500, -0.9350, "Portsmouth"),
    ("PO11", "Hayling Island", 50.7900, -0.9750, "Portsmouth"),
    ("PO12", "Gosport", 50.7950, -1.1350, "Portsmouth"),
    ("PO13", "Lee-on-the-Solent", 50.8100, -1.1750, "Portsmouth"),
    ("PO14", "Fareham", 50.8450, -1.2150, "Portsmouth"),
    ("PO15", "Fareham", 50.8600, -1.2450, "Portsmouth"),
    ("PO16", "Fareham", 50.8500, -1.1750, "Portsmouth"),
    ("PO17", "Wickham", 50.8950, -1.1800, "Portsmouth"),
    ("SO14", "Southampton", 50.9050, -1.4000, "Southampton"),
    ("SO15", "Southampton", 50.9150, -1.4250, "Southampton"),
    ("SO16", "Southampton", 50.9350, -1.4400, "Southampton"),
    ("SO17", "Southampton", 50.9250, -1.3950, "Southampton"),
    ("SO18", "Southampton", 50.9250, -1.3550, "Southampton"),
    ("SO19", "Southampton", 50.8950, -1.3550, "Southampton"),
    ("SO30", "Hedge End", 50.9100, -1.3000, "Southampton"),
    ("SO31", "Locks Heath", 50.8700, -1.3000, "Southampton"),
    ("SO40", "Totton", 50.9150, -1.5000, "Southampton"),
    ("SO45", "Hythe", 50.8600, -1.4000, "Southampton"),
    ("SO50", "Eastleigh", 50.9700, -1.3500, "Southampton"),
    ("SO53", "Chandler's Ford", 50.9900, -1.3800, "Southampton"),
    ("SO51", "Romsey", 50.9900, -1.5000, "Winchester"),
    ("SO21", "Winchester", 51.0800, -1.2900, "Winchester"),
    ("SO22", "Winchester", 51.0650, -1.3300, "Winchester"),
    ("SO23", "Winchester", 51.0650, -1.3050, "Winchester"),
    ("SO24", "Alresford", 51.0900, -1.1600, "Winchester"),
    ("SO32", "Bishop's Waltham", 50.9550, -1.2100, "Winchester"),
)
CLUSTER_WEIGHTS = {"Portsmouth": 45, "Southampton": 40, "Winchester": 15}
# Letters used in the inward part of a postcode (never C, I, K, M, O or V).
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

STREETS = tuple(
    (
        "Elm Grove|Milton Lane|Marsden Road|London Road|Kingston Crescent|Highland Road|"
        "Albert Road|Fratton Road|Copnor Road|Northern Road|Havant Road|Portsdown Hill Road|"
        "Shirley High Street|Portswood Road|Bitterne Road|Winchester Road|Romsey Road|"
        "Bassett Avenue|Hulse Road|Station Road|Church Lane|Park Road|Victoria Road|"
        "Queen's Road|St Mary's Road|High Street|Mill Lane|Green Lane|School Lane|The Avenue"
    ).split("|")
)
PLACE_WORDS = tuple(
    (
        "Rainbow|Harbour|Beacon|Lighthouse|Compass|Anchor|Acorn|Oakfield|Rosewood|Willow|"
        "Beechwood|Kingfisher|Seahorse|Meadow|Orchard|Riverside|Hillside|Bluebell|Heron|"
        "Skylark|Cedar|Maple|Hazel|Sunflower|Starfish|Lantern|Bridge|Pathways|Horizons|"
        "Spectrum"
    ).split("|")
)
ADULT_NAMES = tuple(
    (
        "Sam Patel|Jo Williams|Aisha Khan|Chris Morgan|Priya Shah|Tom Hughes|Kate Evans|"
        "Dan Okafor|Megan Price|Ravi Kumar|Lucy Turner|Amir Hassan"
    ).split("|")
)
LANGUAGES = (
    ("English", "en"),
    ("Polish", "pl"),
    ("Bengali", "bn"),
    ("Arabic", "ar"),
    ("Urdu", "ur"),
    ("Romanian", "ro"),
    ("Nepali", "ne"),
    ("British Sign Language", "bfi"),
    ("Makaton", None),
)
AGE_BANDS = (
    ((0, 4), "babies and young children", 12),
    ((0, 5), "babies and young children", 8),
    ((2, 5), "young children", 6),
    ((4, 11), "children of primary school age", 10),
    ((5, 11), "children of primary school age", 10),
    ((8, 18), "older children and teenagers", 6),
    ((11, 16), "secondary school pupils", 9),
    ((11, 18), "teenagers", 7),
    ((14, 25), "young people", 8),
    ((16, 25), "young people and young adults", 8),
    ((0, 18), "children and young people", 10),
    ((0, 25), "children and young people", 6),
    ((5, 19), "children and young people", 5),
)
NEED_LABELS = {
    "communication-and-interaction": ("Communication", "communication needs"),
    "autism": ("Autism", "autism"),
    "speech-language-and-communication": ("Speech and language", "speech and language needs"),
    "cognition-and-learning": ("Learning", "learning difficulties"),
    "specific-learning-difficulty": ("Dyslexia", "dyslexia and dyspraxia"),
    "moderate-learning-difficulty": ("Learning difficulties", "moderate learning difficulties"),
    "severe-learning-difficulty": ("Severe learning difficulties", "severe learning difficulties"),
    "profound-and-multiple-learning-difficulties": ("Complex needs", "profound and multiple needs"),
    "social-emotional-and-mental-health": ("Emotional wellbeing", "SEMH needs"),
    "adhd": ("ADHD", "ADHD"),
    "emotional-wellbeing": ("Mental health", "anxiety and low mood"),
    "sensory-and-physical": ("Sensory", "sensory and physical needs"),
    "hearing-impairment": ("Hearing", "hearing impairment"),
    "vision-impairment": ("Vision", "vision impairment"),
    "multi-sensory-impairment": ("Multi-sensory", "multi-sensory impairment"),
    "physical-disability": ("Physical disability", "physical disabilities"),
    "medical-and-complex-health": ("Complex health", "complex health needs"),
}
# How often each need is picked: autism, speech and SEMH are the most common in real areas.
NEED_WEIGHTS = {
    "autism": 14,
    "speech-language-and-communication": 10,
    "communication-and-interaction": 8,
    "social-emotional-and-mental-health": 7,
    "emotional-wellbeing": 7,
    "adhd": 7,
    "cognition-and-learning": 5,
    "moderate-learning-difficulty": 5,
    "specific-learning-difficulty": 4,
    "severe-learning-difficulty": 3,
    "profound-and-multiple-learning-difficulties": 3,
    "sensory-and-physical": 4,
    "physical-disability": 5,
    "hearing-impairment": 3,
    "vision-impairment": 3,
    "multi-sensory-impairment": 1,
    "medical-and-complex-health": 4,
}
ACTIVITIES = tuple(
    (
        "swimming|trampolining|climbing|football|multi-sports|drama|music|dance|cooking|"
        "gardening|art|wheelchair basketball|horse riding|sailing|cycling|forest school|boccia|"
        "gymnastics|youth theatre|judo"
    ).split("|")
)
THERAPIES = (
    ("Speech and language therapy", ("speech-language-and-communication", "autism")),
    ("Occupational therapy", ("physical-disability", "specific-learning-difficulty")),
    ("Physiotherapy", ("physical-disability", "medical-and-complex-health")),
    ("Music therapy", ("communication-and-interaction", "emotional-wellbeing")),
    ("Play therapy", ("emotional-wellbeing", "social-emotional-and-mental-health")),
    ("Art therapy", ("emotional-wellbeing",)),
    ("Counselling", ("emotional-wellbeing", "social-emotional-and-mental-health")),
    ("Audiology", ("hearing-impairment",)),
    ("Orthoptics", ("vision-impairment",)),
    ("Dietetics", ("medical-and-complex-health",)),
    ("Eating, drinking and swallowing therapy", ("medical-and-complex-health",)),
    ("Sensory integration therapy", ("sensory-and-physical", "autism")),
)


@dataclass(frozen=True)
class Archetype:
    """A kind of service: its categories, name patterns, typical ages and wording."""

    key: str
    weight: int
    categories: tuple[str, ...]
    names: tuple[str, ...]
    details: tuple[str, ...]
    offers: tuple[str, ...]
    ages: tuple[tuple[int, int], ...] = ()
    levels: tuple[str, ...] = ("universal", "targeted", "specialist")
    access: tuple[str, ...] = ("self-referral", "professional-referral")
    free_share: float = 0.8
    pfa: bool = False


ARCHETYPES: tuple[Archetype, ...] = (
    Archetype(
        "therapy",
        14,
        ("health",),
        (
            "{therapy} for {children_short}",
            "{therapy} clinic, {town}",
            "{town} children's {therapy_lower} team",
            "{therapy} drop-in advice sessions",
            "{therapy} for children with {need_phrase}",
            "{therapy} in schools ({town})",
            "Community {therapy_lower} service",
            "{therapy} groups for parents and carers",
        ),
        (
            "A therapist assesses your child and agrees goals with you.",
            "Sessions can happen at a clinic, at home or at your child's school or nursery.",
            "We show parents, carers and school staff activities to practise every day.",
            "Most children have a block of six to eight sessions, then a review.",
            "We work closely with the paediatrician, the health visitor and the school SENCO.",
            "There is a waiting list; we will tell you how long it is when you are referred.",
        ),
        ("an assessment", "a therapy plan", "training for school staff", "advice by phone"),
        levels=("targeted", "specialist"),
        access=("professional-referral", "self-referral"),
        free_share=0.95,
    ),
    Archetype(
        "mental-health",
        6,
        ("health",),
        (
            "CAMHS {town} team",
            "{town} emotional wellbeing service",
            "Mental health support team for schools in {town}",
            "Counselling for young people, {town}",
            "Anxiety and low mood support group",
            "{place_word} wellbeing hub",
            "Children's wellbeing practitioners",
        ),
        (
            "We help children and young people who feel anxious, low or angry.",
            "You can talk to a trained practitioner in a quiet room, online or by phone.",
            "We work with schools so that pupils get help early.",
            "If you are worried about your safety right now, phone 999 or go to A&E.",
            "Young people can ask for help themselves from the age of 13.",
        ),
        ("one-to-one sessions", "group work", "advice for parents", "a crisis plan"),
        ages=((5, 18), (11, 18), (11, 25), (0, 18)),
        levels=("targeted", "specialist"),
        free_share=0.97,
    ),
    Archetype(
        "short-breaks",
        14,
        ("short-breaks-and-leisure",),
        (
            "{town} Saturday club",
            "{activity_title} for disabled children",
            "Inclusive {activity} club, {town}",
            "Holiday playscheme at {place_word} Centre",
            "Overnight short breaks at {place_word} House",
            "After-school club for children with {need_phrase}",
            "Family Link shared care ({town})",
            "Relaxed {activity} sessions",
            "{place_word} youth club",
            "Short breaks activities in {town}",
        ),
        (
            "Children take part in {activity} and other activities with trained staff.",
            "Staff are trained in Makaton, moving and handling and giving medicines.",
            "Parents and carers get a break while their child has fun with friends.",
            "Sessions run in the school holidays and on Saturdays.",
            "There is a quiet room and a changing room with a hoist.",
            "Young people choose their own activities and help plan the programme.",
        ),
        ("play", "sports", "days out", "overnight stays", "a quiet space"),
        ages=((5, 11), (8, 18), (11, 18), (5, 18), (0, 18)),
        levels=("universal", "targeted", "specialist"),
        access=("self-referral", "eligibility-assessment"),
        free_share=0.45,
    ),
    Archetype(
        "school",
        12,
        ("education",),
        (
            "{place_word} Primary School",
            "{place_word} Academy",
            "SEN support at {place_word} School",
            "{need_title} inclusion centre at {place_word}",
            "School place for children with {need_phrase}",
            "{place_word} School sixth form",
            "Specialist teacher outreach ({need_phrase})",
            "{place_word} Special School",
        ),
        (
            "The SENCO plans support with you and your child's teachers.",
            "Pupils learn in small classes with teaching assistants.",
            "Teachers use visual timetables, signing and quiet spaces.",
            "Places at the resourced provision are named in an EHC plan.",
            "We read the SEN Information Report with families every year.",
            "Pupils with an education, health and care plan have an annual review.",
        ),
        ("small-group teaching", "a learning mentor", "a sensory room", "a nurture group"),
        ages=((4, 11), (5, 11), (11, 16), (11, 18), (2, 19)),
        levels=("universal", "targeted", "specialist"),
        access=("ehc-plan", "self-referral", "professional-referral"),
        free_share=1.0,
    ),
    Archetype(
        "early-years",
        9,
        ("early-years", "education"),
        (
            "{town} Portage",
            "Stay and play for children with additional needs, {town}",
            "{place_word} Day Nursery",
            "{place_word} Pre-school",
            "Childminder with SEND experience, {town}",
            "Talking tots group, {town}",
            "Early years inclusion support",
            "{place_word} Children's Centre stay and play",
        ),
        (
            "A home visitor plays with your child and shows you small steps to try.",
            "Your child can use their funded early education hours here.",
            "We use Makaton signs and picture symbols throughout the day.",
            "Staff write a support plan with you and review it every term.",
            "Children and parents play together with sensory toys and singing.",
        ),
        ("play sessions", "home visits", "funded hours", "a key person"),
        ages=((0, 4), (0, 5), (2, 5)),
        levels=("universal", "targeted"),
        free_share=0.6,
    ),
    Archetype(
        "advice",
        10,
        ("information-advice-and-support",),
        (
            "SENDIASS advice line",
            "EHCP workshop for parents",
            "{town} parent carer forum",
            "Independent supporter service",
            "{need_title} parent support group",
            "Coffee morning for parents of children with {need_phrase}",
            "Local Offer drop-in, {town}",
            "{place_word} family information service",
        ),
        (
            "We give free, impartial and confidential advice about SEND.",
            "We can help you ask for an EHC needs assessment or prepare for a review.",
            "Parents meet other parents who understand, over a cup of tea.",
            "Our advisers can come with you to meetings at school.",
            "We explain the SEND Code of Practice in plain words.",
        ),
        ("advice by phone and email", "workshops", "help with paperwork", "peer support"),
        access=("self-referral",),
        levels=("universal", "targeted"),
        free_share=0.98,
    ),
    Archetype(
        "adulthood",
        8,
        ("preparing-for-adulthood",),
        (
            "Supported internship at {place_word} Hospital",
            "Job coaching ({town})",
            "Independent travel training",
            "Life skills course at {place_word} College",
            "Transition team for young people aged 14 to 25",
            "Supported living advice",
            "Friday night social for young adults",
            "Apprenticeship support for young people with SEND",
        ),
        (
            "Young people learn skills for work, money, cooking and travel.",
            "A job coach supports each intern at work and helps them find a paid job.",
            "We help young people plan for life after school or college.",
            "We talk about housing, friendships and staying healthy.",
            "Young people can bring a parent, carer or friend to the first meeting.",
        ),
        ("work experience", "a job coach", "travel training", "support to live independently"),
        ages=((14, 25), (16, 25), (18, 25)),
        levels=("targeted", "specialist"),
        free_share=0.9,
        pfa=True,
    ),
    Archetype(
        "money",
        4,
        ("money-and-benefits",),
        (
            "Disability benefits advice (DLA and PIP)",
            "Welfare rights service, {town}",
            "Grants for families of disabled children",
            "Direct payments support",
            "Personal budget advice",
            "Carer's Allowance and Universal Credit help",
        ),
        (
            "An adviser checks which benefits your family can claim.",
            "We help you fill in forms for Disability Living Allowance.",
            "We can help with appeals and tribunals.",
            "We explain personal budgets and direct payments.",
        ),
        ("a benefits check", "help with forms", "appeal support"),
        ages=((0, 25), (0, 18)),
        access=("self-referral",),
        levels=("universal", "targeted"),
        free_share=1.0,
    ),
    Archetype(
        "transport",
        3,
        ("transport",),
        (
            "Home to school transport",
            "Post-16 travel assistance",
            "Blue badge applications",
            "Community transport, {town}",
            "Travel buddies scheme ({town})",
        ),
        (
            "Children who cannot walk to school because of their needs may get free transport.",
            "We look at each application against the council's travel policy.",
            "Drivers and passenger assistants have SEND and safeguarding training.",
        ),
        ("a bus pass", "a taxi or minibus", "a travel allowance"),
        ages=((4, 16), (16, 25), (0, 25)),
        access=("eligibility-assessment", "self-referral"),
        levels=("targeted",),
        free_share=0.9,
    ),
    Archetype(
        "family",
        10,
        ("family-support",),
        (
            "{town} Family Hub",
            "Early help family support",
            "Parenting course for families of children with {need_phrase}",
            "Young carers service, {town}",
            "Sibling support group",
            "Keyworker service for autistic young people",
            "{place_word} family centre",
        ),
        (
            "A family support worker visits you at home and agrees a plan with you.",
            "Parents learn about sleep, behaviour and routines.",
            "Young carers meet others who understand and have a break from caring.",
            "We help families get the right support early, before problems grow.",
        ),
        ("home visits", "parenting courses", "groups for brothers and sisters"),
        levels=("universal", "targeted"),
        free_share=0.9,
    ),
    Archetype(
        "social-care",
        5,
        ("social-care",),
        (
            "Disabled children's team, {town}",
            "Social work assessment for disabled children",
            "Carer's assessment for parent carers",
            "Support at home and in the community",
            "Personal assistant finder",
        ),
        (
            "A social worker meets your family to find out what help you need.",
            "After an assessment, your family may get short breaks or a personal budget.",
            "We review the plan with you at least once a year.",
        ),
        ("an assessment", "a care plan", "a personal budget"),
        ages=((0, 18), (0, 25)),
        levels=("targeted", "specialist"),
        access=("eligibility-assessment", "professional-referral"),
        free_share=0.95,
    ),
    Archetype(
        "community-health",
        5,
        ("health",),
        (
            "School nursing, {town}",
            "Community children's nursing",
            "Health visiting and development reviews",
            "Epilepsy nurse service",
            "Continence advice service",
            "Annual health checks for young people with learning disabilities",
            "Neurodevelopmental assessment (autism and ADHD)",
            "Community paediatric clinic, {town}",
        ),
        (
            "Nurses visit children at home, at school or in clinic.",
            "We train school staff to give medicines and tube feeds safely.",
            "A paediatrician sees your child and explains what happens next.",
            "We help with sleep, toileting, eating and growth.",
        ),
        ("home visits", "clinics", "training for staff", "a health care plan"),
        levels=("universal", "specialist"),
        access=("professional-referral", "self-referral"),
        free_share=1.0,
    ),
)
ORGANISATION_NAMES = (
    "{cluster} City Council",
    "{cluster} Parent Carer Forum",
    "{place_word} Community Health NHS Trust",
    "{place_word} Academy Trust",
    "{place_word} Trust",
    "{town} Mencap",
    "{town} Autism Support",
    "{place_word} Futures CIC",
    "{town} Youth Services",
    "{place_word} Children's Charity",
    "{place_word} Learning Partnership",
    "{town} Carers Centre",
    "{place_word} Play Association",
    "{town} Disability Forum",
)
LOCATION_NAMES = (
    "{town} Family Hub",
    "{street_name} Community Centre",
    "{place_word} School",
    "{place_word} House",
    "Children's Centre, {town}",
    "{place_word} Leisure Centre",
    "{town} Health Centre",
    "{place_word} Youth Hub",
)
ACCESSIBILITY = (
    "Step-free entrance from the car park",
    "Accessible toilet with a changing bench and hoist",
    "Blue badge parking by the entrance",
    "Quiet room available if you ask",
    "Lift to every floor",
    "Hearing loop at reception",
    "Changing Places toilet",
)
COMMON_SENTENCES = (
    "Parents and carers are welcome to stay.",
    "Staff have training in Makaton and PECS.",
    "Sessions run in term time only.",
    "The building is step-free and has an accessible toilet.",
    "You do not need a diagnosis to get help.",
    "We can book an interpreter, including British Sign Language.",
    "Tell us about anything that would make your visit easier.",
    "Brothers and sisters are welcome too.",
    "We are inspected by Ofsted.",
    "We follow the SEND Code of Practice.",
)
SEND_ANSWERS = {
    SendQuestion.STAFF_TRAINING: "All staff have SEND awareness training every year, and "
    "{extra} training.",
    SendQuestion.INVOLVEMENT: "Parents, carers and young people help plan the service and "
    "tell us what to change.",
    SendQuestion.ACCESSIBILITY: "{accessibility}. Tell us what your child needs before you come.",
    SendQuestion.TRANSITIONS: "We plan moves between services with families and pass on "
    "information with your agreement.",
    SendQuestion.SEND_CONTACT: "Ask for the SEND lead on {phone}.",
}


@dataclass
class SyntheticArea:
    """Rows for each table, in the order they can be inserted, and what was generated."""

    services: int
    seed: int
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # (service id, taxonomy slug, term slug), resolved to term ids when inserted.
    term_links: list[tuple[int, str, str]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            **{name: len(rows) for name, rows in self.rows.items()},
            "service_taxonomy_term": len(self.term_links),
        }


@dataclass(frozen=True)
class Vocab:
    """What the generator needs from the seed files: term names and glossary entries."""

    names: dict[str, dict[str, str]]
    parents: dict[str, dict[str, str | None]]
    glossary: tuple[dict[str, Any], ...]


def read_vocab(seed_dir: Path = SEED_DIR) -> Vocab:
    with (seed_dir / "vocabularies.yaml").open(encoding="utf-8") as handle:
        vocabularies = yaml.safe_load(handle)
    with (seed_dir / "thesaurus.yaml").open(encoding="utf-8") as handle:
        thesaurus = yaml.safe_load(handle)
    names: dict[str, dict[str, str]] = {}
    parents: dict[str, dict[str, str | None]] = {}

    def walk(taxonomy: str, terms: Iterable[dict], parent: str | None) -> None:
        for term in terms:
            names.setdefault(taxonomy, {})[term["slug"]] = term["name"]
            parents.setdefault(taxonomy, {})[term["slug"]] = parent
            walk(taxonomy, term.get("terms") or [], term["slug"])

    for taxonomy in vocabularies["taxonomies"]:
        walk(taxonomy["slug"], taxonomy.get("terms") or [], None)
    return Vocab(names, parents, tuple(thesaurus.get("entries") or ()))


def slugify(text: str, limit: int = 90) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit].rstrip("-")


class _Generator:
    """Holds the random source and the running ids while the area is composed."""

    def __init__(self, vocab: Vocab, seed: int, first_ids: dict[str, int]) -> None:
        self.vocab = vocab
        self.rng = random.Random(seed)
        self.next_ids = dict(first_ids)
        self.area_rows: dict[str, list[dict[str, Any]]] = {
            name: []
            for name in (
                "organization",
                "location",
                "accessibility",
                "service",
                "eligibility",
                "cost_option",
                "schedule",
                "contact",
                "phone",
                "service_area",
                "language",
                "send_answer",
                "service_at_location",
            )
        }
        self.term_links: list[tuple[int, str, str]] = []
        self.need_slugs = list(NEED_WEIGHTS)
        self.need_weights = list(NEED_WEIGHTS.values())
        self.glossary_by_word = self._glossary_index()
        self.districts_by_cluster: dict[str, list[tuple]] = {}
        for district in DISTRICTS:
            self.districts_by_cluster.setdefault(district[4], []).append(district)

    def _glossary_index(self) -> dict[str, list[dict[str, Any]]]:
        """Glossary entries by each word of what they expand to, to explain a need or category."""
        index: dict[str, list[dict[str, Any]]] = {}
        for entry in self.vocab.glossary:
            for phrase in entry.get("expands_to") or ():
                for word in re.findall(r"[a-z]{4,}", str(phrase).lower()):
                    index.setdefault(word, []).append(entry)
        return index

    def new_id(self, table: str) -> int:
        value = self.next_ids[table]
        self.next_ids[table] = value + 1
        return value

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def add(self, table: str, **row: Any) -> int:
        row.setdefault("id", self.new_id(table))
        self.area_rows[table].append(row)
        return row["id"]

    # Places

    def postcode(self, outward: str) -> str:
        rng = self.rng
        return (
            f"{outward} {rng.randint(1, 9)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
        )

    def location(self, cluster: str) -> int:
        rng = self.rng
        outward, town, lat, lon, _ = rng.choice(self.districts_by_cluster[cluster])
        name = rng.choice(LOCATION_NAMES).format(
            town=town, place_word=rng.choice(PLACE_WORDS), street_name=rng.choice(STREETS)
        )
        location_id = self.new_id("location")
        self.add(
            "location",
            id=location_id,
            uuid=self.uuid(),
            slug=f"syn-loc-{location_id}-{slugify(name, 60)}",
            name=name,
            description="",
            address_1=f"{rng.randint(1, 240)} {rng.choice(STREETS)}",
            city=town,
            postcode=self.postcode(outward),
            latitude=round(lat + rng.gauss(0, 0.008), 5),
            longitude=round(lon + rng.gauss(0, 0.012), 5),
            mask_address=rng.random() < 0.05,
            version=1,
        )
        for text in rng.sample(ACCESSIBILITY, rng.randint(1, 3)):
            self.add("accessibility", location_id=location_id, description=text, details="")
        return location_id

    # Text

    def needs(self, archetype: Archetype, hint: Sequence[str] = ()) -> list[str]:
        rng = self.rng
        if archetype.key in {"money", "transport"} and rng.random() < 0.5:
            return []
        chosen = dict.fromkeys(hint)
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            chosen[rng.choices(self.need_slugs, self.need_weights)[0]] = None
        return list(chosen)

    def explain(self, slugs: Iterable[str], taxonomy: str) -> dict[str, Any] | None:
        """A glossary entry related to one of the terms, for a plain-English sentence."""
        candidates: list[dict[str, Any]] = []
        for slug in slugs:
            name = self.vocab.names[taxonomy].get(slug, "")
            for word in re.findall(r"[a-z]{4,}", name.lower()):
                candidates.extend(self.glossary_by_word.get(word, ()))
        if not candidates:
            return None
        return self.rng.choice(candidates)

    def description(
        self,
        archetype: Archetype,
        name: str,
        needs: list[str],
        ages: tuple[int, int] | None,
        children: str,
        activity: str,
        level: str,
    ) -> str:
        rng = self.rng
        level_phrase = {
            "universal": "open to every family",
            "targeted": "for children who need extra help",
            "specialist": "a specialist service",
        }[level]
        need_names = [self.vocab.names["need"][slug].lower() for slug in needs]
        who = f"{children} aged {ages[0]} to {ages[1]}" if ages else children
        first = f"{name} is {level_phrase}." if level == "specialist" else ""
        first = first or f"{name} is a service {level_phrase}."
        first += f" We support {who}"
        if need_names:
            first += " with " + _join(need_names)
        first += "."
        details = [s.format(activity=activity) for s in rng.sample(archetype.details, 2)]
        paragraphs = [" ".join([first, *details])]
        if rng.random() < 0.35:
            offers = rng.sample(archetype.offers, min(3, len(archetype.offers)))
            paragraphs.append("We offer:\n\n" + "\n".join(f"- {item}" for item in offers))
        entry = self.explain(needs, "need") or self.explain(archetype.categories, "category")
        if entry is not None and rng.random() < 0.7:
            term = str(entry["term"]).lower()
            synonyms = [s for s in entry.get("synonyms") or () if s != term]
            sentence = str(entry["meaning"]).strip()
            if synonyms and rng.random() < 0.5:
                sentence += f" Some families call it {rng.choice(synonyms)}."
            paragraphs.append(sentence)
        paragraphs.append(" ".join(rng.sample(COMMON_SENTENCES, 2)))
        return "\n\n".join(paragraphs)

    def how_to_access(self, access: list[str], referrers: list[str]) -> str:
        rng = self.rng
        parts = []
        if "self-referral" in access:
            parts.append(
                rng.choice(
                    (
                        "You can refer yourself by phone or email, or just come along.",
                        "You do not need a referral. Fill in the short form on our website.",
                    )
                )
            )
        if "professional-referral" in access:
            who = _join([self.vocab.names["referrer"][slug] for slug in referrers]) or "A GP"
            parts.append(f"Referrals come from a professional: {who}.")
        if "ehc-plan" in access:
            parts.append(
                "Places are named in a child's EHC plan (education, health and care plan)."
            )
        if "eligibility-assessment" in access:
            parts.append("We check eligibility first; a social worker or officer will call you.")
        parts.append(
            rng.choice(
                (
                    "We will contact you within two weeks.",
                    "Phone us if you are not sure whether we can help.",
                    "Ask your school SENCO or health visitor if you need help to apply.",
                )
            )
        )
        return " ".join(parts)

    # Services

    def service(self, organization: dict[str, Any], locations: list[int]) -> None:
        rng = self.rng
        archetype = rng.choices(ARCHETYPES, [a.weight for a in ARCHETYPES])[0]
        therapy, therapy_needs = rng.choice(THERAPIES)
        hint = therapy_needs[:1] if archetype.key == "therapy" else ()
        needs = self.needs(archetype, hint)
        band_choices = [b for b in AGE_BANDS if not archetype.ages or b[0] in archetype.ages]
        if archetype.ages:
            band_choices += [(ages, "children and young people", 6) for ages in archetype.ages]
        ages, children, _ = rng.choices(band_choices, [b[2] for b in band_choices])[0]
        age_limits = None if rng.random() < 0.08 else ages
        need_title, need_phrase = NEED_LABELS[needs[0]] if needs else ("SEND", "SEND")
        activity = rng.choice(ACTIVITIES)
        town = organization["town"]
        name = (
            rng.choice(archetype.names)
            .format(
                therapy=therapy,
                therapy_lower=therapy.lower(),
                children_short=rng.choice(("children", "young children", "school-age children")),
                town=town,
                need_title=need_title,
                need_phrase=need_phrase,
                activity=activity,
                activity_title=activity.capitalize(),
                place_word=rng.choice(PLACE_WORDS),
            )
            .strip()
        )
        level = rng.choice(archetype.levels)
        access = rng.sample(archetype.access, min(rng.randint(1, 2), len(archetype.access)))
        referrers = rng.sample(list(self.vocab.names["referrer"]), rng.randint(1, 3))
        service_id = self.new_id("service")
        status = ServiceStatus.ACTIVE
        roll = rng.random()
        if roll < 0.02:
            status = ServiceStatus.CLOSED
        elif roll < 0.04:
            status = ServiceStatus.TEMPORARILY_CLOSED
        reviewed = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randint(0, 500))
        self.add(
            "service",
            id=service_id,
            uuid=self.uuid(),
            slug=f"{slugify(name)}-{service_id}",
            organization_id=organization["id"],
            name=name,
            alternate_name=f"{need_title} {archetype.key.replace('-', ' ')}"
            if rng.random() < 0.25
            else None,
            description=self.description(
                archetype, name, needs, age_limits, children, activity, level
            ),
            how_to_access=self.how_to_access(access, referrers),
            url=f"https://{organization['slug'][:40]}.example.org/services/{service_id}",
            email=f"{slugify(name, 24)}@example.org",
            status=status,
            # A few listings not yet published, so "publicly listed" has work to do.
            visible_from=dt.date(2099, 1, 1) if rng.random() < 0.01 else None,
            # A few drafts (never published), which families and the index must not see.
            published_at=None
            if rng.random() < 0.01
            else dt.datetime.combine(reviewed, dt.time(9), tzinfo=dt.UTC),
            visible_to=None,
            information_incomplete=rng.random() < 0.05,
            diagnosis_needed=rng.choice((True, False, None)),
            ehc_plan_needed="ehc-plan" in access,
            sen_information_report_url=None,
            last_reviewed_on=reviewed,
            review_due_on=reviewed + dt.timedelta(days=365),
            version=1,
        )
        if age_limits is not None:
            self.add(
                "eligibility",
                service_id=service_id,
                minimum_age=age_limits[0],
                maximum_age=age_limits[1],
                description=f"For {children} aged {age_limits[0]} to {age_limits[1]}.",
            )
        self.costs(service_id, archetype)
        self.details(service_id, organization)
        for location_id in locations:
            self.add(
                "service_at_location",
                uuid=self.uuid(),
                service_id=service_id,
                location_id=location_id,
            )
        categories = list(archetype.categories)
        if rng.random() < 0.3:
            categories.append(rng.choice(list(self.vocab.names["category"])))
        links = {
            "category": categories,
            "need": needs,
            "level": [level],
            "access": access,
            "referrer": referrers,
        }
        if rng.random() < 0.1:
            links["circumstance"] = [rng.choice(list(self.vocab.names["circumstance"]))]
        if archetype.pfa or (ages[1] >= 18 and rng.random() < 0.3):
            links["pfa-theme"] = rng.sample(list(self.vocab.names["pfa-theme"]), 2)
        for taxonomy, slugs in links.items():
            for slug in dict.fromkeys(slugs):
                self.term_links.append((service_id, taxonomy, slug))

    def costs(self, service_id: int, archetype: Archetype) -> None:
        rng = self.rng
        roll = rng.random()
        if roll < archetype.free_share:
            self.add(
                "cost_option",
                service_id=service_id,
                is_free=True,
                amount=None,
                currency="GBP",
                option=None,
                amount_description="Free",
            )
            if rng.random() > 0.15:
                return
        amount = Decimal(rng.choice((3, 5, 7.5, 10, 12.5, 15, 25, 40))).quantize(Decimal("0.01"))
        self.add(
            "cost_option",
            service_id=service_id,
            is_free=False,
            amount=amount,
            currency="GBP",
            option=rng.choice(("per session", "per day", "per term", "per hour")),
            amount_description="Some families can get help with the cost.",
        )

    def details(self, service_id: int, organization: dict[str, Any]) -> None:
        rng = self.rng
        opens, closes = rng.choice(((dt.time(9), dt.time(17)), (dt.time(8, 30), dt.time(16))))
        self.add(
            "schedule",
            service_id=service_id,
            byday="MO,TU,WE,TH,FR",
            opens_at=opens,
            closes_at=closes,
            description="",
        )
        if rng.random() < 0.3:
            self.add(
                "schedule",
                service_id=service_id,
                byday="SA",
                opens_at=dt.time(10),
                closes_at=dt.time(12),
                description="Term time only",
            )
        phone = f"01632 960{rng.randint(0, 999):03d}"
        contact_id = self.add(
            "contact",
            service_id=service_id,
            name=rng.choice(ADULT_NAMES),
            title="Service lead",
            email=f"team{service_id}@example.org",
        )
        self.add("phone", contact_id=contact_id, number=phone, description="")
        self.add(
            "service_area", service_id=service_id, name=organization["cluster"], description=""
        )
        self.add("language", service_id=service_id, name="English", code="en")
        if rng.random() < 0.3:
            name, code = rng.choice(LANGUAGES[1:])
            self.add("language", service_id=service_id, name=name, code=code)
        for question, template in SEND_ANSWERS.items():
            self.add(
                "send_answer",
                service_id=service_id,
                question=question.value,
                answer=template.format(
                    extra=rng.choice(("Makaton", "autism awareness", "moving and handling")),
                    accessibility=rng.choice(ACCESSIBILITY),
                    phone=phone,
                ),
            )

    def organization(self) -> tuple[dict[str, Any], list[int]]:
        rng = self.rng
        cluster = rng.choices(list(CLUSTER_WEIGHTS), list(CLUSTER_WEIGHTS.values()))[0]
        town = rng.choice(self.districts_by_cluster[cluster])[1]
        name = rng.choice(ORGANISATION_NAMES).format(
            cluster=cluster, town=town, place_word=rng.choice(PLACE_WORDS)
        )
        organization_id = self.new_id("organization")
        slug = f"syn-org-{organization_id}-{slugify(name, 60)}"
        self.add(
            "organization",
            id=organization_id,
            uuid=self.uuid(),
            slug=slug,
            name=name,
            description=f"{name} works with families of children with SEND across {cluster}.",
            email=f"hello@{slugify(name, 30)}.example.org",
            website=f"https://{slugify(name, 30)}.example.org",
            phone=f"01632 960{rng.randint(0, 999):03d}",
            version=1,
        )
        locations = [self.location(cluster) for _ in range(rng.randint(1, 3))]
        info = {"id": organization_id, "slug": slug, "town": town, "cluster": cluster}
        return info, locations


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def generate_area(
    services: int,
    seed: int = 1,
    first_ids: dict[str, int] | None = None,
    vocab: Vocab | None = None,
) -> SyntheticArea:
    """Rows for ``services`` services (about three per organisation), deterministic in
    ``seed``. ``first_ids`` gives the first id per table (default 1) for a non-empty database."""
    generator = _Generator(
        vocab or read_vocab(),
        seed,
        {**dict.fromkeys(_TABLES, 1), **(first_ids or {})},
    )
    made = 0
    while made < services:
        organization, locations = generator.organization()
        for _ in range(min(services - made, generator.rng.choice((1, 1, 2, 2, 3, 4, 5, 8)))):
            made += 1
            # Most services at one or two of the organisation's places; some by phone or online.
            roll = generator.rng.random()
            if roll < 0.1:
                used: list[int] = []
            elif roll < 0.75:
                used = [generator.rng.choice(locations)]
            else:
                used = generator.rng.sample(locations, min(2, len(locations)))
            generator.service(organization, used)
    return SyntheticArea(services, seed, generator.area_rows, generator.term_links)


_TABLES: dict[str, Any] = {
    "organization": Organization,
    "location": Location,
    "accessibility": Accessibility,
    "service": Service,
    "eligibility": Eligibility,
    "cost_option": CostOption,
    "schedule": Schedule,
    "contact": Contact,
    "phone": Phone,
    "service_area": ServiceArea,
    "language": Language,
    "send_answer": SendAnswer,
    "service_at_location": ServiceAtLocation,
}


def next_ids() -> dict[str, int]:
    """The first free id in every table the generator writes, for appending to a database."""
    return {
        name: (db.session.scalar(select(func.max(model.id))) or 0) + 1
        for name, model in _TABLES.items()
    }


def insert_area(area: SyntheticArea) -> dict[str, int]:
    """Insert the area with Core inserts in batches and commit; returns rows per table."""
    term_ids = {
        (taxonomy, slug): term_id
        for term_id, taxonomy, slug in db.session.execute(
            select(TaxonomyTerm.id, Taxonomy.slug, TaxonomyTerm.slug).join(Taxonomy)
        )
    }
    missing = {(t, s) for _, t, s in area.term_links} - term_ids.keys()
    if missing:
        raise ValueError(f"vocabulary terms not in the database: {sorted(missing)}")
    tables = [(_TABLES[name].__table__, rows) for name, rows in area.rows.items()]
    links = [
        {"service_id": service_id, "taxonomy_term_id": term_ids[(taxonomy, slug)]}
        for service_id, taxonomy, slug in area.term_links
    ]
    tables.append((service_taxonomy_term, links))
    try:
        for table, rows in tables:
            for start in range(0, len(rows), INSERT_BATCH):
                db.session.execute(insert(table), rows[start : start + INSERT_BATCH])
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return area.counts()


def bench_app(workdir: Path, **overrides: Any) -> Flask:
    """An app over a new SQLite database in ``workdir``, migrated, with the vocabularies and
    glossary loaded and no services; its search index folder is ``workdir/index``."""
    workdir.mkdir(parents=True, exist_ok=True)
    config = {
        "APP_ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(workdir / "bench.db"),
        "SEARCH_INDEX_DIR": str(workdir / "index"),
        "SEARCH_CHECK_ON_START": False,
        **overrides,
    }
    app = create_app(config)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        report = SeedReport()
        load_vocabularies(SEED_DIR / "vocabularies.yaml", report)
        load_glossary(SEED_DIR / "thesaurus.yaml", report)
        db.session.commit()
    return app


def populate(app: Flask, services: int, seed: int = 1) -> dict[str, Any]:
    """Generate and insert a synthetic area into ``app``'s database (appending to what is
    there); returns rows per table and the seconds taken."""
    started = time.perf_counter()
    with app.app_context():
        area = generate_area(services, seed, first_ids=next_ids())
        generated = time.perf_counter()
        counts = insert_area(area)
        db.session.remove()
    finished = time.perf_counter()
    return {
        "rows": counts,
        "generate_s": round(generated - started, 3),
        "insert_s": round(finished - generated, 3),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True, help="folder for bench.db and index/")
    args = parser.parse_args(argv)
    if (args.out / "bench.db").exists():
        parser.error(f"{args.out / 'bench.db'} already exists")
    app = bench_app(args.out)
    made = populate(app, args.services, args.seed)
    with app.app_context():
        started = time.perf_counter()
        indexed = app.extensions["search"].rebuild()
        made["build_s"] = round(time.perf_counter() - started, 3)
        made["indexed"] = indexed
    print(made)
    print(
        f"Run the site on it: SECRET_KEY=dev DATABASE_URL=sqlite:///{args.out / 'bench.db'} "
        f"SEARCH_INDEX_DIR={args.out / 'index'} .venv/bin/flask --app wsgi run"
    )


if __name__ == "__main__":
    main()
