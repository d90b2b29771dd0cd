"""Documents in and out: JSON round trips, invalid situations, and the batch API."""

from __future__ import annotations

import copy
import json
import math
import re
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mentor_rules import (
    Advice,
    Advisor,
    RuleSet,
    Situation,
    SituationError,
    advice_from_dict,
    advice_to_dict,
    situation_from_dict,
    situation_to_dict,
)
from mentor_rules.testing import rule_packs, situation_documents, situations

from ._support import Engines, fewer_examples, noted, spec_situations

# --------------------------------------------------------------------------- round trips


def _through_json(document: dict[str, Any]) -> Any:
    return json.loads(json.dumps(document))


@given(situations())
def test_a_situation_survives_json_encoding_unchanged(situation: Situation) -> None:
    document = situation_to_dict(situation)
    assert situation_from_dict(_through_json(document)) == situation
    assert situation_to_dict(situation_from_dict(_through_json(document))) == document


@given(spec_situations())
def test_advice_survives_json_encoding_unchanged(advisors: Engines, situation: Situation) -> None:
    for advisor in advisors:
        with noted(advisor):
            advice = advisor.advise(situation)
            document = advice_to_dict(advice)
            assert advice_from_dict(_through_json(document)) == advice
            assert advice_to_dict(advice_from_dict(_through_json(document))) == document


@fewer_examples(2)
@given(rule_packs(), situations())
def test_advice_of_generated_rule_packs_survives_json_encoding_unchanged(
    pack: RuleSet, situation: Situation
) -> None:
    """Evidence of generated rules shows every kind of value: lists of objects, null, texts."""
    advice = Advisor(pack, engine="python").advise(situation)
    assert advice_from_dict(_through_json(advice_to_dict(advice))) == advice


# --------------------------------------------------------------------------- invalid input

Break = tuple[str, Callable[[dict[str, Any]], None], str]
"""A way to break a valid document: what it does, how (in place), and the path it breaks."""

_TOO_LONG = "x" * 501


def _wrong_types(kind: str, nullable: bool) -> list[Any]:
    """JSON values of the wrong type for a field of ``kind``."""
    values: dict[str, list[Any]] = {
        "int": ["3", 2.5, 1.0, True, [], {}],
        "number": ["3", True, [], {}],
        "bool": [1, 0, "true", [], {}],
        "text": [3, True, [], {}],
        "enum": [3, True, [], {}],
        "list": ["x", 3, {}, True, None],
        "object": ["x", 3, [], True],
    }
    return values[kind] + ([None] if not nullable and kind not in ("list",) else [])


_OUT_OF_RANGE: dict[str, list[Any]] = {
    "months_at_company": [-1, 1201, 10**6],
    "years_at_company": [-0.5, -1, 100.5, 101, math.nan, math.inf, -math.inf],
    "years_in_industry": [-0.001, 100.0001, math.nan, math.inf],
    "conversations": [-1, 10_001],
}

_ENUM_MISSES = ["", "Direct_Manager", "unknown value", "GOOD", "yes "]

#: The fields of each object of a situation document: kind, nullable, and whether required.
_MENTEE = {
    "name": ("text", True, False),
    "months_at_company": ("int", True, False),
    "wants_to_innovate": ("bool", False, False),
    "hired_for_fresh_perspective": ("bool", False, False),
    "career_move": ("enum", False, False),
    "goals": ("list", False, False),
    "ideas": ("list", False, False),
    "support_roles": ("list", False, False),
    "past_mentors": ("list", False, False),
}
_GOAL = {
    "kind": ("enum", False, True),
    "scope": ("enum", False, True),
    "detail": ("str", False, False),
}
_PAST = {
    "setting": ("enum", False, True),
    "worked": ("list", False, False),
    "did_not_work": ("list", False, False),
}
_CANDIDATE = {
    "name": ("text", False, True),
    "relation": ("enum", False, True),
    "years_at_company": ("number", True, False),
    "years_in_industry": ("number", True, False),
    "knows_culture": ("bool", True, False),
    "chemistry": ("enum", False, False),
    "conversations": ("int", False, False),
    "willing": ("enum", False, False),
    "traits": ("list", False, False),
}
#: Lists of texts (each item 1 to 500 characters, not blank) and of enum values.
_TEXT_LISTS = {"ideas", "traits", "worked", "did_not_work"}


def _set(path: list[str | int], value: Any) -> Callable[[dict[str, Any]], None]:
    def apply(document: dict[str, Any]) -> None:
        target: Any = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return apply


def _delete(path: list[str | int]) -> Callable[[dict[str, Any]], None]:
    def apply(document: dict[str, Any]) -> None:
        target: Any = document
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return apply


def _render(path: list[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _object_breaks(
    document: dict[str, Any], at: list[str | int], fields: dict[str, tuple[str, bool, bool]]
) -> list[Break]:
    """Every way to break one object of the document, found at ``at``."""
    target: Any = document
    for key in at:
        target = target[key]
    breaks: list[Break] = []
    here = _render([*at, "nickname"])
    breaks.append(("an unknown field", _set([*at, "nickname"], "Ace"), here))
    for name, (kind, nullable, required) in fields.items():
        path = [*at, name]
        where = _render(path)
        for wrong in _wrong_types("text" if kind == "str" else kind, nullable):
            breaks.append((f"{wrong!r} for a {kind}", _set(path, wrong), where))
        if required:
            breaks.append(("a required field missing", _delete(path), where))
        if kind == "enum":
            for miss in _ENUM_MISSES:
                breaks.append((f"unknown value {miss!r}", _set(path, miss), where))
        if kind == "text":
            for bad in ("", "   ", "\t\n", _TOO_LONG):
                breaks.append((f"text {bad[:5]!r}", _set(path, bad), where))
        for bad in _OUT_OF_RANGE.get(name, []):
            breaks.append((f"out of range {bad!r}", _set(path, bad), where))
        if kind == "list" and name in _TEXT_LISTS:
            for index in range(len(target.get(name, []))):
                item = [*path, index]
                for wrong in ("", " ", _TOO_LONG, 7, None, ["x"]):
                    breaks.append((f"item {wrong!r}", _set(item, wrong), _render(item)))
        if kind == "list" and name == "support_roles":
            for index in range(len(target.get(name, []))):
                item = [*path, index]
                for role in ("coach", None, 3):
                    breaks.append((f"role {role!r}", _set(item, role), _render(item)))
    return breaks


def _all_breaks(document: dict[str, Any]) -> list[Break]:
    breaks: list[Break] = [
        ("an unknown top-level field", _set(["extra"], 1), "extra"),
        ("candidates not a list", _set(["candidates"], {"Dana": "peer"}), "candidates"),
    ]
    for wrong in _wrong_types("object", nullable=False):
        breaks.append((f"mentee {wrong!r}", _set(["mentee"], wrong), "mentee"))
    mentee = document["mentee"]
    breaks += _object_breaks(document, ["mentee"], _MENTEE)
    for index in range(len(mentee["goals"])):
        breaks += _object_breaks(document, ["mentee", "goals", index], _GOAL)
    for index in range(len(mentee["past_mentors"])):
        breaks += _object_breaks(document, ["mentee", "past_mentors", index], _PAST)
    roles = mentee["support_roles"]
    for later in range(1, len(roles)):
        path: list[str | int] = ["mentee", "support_roles", later]
        breaks.append(("a duplicate role", _set(path, roles[0]), _render(path)))
    people = document["candidates"]
    for index in range(len(people)):
        breaks += _object_breaks(document, ["candidates", index], _CANDIDATE)
        for wrong in ("x", 3, [], True, None):
            path = ["candidates", index]
            breaks.append((f"candidate {wrong!r}", _set(path, wrong), _render(path)))
    for later in range(1, len(people)):
        path = ["candidates", later, "name"]
        breaks.append(("a duplicate name", _set(path, people[later - 1]["name"]), _render(path)))
    return breaks


@st.composite
def broken_documents(draw: st.DrawFn) -> tuple[dict[str, Any], str, str]:
    """A valid situation document broken in one place: (document, what, path of the break)."""
    document = draw(situation_documents(max_candidates=3))
    what, apply, path = draw(st.sampled_from(_all_breaks(document)), label="break")
    broken = copy.deepcopy(document)
    apply(broken)
    return broken, what, path


#: Words of Python's own error messages, which a problem (written in JSON terms) never uses.
_PYTHON_TALK = re.compile(r"NoneType|\bdict\b|\bstr\b|\bint\b|\bfloat\b|Traceback|object is not")


@given(broken_documents())
def test_invalid_situations_raise_situation_error_naming_the_path_of_the_break(
    advisors: Engines, case: tuple[dict[str, Any], str, str]
) -> None:
    """Never another exception, never partial advice; ``.problems`` has the broken path."""
    for advisor in advisors:
        with noted(advisor):
            document, what, path = case
            for attempt in (situation_from_dict, advisor.advise):
                with pytest.raises(SituationError) as caught:
                    attempt(document)
                paths = [p.path for p in caught.value.problems]
                assert path in paths, f"{what} at {path!r}: problems at {paths}"
                for problem in caught.value.problems:
                    assert problem.message
                    assert not _PYTHON_TALK.search(problem.message), problem


@pytest.mark.parametrize("document", [[], "situation", None, 3, [{"candidates": []}]])
def test_a_document_that_is_not_an_object_is_a_situation_error_at_the_root(
    advisor: Advisor, document: Any
) -> None:
    with pytest.raises(SituationError) as caught:
        advisor.advise(document)
    assert [p.path for p in caught.value.problems] == [""]


@pytest.mark.parametrize(
    ("document", "path"),
    [
        ({"mentee": None}, "mentee"),
        ({"candidates": [None]}, "candidates[0]"),
        ({"mentee": {"goals": [None]}}, "mentee.goals[0]"),
        ({"mentee": {"past_mentors": [None]}}, "mentee.past_mentors[0]"),
    ],
)
def test_problems_are_described_in_json_terms(document: dict[str, Any], path: str) -> None:
    """A problem's message speaks of JSON (an object, null), not of Python's types."""
    with pytest.raises(SituationError) as caught:
        situation_from_dict(document)
    [problem] = caught.value.problems
    assert problem.path == path
    assert "NoneType" not in problem.message
    assert "object" in problem.message


# --------------------------------------------------------------------------- batches


@given(
    st.lists(
        st.one_of(
            situation_documents(max_candidates=2),
            broken_documents().map(lambda case: case[0]),
            situations(max_candidates=2),
        ),
        max_size=4,
    )
)
def test_advise_many_reports_every_item_good_or_bad_in_order(
    advisors: Engines, batch: list[Any]
) -> None:
    for advisor in advisors:
        with noted(advisor):
            items = advisor.advise_many(iter(batch))  # any iterable, consumed once
            assert [item.index for item in items] == list(range(len(batch)))
            for item, situation in zip(items, batch, strict=True):
                expected = _outcome(advisor, situation)
                if isinstance(expected, SituationError):
                    assert not item.ok
                    assert item.advice is None
                    assert item.error is not None
                    assert item.error.problems == expected.problems
                else:
                    assert item.ok
                    assert item.error is None
                    assert item.advice == expected


def _outcome(advisor: Advisor, situation: Any) -> Advice | SituationError:
    try:
        return advisor.advise(situation)
    except SituationError as error:
        return error


@given(situations())
def test_a_situation_and_its_json_form_get_the_same_advice(
    advisors: Engines, situation: Situation
) -> None:
    for advisor in advisors:
        with noted(advisor):
            assert advisor.advise(situation_to_dict(situation)) == advisor.advise(situation)


# --------------------------------------------------------------------------- keys and numbers


@pytest.mark.parametrize(
    ("document", "path", "message"),
    [
        ({1: 2}, "", "keys must be strings, got 1"),
        ({"mentee": {1: 2}}, "mentee", "keys must be strings, got 1"),
        ({"mentee": {1: 2, "name": "Al", None: 3}}, "mentee", "keys must be strings, got 1"),
        ({"candidates": [{"name": "A", "relation": "peer", (1, 2): 3}]}, "candidates[0]", ""),
        ({"mentee": {"goals": [{2.5: "x"}]}}, "mentee.goals[0]", "keys must be strings, got 2.5"),
        ({"nick": {"deeper": {False: 1}}}, "nick.deeper", "keys must be strings, got false"),
    ],
)
def test_a_key_that_is_not_a_string_is_a_situation_error_at_its_object(
    advisor: Advisor, document: dict[Any, Any], path: str, message: str
) -> None:
    for attempt in (situation_from_dict, advisor.advise):
        with pytest.raises(SituationError) as caught:
            attempt(document)
        assert path in [p.path for p in caught.value.problems]
        problem = next(p for p in caught.value.problems if p.path == path)
        assert problem.message.startswith("keys must be strings, got ")
        assert message in problem.message


def test_an_advice_document_with_a_key_that_is_not_a_string_is_a_situation_error() -> None:
    document: dict[Any, Any] = {"recommendations": [], "candidates": [], "next_steps": [], 3: 4}
    with pytest.raises(SituationError) as caught:
        advice_from_dict(document)
    assert [str(p) for p in caught.value.problems] == ["<document>: keys must be strings, got 3"]
    assert caught.value.document == "advice"


def test_one_item_with_a_key_that_is_not_a_string_does_not_stop_a_batch(
    advisor: Advisor,
) -> None:
    good = {"candidates": [{"name": "A", "relation": "peer"}]}
    batch: list[Any] = [good] * 1_000 + [{1: 2}, {"mentee": {1: 2, "x": 3}}] + [good] * 1_000
    items = advisor.advise_many(batch)
    assert len(items) == len(batch)
    assert [item.index for item in items if not item.ok] == [1_000, 1_001]
    assert [p.path for p in items[1_001].error.problems] == ["mentee"]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("document", "path"),
    [
        ({"mentee": {"months_at_company": 10**5000}}, "mentee.months_at_company"),
        ({"mentee": {"months_at_company": -(10**30)}}, "mentee.months_at_company"),
        (
            {"candidates": [{"name": "A", "relation": "peer", "conversations": 10**4400}]},
            "candidates[0].conversations",
        ),
        (
            {"candidates": [{"name": "A", "relation": "peer", "years_at_company": 10**400}]},
            "candidates[0].years_at_company",
        ),
    ],
)
def test_a_huge_integer_is_out_of_range_said_in_plain_words(
    document: dict[str, Any], path: str
) -> None:
    with pytest.raises(SituationError) as caught:
        situation_from_dict(document)
    [problem] = caught.value.problems
    assert problem.path == path
    assert "a number with more than 20 digits" in problem.message
    assert not _PYTHON_TALK.search(problem.message)
    assert "Exceeds" not in problem.message
    assert "Error" not in problem.message
