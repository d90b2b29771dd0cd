"""The same situation always gets the same advice, whatever the order of its lists."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mentor_rules import Advisor, RuleSet, Situation, advice_to_dict, situation_to_dict
from mentor_rules.testing import rule_packs, situations

from ._support import (
    Engines,
    fewer_examples,
    normalised,
    noted,
    rename,
    reorderings,
    spec_situations,
)


@given(spec_situations())
def test_advice_is_deterministic(advisors: Engines, situation: Situation) -> None:
    """Twice from one advisor, once from a fresh one, and from the JSON form: the same advice."""
    for advisor in advisors:
        with noted(advisor):
            first = advisor.advise(situation)
            assert advisor.advise(situation) == first
            assert Advisor(advisor.rules, engine=advisor.engine).advise(situation) == first  # type: ignore[arg-type]
            assert advisor.advise(situation_to_dict(situation)) == first
            assert advice_to_dict(advisor.advise(situation)) == advice_to_dict(first)


@given(spec_situations(), st.data())
def test_advice_is_invariant_under_reordering_candidates_goals_ideas_and_past_mentors(
    advisors: Engines, situation: Situation, data: st.DataObject
) -> None:
    """Also each candidate's traits, the coaching roles and each past mentor's lists.

    Compared with :func:`tests.spec._support.normalised`: evidence paths of the reordered
    situation are renamed to the original's indices, listed values and evidence are compared
    as multisets; everything else (verdicts, scores, rules, messages, steps) must be equal.
    """
    reordering = data.draw(reorderings(situation), label="reordering")
    for advisor in advisors:
        with noted(advisor):
            original = normalised(advisor.advise(situation))
            reordered = normalised(advisor.advise(reordering.situation), reordering.orders)
            assert reordered == original


@fewer_examples(2)
@given(rule_packs(), situations(), st.data())
def test_advice_of_generated_rule_packs_is_invariant_under_reordering(
    pack: RuleSet, situation: Situation, data: st.DataObject
) -> None:
    """The same on generated rule packs, about every subject (past mentors included, whose
    subjects hold their position) and reading every list with every construct."""
    reordering = data.draw(reorderings(situation), label="reordering")
    advisor = Advisor(pack, engine="python")
    original = normalised(advisor.advise(situation))
    assert normalised(advisor.advise(reordering.situation), reordering.orders) == original


def test_renaming_follows_every_reordered_list() -> None:
    orders = {
        ("candidates",): (2, 0, 1),
        ("candidates", 1, "traits"): (1, 0),
        ("mentee", "goals"): (1, 0),
        ("mentee", "past_mentors"): (1, 0),
        ("mentee", "past_mentors", 0, "worked"): (2, 1, 0),
    }
    assert rename("candidates[0].relation", orders) == "candidates[2].relation"
    assert rename("candidates[1].traits[0]", orders) == "candidates[0].traits[0]"
    assert rename("candidates[2].traits[0]", orders) == "candidates[1].traits[1]"
    assert rename("mentee.goals[0].scope", orders) == "mentee.goals[1].scope"
    assert rename("mentee.past_mentors[1].worked[0]", orders) == "mentee.past_mentors[0].worked[2]"
    assert rename("mentee.support_roles", orders) == "mentee.support_roles"
