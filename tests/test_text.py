"""How texts compare: industries and jobs (spelling and short forms), and echoes of past mentors.

The examples here are the ones docs/input.md gives ("How texts are compared"); the properties
state what the comparison guarantees, each fast path is checked against its reference
definition, and the advice is checked on both engines to say how two texts matched.
"""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import mentor_rules.model.text
from mentor_rules import Advisor, RuleError, load_pack, shipped_rules
from mentor_rules.engines import available_engines
from mentor_rules.io.report import match_words
from mentor_rules.model.text import (
    NEGATIONS,
    STOP_WORDS,
    EchoIndex,
    Gist,
    MatchHow,
    ShortForm,
    ShortForms,
    clear_caches,
    compact_key,
    echoes,
    gist,
    gists_echo,
    make_stemmer,
    text_key,
)
from mentor_rules.testing import ECHO_POOL, FIELD_POOL, fields_of_work, texts

SHORT_FORMS = shipped_rules().short_forms

# --------------------------------------------------------------------------- industries and jobs


@pytest.mark.parametrize(
    ("text", "other", "how"),
    [
        ("health care", "Healthcare", MatchHow.SAME),
        ("Health-Care", "healthcare", MatchHow.SAME),
        (" U.X. Design ", "ux-design", MatchHow.SAME),
        ("biotech", "biotechnology", MatchHow.SHORT_FORM),
        ("Fintech", "financial technology", MatchHow.SHORT_FORM),
        ("FinTech", "Financial-Technology", MatchHow.SHORT_FORM),
        ("biotech startups", "Biotechnology startups", MatchHow.SHORT_FORM),
        ("R&D", "research and development", MatchHow.SHORT_FORM),
        ("UX design", "user experience design", MatchHow.SHORT_FORM),
        ("agtech", "agritech", MatchHow.SHORT_FORM),  # two short forms of one long form
    ],
)
def test_industries_and_jobs_match_as_people_write_them(
    text: str, other: str, how: MatchHow
) -> None:
    found = SHORT_FORMS.match(text, other)
    assert found is not None
    assert (found.how, found.text, found.other) == (how, text, other)
    assert (found.short_forms == ()) == (how == MatchHow.SAME)


@pytest.mark.parametrize(
    ("text", "other"),
    [
        ("health care", "healthcare staffing"),  # another industry: staffing, for hospitals
        ("healthcare", "health insurance"),
        ("fintech", "biotech"),  # 71 % alike to rapidfuzz, more than biotech/biotechnology
        ("biotech", "biology"),
        ("insurance", "reinsurance"),
        ("retail", "retail banking"),
        ("uxdesign", "user experience design"),  # a short form is read only as a word
        ("pharmaceutical", "pharmaceuticals"),  # plurals are not recognised
    ],
)
def test_related_but_different_texts_do_not_match(text: str, other: str) -> None:
    assert SHORT_FORMS.match(text, other) is None
    assert SHORT_FORMS.match(other, text) is None


def test_the_evidence_says_how_two_texts_matched_in_words() -> None:
    short = SHORT_FORMS.match("Biotech", "biotechnology")
    spelled = SHORT_FORMS.match("health care", "Healthcare")
    assert match_words(short) == " (“biotech” is a short form of “biotechnology”)"
    assert match_words(spelled) == " (“health care” is “Healthcare” written another way)"
    assert match_words(SHORT_FORMS.match("Retail", "retail")) == ""  # written alike
    assert match_words(None) == ""


def _fields() -> st.SearchStrategy[str]:
    table = [form.short for form in SHORT_FORMS.forms] + [f.long for f in SHORT_FORMS.forms]
    return st.one_of(fields_of_work(), st.sampled_from(table))


@given(_fields(), _fields())
def test_matching_is_symmetric_and_its_fast_path_agrees(text: str, other: str) -> None:
    found = SHORT_FORMS.match(text, other)
    assert (found is None) == (SHORT_FORMS.match(other, text) is None)
    assert SHORT_FORMS.matcher(other)(text) == (found is not None)
    if found is not None and found.how == MatchHow.SAME:
        assert compact_key(text) == compact_key(other)


#: Words that are neither a short form nor a word of a long form of the shipped table.
_TABLE_WORDS = {compact_key(w) for f in SHORT_FORMS.forms for w in (f.short, *f.long.split())}
_UNRELATED = st.text(string.ascii_lowercase, min_size=2, max_size=12).filter(
    lambda w: w not in _TABLE_WORDS
)


@given(st.lists(_UNRELATED, min_size=1, max_size=3), st.lists(_UNRELATED, min_size=1, max_size=3))
def test_unrelated_words_never_match(mine: list[str], theirs: list[str]) -> None:
    """Texts of words the table does not know match only when their letters are the same."""
    text, other = " ".join(mine), " ".join(theirs)
    assume(compact_key(text) != compact_key(other))
    assert SHORT_FORMS.match(text, other) is None


def test_no_two_industries_of_the_pool_match_unless_the_table_says_so() -> None:
    """The strategies' industries and jobs: each pair matches exactly when written alike or
    one is a short form of the other (what the table is for), never by resemblance."""
    pairs = {
        frozenset({"biotech", "biotechnology"}),
        frozenset({"fintech", "financialtechnology"}),
    }
    for text in FIELD_POOL:
        for other in FIELD_POOL:
            same = compact_key(text) == compact_key(other)
            short = frozenset({compact_key(text), compact_key(other)}) in pairs
            assert (SHORT_FORMS.match(text, other) is not None) == (same or short), (text, other)


def test_the_shipped_table_is_sound() -> None:
    assert SHORT_FORMS.problems() == []
    assert len(SHORT_FORMS.forms) >= 30
    assert "PM" not in {form.short for form in SHORT_FORMS.forms}  # project or product?


def test_a_pack_adds_and_replaces_short_forms(tmp_path: Path) -> None:
    (tmp_path / "pack.toml").write_text(
        'name = "hospital"\nextends = ["shipped"]\n'
        '[short_forms]\nEHR = "electronic health records"\nAI = "applied informatics"\n',
        encoding="utf-8",
    )
    pack = load_pack(tmp_path)
    forms = pack.short_forms
    assert forms.match("EHR", "electronic health records") is not None
    assert forms.match("AI", "applied informatics") is not None
    assert forms.match("AI", "artificial intelligence") is None  # replaced, not added
    assert forms.match("biotech", "biotechnology") is not None  # inherited
    assert shipped_rules().short_forms.match("EHR", "electronic health records") is None
    advisor = Advisor(pack, engine="python")
    advice = advisor.advise(
        {
            "mentee": {"industry": "Electronic Health Records"},
            "candidates": [
                {"name": "Ama", "relation": "outside", "industry": "EHR", "years_in_industry": 9}
            ],
        }
    )
    assert "industry-insider" in advice.for_candidate("Ama").rules


@pytest.mark.parametrize(
    ("table", "said"),
    [
        ('biotechnology = "biotech"', "the long form 'biotech' is itself a short form"),
        ('"bio-tech" = "Biotech"', "the long form is the short form written another way"),
        ('gen = "ML engineering"', "the long form 'ML engineering' holds a short form as a word"),
        ('"--" = "dashes"', "a short form and its long form need letters or digits"),
    ],
)
def test_a_wrong_short_form_is_named_with_its_file(tmp_path: Path, table: str, said: str) -> None:
    (tmp_path / "pack.toml").write_text(
        f'name = "p"\nextends = ["shipped"]\n[short_forms]\n{table}\n', encoding="utf-8"
    )
    with pytest.raises(RuleError) as caught:
        load_pack(tmp_path)
    [problem] = caught.value.problems
    assert problem.file.endswith("pack.toml")
    assert problem.field is not None
    assert problem.field.startswith("short_forms.")
    assert problem.message == said


@pytest.mark.parametrize("engine", available_engines())
def test_both_engines_match_spelling_and_short_forms_and_say_how(engine: str) -> None:
    """The issue's defect: her "biotechnology" did not match his "biotech"."""
    advice = Advisor(engine=engine).advise(  # type: ignore[arg-type]
        {
            "mentee": {"industry": "insurance", "target_industry": "biotechnology",
                       "job": "data engineer", "target_job": "Health-Care Analyst"},
            "candidates": [
                {"name": "Tomás", "relation": "outside", "industry": "Biotech",
                 "years_in_industry": 11},
                {"name": "Wen", "relation": "peer", "jobs": ["healthcare analyst"]},
                {"name": "Odile", "relation": "outside", "industry": "biology",
                 "years_in_industry": 20},
            ],
        }
    )  # fmt: skip
    assert "industry-insider" in advice.for_candidate("Tomás").rules
    assert "knows-the-job" in advice.for_candidate("Wen").rules
    assert "industry-insider" not in advice.for_candidate("Odile").rules
    [insider] = [r for r in advice.recommendations if r.rule == "industry-insider"]
    [industry] = [e for e in insider.evidence if e.path == "candidates[0].industry"]
    assert industry.matched is not None
    assert industry.matched.how == MatchHow.SHORT_FORM
    assert industry.matched.short_forms == (ShortForm("biotech", "biotechnology"),)
    [job] = [r for r in advice.recommendations if r.rule == "knows-the-job"]
    [held] = [e for e in job.evidence if e.path == "candidates[1].jobs[0]"]
    assert held.matched is not None
    assert held.matched.how == MatchHow.SAME
    assert all(e.matched is None for e in job.evidence if e is not held)


def test_an_unmatched_table_is_empty_and_matches_only_alike_texts() -> None:
    empty = ShortForms()
    assert empty.match("health care", "HEALTHCARE") is not None
    assert empty.match("biotech", "biotechnology") is None


# --------------------------------------------------------------------------- echoes


@pytest.mark.parametrize(
    ("trait", "note"),
    [
        ("micromanages", "micromanaging"),
        ("gives blunt feedback", "blunt feedback"),  # one's words all among the other's
        ("always busy", "busy"),  # "always" says how often, not what
        ("mostly talks about her own career", "only talked about their own career"),
        ("doesn't micromanage", "does not micromanage"),
        ("never listens", "not listening"),  # both negated
        ("shares her contacts and introduces people", "shared contacts, introduced people"),
        # four words in common, one more on either side
        (
            "explains the reasons behind decisions patiently",
            "explained reasons behind every decision",
        ),
    ],
)
def test_texts_that_echo(trait: str, note: str) -> None:
    assert echoes(trait, note)


@pytest.mark.parametrize(
    ("trait", "note"),
    [
        ("not patient", "patient"),  # negated against affirmative
        ("doesn't micromanage", "micromanaging"),
        ("rarely available", "available"),
        ("blunt feedback", "slow feedback"),  # one word in common of two
        ("talks about her own career", "talked about his own family"),  # two of three
        ("patient", "impatient"),
    ],
)
def test_texts_that_do_not_echo(trait: str, note: str) -> None:
    assert not echoes(trait, note)


def test_known_limits_of_echoes() -> None:
    """What the rule cannot see, as docs/input.md says: words of opposite meaning that are
    not negations, and the same thing in other words."""
    assert echoes("answers emails late at night", "answered emails quickly at night")
    assert not echoes("generous with her time", "always makes time for me")


_NOTES = st.one_of(st.sampled_from(ECHO_POOL), texts())


@given(_NOTES, _NOTES)
def test_echoing_is_symmetric(trait: str, note: str) -> None:
    assert echoes(trait, note) == echoes(note, trait)


@given(_NOTES, _NOTES)
def test_a_negated_note_never_echoes_an_affirmative_trait(trait: str, note: str) -> None:
    assume(gist(trait).negated != gist(note).negated)
    assert not echoes(trait, note)


_WORD = st.text(string.ascii_lowercase, min_size=3, max_size=9).filter(
    lambda w: w not in STOP_WORDS and w not in NEGATIONS and w != "t"
)


@given(_NOTES, _NOTES, st.lists(_WORD, min_size=1, max_size=4))
def test_adding_unrelated_words_never_creates_an_echo(
    trait: str, note: str, added: list[str]
) -> None:
    assume(not echoes(trait, note))
    theirs = gist(note)
    unrelated = [w for w in added if gist(w).stems.isdisjoint(theirs.stems)]
    assume(unrelated)
    assert not echoes(" ".join([trait, *unrelated]), note)


@given(st.lists(_NOTES, max_size=6), _NOTES)
def test_the_echo_index_finds_what_comparing_every_pair_finds(notes: list[str], trait: str) -> None:
    assert EchoIndex(notes).echoed(trait) == any(echoes(trait, note) for note in notes)


@given(_NOTES)
def test_a_text_with_words_echoes_itself(text: str) -> None:
    assume(gist(text).stems)
    assert echoes(text, text)


_VOCABULARY = st.sampled_from(
    [
        "talks",
        "career",
        "own",
        "feedback",
        "blunt",
        "slow",
        "busy",
        "listens",
        "patient",
        "late",
        "not",
        "never",
        "her",
        "mostly",
    ]
)
_SMALL_TEXTS = st.lists(_VOCABULARY, min_size=1, max_size=6).map(" ".join)


@given(st.lists(_SMALL_TEXTS, max_size=12), _SMALL_TEXTS)
def test_the_echo_index_finds_what_comparing_every_pair_finds_among_overlapping_notes(
    notes: list[str], trait: str
) -> None:
    """Texts of a few words from a small vocabulary overlap in every way: the index's choice
    of whom to compare (the two rarest stems of each side) misses no echo."""
    assert EchoIndex(notes).echoed(trait) == any(echoes(trait, note) for note in notes)


# --------------------------------------------------------------------------- fast paths (issue 16)
# Each fast path of issue 16, item 5 (one advise at the limits within 250 ms) against the
# definition it replaced, kept here as the reference.


def _reference_text_key(text: str) -> str:
    words = "".join(c if c.isalnum() else " " for c in text.casefold().replace(".", ""))
    return " ".join(words.split())


def _reference_compact_key(text: str) -> str:
    return "".join(c for c in text.casefold() if c.isalnum())


def _reference_gist(text: str) -> Gist:
    words = ["not" if w == "t" else w for w in _reference_text_key(text).split()]
    negated = any(w in NEGATIONS for w in words)
    content = [w for w in words if w not in STOP_WORDS and w not in NEGATIONS] or words
    return Gist(frozenset(make_stemmer(compiled=False).stemWords(content)), negated)


def _reference_gists_echo(mine: Gist, theirs: Gist) -> bool:
    if mine.negated != theirs.negated:
        return False
    a, b = mine.stems, theirs.stems
    shared = len(a & b)
    if not shared:
        return False
    if shared == len(a) or shared == len(b):
        return True
    return shared >= 3 and len(a) - shared <= 1 and len(b) - shared <= 1


#: Texts of every kind: ASCII (the translate tables), other scripts made of words and spaces
#: (the quick check), and anything else (the pattern), punctuation, "_", dots and "don't".
_ANY_TEXT = st.one_of(
    st.text(),
    st.text(string.ascii_letters + string.digits + string.punctuation + " \t\n"),
    st.text("aé ßİıK.-_'ǅΣσς日本語٣ \u00a0\u2028"),
    st.lists(st.sampled_from(["don't", "t", "not", "the", "é", "B.A.", "x_y", "Straße"])).map(
        " ".join
    ),
)


@given(_ANY_TEXT)
def test_text_keys_are_their_reference_definitions(text: str) -> None:
    assert text_key(text) == _reference_text_key(text)
    assert compact_key(text) == _reference_compact_key(text)
    assert compact_key(text) == text_key(text).replace(" ", "")  # what ShortForms relies on


def test_what_is_a_letter_or_digit_is_decided_alike_for_every_code_point() -> None:
    every = "".join(map(chr, range(0x110000)))
    assert compact_key(every) == _reference_compact_key(every)
    assert text_key(every) == _reference_text_key(every)


@given(st.one_of(_ANY_TEXT, _NOTES))
def test_a_gist_is_its_reference_definition_with_the_pure_python_stemmer(text: str) -> None:
    assert gist(text) == _reference_gist(text)


_STEMS = st.frozensets(st.sampled_from("abcdefgh"), max_size=8)


@given(_STEMS, st.booleans(), _STEMS, st.booleans())
def test_whether_gists_echo_is_its_reference_definition(
    mine: frozenset[str], negated: bool, theirs: frozenset[str], their_negation: bool
) -> None:
    a, b = Gist(mine, negated), Gist(theirs, their_negation)
    assert gists_echo(a, b) == _reference_gists_echo(a, b)


def _words_of_the_docs() -> list[str]:
    root = Path(__file__).resolve().parents[1]
    found: set[str] = set()
    for path in [*root.glob("docs/**/*.md"), *root.glob("rules/**/*.toml"), root / "README.md"]:
        found.update(text_key(path.read_text(encoding="utf-8")).split())
    return sorted(found)


def test_the_compiled_stemmer_stems_as_the_pure_python_one() -> None:
    """PyStemmer (the Snowball project's C binding) is used when installed; where it is not,
    snowballstemmer's pure Python stems instead, and the advice must not change."""
    compiled = make_stemmer()
    if type(compiled).__module__ == make_stemmer(compiled=False).__module__:
        pytest.skip("PyStemmer is not installed here: the pure-Python stemmer is the one used")
    words = _words_of_the_docs()
    assert len(words) > 3000
    assert compiled.stemWords(words) == make_stemmer(compiled=False).stemWords(words)


@given(st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=20))
def test_the_stemmers_agree_on_any_words(words: list[str]) -> None:
    assert make_stemmer().stemWords(words) == make_stemmer(compiled=False).stemWords(words)


def test_the_advice_is_the_same_with_the_pure_python_stemmer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    document = {
        "mentee": {
            "past_mentors": [
                {"setting": "school", "worked": [t for t, _ in _ECHOING]},
                {"setting": "previous_company", "did_not_work": ["never listened", "bossy"]},
            ]
        },
        "candidates": [
            {"name": f"c{n}", "relation": "peer", "traits": [trait, "doesn't micromanage"]}
            for n, (_, trait) in enumerate(_ECHOING)
        ],
    }
    advisor = Advisor(engine="python")
    clear_caches()
    compiled = advisor.advise(document)
    assert all("echoes-what-worked" in v.rules for v in compiled.candidates)
    monkeypatch.setattr(mentor_rules.model.text, "_STEMMER", make_stemmer(compiled=False))
    clear_caches()
    assert advisor.advise(document) == compiled
    clear_caches()


_ECHOING = [
    ("micromanages", "micromanaging"),
    ("blunt feedback", "gives blunt feedback"),
    ("mostly talks about her own career", "only talked about their own career"),
    ("explains the reasons behind decisions patiently", "explained reasons behind a decision"),
]
