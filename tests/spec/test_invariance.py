"""The same situation always gets the same advice, whatever the order of its lists."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from mentor_rules import (
    Advisor,
    Candidate,
    Goal,
    Mentee,
    Relation,
    RuleError,
    RuleSet,
    Situation,
    advice_to_dict,
    rules_from_documents,
    situation_to_dict,
)
from mentor_rules.model.situation import GoalKind, GoalScope
from mentor_rules.testing import rule_packs, situations

from ._support import (
    Engines,
    Reordering,
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


def _issue_16_pack(message: str) -> RuleSet:
    """The shape of the case a default run found (issue 16): five rules, two that fit goals,
    ``unless`` on what was concluded about the candidate; ``message`` is the message of the
    rule reading ``candidate.fits_goals``."""

    def rule(rule_id: str, when: str, **more: Any) -> dict[str, Any]:
        return {"id": rule_id, "title": "t", "about": "candidate", "kind": "consider",
                "when": when, "message": "Generated advice.", "because": "b",
                "source": {"section": "S", "paragraph": 1}, **more}  # fmt: skip

    return rules_from_documents(
        [
            rule("fit-job", 'candidate.relation == "direct_manager"', fits="job"),
            rule("fit-company", "candidate.years_at_company is None", fits="company"),
            rule(
                "reads",
                "len(candidate.fits_goals) > 0",
                message=message,
                unless='"fit-company" in candidate.concluded',
            ),
            rule(
                "held", '"fit-job" in candidate.concluded', unless='"reads" in candidate.concluded'
            ),
            {
                **rule("mentee", "len(mentee.unmet_goal_scopes) > 0"),
                "about": "mentee",
                "kind": "insight",
            },
        ],
        require_examples=False,
    )


_JOB_THEN_COMPANY = Situation(
    Mentee(goals=(Goal(GoalKind.ADVICE, GoalScope.JOB), Goal(GoalKind.ADVICE, GoalScope.COMPANY))),
    (Candidate("Dana", Relation.DIRECT_MANAGER, years_at_company=3.0),),
)
_ISSUE_16 = (
    _issue_16_pack("Generated advice {candidate.relation} {candidate.concluded}."),
    _JOB_THEN_COMPANY,
    Reordering(
        attrs.evolve(
            _JOB_THEN_COMPANY,
            mentee=attrs.evolve(
                _JOB_THEN_COMPANY.mentee, goals=_JOB_THEN_COMPANY.mentee.goals[::-1]
            ),
        ),
        {("mentee", "goals"): (1, 0)},
    ),
)


@fewer_examples(2)
@given(
    st.tuples(rule_packs(), situations()).flatmap(
        lambda made: st.tuples(st.just(made[0]), st.just(made[1]), reorderings(made[1]))
    )
)
@example(_ISSUE_16)
def test_advice_of_generated_rule_packs_is_invariant_under_reordering(
    case: tuple[RuleSet, Situation, Reordering],
) -> None:
    """The same on generated rule packs, about every subject (past mentors included, whose
    subjects hold their position) and reading every list with every construct."""
    pack, situation, reordering = case
    advisor = Advisor(pack, engine="python")
    original = normalised(advisor.advise(situation))
    assert normalised(advisor.advise(reordering.situation), reordering.orders) == original


def test_a_message_may_not_show_goal_positions_which_change_with_their_order() -> None:
    """What the case of issue 16 came to: a generated message showed
    ``{candidate.fits_goals}``, the positions of the goals the candidate fits ("0" for the
    job goal listed first, "1" once listed second), so the advice depended on the order of the
    goals. Such a message is refused when the rule is loaded; conditions may still count
    them."""
    with pytest.raises(RuleError) as caught:
        _issue_16_pack("Generated advice {candidate.fits_goals}.")
    [problem] = caught.value.problems
    assert (problem.rule, problem.field) == ("reads", "message")
    assert "holds positions in a list of the input" in problem.message
    assert "candidate.fits_goals" not in problem.message.partition("fields are:")[2]


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
