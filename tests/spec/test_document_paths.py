"""The JSON path's fast ways against the reference definitions they stand for (issue 19).

``situation_from_dict`` reads a document with a reader compiled from the model, which checks
the shape, the types and the limits in the walk that builds the situation and hands anything it
does not vouch for to the reference path (the limits' walk, then the converter).
``advice_to_dict`` writes with a writer made from the output model's types. Each must give
exactly what its reference gives: the same situation (the same JSON back, so ``3`` read as a
float is ``3.0`` in both), or the same problems with the same paths and messages; the same
JSON, value for value and type for type.
"""

from __future__ import annotations

import copy
import json
import math
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentor_rules import (
    Advice,
    Advisor,
    CandidateVerdict,
    Evidence,
    Limits,
    MatchHow,
    PackRef,
    Provenance,
    Recommendation,
    RuleSetInfo,
    ShortForm,
    Situation,
    SituationError,
    Source,
    Step,
    Suppressed,
    TextMatch,
    Verdict,
    advice_to_dict,
    situation_from_dict,
)
from mentor_rules.model import situation as _situation
from mentor_rules.model.documents import (
    _built_in_place,
    _Irregular,
    _known_check,
    _read_object,
    _text_problem,
    advice_to_dict_reference,
    parse_json,
    situation_from_dict_reference,
    situation_to_dict,
)
from mentor_rules.model.situation import CLASSES, Relation
from mentor_rules.model.vocabulary import Kind
from mentor_rules.testing import situation_documents, situations

from .test_fuzz import documents, json_values

#: Limits around what generated documents hold, so that every limit is met and broken.
limits = st.builds(
    Limits,
    max_candidates=st.integers(1, 4),
    max_items=st.integers(1, 4),
    # under the longest key (27 characters) every document takes the reference path
    max_text=st.integers(1, 40) | st.integers(27, 60) | st.just(500),
    max_depth=st.integers(1, 7) | st.just(16),
)


def _outcome(read: Any, document: Any, given_limits: Limits | None) -> object:
    """What reading gives, in a form that compares JSON value for JSON value: the situation's
    document (with its Python types), or the error's kind, document and problems."""
    try:
        situation = read(document, given_limits)
    except SituationError as error:
        return ("error", type(error), error.document, error.problems)
    assert isinstance(situation, Situation)
    written = situation_to_dict(situation)
    return ("situation", situation, _typed(written))


def _typed(value: Any) -> Any:
    """``value`` with the type of every part beside it: ``3`` and ``3.0``, ``[]`` and ``()``
    differ."""
    if isinstance(value, dict):
        return ("dict", [(_typed(k), _typed(v)) for k, v in value.items()])
    if isinstance(value, list | tuple):
        return (type(value).__name__, [_typed(item) for item in value])
    if isinstance(value, float) and math.isnan(value):
        return ("nan",)
    return (type(value).__name__, value)


def _same_reading(document: Any, given_limits: Limits | None) -> None:
    kept = copy.deepcopy(document)
    fast = _outcome(situation_from_dict, document, given_limits)
    reference = _outcome(situation_from_dict_reference, document, given_limits)
    assert fast == reference
    assert _typed(document) == _typed(kept)  # neither path changes the document


@given(documents, st.none() | limits)
def test_the_compiled_reader_reads_anything_as_the_reference_path_does(
    document: Any, given_limits: Limits | None
) -> None:
    _same_reading(document, given_limits)


@given(situation_documents(max_candidates=5), st.none() | limits)
def test_the_compiled_reader_reads_valid_documents_as_the_reference_path_does(
    document: dict[str, Any], given_limits: Limits | None
) -> None:
    _same_reading(document, given_limits)


@given(situation_documents(max_candidates=3), st.data())
def test_one_changed_value_is_read_as_the_reference_path_reads_it(
    document: dict[str, Any], data: st.DataObject
) -> None:
    """A field of a valid document given a value of another JSON type, a number written as an
    integer or a float, a number too big for a float, a blank text."""
    places: list[tuple[Any, Any]] = []

    def walk(node: Any) -> None:
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            places.append((node, key))
            if isinstance(value, dict | list):
                walk(value)

    walk(document)
    if places:
        parent, key = data.draw(st.sampled_from(places))
        parent[key] = data.draw(
            json_values
            | st.sampled_from([0, 1, 3.0, 2.5, -1, 1e309, True, None, "", " ", "peer", 10**400])
        )
    _same_reading(document, data.draw(st.none() | limits))


def test_a_key_repeated_in_the_json_text_is_refused_alike() -> None:
    """``parse_json`` keeps the last value of a repeated key and marks the object; the reader
    must not take the marked object for a plain one."""
    document = parse_json('{"candidates": [{"name": "A", "relation": "peer", "name": "B"}]}')
    _same_reading(document, None)
    outcome = _outcome(situation_from_dict, document, None)
    assert isinstance(outcome, tuple)
    assert outcome[0] == "error"
    assert [str(problem) for problem in outcome[3]] == ["candidates[0]: duplicate key 'name'"]


def _full(name: str = "Dana", years: object = 2.5, worked: object = ("patient",)) -> Any:
    """A document with every kind of field, nested as deeply as a situation goes."""
    return {
        "mentee": {
            "months_at_company": 3,
            "career_move": "change",
            "goals": [{"kind": "advice", "scope": "company", "detail": "promotion"}],
            "support_roles": ["emotional_connector"],
            "past_mentors": [{"setting": "school", "worked": list(worked)}],  # type: ignore[call-overload]
        },
        "candidates": [
            {"name": name, "relation": "peer", "years_at_company": years, "knows_culture": None},
            {"name": "Sam", "relation": "senior", "traits": ["busy", "blunt"]},
        ],
    }


#: Documents and limits at the edges of what the reader vouches for, and whether the
#: reference path reads them (True) or refuses them.
EDGES: list[tuple[str, Any, Limits, bool]] = [
    ("every kind of field", _full(), Limits(), True),
    ("a float given as an integer", _full(years=3), Limits(), True),
    ("an integer too big for a float", _full(years=10**400), Limits(), False),
    ("a name at the text limit", _full(name="x" * 30), Limits(max_text=30), True),
    ("a name over the text limit", _full(name="x" * 31), Limits(max_text=30), False),
    ("a list text over the text limit", _full(worked=["x" * 31]), Limits(max_text=30), False),
    ("a list at the item limit", _full(worked=["a", "b"]), Limits(max_items=2), True),
    ("a list over the item limit", _full(worked=["a", "b", "c"]), Limits(max_items=2), False),
    ("candidates over their limit", _full(), Limits(max_candidates=1), False),
    ("as deep as a situation goes", _full(), Limits(max_depth=5), True),
    ("deeper than the limit", _full(), Limits(max_depth=4), False),
    ("a key that is not a field", {"mentee": {"month": 3}}, Limits(), False),
    ("a blank name (a validator)", _full(name=" "), Limits(), False),
    ("a tuple for a list", {"candidates": ({"name": "A", "relation": "peer"},)}, Limits(), True),
    # What the model's validators refuse, which the reader checks inline instead of calling them
    ("a blank item of a list (a validator)", _full(worked=["patient", " \t"]), Limits(), False),
    ("a blank optional text", {"mentee": {"industry": " "}}, Limits(), False),
    (
        "an empty detail (no validator)",
        {"mentee": {"goals": [{"kind": "advice", "scope": "job", "detail": " "}]}},
        Limits(),
        True,
    ),
    ("two names the same but for case", _full(name="SAM "), Limits(), False),
    (
        "two names the same but for spaces",
        {
            "candidates": [
                {"name": "Mei  Lin", "relation": "peer"},
                {"name": "mei lin", "relation": "senior"},
            ]
        },
        Limits(),
        False,
    ),
    ("names alike but not the same", _full(name="Sam 2"), Limits(), True),
    ("a role given twice", {"mentee": {"support_roles": ["adviser", "adviser"]}}, Limits(), False),
    ("months at the top of their range", {"mentee": {"months_at_company": 1200}}, Limits(), True),
    ("months over their range", {"mentee": {"months_at_company": 1201}}, Limits(), False),
    ("months under their range", {"mentee": {"months_at_company": -1}}, Limits(), False),
    ("years over their range", _full(years=100.5), Limits(), False),
    ("years at the top of their range", _full(years=100), Limits(), True),
    (
        "conversations over their range",
        {"candidates": [{"name": "A", "relation": "peer", "conversations": 10_001}]},
        Limits(),
        False,
    ),
    # Texts that are not ASCII: the reader calls _text_problem for them
    ("a name that is not ASCII", _full(name="Zoë"), Limits(), True),
    ("a name that is not ASCII, over the limit", _full(name="é" * 31), Limits(max_text=30), False),
    ("a lone surrogate in a list", _full(worked=["\ud800"]), Limits(), False),
]


@pytest.mark.parametrize(
    ("document", "given_limits", "read"),
    [edge[1:] for edge in EDGES],
    ids=[edge[0] for edge in EDGES],
)
def test_the_edges_are_read_as_the_reference_path_reads_them(
    document: Any, given_limits: Limits, read: bool
) -> None:
    _same_reading(document, given_limits)
    assert _outcome(situation_from_dict, document, given_limits)[0] == (  # type: ignore[index]
        "situation" if read else "error"
    )


@given(st.text(st.characters(max_codepoint=127)), limits)
def test_an_ascii_text_within_max_text_has_no_problem(text: str, given_limits: Limits) -> None:
    """The reader calls ``_text_problem`` only for a text that is not ASCII or is over
    ``max_text``: every check on a single text must let the others by."""
    assert (_text_problem(text, given_limits) is None) == (len(text) <= given_limits.max_text)


def test_the_reader_builds_the_input_model_in_place_and_knows_its_validators() -> None:
    """Every class of the input model is built by the reader slot by slot, its validators
    checked inline (none called): what makes the reader quick. Were one not, documents would
    still be read right (the tests above), only slower."""
    for cls in CLASSES:
        assert _built_in_place(cls), cls
        for field in attrs.fields(cls):
            if field.validator is not None:
                assert _known_check(field.validator, {}, "") is not None, (cls, field.name)


@attrs.frozen
class _Counted:
    """A validator the reader does not know (called as ``__init__`` calls it) beside one it
    knows."""

    size: int = attrs.field(validator=attrs.validators.gt(0))
    name: str = attrs.field(default="a", validator=_situation._text)


def _absolute(size: int) -> int:
    return abs(size)


@attrs.frozen
class _Converted:
    """A class the reader cannot build in place (a converter): called with what was read."""

    size: int = attrs.field(converter=_absolute)


def test_what_the_reader_cannot_check_inline_is_done_as_init_does() -> None:
    counted = _read_object(_Counted, Limits())
    assert counted({"size": 2}) == _Counted(2)
    assert counted({"size": 2, "name": "b"}) == _Counted(2, "b")
    with pytest.raises(ValueError, match="must be > 0"):
        counted({"size": 0})
    with pytest.raises(_Irregular):
        counted({"size": 2, "name": " "})
    converted = _read_object(_Converted, Limits())
    assert converted({"size": -3}) == _Converted(3)
    assert not _built_in_place(_Converted)


@settings(max_examples=30)
@given(situations(max_candidates=6))
def test_the_compiled_writer_writes_advice_as_the_converter_does(situation: Situation) -> None:
    advice = Advisor(engine="python").advise(situation)
    fast = advice_to_dict(advice)
    reference = advice_to_dict_reference(advice)
    assert _typed(fast) == _typed(reference)
    assert json.dumps(fast) == json.dumps(reference)


_sources = st.builds(Source, st.text(max_size=5), st.integers(1, 9))
_matches = st.builds(
    TextMatch,
    st.sampled_from(MatchHow),
    st.text(max_size=5),
    st.text(max_size=5),
    st.lists(st.builds(ShortForm, st.text(max_size=5), st.text(max_size=5))).map(tuple),
)
#: Evidence values of every kind the converter writes: scalars, lists, tuples, objects (with
#: keys that are not strings too), enum members.
_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=5)
    | st.sampled_from([Relation.PEER, Kind.AVOID, Verdict.EXPLORE]),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(st.text(max_size=3) | st.integers(), inner, max_size=3)
    ),
    max_leaves=8,
)
advices = st.builds(
    Advice,
    recommendations=st.lists(
        st.builds(
            Recommendation,
            rule=st.text(max_size=5),
            kind=st.sampled_from(Kind),
            about=st.sampled_from(["mentee", "candidate", "role", "past_mentor"]),
            subject=st.text(max_size=5),
            message=st.text(max_size=5),
            because=st.text(max_size=5),
            evidence=st.lists(
                st.builds(Evidence, st.text(max_size=5), _values, st.none() | _matches)
            ).map(tuple),
            source=_sources,
            see_also=st.lists(_sources, max_size=2).map(tuple),
        ),
        max_size=3,
    ).map(tuple),
    candidates=st.lists(
        st.builds(
            CandidateVerdict,
            name=st.text(max_size=5),
            verdict=st.sampled_from(Verdict),
            score=st.integers(),
            rules=st.lists(st.text(max_size=5), max_size=2).map(tuple),
            fits_goals=st.lists(st.integers(0, 9), max_size=2).map(tuple),
        ),
        max_size=3,
    ).map(tuple),
    next_steps=st.lists(
        st.builds(
            Step,
            st.text(max_size=5),
            st.text(max_size=5),
            st.text(max_size=5),
            st.lists(st.text(max_size=5), max_size=2).map(tuple),
        ),
        max_size=2,
    ).map(tuple),
    suppressed=st.lists(
        st.builds(
            Suppressed,
            st.text(max_size=5),
            st.text(max_size=5),
            st.lists(st.text(max_size=5), max_size=2).map(tuple),
        ),
        max_size=2,
    ).map(tuple),
    rule_set=st.builds(
        RuleSetInfo,
        packs=st.lists(st.builds(PackRef, st.text(max_size=5), st.text(max_size=5))).map(tuple),
        disabled=st.lists(st.text(max_size=5), max_size=2).map(tuple),
        parameters=st.dictionaries(st.text(max_size=5), st.integers() | st.floats()),
    ),
    produced_by=st.none() | st.builds(Provenance, st.just("mentor-rules"), st.text(), st.text()),
)


@given(advices)
def test_the_compiled_writer_writes_any_advice_as_the_converter_does(advice: Advice) -> None:
    assert _typed(advice_to_dict(advice)) == _typed(advice_to_dict_reference(advice))


def _containers(value: Any) -> list[Any]:
    """Every list and dict in ``value``, all the way down."""
    if isinstance(value, dict):
        return [value, *(c for item in value.values() for c in _containers(item))]
    if isinstance(value, list | tuple):
        found = [c for item in value for c in _containers(item)]
        return [value, *found] if isinstance(value, list) else found
    return []


@given(advices)
def test_the_written_advice_shares_no_list_or_object_with_the_advice(advice: Advice) -> None:
    """Evidence values copied, not handed over: changing the document leaves the advice as it
    was (as the converter's copy does)."""
    held = {id(c) for r in advice.recommendations for e in r.evidence for c in _containers(e.value)}
    held |= {id(advice.rule_set.parameters)}
    assert not [c for c in _containers(advice_to_dict(advice)) if id(c) in held]


def test_advice_holding_a_wrong_type_fails_as_the_converter_fails() -> None:
    """A field holding a text where an enum member belongs: the writer hands it over, and the
    converter's error is what the caller sees."""
    advice = Advice((), (CandidateVerdict("A", "explore", 1, ()),), ())  # type: ignore[arg-type]
    try:
        advice_to_dict_reference(advice)
    except Exception as expected:
        reference: object = type(expected)
    else:
        reference = advice_to_dict_reference(advice)
    try:
        fast: object = advice_to_dict(advice)
    except Exception as raised:
        fast = type(raised)
    assert fast == reference
