"""Promises about candidates: who is never recommended, who is ready, how verdicts are made,
locality and monotonicity."""

from __future__ import annotations

from collections.abc import Callable

import attrs
from hypothesis import assume, example, given
from hypothesis import strategies as st

from mentor_rules import (
    Candidate,
    Chemistry,
    Goal,
    GoalKind,
    GoalScope,
    Kind,
    Relation,
    Situation,
    Stage,
    Verdict,
    Willingness,
)
from mentor_rules.advice.build import knowledge
from mentor_rules.testing import candidates, goals

from ._promises import fits_goals
from ._support import VERDICT_RANK, Engines, name_key, noted, spec_situations

NOT_RECOMMENDED = {Verdict.EXPLORE, Verdict.READY_TO_ASK}


@given(spec_situations())
def test_a_direct_manager_is_never_explored_or_ready(
    advisors: Engines, situation: Situation
) -> None:
    for advisor in advisors:
        with noted(advisor):
            advice = advisor.advise(situation)
            for candidate in situation.candidates:
                if candidate.relation == Relation.DIRECT_MANAGER:
                    assert advice.for_candidate(candidate.name).verdict not in NOT_RECOMMENDED


@given(spec_situations())
def test_a_candidate_with_poor_chemistry_is_never_explored_or_ready(
    advisors: Engines, situation: Situation
) -> None:
    for advisor in advisors:
        with noted(advisor):
            advice = advisor.advise(situation)
            for candidate in situation.candidates:
                if candidate.chemistry == Chemistry.POOR:
                    assert advice.for_candidate(candidate.name).verdict not in NOT_RECOMMENDED


@given(spec_situations())
def test_an_unwilling_candidate_is_never_explored_or_ready(
    advisors: Engines, situation: Situation
) -> None:
    for advisor in advisors:
        with noted(advisor):
            advice = advisor.advise(situation)
            for candidate in situation.candidates:
                if candidate.willing == Willingness.NO:
                    assert advice.for_candidate(candidate.name).verdict not in NOT_RECOMMENDED


@given(spec_situations())
def test_ready_to_ask_implies_a_fitted_goal_good_chemistry_and_two_conversations(
    advisors: Engines, situation: Situation
) -> None:
    """And never the direct manager or a junior colleague."""
    for advisor in advisors:
        with noted(advisor):
            advice = advisor.advise(situation)
            for candidate in situation.candidates:
                verdict = advice.for_candidate(candidate.name)
                if verdict.verdict == Verdict.READY_TO_ASK:
                    assert situation.mentee.goals
                    assert verdict.fits_goals
                    assert candidate.chemistry == Chemistry.GOOD
                    assert candidate.conversations >= 2
                    assert candidate.relation not in (Relation.DIRECT_MANAGER, Relation.JUNIOR)


@given(spec_situations())
def test_a_junior_colleague_is_ruled_out_with_a_reason(
    advisors: Engines, situation: Situation
) -> None:
    for advisor in advisors:
        with noted(advisor):
            advice = advisor.advise(situation)
            for candidate in situation.candidates:
                if candidate.relation == Relation.JUNIOR:
                    verdict = advice.for_candidate(candidate.name)
                    assert verdict.verdict == Verdict.AVOID
                    assert "junior-colleague" in verdict.rules


#: The kinds of advice that speak for a candidate.
POSITIVE = {Kind.CONSIDER, Kind.INSIGHT, Kind.ACTION, Kind.READY}


@given(spec_situations())
def test_no_advice_both_avoids_and_recommends_a_candidate(
    advisors: Engines, situation: Situation
) -> None:
    """One voice per candidate: an avoided candidate gets no positive advice; what would have
    been said is kept as suppressed, naming the avoid rules that vetoed it; cautions stay."""
    for advisor in advisors:
        with noted(advisor):
            advice = advisor.advise(situation)
            for verdict in advice.candidates:
                mine = [r for r in advice.recommendations if r.subject == verdict.name]
                if verdict.verdict != Verdict.AVOID:
                    continue
                assert not [r.rule for r in mine if r.about == "candidate" and r.kind in POSITIVE]
                avoid_rules = {r.rule for r in mine if r.kind == Kind.AVOID}
                for held in advice.suppressed:
                    if held.subject == verdict.name:
                        assert held.by
                        assert set(held.by) <= avoid_rules | {"junior-colleague"}


@given(spec_situations())
def test_each_candidate_fits_the_goals_whose_scope_they_know(
    advisors: Engines, situation: Situation
) -> None:
    """Company: knows the culture, or 3+ years and longer than the mentee; industry: 5+ years
    in the industry aimed at (unconfirmed where an industry is unknown); job: has held the job
    aimed at. Never for an avoided candidate or a junior."""
    for advisor in advisors:
        with noted(advisor):
            advice = advisor.advise(situation)
            for candidate in situation.candidates:
                expected = fits_goals(candidate, situation.mentee)
                assert advice.for_candidate(candidate.name).fits_goals == expected


@given(spec_situations())
def test_every_candidate_gets_one_verdict_made_from_the_rules_that_fired_for_them(
    advisors: Engines, situation: Situation
) -> None:
    """One verdict per candidate; its rules are those that fired for the candidate, its score
    adds up their weights (a rule that fits a goal scope counts once per goal of that scope),
    and the verdict is its stage's: the stage of the rules that set one, the first in the order
    of :class:`Stage` (the least weight, then the first id, among rules of that stage), and not
    a fit when none fired."""
    for advisor in advisors:
        with noted(advisor):
            advice = advisor.advise(situation)
            assert sorted(v.name for v in advice.candidates) == sorted(
                c.name for c in situation.candidates
            )
            for verdict in advice.candidates:
                mine = [
                    r
                    for r in advice.recommendations
                    if r.about == "candidate" and r.subject == verdict.name
                ]
                assert verdict.rules == tuple(sorted({r.rule for r in mine}))
                scopes = [goal.scope for goal in situation.mentee.goals]
                assert verdict.score == sum(
                    rule.weight if rule.fits is None else rule.weight * scopes.count(rule.fits)
                    for rule in (advisor.rules[r] for r in verdict.rules)
                )
                staged = [advisor.rules[r] for r in verdict.rules if advisor.rules[r].stage]
                if staged:
                    order = {stage: n for n, stage in enumerate(Stage)}
                    setter = min(
                        staged, key=lambda r: (order[r.stage or Stage.NOT_A_FIT], r.weight, r.id)
                    )
                    assert (verdict.stage, verdict.stage_rule) == (setter.stage, setter.id)
                else:
                    assert (verdict.stage, verdict.stage_rule) == (Stage.NOT_A_FIT, None)
                assert (
                    verdict.verdict
                    == {
                        Stage.RULED_OUT: Verdict.AVOID,
                        Stage.NOT_A_FIT: Verdict.WEAK_FIT,
                        Stage.TO_TRY_OUT: Verdict.EXPLORE,
                        Stage.GETTING_TO_KNOW: Verdict.EXPLORE,
                        Stage.READY_TO_ASK: Verdict.READY_TO_ASK,
                    }[verdict.stage]
                )


@given(spec_situations())
def test_candidates_are_ranked_by_stage_then_goals_fitted_then_knowledge_then_score(
    advisors: Engines, situation: Situation
) -> None:
    """Ready first, then those being got to know, then those to try out, not a fit, ruled out;
    within a stage by goals fitted, how well they know those goals' scopes, score, name."""
    order = [
        Stage.READY_TO_ASK,
        Stage.GETTING_TO_KNOW,
        Stage.TO_TRY_OUT,
        Stage.NOT_A_FIT,
        Stage.RULED_OUT,
    ]
    scopes = [goal.scope for goal in situation.mentee.goals]
    for advisor in advisors:
        with noted(advisor):
            ranked = advisor.advise(situation).candidates
            keys = [
                (
                    VERDICT_RANK[v.verdict],
                    order.index(v.stage),
                    -len(v.fits_goals),
                    -knowledge([advisor.rules[r] for r in v.rules], scopes),
                    -v.score,
                    v.name,
                )
                for v in ranked
            ]
            assert keys == sorted(keys)


# --------------------------------------------------------------------------- locality


@given(spec_situations(min_candidates=1), st.data())
def test_removing_a_candidate_does_not_change_the_verdicts_of_the_others(
    advisors: Engines, situation: Situation, data: st.DataObject
) -> None:
    gone = data.draw(st.integers(0, len(situation.candidates) - 1), label="removed")
    rest = situation.candidates[:gone] + situation.candidates[gone + 1 :]
    for advisor in advisors:
        with noted(advisor):
            before = advisor.advise(situation)
            after = advisor.advise(attrs.evolve(situation, candidates=rest))
            for candidate in rest:
                assert after.for_candidate(candidate.name) == before.for_candidate(candidate.name)


@given(spec_situations(), candidates(), st.data())
def test_adding_a_candidate_does_not_change_the_verdicts_of_the_others(
    advisors: Engines, situation: Situation, newcomer: Candidate, data: st.DataObject
) -> None:
    assume(all(name_key(c.name) != name_key(newcomer.name) for c in situation.candidates))
    where = data.draw(st.integers(0, len(situation.candidates)), label="inserted at")
    people = (*situation.candidates[:where], newcomer, *situation.candidates[where:])
    for advisor in advisors:
        with noted(advisor):
            before = advisor.advise(situation)
            after = advisor.advise(attrs.evolve(situation, candidates=people))
            for candidate in situation.candidates:
                assert after.for_candidate(candidate.name) == before.for_candidate(candidate.name)


@given(spec_situations(min_candidates=1))
def test_a_candidates_verdict_depends_only_on_the_mentee_and_that_candidate(
    advisors: Engines, situation: Situation
) -> None:
    for advisor in advisors:
        with noted(advisor):
            advice = advisor.advise(situation)
            for candidate in situation.candidates:
                alone = advisor.advise(attrs.evolve(situation, candidates=(candidate,)))
                assert alone.candidates == (advice.for_candidate(candidate.name),)


# --------------------------------------------------------------------------- monotonicity

#: Ways one candidate's facts get better; ``None`` where the improvement does not apply.
CANDIDATE_IMPROVEMENTS: dict[str, Callable[[Candidate], Candidate | None]] = {
    "chemistry unknown to good": lambda c: (
        attrs.evolve(c, chemistry=Chemistry.GOOD) if c.chemistry == Chemistry.UNKNOWN else None
    ),
    "chemistry mixed or poor to good": lambda c: (
        attrs.evolve(c, chemistry=Chemistry.GOOD)
        if c.chemistry in (Chemistry.MIXED, Chemistry.POOR)
        else None
    ),
    "one more conversation": lambda c: (
        attrs.evolve(c, conversations=c.conversations + 1) if c.conversations < 10_000 else None
    ),
    "willing unknown to yes": lambda c: (
        attrs.evolve(c, willing=Willingness.YES) if c.willing == Willingness.UNKNOWN else None
    ),
    "willing no to yes": lambda c: (
        attrs.evolve(c, willing=Willingness.YES) if c.willing == Willingness.NO else None
    ),
    "knows the culture": lambda c: (
        attrs.evolve(c, knows_culture=True) if c.knows_culture is not True else None
    ),
    "three more years at the company": lambda c: attrs.evolve(
        c, years_at_company=min(100.0, (c.years_at_company or 0.0) + 3)
    ),
    "five more years in the industry": lambda c: attrs.evolve(
        c, years_in_industry=min(100.0, (c.years_in_industry or 0.0) + 5)
    ),
}


@given(spec_situations(min_candidates=1), st.data())
def test_better_facts_about_a_candidate_never_make_a_verdict_worse(
    advisors: Engines, situation: Situation, data: st.DataObject
) -> None:
    """Verdicts from best to worst: ready_to_ask, explore, weak_fit, avoid. Improving one
    candidate's facts, in each of the ways above that applies to them, leaves that candidate's
    verdict as good or better, and the others' as they were."""
    which = data.draw(st.integers(0, len(situation.candidates) - 1), label="improved")
    improved = {
        name: better
        for name, improve in CANDIDATE_IMPROVEMENTS.items()
        if (better := improve(situation.candidates[which])) is not None
    }
    for advisor in advisors:
        with noted(advisor):
            before = advisor.advise(situation)
            for improvement, better in improved.items():
                people = list(situation.candidates)
                people[which] = better
                after = advisor.advise(attrs.evolve(situation, candidates=tuple(people)))
                for candidate in situation.candidates:
                    old = before.for_candidate(candidate.name).verdict
                    new = after.for_candidate(candidate.name).verdict
                    assert VERDICT_RANK[new] <= VERDICT_RANK[old], (
                        improvement,
                        candidate.name,
                        old,
                        new,
                    )


@given(spec_situations(min_candidates=1), goals())
@example(
    Situation(
        candidates=(
            Candidate(
                "Rita",
                Relation.SENIOR,
                years_at_company=8.0,
                chemistry=Chemistry.GOOD,
                conversations=2,
            ),
        )
    ),
    Goal(GoalKind.ADVICE, GoalScope.COMPANY),
)
def test_adding_a_goal_never_makes_a_verdict_worse(
    advisors: Engines, situation: Situation, goal: Goal
) -> None:
    for advisor in advisors:
        with noted(advisor):
            mentee = attrs.evolve(situation.mentee, goals=(*situation.mentee.goals, goal))
            before = advisor.advise(situation)
            after = advisor.advise(attrs.evolve(situation, mentee=mentee))
            for candidate in situation.candidates:
                old = before.for_candidate(candidate.name).verdict
                new = after.for_candidate(candidate.name).verdict
                assert VERDICT_RANK[new] <= VERDICT_RANK[old], (candidate.name, old, new)
