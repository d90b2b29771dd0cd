"""The errors: their classes, the problems they carry, and their messages, word for word."""

from __future__ import annotations

import pytest

from mentor_rules import (
    AdviceError,
    EngineError,
    MentorRulesError,
    Problem,
    RuleError,
    RuleProblem,
    SituationError,
    advice_from_dict,
    advise,
)


def test_the_hierarchy_is_as_documented() -> None:
    assert issubclass(SituationError, MentorRulesError)
    assert issubclass(SituationError, ValueError)
    assert issubclass(RuleError, MentorRulesError)
    assert issubclass(RuleError, ValueError)
    assert issubclass(EngineError, MentorRulesError)
    assert issubclass(EngineError, RuntimeError)
    assert not issubclass(EngineError, ValueError)


def test_one_situation_problem_is_one_line() -> None:
    error = SituationError([Problem("candidates[2].relation", "expected one of 'peer'")])
    assert str(error) == "invalid situation: candidates[2].relation: expected one of 'peer'"
    assert error.problems == (Problem("candidates[2].relation", "expected one of 'peer'"),)
    assert error.document == "situation"


def test_several_situation_problems_are_counted_and_listed() -> None:
    error = SituationError(
        (Problem("", "not valid JSON"), Problem("mentee.name", "unknown field")), "advice"
    )
    assert str(error) == (
        "invalid advice (2 problems):\n  <document>: not valid JSON\n  mentee.name: unknown field"
    )
    assert error.document == "advice"
    assert isinstance(error.problems, tuple)


def test_the_library_raises_them_with_every_problem() -> None:
    with pytest.raises(SituationError) as caught:
        advise({"mentee": {"months_at_company": "4"}, "candidates": [{"name": "A", "nick": 1}]})
    assert str(caught.value) == (
        "invalid situation (3 problems):\n"
        "  mentee.months_at_company: expected an integer, got a string\n"
        "  candidates[0].relation: required field missing\n"
        "  candidates[0].nick: unknown field; the fields here are name, relation, "
        "years_at_company, years_in_industry, knows_culture, chemistry, conversations, "
        "willing, traits, industry, jobs"
    )
    with pytest.raises(AdviceError) as advice:
        advice_from_dict([])  # type: ignore[arg-type]
    assert isinstance(advice.value, SituationError)  # code that caught that still does
    assert advice.value.document == "advice"
    assert str(advice.value).startswith("invalid advice: ")


def test_one_rule_problem_is_one_line() -> None:
    problem = RuleProblem("bad.toml", "a-rule", "when", "not a condition", None, 7)
    error = RuleError([problem])
    assert str(error) == "invalid rule: bad.toml rule 'a-rule' when (column 7): not a condition"
    assert error.problems == (problem,)


def test_several_rule_problems_are_counted_and_listed() -> None:
    error = RuleError(
        (
            RuleProblem("a.toml", None, None, "not valid TOML: oops", 2, 11),
            RuleProblem("b.toml", "b", "title", "required field missing"),
        )
    )
    assert str(error) == (
        "invalid rules (2 problems):\n"
        "  a.toml:2:11: not valid TOML: oops\n"
        "  b.toml rule 'b' title: required field missing"
    )
