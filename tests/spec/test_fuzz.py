"""Fuzzing the input side (issue 8): whatever an embedder hands over, only SituationError.

Arbitrary JSON-like values (nested lists and objects, keys that are not strings, huge
integers, non-finite floats, deep nesting, texts with a lone surrogate, texts of control and
bidirectional formatting characters) and valid situations with one part replaced by such a
value go to ``situation_from_dict``, ``advise`` and
``Advisor.advise_many``. Each either gives advice (which any writer can write) or raises
``SituationError`` whose problems speak of the document, never of Python; a batch always has
one item per input, in order.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import attrs
from hypothesis import given
from hypothesis import strategies as st

from mentor_rules import (
    Advice,
    Advisor,
    Candidate,
    Goal,
    Mentee,
    PastMentor,
    Situation,
    SituationError,
    advice_to_dict,
    advise,
    situation_from_dict,
)
from mentor_rules.io import escape
from mentor_rules.model.situation import (
    CareerMove,
    Chemistry,
    CoachingRole,
    GoalKind,
    GoalScope,
    Relation,
    Setting,
    Willingness,
)
from mentor_rules.testing import situation_documents

from ._support import Engines, noted

#: The field names of every object of a situation, so that arbitrary objects often look like
#: (broken) situations and the fuzzing gets past the first check.
_FIELDS = sorted(
    {
        field.name
        for cls in (Situation, Mentee, Candidate, Goal, PastMentor)
        for field in attrs.fields(cls)
    }
)
_ENUM_VALUES = sorted(
    {
        member.value
        for enum in (
            CareerMove,
            Chemistry,
            CoachingRole,
            GoalKind,
            GoalScope,
            Relation,
            Setting,
            Willingness,
        )
        for member in enum
    }
)

#: Texts holding a lone surrogate: valid JSON (``"\\ud800"``), but no text a writer can encode.
surrogate_texts = st.builds(
    lambda before, half, after: before + half + after,
    st.text(max_size=4),
    st.sampled_from(["\ud800", "\udbff", "\udc80", "\udfff"]),
    st.text(max_size=4),
)

#: Texts made of what a terminal or a page acts on: C0 and C1 controls, escape sequences, the
#: line and paragraph separators, and the bidirectional formatting characters (issue 16).
hostile_texts = st.lists(
    st.sampled_from(
        [
            *"\x00\x07\x08\x0b\x0c\r\x1b\x7f\x85\x9b\u2028\u2029",
            *"\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
            "\x1b]0;pwned\x07\x1b[2J",
            "Bob\u202egnp.exe",
            "a",
            "\n",
        ]
    ),
    min_size=1,
    max_size=6,
).map("".join)

_SCALARS = st.one_of(
    surrogate_texts,
    hostile_texts,
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**5000), max_value=10**5000),  # past what Python will print
    st.floats(),  # NaN and infinities included
    st.text(max_size=20),
    st.text(min_size=490, max_size=520),  # around the length limit
    st.sampled_from(_ENUM_VALUES),
)

#: Keys: mostly strings (field names among them), sometimes anything hashable.
_KEYS = st.one_of(
    st.sampled_from(_FIELDS),
    st.text(max_size=10),
    surrogate_texts,
    hostile_texts,
    st.integers(),
    st.floats(),
    st.booleans(),
    st.none(),
    st.tuples(st.integers()),
)


def _containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.lists(children, max_size=6),
        st.tuples(children, children),
        st.dictionaries(_KEYS, children, max_size=6),
    )


#: Arbitrary JSON-like values, nested.
json_values = st.recursive(_SCALARS, _containers, max_leaves=25)


@st.composite
def deeply_nested(draw: st.DrawFn) -> Any:
    """A value nested around the depth limit (16) and beyond, in lists and objects."""
    value: Any = draw(_SCALARS)
    for _ in range(draw(st.integers(10, 60))):
        value = draw(
            st.sampled_from(
                [[value], {"mentee": value}, {"goals": value}, {1: value}, {"a": value, "b": 1}]
            )
        )
    return value


def _places(document: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in ``document`` that holds a value (the root excepted)."""
    found = []
    if isinstance(document, dict):
        for key, value in document.items():
            found.append((*path, key))
            found.extend(_places(value, (*path, key)))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            found.append((*path, index))
            found.extend(_places(value, (*path, index)))
    return found


@st.composite
def mutated_situations(draw: st.DrawFn) -> dict[str, Any]:
    """A valid situation document with one or two places replaced by arbitrary values, or one
    of its objects given a key that is not a string."""
    document = copy.deepcopy(draw(situation_documents(max_candidates=3)))
    for _ in range(draw(st.integers(1, 2))):
        places = _places(document)
        if not places:
            break
        place = draw(st.sampled_from(places))
        parent: Any = document
        for key in place[:-1]:
            parent = parent[key]
        if draw(st.booleans()):
            parent[place[-1]] = draw(st.one_of(json_values, deeply_nested()))
        elif isinstance(parent, dict):
            parent[draw(_KEYS.filter(lambda key: not isinstance(key, str)))] = draw(_SCALARS)
        else:
            parent.append(draw(json_values))
    return document


documents = st.one_of(
    json_values,
    st.dictionaries(st.sampled_from(["mentee", "candidates"]) | _KEYS, json_values, max_size=3),
    deeply_nested(),
    mutated_situations(),
)

#: Words of Python's own exceptions, which a problem (written in JSON terms) never uses.
_PYTHON_TALK = re.compile(r"Error\b|Traceback|has no attribute|NoneType|\bdict\b|unhashable")


def _outcome(attempt: Any, document: Any) -> Advice | Situation | SituationError:
    """What ``attempt(document)`` gives: a result, or the SituationError it raised (anything
    else it raises fails the test)."""
    try:
        return attempt(document)  # type: ignore[no-any-return]
    except SituationError as error:
        raised = error
    assert raised.problems
    for problem in raised.problems:
        assert problem.message
        assert not _PYTHON_TALK.search(problem.message), problem
        assert len(str(problem)) < 2_000, problem  # values are shown short
    return raised


#: What the command line never writes raw (as ``tests/test_escape.py``): C0 and C1 controls
#: but tab and newline, DEL, the line and paragraph separators, lone surrogates and the
#: bidirectional formatting characters.
_RAW = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff"
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


@given(documents)
def test_reading_anything_gives_a_situation_or_a_situation_error(document: Any) -> None:
    _outcome(situation_from_dict, document)


def _holds_a_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return any("\ud800" <= character <= "\udfff" for character in value)
    if isinstance(value, dict):
        return any(_holds_a_surrogate(k) or _holds_a_surrogate(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(map(_holds_a_surrogate, value))
    return False


@given(documents)
def test_advising_on_anything_gives_advice_or_a_situation_error(document: Any) -> None:
    read = _outcome(situation_from_dict, document)
    advised = _outcome(advise, document)
    assert isinstance(advised, SituationError) == isinstance(read, SituationError)
    if isinstance(advised, Advice):  # which any writer can write: text, all of it
        assert not _holds_a_surrogate(document)
        json.dumps(advice_to_dict(advised), ensure_ascii=False).encode("utf-8")
        assert not _RAW.search(escape.json_text(advice_to_dict(advised)))
    else:  # as the command line shows it: nothing a terminal acts on, whatever the input held
        assert not _RAW.search(escape.visible(str(advised)))
    if isinstance(read, SituationError):
        assert isinstance(advised, SituationError)
        assert advised.problems == read.problems


@given(st.lists(documents, max_size=4))
def test_a_batch_of_anything_has_one_item_for_each_in_order(
    advisors: Engines, batch: list[Any]
) -> None:
    for advisor in advisors:
        with noted(advisor):
            items = advisor.advise_many(iter(batch))
            assert [item.index for item in items] == list(range(len(batch)))
            for item, document in zip(items, batch, strict=True):
                expected = _outcome(advisor.advise, document)
                if isinstance(expected, SituationError):
                    assert item.error is not None
                    assert item.error.problems == expected.problems
                    assert item.advice is None
                else:
                    assert item.ok
                    assert item.advice == expected


def test_a_batch_goes_on_past_items_that_are_not_situations(advisor: Advisor) -> None:
    batch: list[Any] = [{}, {1: 2}, [], None, {"mentee": {1: 2, "b": 3}}, 10**5000, {}]
    items = advisor.advise_many(batch)
    assert [item.ok for item in items] == [True, False, False, False, False, False, True]
