"""Explanations on the people of the issue: what they need to hear, and the JSON form."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mentor_rules import Advisor, Limits, RuleSet, SituationError, Verdict, explanation_to_dict
from mentor_rules.advice.explain import NoChange
from mentor_rules.model.vocabulary import Stage


def test_a_mentee_without_goals_gets_no_change_set_only_the_goals_to_decide(
    advisor: Advisor,
) -> None:
    situation: dict[str, Any] = {
        "candidates": [
            {"name": "Sam", "relation": "skip_level", "years_at_company": 8, "knows_culture": True}
        ]
    }
    explanation = advisor.explain(situation, "Sam", "ready_to_ask")
    assert explanation.verdict == Verdict.WEAK_FIT
    assert explanation.stage == Stage.NOT_A_FIT
    assert explanation.stage_rule == "no-goals-yet"
    assert not explanation.what_would_change  # goals are never written to fit a candidate
    assert [u.why for u in explanation.unreached] == [NoChange.NO_GOALS]
    assert explanation.evaluations == 0
    # why not now: no goals, no talk, chemistry unknown; each said with its value
    (ready,) = [w for w in explanation.why_not if w.rule == "ready-to-ask"]
    texts = " / ".join(u.text for u in ready.unmet)
    assert "the goals you have written down: 0" in texts
    assert "the chemistry with Sam is unknown; it needs to be good" in texts


def test_someone_on_the_way_needs_talks_and_good_chemistry_never_a_new_goal(
    advisor: Advisor,
) -> None:
    situation: dict[str, Any] = {
        "mentee": {
            "goals": [{"kind": "advice", "scope": "company"}, {"kind": "advice", "scope": "job"}]
        },
        "candidates": [{"name": "Sam", "relation": "skip_level", "years_at_company": 8}],
    }
    explanation = advisor.explain(situation, "Sam")
    assert explanation.stage == Stage.TO_TRY_OUT
    (smallest,) = [c for c in explanation.what_would_change if c.reaches == Verdict.READY_TO_ASK]
    assert {c.path: (c.value, c.kind) for c in smallest.changes} == {
        "candidates[0].conversations": (2, "action"),
        "candidates[0].chemistry": ("good", "outcome"),
    }


def test_the_direct_manager_is_held_back_by_a_rule_nothing_can_lift(advisor: Advisor) -> None:
    situation = {
        "mentee": {"goals": [{"kind": "advice", "scope": "company"}]},
        "candidates": [{"name": "Dana", "relation": "direct_manager", "years_at_company": 9}],
    }
    explanation = advisor.explain(situation, "Dana")
    assert explanation.verdict == Verdict.AVOID
    assert not explanation.what_would_change
    (block,) = [w for w in explanation.why_not if w.blocks]
    assert block.rule == "avoid-direct-manager"
    assert {(u.why, u.rules) for u in explanation.unreached} == {
        (NoChange.RULED_OUT, ("avoid-direct-manager",))
    }
    assert "your direct manager" in explanation.reason


def test_a_no_and_poor_chemistry_are_never_proposed_to_change(advisor: Advisor) -> None:
    situation = {
        "mentee": {"goals": [{"kind": "advice", "scope": "company"}]},
        "candidates": [
            {"name": "Lee", "relation": "senior", "years_at_company": 9, "chemistry": "poor"},
            {"name": "Nia", "relation": "senior", "years_at_company": 9, "willing": "no"},
        ],
    }
    for name, rule in (("Lee", "poor-chemistry"), ("Nia", "not-willing")):
        explanation = advisor.explain(situation, name)
        assert not explanation.what_would_change
        assert [w.rule for w in explanation.why_not if w.blocks] == [rule]
        assert explanation.stage_rule == rule
        assert {u.why for u in explanation.unreached} == {NoChange.RULED_OUT}


def test_an_explanation_has_a_json_form(advisor: Advisor) -> None:
    situation = {
        "mentee": {"goals": [{"kind": "advice", "scope": "company"}]},
        "candidates": [{"name": "Sam", "relation": "peer", "knows_culture": True}],
    }
    document = explanation_to_dict(advisor.explain(situation, "Sam"))
    assert json.loads(json.dumps(document)) == document
    assert document["candidate"] == "Sam"
    assert document["verdict"] == "explore"
    assert document["stage"] == "to_try_out"
    assert {"path", "value", "kind", "text"} <= set(document["what_would_change"][0]["changes"][0])


def test_explain_holds_a_json_situation_to_the_advisors_limits_not_the_defaults(
    rule_set: RuleSet,
) -> None:
    trait = "patient " * 187  # 1,496 characters: over the default 500, within 2,000
    situation = {
        "mentee": {"goals": [{"kind": "advice", "scope": "company"}]},
        "candidates": [{"name": "Sam", "relation": "senior", "traits": [trait.strip()]}],
    }
    advisor = Advisor(rule_set, engine="python", limits=Limits(max_text=2000))
    advisor.advise(situation)
    assert advisor.explain(situation, "Sam").candidate == "Sam"
    with pytest.raises(SituationError):
        Advisor(rule_set, engine="python").explain(situation, "Sam")


def test_an_unknown_candidate_is_a_key_error(advisor: Advisor) -> None:
    with pytest.raises(KeyError):
        advisor.explain({"candidates": []}, "Nobody")


def test_a_pack_whose_candidate_rule_reads_the_mentees_conclusions_is_searched_whole(
    rule_set: RuleSet,
) -> None:
    """Where a candidate rule reads what was concluded about the mentee (and so about the
    others), a changed copy keeps every candidate: the change sets stay sound."""
    from mentor_rules import rules_from_documents
    from mentor_rules.advice.explain import candidates_are_independent

    reads_others = {
        "id": "everyone-covered",
        "title": "Every goal is covered by someone",
        "about": "candidate",
        "kind": "consider",
        "when": 'len(mentee.unmet_goal_scopes) == 0 and candidate.relation == "peer"',
        "message": "{candidate.name} is on a list that covers every goal.",
        "because": "A test of the explanation's search.",
        "source": {"section": "Know What You Want", "paragraph": 1},
    }
    pack = rule_set.extend(rules_from_documents([reads_others], require_examples=False))
    assert candidates_are_independent(rule_set)
    assert not candidates_are_independent(pack)
    advisor = Advisor(pack, engine="python")
    situation = {
        "mentee": {"goals": [{"kind": "advice", "scope": "company"}]},
        "candidates": [
            {"name": "Pat", "relation": "peer"},
            {"name": "Rita", "relation": "senior", "years_at_company": 8},
        ],
    }
    explanation = advisor.explain(situation, "Rita")
    (ready,) = [c for c in explanation.what_would_change if c.reaches == Verdict.READY_TO_ASK]
    changed: dict[str, Any] = json.loads(json.dumps(situation))
    for change in ready.changes:
        field = change.path.split(".")[-1]
        changed["candidates"][1][field] = change.value
    assert advisor.advise(changed).for_candidate("Rita").verdict == Verdict.READY_TO_ASK
    assert (
        advisor.advise(changed).for_candidate("Pat").verdict
        == advisor.advise(situation).for_candidate("Pat").verdict
    )


def test_the_public_explain_is_the_shipped_advisors() -> None:
    """``mentor_rules.explain`` is :meth:`Advisor.explain` on the shipped rules."""
    import mentor_rules

    situation = {
        "mentee": {"goals": [{"kind": "questions", "scope": "company"}]},
        "candidates": [{"name": "Pat", "relation": "peer"}],
    }
    assert mentor_rules.explain(situation, "Pat") == Advisor().explain(situation, "Pat")
