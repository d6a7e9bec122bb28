"""The shipped thesaurus keeps its own rules, and the words families use without jargon call up
the entry they mean, whose expansions are words the demo directory really uses."""

from collections import defaultdict
from pathlib import Path

import pytest
import yaml
from whoosh.lang.porter import stem

from localoffer.search.query import split_words
from localoffer.search.thesaurus import ThesaurusEntry, load_thesaurus
from localoffer.search.whoosh.schema import ANALYZER

SEED = Path(__file__).resolve().parents[2] / "seed"
THESAURUS = load_thesaurus(SEED / "thesaurus.yaml")

# Words so common in a family's search that, as a trigger on their own, they would drag one
# entry's phrases into almost every search.
COMMON_WORDS = {
    "help",
    "support",
    "school",
    "home",
    "service",
    "children",
    "child",
    "parent",
    "parents",
    "family",
    "care",
    "talk",
    "assessment",
    "team",
}

# What families type when they have no jargon -> the entry it should call up (and nothing else).
EVERYDAY_PHRASES = [
    ("my son is not walking yet", "Late walking"),
    ("she is 4 and not talking", "SLCN"),
    ("my child is non verbal", "SLCN"),
    ("he has a feeding tube", "Tube feeding"),
    ("help with costs", "Money and benefits"),
    ("money worries", "Money and benefits"),
    ("I am at the end of my tether", "Parent carer wellbeing"),
    ("completely burnt out", "Parent carer wellbeing"),
    ("constant tantrums", "Behaviour that challenges"),
    ("he keeps kicking off", "Behaviour that challenges"),
    ("bad behaviour", "Behaviour that challenges"),
    ("angry all the time", "Anger"),
    ("anxious about school", "EBSA"),
    ("my daughter can't sleep", "Sleep"),
    ("she won't go to bed", "Sleep"),
    ("still in nappies at 5", "Continence"),
    ("he wets the bed", "Continence"),
    ("fussy eater", "Fussy eating"),
    ("my son won't eat", "Fussy eating"),
    ("can't read at 9", "Dyslexia"),
    ("can't concentrate in class", "ADHD"),
    ("hurting herself", "Self-harm"),
    ("he is suicidal", "Mental health crisis"),
    ("adapted bathroom", "Home adaptations"),
    ("funny turns", "Epilepsy"),
    ("can't hear properly", "HI"),
    ("poor eyesight", "Orthoptist"),
    ("need a break", "Short breaks"),
    ("someone to talk to", "Counselling"),
    ("what happens when he is turning 18", "Transition"),
    ("getting a job", "Getting a job"),
    ("travel to school", "Home to school transport"),
    ("bus pass", "Bus pass"),
    ("on the waiting list", "Waiting for an assessment"),
    ("just diagnosed", "Support after diagnosis"),
    ("being bullied", "Bullying"),
    ("she is grieving for her dad", "Bereavement"),
    ("childhood trauma", "Attachment and trauma"),
    ("lonely", "Friendships"),
    ("brothers and sisters", "Siblings"),
    ("adopted child", "Adoptive and kinship families"),
    ("parenting course", "Parenting courses"),
    ("part time timetable", "Exclusion"),
    ("school not listening", "SENDIASS"),
    ("complaint", "Complaints"),
    ("missed milestones", "Global developmental delay"),
    ("free hours", "Early years"),
    ("housing options", "Supported living"),
    ("struggling at school", "SEN Support"),
    ("neurodivergent", "Neurodiversity"),
]


def key(phrase: str) -> tuple[str, ...]:
    """A trigger as the matcher reads it: its lower-cased words."""
    return tuple(split_words(phrase))


def raw_entries() -> list[dict]:
    return yaml.safe_load((SEED / "thesaurus.yaml").read_text(encoding="utf-8"))["entries"]


def test_no_trigger_belongs_to_two_entries():
    owners: dict[tuple[str, ...], set[str]] = defaultdict(set)
    stemmed: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for entry in THESAURUS.entries:
        for phrase in entry.triggers():
            owners[key(phrase)].add(entry.term)
            if len(key(phrase)) > 1:
                # Phrases also match in other word forms, so their stems must not clash either.
                stemmed[tuple(stem(word) for word in key(phrase))].add(entry.term)
    clashes = {k: v for k, v in owners.items() if len(v) > 1}
    clashes.update({k: v for k, v in stemmed.items() if len(v) > 1})
    assert not clashes


def test_synonyms_and_expansions_are_lower_case():
    for item in raw_entries():
        for phrase in [*(item.get("synonyms") or []), *(item.get("expands_to") or [])]:
            assert phrase == phrase.lower(), (item["term"], phrase)


def test_every_entry_expands_to_something():
    for entry in THESAURUS.entries:
        assert entry.expands_to, entry.term
        assert all(phrase.strip() for phrase in entry.expands_to), entry.term


def test_no_common_word_is_a_trigger_on_its_own():
    for entry in THESAURUS.entries:
        for phrase in entry.triggers():
            words = key(phrase)
            assert not (len(words) == 1 and words[0] in COMMON_WORDS), (entry.term, phrase)


def test_every_meaning_is_one_sentence():
    for entry in THESAURUS.entries:
        meaning = entry.meaning
        assert meaning.endswith("."), entry.term
        assert not any(
            meaning[i] in ".!?" and meaning[i + 1] == " " and meaning[i + 2].isupper()
            for i in range(len(meaning) - 2)
        ), entry.term


@pytest.mark.parametrize(("text", "term"), EVERYDAY_PHRASES)
def test_everyday_words_call_up_the_entry_they_mean(text, term):
    assert [entry.term for entry in THESAURUS.match(text)] == [term]


@pytest.mark.parametrize(
    "text",
    ["help", "school", "support at home", "talk to the team", "would he benefit from it", "fit"],
)
def test_common_words_call_up_nothing(text):
    assert THESAURUS.match(text) == []


def catalogue_fields() -> list[set[str]]:
    """Each text field of each demo service (and its vocabulary terms' names), as index words."""
    names: dict[str, str] = {}
    parents: dict[str, str | None] = {}

    def walk(terms: list[dict], parent: str | None) -> None:
        for term in terms:
            names[term["slug"]] = term["name"]
            parents[term["slug"]] = parent
            walk(term.get("terms") or [], term["slug"])

    vocabularies = yaml.safe_load((SEED / "vocabularies.yaml").read_text(encoding="utf-8"))
    for taxonomy in vocabularies["taxonomies"]:
        walk(taxonomy["terms"], None)

    def with_broader(slugs: list[str]) -> str:
        found = []
        for slug in slugs:
            while slug:
                found.append(names[slug])
                slug = parents[slug]
        return ", ".join(found)

    fields = []
    for path in sorted((SEED / "area").glob("*.yaml")):
        for organisation in yaml.safe_load(path.read_text(encoding="utf-8"))["organisations"]:
            for service in organisation.get("services") or []:
                texts = [
                    service["name"],
                    service.get("alternate_name") or "",
                    f"{service.get('description') or ''} {service.get('how_to_access') or ''}",
                    with_broader(service.get("needs") or []),
                    with_broader(
                        [*(service.get("categories") or []), *(service.get("pfa_themes") or [])]
                    ),
                ]
                fields.extend({token.text for token in ANALYZER(text)} for text in texts)
    return fields


def test_everyday_entries_expand_to_the_directorys_own_words():
    """At least one of each entry's expansions is wholly in one field of a demo service, so the
    expansion reaches a real listing rather than words nobody wrote."""
    fields = catalogue_fields()
    entries: dict[str, ThesaurusEntry] = {entry.term: entry for entry in THESAURUS.entries}
    for term in sorted({term for _, term in EVERYDAY_PHRASES}):
        reaching = [
            phrase
            for phrase in entries[term].expands_to
            if any({t.text for t in ANALYZER(phrase)} <= field for field in fields)
        ]
        assert reaching, term
