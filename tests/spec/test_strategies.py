"""``mentor_rules.testing`` keeps its own promises: it covers the whole input space, its rule
packs use every construct of the condition language, and it needs Hypothesis only when used."""

from __future__ import annotations

import subprocess
import sys
import typing
from collections.abc import Callable, Iterator
from enum import StrEnum
from typing import Any, TypeVar

import attrs
import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

from mentor_rules import (
    Candidate,
    CareerMove,
    Chemistry,
    CoachingRole,
    Goal,
    GoalKind,
    GoalScope,
    Kind,
    Mentee,
    PastMentor,
    Relation,
    Setting,
    Situation,
    Willingness,
    rules_from_documents,
    situation_from_dict,
    situation_to_dict,
)
from mentor_rules.language.expr import Condition, parse_condition, walk
from mentor_rules.model.vocabulary import ABOUT, CONCLUSIONS, About, roots_for, subject_types
from mentor_rules.testing import (
    TEXT_POOL,
    conditions,
    rule_documents,
    rule_packs,
    situation_documents,
    situations,
)

from ._support import echoes, fewer_examples

_T = TypeVar("_T")

#: The fewest tries a probe gets, whatever the profile. A probe stops at its first hit, so this
#: costs time only when it fails; it is set by the slowest corners: over 150 runs each, "a
#: newcomer at the threshold" and "the item's own list" took up to about 1,300 tries (1 run in
#: 10 needed over 500), so below 3,000 a run of the suite would now and then fail for nothing.
PROBE_FLOOR = 3000
#: Tries per example of the active profile: the ``ci`` profile (400 examples) probes 8,000 times.
PROBE_FACTOR = 20


def probe_budget(max_examples: int | None = None) -> int:
    """How many tries a probe gets for ``max_examples`` (default: the active profile's)."""
    if max_examples is None:
        max_examples = settings().max_examples
    return max(PROBE_FLOOR, PROBE_FACTOR * max_examples)


class _Reached(Exception):
    """Raised by a probe when it meets what it looks for."""


def reaches(strategy: st.SearchStrategy[_T], predicate: Callable[[_T], bool]) -> None:
    """Fail unless ``strategy`` generates a value meeting ``predicate`` within
    :func:`probe_budget` tries.

    No shrinking (unlike :func:`hypothesis.find`): only whether it is reached matters here.
    """
    budget = probe_budget()

    @settings(
        max_examples=budget,
        database=None,
        deadline=None,
        derandomize=False,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def probe(value: _T) -> None:
        if predicate(value):
            raise _Reached

    try:
        probe()
    except _Reached:
        return
    pytest.fail(f"the strategy never generated such a value in {budget} tries")


def _model_classes() -> tuple[list[type], list[type[StrEnum]]]:
    """The attrs classes and the enums a situation is made of, read from the model (a class or
    enum added to it is then covered here without a word)."""
    classes: list[type] = []
    enums: list[type[StrEnum]] = []

    def visit(annotation: object) -> None:
        if isinstance(annotation, type) and attrs.has(annotation):
            if annotation not in classes:
                classes.append(annotation)
                for hint in typing.get_type_hints(annotation).values():
                    visit(hint)
        elif isinstance(annotation, type) and issubclass(annotation, StrEnum):
            if annotation not in enums:
                enums.append(annotation)
        else:
            for argument in typing.get_args(annotation):
                visit(argument)

    visit(Situation)
    return classes, enums


_CLASSES, _ENUMS = _model_classes()
_ENUM_VALUES = [member for enum in _ENUMS for member in enum]


def _objects_in(value: object) -> Iterator[object]:
    """Every attrs object in ``value``, itself included, depth first."""
    if attrs.has(type(value)):
        yield value
        for field in attrs.fields(typing.cast(Any, type(value))):
            yield from _objects_in(getattr(value, field.name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _objects_in(item)


def _values_in(situation: Situation) -> set[StrEnum]:
    found: set[StrEnum] = set()
    for obj in _objects_in(situation):
        for field in attrs.fields(typing.cast(Any, type(obj))):
            value = getattr(obj, field.name)
            items = value if isinstance(value, tuple) else (value,)
            found |= {item for item in items if isinstance(item, StrEnum)}
    return found


def test_the_model_walk_finds_the_models_classes_and_enums() -> None:
    """The walk above sees what the model is made of (so the tests below are not vacuous)."""
    assert {Situation, Mentee, Candidate, Goal, PastMentor} <= set(_CLASSES)
    assert {CareerMove, Chemistry, CoachingRole, GoalKind, GoalScope, Relation} <= set(_ENUMS)
    assert {Setting, Willingness} <= set(_ENUMS)


_MODEL_FIELDS = [(cls, field) for cls in _CLASSES for field in attrs.fields(cls)]


@pytest.mark.parametrize(
    ("cls", "field"), _MODEL_FIELDS, ids=[f"{c.__name__}.{f.name}" for c, f in _MODEL_FIELDS]
)
def test_generated_situations_set_every_model_field(cls: type, field: Any) -> None:
    """Every field of every class of the model gets a value other than its default (a field
    the strategies never set would make the promises about it pass without testing them)."""

    def differs(obj: object) -> bool:
        value = getattr(obj, field.name)
        if field.default is attrs.NOTHING:
            return True
        default = field.default
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            default = default.factory()
        return bool(value != default)

    reaches(
        situations(),
        lambda s: any(isinstance(o, cls) and differs(o) for o in _objects_in(s)),
    )


_NODES = typing.get_args(Condition)


@pytest.mark.parametrize("node", _NODES, ids=[n.__name__ for n in _NODES])
def test_generated_conditions_hold_every_node_class(node: type) -> None:
    """Every class of the condition language's closed union is generated (a new node class
    the strategies never make would leave both engines' handling of it untested)."""
    about_and_text = st.sampled_from(ABOUT).flatmap(
        lambda about: st.tuples(st.just(about), conditions(about))
    )
    reaches(
        about_and_text,
        lambda pair: any(
            isinstance(n, node) for n in walk(parse_condition(pair[1], roots_for(pair[0])))
        ),
    )


_SUBJECT_FIELDS = [
    (about, name, name in CONCLUSIONS[about])
    for about, subject in subject_types().items()
    for name in subject.fields
]


@pytest.mark.parametrize(
    ("about", "name", "concluded"),
    _SUBJECT_FIELDS,
    ids=[f"{about}.{name}" for about, name, _ in _SUBJECT_FIELDS],
)
def test_generated_rules_read_every_field_of_every_subject(
    about: About, name: str, concluded: bool
) -> None:
    """Every field a condition may read (input, derived and conclusion fields) is read by some
    generated condition; conclusion fields only in rule packs, where lower layers exist."""
    if concluded:
        reaches(
            rule_documents(),
            lambda documents: any(
                f"{about}.{name}" in d["when"] + d.get("unless", "") for d in documents
            ),
        )
    else:
        reaches(conditions(about), lambda text: f"{about}.{name}" in text)


@pytest.mark.parametrize("value", _ENUM_VALUES, ids=lambda v: f"{type(v).__name__}.{v.value}")
def test_generated_situations_hold_every_enum_value(value: StrEnum) -> None:
    reaches(situations(), lambda s: value in _values_in(s))


_CORNERS: dict[str, Callable[[Situation], bool]] = {
    "no candidates": lambda s: not s.candidates,
    "six candidates": lambda s: len(s.candidates) == 6,
    "unknown tenure": lambda s: s.mentee.months_at_company is None,
    "a newcomer at the threshold": lambda s: s.mentee.months_at_company in (11, 12),
    "unknown years at the company": lambda s: any(c.years_at_company is None for c in s.candidates),
    "exactly 3 years at the company": lambda s: any(c.years_at_company == 3 for c in s.candidates),
    "exactly 5 years in the industry": lambda s: any(
        c.years_in_industry == 5 for c in s.candidates
    ),
    "unknown culture knowledge": lambda s: any(c.knows_culture is None for c in s.candidates),
    "a long list of traits": lambda s: any(len(c.traits) >= 5 for c in s.candidates),
    "many goals": lambda s: len(s.mentee.goals) >= 4,
    "the whole coaching team": lambda s: len(s.mentee.support_roles) == 5,
    "a name with a space and non-ASCII letters": lambda s: any(
        " " in c.name.strip() and not c.name.isascii() for c in s.candidates
    ),
    "a name outside the pool": lambda s: any(
        c.name not in ("Dana", "Sam", "Rita", "Pat") and len(c.name) > 12 for c in s.candidates
    ),
    "a trait that echoes what worked": lambda s: any(echoes(c, s, "worked") for c in s.candidates),
    "a trait that echoes what did not work": lambda s: any(
        echoes(c, s, "did_not_work") for c in s.candidates
    ),
    "an echo that differs in case or spacing": lambda s: any(
        t not in {w for p in s.mentee.past_mentors for w in p.worked}
        for c in s.candidates
        if echoes(c, s, "worked")
        for t in c.traits
    ),
    "many conversations": lambda s: any(c.conversations > 100 for c in s.candidates),
    "a name as long as allowed": lambda s: any(len(c.name) == 500 for c in s.candidates),
    "an idea as long as allowed": lambda s: any(len(i) == 500 for i in s.mentee.ideas),
}


@pytest.mark.parametrize("corner", sorted(_CORNERS))
def test_generated_situations_reach_every_corner_of_the_input_space(corner: str) -> None:
    reaches(situations(), _CORNERS[corner])


@given(situation_documents())
def test_generated_situation_documents_are_valid(document: dict[str, Any]) -> None:
    """Each is read without a SituationError, and is in ``situation_to_dict``'s form."""
    assert situation_to_dict(situation_from_dict(document)) == document


_CONSTRUCTS: dict[str, tuple[str, str]] = {
    "==": ("mentee", " == "),
    "!=": ("mentee", " != "),
    "<": ("mentee", " < "),
    "<=": ("mentee", " <= "),
    ">": ("mentee", " > "),
    ">=": ("mentee", " >= "),
    "in [...]": ("mentee", " in ["),
    "not in [...]": ("mentee", " not in ["),
    "value in list": ("mentee", '" in mentee.'),
    "value not in list": ("mentee", '" not in mentee.'),
    "is None": ("mentee", " is None"),
    "is not None": ("mentee", " is not None"),
    "a bare boolean": ("role", "(role.filled)"),
    "len(...)": ("mentee", "len("),
    "any(...)": ("mentee", "any("),
    "all(...)": ("mentee", "all("),
    "an if filter": ("mentee", " if "),
    "and": ("mentee", " and "),
    "or": ("mentee", " or "),
    "not": ("mentee", "not ("),
    "echoes_worked": ("candidate", "candidate.echoes_worked"),
    "echoes_did_not_work": ("candidate", "candidate.echoes_did_not_work"),
    "a nullable field": ("candidate", "candidate.knows_culture"),
    "a literal on the left": ("past_mentor", '" == past_mentor.setting'),
    "the item's own list": ("past_mentor", " in x.worked"),
}


@pytest.mark.parametrize("construct", sorted(_CONSTRUCTS))
def test_generated_conditions_use_every_construct(construct: str) -> None:
    about, needle = _CONSTRUCTS[construct]
    reaches(conditions(about), lambda text: needle in text)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("about", "kind"),
    [("candidate", kind) for kind in Kind]
    + [
        (about, kind)
        for about in ("mentee", "role", "past_mentor")
        for kind in (Kind.PREREQUISITE, Kind.INSIGHT, Kind.CAUTION, Kind.ACTION)
    ],
)
def test_generated_rule_packs_hold_rules_of_every_subject_and_kind(about: str, kind: Kind) -> None:
    reaches(rule_packs(), lambda pack: any(r.about == about and r.kind == kind for r in pack))


@pytest.mark.parametrize("with_step", [True, False], ids=["with a step", "without a step"])
def test_generated_rule_documents_have_a_step_or_not(with_step: bool) -> None:
    reaches(rule_documents(), lambda documents: any(("step" in d) == with_step for d in documents))


@fewer_examples(4)
@given(rule_documents())
def test_generated_rule_documents_compile_into_rule_sets_that_keep_their_conditions(
    documents: list[dict[str, Any]],
) -> None:
    pack = rules_from_documents(documents, require_examples=False)
    assert sorted(pack.ids) == sorted(d["id"] for d in documents)
    for document in documents:
        rule = pack[document["id"]]
        assert rule.when == document["when"].strip()
        assert (rule.about, rule.kind.value) == (document["about"], document["kind"])
        assert not rule.examples


def test_probes_get_more_tries_under_a_bigger_profile() -> None:
    assert probe_budget(settings.get_profile("dev").max_examples) == PROBE_FLOOR
    assert probe_budget(settings.get_profile("ci").max_examples) == PROBE_FLOOR
    assert probe_budget(settings.get_profile("deep").max_examples) == 400 * PROBE_FACTOR
    assert probe_budget() == probe_budget(settings().max_examples)


def test_the_text_pool_has_texts_that_only_differ_in_case_and_spacing() -> None:
    keys = [" ".join(t.casefold().split()) for t in TEXT_POOL]
    assert len(set(keys)) < len(keys)


def test_importing_testing_without_hypothesis_raises_a_clear_import_error() -> None:
    code = (
        "import sys\n"
        "sys.modules['hypothesis'] = None\n"
        "try:\n"
        "    import mentor_rules.testing\n"
        "except ImportError as exc:\n"
        "    print('ImportError:', exc)\n"
        "else:\n"
        "    print('imported')\n"
        "import mentor_rules\n"
        "print('library', mentor_rules.advise({}).next_steps[0].rule)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    lines = result.stdout.splitlines()
    assert lines[0].startswith("ImportError: mentor_rules.testing needs Hypothesis")
    assert "pip install hypothesis" in lines[0]
    assert lines[1] == "library know-what-you-want"  # the library itself works without it


def test_situations_shrink_to_a_readable_minimum() -> None:
    """The smallest situation with a direct manager is one plain candidate with defaults."""
    smallest = find(
        situations(max_candidates=3),
        lambda s: any(c.relation == Relation.DIRECT_MANAGER for c in s.candidates),
        settings=settings(
            max_examples=probe_budget(),
            suppress_health_check=list(HealthCheck),
            database=None,
        ),
    )
    [candidate] = smallest.candidates
    assert candidate.name == "Dana"
    assert (candidate.traits, candidate.conversations, candidate.years_at_company) == ((), 0, None)
    assert smallest.mentee.goals == ()
    assert smallest.mentee.name is None
