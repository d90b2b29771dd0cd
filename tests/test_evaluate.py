"""The reference semantics: unknown values, empty lists, and which values count as evidence."""

from __future__ import annotations

from typing import Any

import pytest

from mentor_rules.language.evaluate import evidence, holds
from mentor_rules.language.expr import parse_condition
from mentor_rules.model.vocabulary import roots_for

CANDIDATE = {
    "name": "Ann",
    "relation": "peer",
    "knows_culture": None,
    "traits": ["calm", "kind"],
    "years_at_company": 4.0,
    "conversations": 0,
}
MENTEE = {
    "goals": [
        {"kind": "advice", "scope": "job", "detail": ""},
        {"kind": "questions", "scope": "industry", "detail": ""},
    ],
    "ideas": [],
    "months_at_company": None,
}
VALUES: dict[str, Any] = {"mentee": MENTEE, "candidate": CANDIDATE}


def check(text: str) -> bool:
    return holds(parse_condition(text, roots_for("candidate")), VALUES)


def explain(text: str) -> list[tuple[tuple[str | int, ...], Any]]:
    condition = parse_condition(text, roots_for("candidate"))
    assert holds(condition, VALUES)
    return evidence(condition, VALUES)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("candidate.knows_culture", False),
        ("candidate.knows_culture == False", False),
        ("candidate.knows_culture != True", False),  # unknown is not "not true"
        ("not candidate.knows_culture", True),
        ("candidate.knows_culture is None", True),
        ("mentee.months_at_company < 12", False),
        ("not mentee.months_at_company >= 12", True),
        ("any(i == 'x' for i in mentee.ideas)", False),
        ("all(i == 'x' for i in mentee.ideas)", True),
        ("len(mentee.ideas) == 0", True),
        ("'calm' in candidate.traits", True),
        ("'Calm' in candidate.traits", False),
        ("candidate.relation in ['peer', 'senior']", True),
        ("candidate.years_at_company >= 4", True),
        ("any(g.scope == 'industry' and g.kind == 'questions' for g in mentee.goals)", True),
        ("all(g.kind == 'advice' for g in mentee.goals)", False),
        ("any(g.kind == 'advice' for g in mentee.goals if g.scope == 'industry')", False),
        ("all(g.kind == 'advice' for g in mentee.goals if g.scope == 'job')", True),
    ],
)
def test_reference_semantics(text: str, expected: bool) -> None:
    assert check(text) is expected


def test_evidence_of_an_and_is_every_part() -> None:
    found = explain("candidate.relation == 'peer' and candidate.years_at_company >= 3")
    assert found == [(("candidate", "relation"), "peer"), (("candidate", "years_at_company"), 4.0)]


def test_evidence_of_an_or_is_the_parts_that_hold() -> None:
    found = explain("candidate.knows_culture or candidate.years_at_company >= 3")
    assert found == [(("candidate", "years_at_company"), 4.0)]


def test_evidence_of_a_quantifier_is_the_items_that_satisfy_it() -> None:
    found = explain("any(g.scope == 'industry' for g in mentee.goals)")
    assert found == [(("mentee", "goals", 1, "scope"), "industry")]


def test_evidence_of_a_membership_test_is_the_matching_item() -> None:
    assert explain("'kind' in candidate.traits") == [(("candidate", "traits", 1), "kind")]


def test_evidence_of_a_negation_is_every_value_read_inside() -> None:
    found = explain("not (candidate.knows_culture or candidate.relation == 'senior')")
    assert found == [(("candidate", "knows_culture"), None), (("candidate", "relation"), "peer")]
    found = explain("not any(t == 'rude' for t in candidate.traits)")
    assert found == [(("candidate", "traits"), ["calm", "kind"])]


def test_evidence_of_a_count_is_the_list() -> None:
    assert explain("len(mentee.ideas) == 0") == [(("mentee", "ideas"), [])]
