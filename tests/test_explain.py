"""Explanations on the people of the issue: what they need to hear, and the JSON form."""

from __future__ import annotations

import json
from typing import Any

from mentor_rules import Advisor, Verdict, explanation_to_dict


def test_a_mentee_without_goals_needs_a_goal_two_talks_and_good_chemistry_before_an_ask(
    advisor: Advisor,
) -> None:
    situation: dict[str, Any] = {
        "candidates": [
            {"name": "Sam", "relation": "skip_level", "years_at_company": 8, "knows_culture": True}
        ]
    }
    explanation = advisor.explain(situation, "Sam", "ready_to_ask")
    assert explanation.verdict == Verdict.EXPLORE
    assert explanation.bound == 4
    smallest = explanation.what_would_change[0]
    assert smallest.reaches == Verdict.READY_TO_ASK
    assert {c.path for c in smallest.changes} == {
        "mentee.goals",
        "candidates[0].conversations",
        "candidates[0].chemistry",
    }
    kinds = {c.path: c.kind for c in smallest.changes}
    assert kinds["candidates[0].chemistry"] == "outcome"
    assert kinds["mentee.goals"] == "action"
    assert next(c.value for c in smallest.changes if c.path.endswith("conversations")) == 2
    # the goal proposed is one Sam knows the ground for: the company
    goals = next(c.value for c in smallest.changes if c.path == "mentee.goals")
    assert goals[-1]["scope"] == "company"
    # why not now: no goals, no talk, chemistry unknown; each said with its value
    (ready,) = [w for w in explanation.why_not if w.rule == "ready-to-ask"]
    texts = " / ".join(u.text for u in ready.unmet)
    assert "the number of goals you have written down: 0" in texts
    assert "the chemistry with Sam is unknown; it needs to be good" in texts


def test_the_direct_manager_is_held_back_by_a_rule_nothing_can_lift(advisor: Advisor) -> None:
    situation = {"candidates": [{"name": "Dana", "relation": "direct_manager"}]}
    explanation = advisor.explain(situation, "Dana")
    assert explanation.verdict == Verdict.AVOID
    assert not explanation.what_would_change
    (block,) = [w for w in explanation.why_not if w.blocks]
    assert block.rule == "avoid-direct-manager"
    assert all("avoid-direct-manager" in note for note in explanation.notes)
    assert explanation.notes


def test_suppressed_advice_names_the_rule_that_vetoed_it(advisor: Advisor) -> None:
    situation = {
        "mentee": {"goals": [{"kind": "advice", "scope": "company"}]},
        "candidates": [
            {"name": "Lee", "relation": "senior", "years_at_company": 9, "chemistry": "poor"}
        ],
    }
    explanation = advisor.explain(situation, "Lee", "explore")
    vetoed = {w.rule: w.vetoed_by for w in explanation.why_not if w.vetoed_by}
    assert vetoed["consider-higher-ups"] == ("poor-chemistry",)
    assert vetoed["knows-company-history"] == ("poor-chemistry",)


def test_an_explanation_has_a_json_form(advisor: Advisor) -> None:
    situation = {"candidates": [{"name": "Sam", "relation": "peer", "knows_culture": True}]}
    document = explanation_to_dict(advisor.explain(situation, "Sam"))
    assert json.loads(json.dumps(document)) == document
    assert document["candidate"] == "Sam"
    assert document["verdict"] == "explore"
    assert {"path", "value", "kind", "text"} <= set(document["what_would_change"][0]["changes"][0])


def test_an_unknown_candidate_is_a_key_error(advisor: Advisor) -> None:
    import pytest

    with pytest.raises(KeyError):
        advisor.explain({"candidates": []}, "Nobody")
