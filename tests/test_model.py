"""The input model: strict JSON structuring, and every problem named by its path."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mentor_rules import (
    Candidate,
    Chemistry,
    Relation,
    Situation,
    SituationError,
    situation_from_dict,
    situation_to_dict,
)


def problems(document: Any) -> dict[str, str]:
    with pytest.raises(SituationError) as caught:
        situation_from_dict(document)
    return {p.path: p.message for p in caught.value.problems}


def test_defaults_fill_everything_but_candidate_name_and_relation() -> None:
    situation = situation_from_dict({"candidates": [{"name": "Ann", "relation": "peer"}]})
    candidate = situation.candidates[0]
    assert candidate.chemistry is Chemistry.UNKNOWN
    assert candidate.conversations == 0
    assert candidate.years_at_company is None
    assert situation.mentee.goals == ()
    assert situation.mentee.months_at_company is None


def test_every_problem_in_a_document_is_reported_with_its_path() -> None:
    found = problems(
        {
            "mentee": {
                "months_at_company": "3",
                "goals": [{"kind": "advice", "scope": "x"}],
                "colour": "blue",
            },
            "candidates": [
                {"name": "A", "relation": "peer"},
                {"name": 4, "relation": "boss", "chemistry": True},
                {"relation": "peer", "conversations": True},
                "not an object",
            ],
        }
    )
    assert set(found) == {
        "mentee.months_at_company",
        "mentee.goals[0].scope",
        "mentee.colour",
        "candidates[1].name",
        "candidates[1].relation",
        "candidates[1].chemistry",
        "candidates[2].name",
        "candidates[2].conversations",
        "candidates[3]",
    }
    assert "expected an integer, got a string" in found["mentee.months_at_company"]
    assert "'boss'" in found["candidates[1].relation"]
    assert "direct_manager" in found["candidates[1].relation"]
    assert found["candidates[2].name"] == "required field missing"
    assert found["mentee.colour"].startswith("unknown field; the fields here are name, ")


@pytest.mark.parametrize(
    ("document", "path"),
    [
        ({"candidates": [{"name": "A", "relation": "peer"}] * 2}, "candidates[1].name"),
        ({"mentee": {"support_roles": ["adviser", "adviser"]}}, "mentee.support_roles[1]"),
        ({"mentee": {"months_at_company": -1}}, "mentee.months_at_company"),
        ({"candidates": [{"name": " ", "relation": "peer"}]}, "candidates[0].name"),
        (
            {"candidates": [{"name": "A", "relation": "peer", "years_in_industry": 1e9}]},
            "candidates[0].years_in_industry",
        ),
        ({"mentee": {"ideas": [""]}}, "mentee.ideas[0]"),
        ({"candidates": "Ann"}, "candidates"),
        ({"mentee": {"wants_to_innovate": 1}}, "mentee.wants_to_innovate"),
        ({"mentee": {"goals": [{"kind": "advice"}]}}, "mentee.goals[0].scope"),
    ],
)
def test_semantic_problems_name_the_offending_path(document: Any, path: str) -> None:
    assert path in problems(document)


@pytest.mark.parametrize("document", [[], "x", 3, None])
def test_a_document_that_is_not_an_object_is_refused(document: Any) -> None:
    assert set(problems(document)) == {""}


def test_numbers_are_not_silently_converted() -> None:
    assert "candidates[0].years_at_company" in problems(
        {"candidates": [{"name": "A", "relation": "peer", "years_at_company": float("nan")}]}
    )
    assert "candidates[0].conversations" in problems(
        {"candidates": [{"name": "A", "relation": "peer", "conversations": 2.0}]}
    )


def test_situation_error_is_a_value_error_and_says_where() -> None:
    with pytest.raises(ValueError, match=r"candidates\[0\]\.relation"):
        situation_from_dict({"candidates": [{"name": "A", "relation": "boss"}]})


def test_python_construction_is_validated_too() -> None:
    ann = Candidate(name="Ann", relation=Relation.PEER)
    with pytest.raises(SituationError) as caught:
        Situation(candidates=(ann, ann))
    assert caught.value.problems[0].path == "candidates[1].name"


def test_json_round_trip_keeps_the_situation() -> None:
    document = {
        "mentee": {
            "name": "Zoë",
            "goals": [{"kind": "advice", "scope": "job", "detail": "d"}],
            "support_roles": ["adviser"],
            "past_mentors": [{"setting": "school", "worked": ["patient"]}],
        },
        "candidates": [
            {
                "name": "A b",
                "relation": "peer",
                "years_at_company": 3,
                "knows_culture": None,
                "traits": ["calm"],
            }
        ],
    }
    situation = situation_from_dict(document)
    again = situation_from_dict(json.loads(json.dumps(situation_to_dict(situation))))
    assert again == situation
    assert situation_to_dict(situation)["candidates"][0]["relation"] == "peer"


def test_a_negated_text_echoes_only_a_negated_one() -> None:
    from mentor_rules.model.text import echoes

    assert echoes("micromanages", "micromanaging")
    assert echoes("gives blunt feedback", "blunt feedback")
    assert echoes("doesn't micromanage", "does not micromanage")
    assert not echoes("not patient", "patient")
    assert not echoes("doesn't micromanage", "micromanaging")


def test_problems_say_what_to_fix() -> None:
    """A near miss names the field meant; a whole number with a decimal point says an integer
    is needed; JSON read from a file may start with a UTF-8 byte order mark."""
    from mentor_rules.model.documents import parse_json

    with pytest.raises(SituationError) as caught:
        situation_from_dict({"mentee": {"nme": "Al", "months_at_company": 2.0}})
    messages = {p.path: p.message for p in caught.value.problems}
    assert messages["mentee.nme"] == "unknown field; did you mean 'name'?"
    assert (
        "expected an integer (a whole number, without a decimal point), got 2.0"
        in (messages["mentee.months_at_company"])
    )
    assert parse_json(b'\xef\xbb\xbf{"mentee": {}}') == {"mentee": {}}


# --------------------------------------------------------------------------- built by hand


def test_a_situation_built_by_hand_with_a_wrong_type_is_refused_with_its_path() -> None:
    from mentor_rules import Advisor, Goal, GoalScope, Mentee

    advisor = Advisor(engine="python")
    wrong = Situation(
        Mentee(goals=(Goal("advice", GoalScope.JOB),)),  # type: ignore[arg-type]
        (Candidate("Ann", "peer"),),  # type: ignore[arg-type]
    )
    with pytest.raises(SituationError) as caught:
        advisor.advise(wrong)
    assert {p.path for p in caught.value.problems} == {
        "mentee.goals[0].kind",
        "candidates[0].relation",
    }
    assert "one of 'direct_manager'" in str(caught.value)
    [item] = advisor.advise_many([wrong])
    assert item.error is not None
    assert item.error.problems == caught.value.problems


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("conversations", "2"),
        ("conversations", True),
        ("years_at_company", "3"),
        ("traits", ("kind", 3)),
        ("name", 7),
    ],
)
def test_a_wrong_type_given_to_the_model_is_a_situation_error(field: str, value: Any) -> None:
    """Not a TypeError or AttributeError from deep inside: the field is named."""
    with pytest.raises(SituationError) as caught:
        Candidate(**{"name": "Ann", "relation": Relation.PEER, field: value})
    assert caught.value.problems[0].path.startswith(field)


def test_lists_where_tuples_belong_are_named() -> None:
    from mentor_rules import Advisor

    situation = Situation(candidates=[Candidate("Ann", Relation.PEER)])  # type: ignore[arg-type]
    with pytest.raises(SituationError, match="candidates: must be a tuple, got a list"):
        Advisor(engine="python").advise(situation)


@pytest.mark.parametrize("given", [None, [["a", 1.0]], "a=1"])
def test_a_mapping_that_is_not_an_object_is_a_problem_whatever_was_read_before(
    given: object,
) -> None:
    """A ``dict`` field given anything but an object is a problem with its path, also after
    the converter has read that type once (cattrs' own mapping hook, registered by its first
    use, used to take over from ours: the answer depended on what the process had read)."""
    from mentor_rules import AdviceError, advice_from_dict, advise
    from mentor_rules.model.documents import advice_to_dict, converter

    assert converter.structure({"a": 1}, dict[str, float]) == {"a": 1.0}
    document = advice_to_dict(advise({"candidates": [{"name": "A", "relation": "peer"}]}))
    for _ in range(2):
        document["rule_set"]["parameters"] = given
        with pytest.raises(AdviceError) as caught:
            advice_from_dict(document)
        assert [p.path for p in caught.value.problems] == ["rule_set.parameters"]
