"""Hypothesis strategies for property-testing mentor-rules and rule packs built on it.

Embedding applications can test their own rule packs the way the library tests its shipped one::

    from hypothesis import given
    from mentor_rules import Advisor, load_rules
    from mentor_rules.testing import situations

    advisor = Advisor(load_rules("my-rules/"))

    @given(situations())
    def test_nobody_is_told_to_ask_their_direct_manager(situation):
        advice = advisor.advise(situation)
        ...

The strategies cover the whole input space: every enum value, unknown values as ``None``, empty
and long lists, names and texts with unicode and spaces. Trait, idea and past-mentor texts are
drawn partly from :data:`TEXT_POOL` and :data:`ECHO_POOL`, small pools whose members echo one
another as the library compares them (by word stems, ignoring case and spacing), so that a
candidate's traits really do echo what worked or did not work with past mentors; industries and
jobs from :data:`FIELD_POOL`, likewise. Numbers lean towards the thresholds the shipped rules use
(12 months, 3 and 5 years, 0, 1 and 2 conversations). Everything shrinks towards small, readable
values: the first pool entries, short lists, ``None`` and zero.

:func:`rule_packs` generates rule sets with random but type-correct conditions in the condition
language, covering every construct it has (see :func:`conditions`).

Hypothesis is an optional dependency: ``pip install hypothesis``, or the ``test`` extra
(``pip install '.[test]'`` in a checkout).
"""

from __future__ import annotations

import keyword
from collections.abc import Mapping, Sequence
from typing import Any

try:
    from hypothesis import strategies as st
except ImportError as _missing:  # pragma: no cover - exercised in a subprocess by the spec tests
    raise ImportError(
        "mentor_rules.testing needs Hypothesis, an optional dependency of mentor-rules: "
        "install it with `pip install hypothesis` (or, in a checkout of mentor-rules, its test "
        "extra: `pip install '.[test]'`)"
    ) from _missing

import attrs

from ._repr import attrs_repr
from .language.expr import EnumType, FieldType, ListType, NullableType, ObjectType, ScalarType
from .model import situation as model
from .model.documents import situation_to_dict
from .model.limits import Limits
from .model.text import name_key
from .model.vocabulary import (
    ABOUT,
    CANDIDATE_KINDS,
    CONCLUSIONS,
    About,
    Conclusion,
    Kind,
    Stage,
    enum_values,
    roots_for,
)
from .rules.reader import POSITION_FIELDS, rules_from_documents
from .rules.ruleset import RuleSet

__all__ = [
    "ECHO_POOL",
    "FIELD_POOL",
    "NAME_POOL",
    "TEXT_POOL",
    "candidates",
    "conditions",
    "fields_of_work",
    "goals",
    "mentees",
    "names",
    "past_mentors",
    "rule_documents",
    "rule_packs",
    "situation_documents",
    "situations",
    "texts",
]

#: Texts shared by traits, ideas and past mentors' ``worked`` / ``did_not_work`` lists. Several
#: entries are the same text to the echo comparison (case and spacing do not count:
#: ``"patient"``, ``"Patient"``, ``"  PATIENT "``), so echoes happen often, and some differ
#: only in ways that must not matter (``"Strasse"`` and ``"STRAßE"``).
TEXT_POOL: tuple[str, ...] = (
    "patient",
    "Patient",
    "  PATIENT ",
    "hard to reach",
    "Hard  to\treach",
    "direct",
    "busy",
    "generous with time",
    "Strasse",
    "STRAßE",
    "weekly check-ins",
    "a self-service analytics portal",
    "ça marche",
    "気配り",
)

#: Industries and jobs: several are one to the comparison (case, spacing and punctuation do not
#: count: ``"UX design"``, ``"ux-design"``, ``" U.X. Design "``; a short form is its long form:
#: ``"biotech"``, ``"Biotechnology"``), so matches happen often; and near misses that must
#: not match (``"healthcare staffing"``).
FIELD_POOL: tuple[str, ...] = (
    "UX design",
    "ux-design",
    " U.X. Design ",
    "finance",
    "Finance",
    "retail",
    "data analyst",
    "Data  Analyst",
    "product manager",
    "Ärztin",
    "health care",
    "Healthcare",
    "healthcare staffing",
    "biotech",
    "Biotechnology",
    "fintech",
    "financial technology",
)

#: Traits and notes about past mentors that echo each other word by word (stems compared), and
#: some that must not (a negated one, one about another thing).
ECHO_POOL: tuple[str, ...] = (
    "micromanages",
    "micromanaging",
    "doesn't micromanage",
    "not patient",
    "gives blunt feedback",
    "blunt feedback",
    "asks hard questions",
    "asked hard questions",
    "mostly talks about her own career",
    "only talked about their own career",
    "never talks about his own career",
    "talks about her own family",
)

#: Candidate names: plain, with spaces, with accents and in other scripts.
NAME_POOL: tuple[str, ...] = (
    "Dana",
    "Sam",
    "Rita",
    "Pat",
    "Priya Raman",
    "José Álvarez",
    "Zoë",
    " Lee ",
    "李雷",
    "O'Brien",
)

# Plain text: any Unicode but lone surrogates (which no UTF-8 JSON document can hold).
_ANY_TEXT = st.text(
    alphabet=st.characters(exclude_categories=["Cs"]), min_size=1, max_size=40
).filter(lambda text: bool(text.strip()))

#: Texts as long as the default limits allow (``Limits().max_text`` characters), one of them
#: padded with spaces.
MAX_TEXT = Limits().max_text
_LONGEST = st.sampled_from([("a long text " * MAX_TEXT)[:MAX_TEXT], " " * (MAX_TEXT - 1) + "Ω"])


def texts() -> st.SearchStrategy[str]:
    """Valid free texts (traits, ideas, what worked): mostly from :data:`TEXT_POOL` and
    :data:`ECHO_POOL`, else any non-blank text, sometimes one as long as allowed."""
    return st.one_of(st.sampled_from(TEXT_POOL), st.sampled_from(ECHO_POOL), _ANY_TEXT, _LONGEST)


def fields_of_work() -> st.SearchStrategy[str]:
    """Industries and job titles: mostly from :data:`FIELD_POOL`, else any non-blank text."""
    return st.one_of(st.sampled_from(FIELD_POOL), _ANY_TEXT)


def _maybe_field() -> st.SearchStrategy[str | None]:
    return st.one_of(st.none(), fields_of_work())


def names() -> st.SearchStrategy[str]:
    """Valid candidate names: mostly from :data:`NAME_POOL`, else any non-blank text, sometimes
    one as long as allowed."""
    return st.one_of(st.sampled_from(NAME_POOL), _ANY_TEXT, _LONGEST)


def _text_lists(max_size: int) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(texts(), max_size=max_size).map(tuple)


def _years() -> st.SearchStrategy[float | None]:
    # None (unknown) first; then the thresholds of the rules and their neighbours; then any.
    return st.one_of(
        st.none(),
        st.integers(0, 8).map(float),
        st.sampled_from([2.5, 2.9999999999999996, 4.999, 5e-324]),
        st.floats(min_value=0, max_value=model.MAX_YEARS, allow_nan=False, allow_infinity=False),
        st.integers(0, int(model.MAX_YEARS)),  # ints are numbers too (as in JSON)
    )


def goals() -> st.SearchStrategy[model.Goal]:
    """A goal: every kind and scope, with or without a detail."""
    return st.builds(
        model.Goal,
        kind=st.sampled_from(model.GoalKind),
        scope=st.sampled_from(model.GoalScope),
        detail=st.one_of(st.just(""), texts()),
    )


def past_mentors(*, max_texts: int = 5) -> st.SearchStrategy[model.PastMentor]:
    """A past mentor: every setting, with up to ``max_texts`` texts that worked and did not."""
    return st.builds(
        model.PastMentor,
        setting=st.sampled_from(model.Setting),
        worked=_text_lists(max_texts),
        did_not_work=_text_lists(max_texts),
    )


def mentees(
    *, max_goals: int = 5, max_ideas: int = 5, max_past_mentors: int = 4
) -> st.SearchStrategy[model.Mentee]:
    """A mentee: unknown or any tenure (leaning to the first year), any goals, team and past."""
    return st.builds(
        model.Mentee,
        name=st.one_of(st.none(), names()),
        months_at_company=st.one_of(
            st.none(), st.integers(0, 24), st.integers(0, model.MAX_MONTHS)
        ),
        wants_to_innovate=st.booleans(),
        hired_for_fresh_perspective=st.booleans(),
        career_move=st.sampled_from(model.CareerMove),
        industry=_maybe_field(),
        target_industry=_maybe_field(),
        job=_maybe_field(),
        target_job=_maybe_field(),
        goals=st.lists(goals(), max_size=max_goals).map(tuple),
        ideas=_text_lists(max_ideas),
        support_roles=st.lists(st.sampled_from(model.CoachingRole), unique=True).map(tuple),
        past_mentors=st.lists(past_mentors(), max_size=max_past_mentors).map(tuple),
    )


def candidates(
    *, name: st.SearchStrategy[str] | None = None, max_traits: int = 6
) -> st.SearchStrategy[model.Candidate]:
    """A candidate mentor: every relation, chemistry and willingness, facts known or not."""
    return st.builds(
        model.Candidate,
        name=names() if name is None else name,
        relation=st.sampled_from(model.Relation),
        years_at_company=_years(),
        years_in_industry=_years(),
        knows_culture=st.one_of(st.none(), st.booleans()),
        chemistry=st.sampled_from(model.Chemistry),
        conversations=st.one_of(st.integers(0, 3), st.integers(0, model.MAX_CONVERSATIONS)),
        willing=st.sampled_from(model.Willingness),
        traits=_text_lists(max_traits),
        industry=_maybe_field(),
        jobs=st.lists(fields_of_work(), max_size=3).map(tuple),
    )


def situations(
    *,
    min_candidates: int = 0,
    max_candidates: int = 6,
    mentee: st.SearchStrategy[model.Mentee] | None = None,
    candidate: st.SearchStrategy[model.Candidate] | None = None,
) -> st.SearchStrategy[model.Situation]:
    """A valid situation: a mentee and candidates whose names differ (even ignoring case and
    runs of white space, as the library compares them)."""
    return st.builds(
        model.Situation,
        mentee=mentees() if mentee is None else mentee,
        candidates=st.lists(
            candidates() if candidate is None else candidate,
            min_size=min_candidates,
            max_size=max_candidates,
            unique_by=lambda c: name_key(c.name),
        ).map(tuple),
    )


def situation_documents(**kwargs: Any) -> st.SearchStrategy[dict[str, Any]]:
    """A valid situation as a JSON document (``situation_to_dict``); takes :func:`situations`'s
    arguments."""
    return situations(**kwargs).map(situation_to_dict)


# --------------------------------------------------------------------------- conditions

_OPS = ("==", "!=", "<", "<=", ">", ">=")
_MAX_CONDITION = 2000  # the longest condition the language accepts
_ITEM_NAMES = ("x", "g", "each", "item")


@attrs.frozen
class _Field:
    """A field a condition can name: its text (``candidate.years_at_company``) and type."""

    __repr__ = attrs_repr

    text: str
    type: FieldType
    nullable: bool
    item: bool  # the field belongs to the current item of any()/all()


def _fields_of(prefix: str, object_type: ObjectType, item: bool) -> list[_Field]:
    found = []
    for name, field_type in object_type.fields.items():
        nullable = isinstance(field_type, NullableType)
        inner = field_type.inner if isinstance(field_type, NullableType) else field_type
        found.append(_Field(f"{prefix}.{name}", inner, nullable, item))
    return found


def _scalar_literals(field_type: FieldType, field_text: str) -> st.SearchStrategy[Any]:
    """Literal values of the right type for a field, leaning to the ones data really holds."""
    if isinstance(field_type, EnumType):
        return st.sampled_from(field_type.values)
    assert isinstance(field_type, ScalarType)
    if field_type.name == "bool":
        return st.booleans()
    if field_type.name == "int":
        return st.one_of(st.integers(0, 13), st.integers(-2, model.MAX_CONVERSATIONS + 1))
    if field_type.name == "number":
        return st.one_of(
            st.integers(0, 8),
            st.sampled_from([2.5, 3.0, 4.999, 5.0, -1]),
            st.floats(min_value=-1, max_value=model.MAX_YEARS + 1, allow_nan=False),
        )
    pool = NAME_POOL if field_text.endswith(".name") else TEXT_POOL
    return st.one_of(st.sampled_from(pool), _ANY_TEXT)


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, str):
        return _string_literal(value)
    return repr(value)


def _string_literal(value: str) -> str:
    # repr() is a valid Python literal; force double quotes where we can, as the rules do.
    if '"' not in value and "\\" not in value and value.isprintable():
        return f'"{value}"'
    return repr(value)


@st.composite
def _scalar_test(draw: st.DrawFn, field: _Field) -> str:
    """A test of one scalar field: comparison, ``in [...]``, ``is None``, bare boolean."""
    text, field_type = field.text, field.type
    if field.nullable and draw(st.integers(0, 4)) == 0:
        return f"{text} is {draw(st.sampled_from(['None', 'not None']))}"
    literals = _scalar_literals(field_type, text)
    numeric = isinstance(field_type, ScalarType) and field_type.name in ("int", "number")
    form = draw(st.integers(0, 3))
    if isinstance(field_type, ScalarType) and field_type.name == "bool" and form == 0:
        return text  # a bare boolean field
    if form <= 1:
        op = draw(st.sampled_from(_OPS if numeric else ("==", "!=")))
        value = _literal(draw(literals))
        if draw(st.integers(0, 3)) == 0:  # literal on the left: the parser flips it
            return f"{value} {op} {text}"
        return f"{text} {op} {value}"
    values = draw(st.lists(literals, min_size=1, max_size=4, unique=True))
    negated = "not in" if draw(st.booleans()) else "in"
    return f"{text} {negated} [{', '.join(_literal(v) for v in values)}]"


@st.composite
def _list_test(
    draw: st.DrawFn, field: _Field, item_name: str, scope: list[_Field], in_body: bool
) -> str:
    """A test of one list field: ``len``, ``value in list``, ``any(...)`` / ``all(...)``."""
    text, list_type = field.text, field.type
    assert isinstance(list_type, ListType)
    item_type = list_type.item
    forms = ["len", "quantifier"]
    if not isinstance(item_type, ObjectType):
        forms.insert(1, "contains")
    if in_body:  # quantifiers do not nest
        forms.remove("quantifier")
    if field.item:  # len() of an item's list is not in the language
        forms.remove("len")
    form = draw(st.sampled_from(forms))
    if form == "len":
        op = draw(st.sampled_from(_OPS))
        return f"len({text}) {op} {draw(st.integers(0, 3))}"
    if form == "contains":
        value = _literal(draw(_scalar_literals(item_type, text)))
        return f"{value} {draw(st.sampled_from(['in', 'not in']))} {text}"
    # any()/all(): the body reads the item and, sometimes, fields of the fact around it.
    if isinstance(item_type, ObjectType):
        item_fields = _fields_of(item_name, item_type, item=True)
    else:
        item_fields = [_Field(item_name, item_type, False, True)]
    body = draw(_combined(item_fields, scope, 1, item_name, in_body=True))
    quantifier = draw(st.sampled_from(["any", "all"]))
    guard = ""
    if draw(st.integers(0, 4)) == 0:
        guard = f" if {draw(_combined(item_fields, [], 0, item_name, in_body=True))}"
    return f"{quantifier}(({body}) for {item_name} in {text}{guard})"


@st.composite
def _leaf(
    draw: st.DrawFn, fields: list[_Field], outer: list[_Field], item_name: str, in_body: bool
) -> str:
    # Mostly the given fields (the item's, inside a quantifier); sometimes the outer ones.
    pool = fields if not outer or draw(st.integers(0, 3)) else outer
    field = draw(st.sampled_from(pool))
    if isinstance(field.type, ListType):
        return draw(_list_test(field, item_name, fields, in_body))
    return draw(_scalar_test(field))


@st.composite
def _combined(
    draw: st.DrawFn,
    fields: list[_Field],
    outer: list[_Field],
    depth: int,
    item_name: str,
    in_body: bool = False,
) -> str:
    """A leaf, or ``and`` / ``or`` / ``not`` of smaller conditions, ``depth`` levels deep."""
    form = draw(st.integers(0, 3)) if depth > 0 else 0
    if form == 0:
        return draw(_leaf(fields, outer, item_name, in_body))
    smaller = _combined(fields, outer, depth - 1, item_name, in_body)
    if form == 3:
        return f"not ({draw(smaller)})"
    parts = draw(st.lists(smaller, min_size=2, max_size=3))
    joiner = " and " if form == 1 else " or "
    return joiner.join(f"({part})" for part in parts)


def conditions(about: About, *, depth: int = 3) -> st.SearchStrategy[str]:
    """Condition texts for a rule about ``about``, type-correct and in the condition language.

    Every construct appears: ``==``, ``!=``, ``<``, ``<=``, ``>``, ``>=`` (with the literal on
    either side), ``in [...]`` and ``not in [...]``, ``value in list_field`` and ``not in``,
    ``is None`` / ``is not None`` on nullable fields, bare boolean fields, ``len(...)``,
    ``any(... for x in list)`` and ``all(...)`` (with an ``if`` filter sometimes, and reading
    fields of the fact around the item), and ``and`` / ``or`` / ``not`` up to ``depth`` levels.
    Fields are the mentee's and the subject's, including a candidate's derived
    ``echoes_worked`` / ``echoes_did_not_work``.
    """
    scope = [
        field
        for root, object_type in roots_for(about).items()
        for field in _fields_of(root, object_type, item=False)
        if field.text.split(".")[1] not in CONCLUSIONS[root]  # type: ignore[index]
    ]
    return _condition(scope, depth).filter(lambda text: len(text) <= _MAX_CONDITION)


@st.composite
def _conclusion_test(
    draw: st.DrawFn,
    about: About,
    earlier: Sequence[Mapping[str, Any]],
    later: frozenset[tuple[str, str]] = frozenset(),
) -> str | None:
    """A test of what rules concluded: only of ``earlier`` rules, and of kinds that no rule
    from this one on has (``later``: their subjects and kinds), so a pack has no cycle.

    ``None`` when there is nothing to read yet.
    """
    options: list[str] = []
    for rule in earlier:
        rule_id, subject, kind = rule["id"], rule["about"], rule["kind"]
        if subject == about:
            options.append(f'"{rule_id}" in {about}.{Conclusion.CONCLUDED}')
            if (subject, kind) not in later:
                options.append(f'"{kind}" in {about}.{Conclusion.CONCLUDED_KINDS}')
        if subject == "mentee":
            options.append(f'"{rule_id}" in mentee.{Conclusion.CONCLUDED}')
        if subject == "candidate":
            options.append(f'"{rule_id}" in mentee.{Conclusion.CANDIDATES_CONCLUDED}')
        if "fits" in rule:
            options.append(
                f"len(mentee.{Conclusion.UNMET_GOAL_SCOPES}) {draw(st.sampled_from(_OPS))} 0"
            )
            if about == "candidate":
                options.append(
                    f"len(candidate.{Conclusion.FITS_GOALS}) > {draw(st.integers(0, 1))}"
                )
    if not options:
        return None
    test = draw(st.sampled_from(options))
    return f"not ({test})" if draw(st.integers(0, 3)) == 0 else test


@st.composite
def _condition(draw: st.DrawFn, scope: list[_Field], depth: int) -> str:
    return draw(_combined(scope, [], depth, draw(st.sampled_from(_ITEM_NAMES))))


# --------------------------------------------------------------------------- rule packs


@st.composite
def _message(draw: st.DrawFn, about: About) -> str:
    slots = [
        f"{{{root}.{name}}}"
        for root, object_type in roots_for(about).items()
        for name, field_type in object_type.fields.items()
        if not (isinstance(field_type, ListType) and isinstance(field_type.item, ObjectType))
        and (root, name) not in POSITION_FIELDS
    ]  # lists of objects have no plain-words form, and positions no meaning: not in a message
    chosen = draw(st.lists(st.sampled_from(slots), max_size=2))
    braces = " {{literally}}" if draw(st.integers(0, 4)) == 0 else ""
    return " ".join(["Generated advice", *chosen]) + braces + "."


@st.composite
def _rule_document(
    draw: st.DrawFn,
    index: int,
    shapes: Sequence[tuple[About, Kind]],
    earlier: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    about, kind = shapes[index]
    later = frozenset((a, k.value) for a, k in shapes[index:])
    when = draw(conditions(about))
    reads = draw(_conclusion_test(about, earlier, later)) if draw(st.booleans()) else None
    if reads is not None:
        when = f"({when}) {draw(st.sampled_from(['and', 'or']))} ({reads})"
    document: dict[str, Any] = {
        "id": f"generated-{index}",
        "title": f"Generated rule {index}",
        "about": about,
        "kind": kind.value,
        "when": when,
        "message": draw(_message(about)),
        "because": "A generated rule, for property tests.",
        "source": {"section": "Generated", "paragraph": draw(st.integers(1, 9))},
        "weight": draw(st.integers(-100, 100)),
    }
    # A rule that fits a goal scope reads no conclusions: rules that read fits_goals read it,
    # and the pack would otherwise risk a cycle.
    fits = about == "candidate" and reads is None and draw(st.integers(0, 2)) == 0
    if fits:
        document["fits"] = draw(st.sampled_from(model.GoalScope)).value
    if draw(st.integers(0, 2)) == 0:
        unless = (
            None if fits or draw(st.booleans()) else draw(_conclusion_test(about, earlier, later))
        )
        document["unless"] = unless if unless is not None else draw(conditions(about, depth=1))
    if draw(st.integers(0, 3)) == 0:
        document["words"] = {
            value: f"words for {value}"
            for value in draw(st.lists(st.sampled_from(_ENUM_VALUES), max_size=3, unique=True))
        }
    if draw(st.booleans()):
        document["step"] = draw(_step(about))
    if about == "candidate" and kind not in (Kind.AVOID, Kind.READY) and draw(st.booleans()):
        # avoid and ready rules are at ruled_out and ready_to_ask by default; others may say
        document["stage"] = draw(
            st.sampled_from(
                [Stage.NOT_A_FIT, Stage.TO_TRY_OUT, Stage.GETTING_TO_KNOW, Stage.READY_TO_ASK]
            )
        ).value
    return document


_ENUM_VALUES = sorted(enum_values())


@st.composite
def _step(draw: st.DrawFn, about: About) -> int | dict[str, Any]:
    order = draw(st.integers(1, 9))
    groups = ["each"] if about == "past_mentor" else ["each", "each", "best", "all"]
    group = draw(st.sampled_from(groups))
    if group == "each":
        return order if draw(st.booleans()) else {"order": order}
    step: dict[str, Any] = {"order": order, "group": group, "text": "Generated step: {subjects}."}
    if group == "best":
        step["text"] = "Generated step, then {others}."
    if draw(st.booleans()):
        step["item"] = f"the {{{about}.name}}" if about != "mentee" else "you"
    return step


@st.composite
def rule_documents(
    draw: st.DrawFn, *, min_rules: int = 1, max_rules: int = 6
) -> list[dict[str, Any]]:
    """Rule documents (the tables of rule files) with generated conditions and no examples.

    Later rules may read what earlier ones concluded, in ``when`` and in ``unless``; some rules
    say which goal scope they ``fit``, give enum values their own ``words``, and have plan
    steps of every group.
    """
    count = draw(st.integers(min_rules, max_rules))
    shapes = [draw(_shape()) for _ in range(count)]
    documents: list[dict[str, Any]] = []
    for index in range(count):
        documents.append(draw(_rule_document(index, shapes, tuple(documents))))
    return documents


@st.composite
def _shape(draw: st.DrawFn) -> tuple[About, Kind]:
    # Candidate rules twice as often: they are the only ones with every kind, and make verdicts.
    about: About = draw(st.sampled_from(("candidate", *ABOUT)))
    kinds = [k for k in Kind if about == "candidate" or k not in CANDIDATE_KINDS]
    return about, draw(st.sampled_from(kinds))


def rule_packs(*, min_rules: int = 1, max_rules: int = 6) -> st.SearchStrategy[RuleSet]:
    """Rule sets of generated rules about every subject, of every kind, compiled with
    ``rules_from_documents(documents, require_examples=False)``."""
    return rule_documents(min_rules=min_rules, max_rules=max_rules).map(_compile)


def _compile(documents: Sequence[Mapping[str, Any]]) -> RuleSet:
    return rules_from_documents(documents, name="<generated>", require_examples=False)


assert not any(keyword.iskeyword(name) for name in _ITEM_NAMES)
assert MAX_TEXT >= 40  # the generated texts are valid
