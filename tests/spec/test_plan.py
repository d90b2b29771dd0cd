"""Promises about the mentee: goals first, the coaching team, urgency, and the plan's order."""

from __future__ import annotations

import attrs
from hypothesis import example, given

from mentor_rules import (
    CareerMove,
    CoachingRole,
    GoalScope,
    Kind,
    Mentee,
    Situation,
    Verdict,
    shipped_rules,
)
from mentor_rules.testing import mentees

from ._promises import unmet_goals
from ._support import Engines, fired, noted, spec_situations

#: The article's order of the plan, as rule ids: decide what you want, learn from your past
#: mentors, build your coaching team first when on the move, check your idea's history, take
#: your time, look further when nobody fits a goal, try people out with questions, take stock
#: of the chemistry, ask; then the coaching team when not on the move.
PLAN_ORDER = (
    "know-what-you-want",
    "learn-from-past-mentors",
    "coaching-team-first",
    "ask-about-idea-history",
    "check-idea-history",
    "take-your-time",
    "look-further",
    "try-out-with-questions",
    "assess-chemistry",
    "keep-talking",
    "ready-to-ask",
    "build-coaching-team",
)

#: Steps that speak about one candidate.
CANDIDATE_STEPS = {"try-out-with-questions", "assess-chemistry", "keep-talking", "ready-to-ask"}

#: Cautions, which stand in the plan beside their candidate's step.
CAUTIONS = {r.id for r in shipped_rules() if r.kind is Kind.CAUTION}


def _without_goals(situation: Situation) -> Situation:
    return attrs.evolve(situation, mentee=attrs.evolve(situation.mentee, goals=()))


@given(spec_situations().map(_without_goals))
def test_without_goals_no_candidate_is_ready_and_the_first_step_is_to_decide_what_you_want(
    advisors: Engines, situation: Situation
) -> None:
    for advisor in advisors:
        with noted(advisor):
            advice = advisor.advise(situation)
            assert all(v.verdict != Verdict.READY_TO_ASK for v in advice.candidates)
            assert advice.next_steps, "a mentee without goals must be told to decide what they want"
            first = advice.next_steps[0]
            assert (first.rule, first.subject) == ("know-what-you-want", "mentee")
            [decide] = fired(advice, "know-what-you-want")
            assert decide.kind == Kind.PREREQUISITE
            assert first.text == decide.message


@given(spec_situations())
def test_deciding_what_you_want_is_asked_for_exactly_when_there_are_no_goals(
    advisors: Engines, situation: Situation
) -> None:
    for advisor in advisors:
        with noted(advisor):
            subjects = [r.subject for r in fired(advisor.advise(situation), "know-what-you-want")]
            assert subjects == ([] if situation.mentee.goals else ["mentee"])


@given(spec_situations())
def test_with_goals_in_hand_the_advice_is_to_take_your_time(
    advisors: Engines, situation: Situation
) -> None:
    for advisor in advisors:
        with noted(advisor):
            found = fired(advisor.advise(situation), "take-your-time")
            assert [(r.subject, r.kind) for r in found] == (
                [("mentee", Kind.ACTION)] if situation.mentee.goals else []
            )


@given(spec_situations())
def test_each_missing_coaching_role_yields_exactly_one_recommendation_and_the_plan_one_step(
    advisors: Engines, situation: Situation
) -> None:
    """A filled role yields none. On the move (changing or advancing a career, or looking for
    work) the advice is coaching-team-first, early in the plan; otherwise build-coaching-team,
    after the mentor steps. The one step names every missing role in words."""
    moving = situation.mentee.career_move != CareerMove.NONE
    rule_id = "coaching-team-first" if moving else "build-coaching-team"
    other = "build-coaching-team" if moving else "coaching-team-first"
    missing = [role for role in CoachingRole if role not in situation.mentee.support_roles]
    for advisor in advisors:
        with noted(advisor):
            advice = advisor.advise(situation)
            found = fired(advice, rule_id)
            assert not fired(advice, other)
            assert sorted(r.subject for r in found) == sorted(role.value for role in missing)
            for recommendation in found:
                assert recommendation.kind == Kind.ACTION
                assert recommendation.about == "role"
                assert recommendation.subject.replace("_", " ") in recommendation.message
            steps = [s for s in advice.next_steps if s.rule == rule_id]
            assert len(steps) == (1 if missing else 0)
            for step in steps:
                assert sorted((step.subject, *step.others)) == sorted(r.value for r in missing)
                for role in missing:
                    assert role.value.replace("_", " ") in step.text


@given(spec_situations())
def test_without_goals_no_step_speaks_about_a_candidate(
    advisors: Engines, situation: Situation
) -> None:
    """Know what you want first: no try-out, chemistry or ask step for anyone."""
    for advisor in advisors:
        with noted(advisor):
            steps = advisor.advise(situation).next_steps
            if not situation.mentee.goals:
                assert not [s for s in steps if s.rule in CANDIDATE_STEPS]


@given(spec_situations())
def test_the_plan_holds_at_most_one_ask_naming_the_other_ready_candidates_in_order(
    advisors: Engines, situation: Situation
) -> None:
    for advisor in advisors:
        with noted(advisor):
            advice = advisor.advise(situation)
            ready = [v.name for v in advice.candidates if v.verdict == Verdict.READY_TO_ASK]
            asks = [s for s in advice.next_steps if s.rule == "ready-to-ask"]
            assert len(asks) == (1 if ready else 0)
            for ask in asks:
                assert [ask.subject, *ask.others] == ready
                # whom to ask next is data (``others``), which the report words once: the
                # step's text names only the one to ask now
                assert ask.subject in ask.text


@given(spec_situations())
def test_look_further_fires_exactly_when_some_goal_is_fitted_by_no_candidate(
    advisors: Engines, situation: Situation
) -> None:
    """It names where to look for each goal scope left uncovered, and for no other."""
    unmet = unmet_goals(situation)
    scopes = {situation.mentee.goals[n].scope for n in unmet}
    for advisor in advisors:
        with noted(advisor):
            found = fired(advisor.advise(situation), "look-further")
            assert [r.subject for r in found] == (["mentee"] if unmet else [])
            for recommendation in found:
                for scope in GoalScope:
                    assert (f"for the {scope.value}," in recommendation.message) == (
                        scope in scopes
                    )


@given(mentees())
@example(Mentee(months_at_company=11))
@example(Mentee(months_at_company=12))
@example(Mentee(months_at_company=0))
@example(Mentee(months_at_company=None))
@example(Mentee(months_at_company=40, wants_to_innovate=True))
@example(Mentee(months_at_company=40, hired_for_fresh_perspective=True))
def test_the_urgency_insight_fires_exactly_for_newcomers_innovators_and_fresh_perspective_hires(
    advisors: Engines, mentee: Mentee
) -> None:
    """A newcomer has been at the company under 12 months (unknown tenure is not new); one
    who wants to innovate or was hired for a fresh perspective is told they *really* need a
    mentor (the article's words), a newcomer otherwise that they need one; never both."""
    for advisor in advisors:
        with noted(advisor):
            advice = advisor.advise(Situation(mentee))
            newcomer = mentee.months_at_company is not None and mentee.months_at_company < 12
            innovator = mentee.wants_to_innovate or mentee.hired_for_fresh_perspective
            really = fired(advice, "really-need-a-mentor")
            assert [(r.subject, r.kind) for r in really] == (
                [("mentee", Kind.INSIGHT)] if innovator else []
            )
            found = fired(advice, "need-a-mentor")
            assert [(r.subject, r.kind) for r in found] == (
                [("mentee", Kind.INSIGHT)] if newcomer and not innovator else []
            )


@given(mentees())
def test_ideas_in_flight_are_checked_against_company_history(
    advisors: Engines, mentee: Mentee
) -> None:
    """One recommendation when the mentee has ideas, naming every idea; none without ideas.
    (With no candidates, nobody on the list holds the history: the mentee is told to find
    someone who does.)"""
    for advisor in advisors:
        with noted(advisor):
            found = fired(advisor.advise(Situation(mentee)), "check-idea-history")
            assert [(r.subject, r.kind) for r in found] == (
                [("mentee", Kind.ACTION)] if mentee.ideas else []
            )
            for recommendation in found:
                assert all(idea in recommendation.message for idea in mentee.ideas)


@given(mentees())
def test_past_mentors_are_a_lesson_in_what_works(advisors: Engines, mentee: Mentee) -> None:
    for advisor in advisors:
        with noted(advisor):
            found = fired(advisor.advise(Situation(mentee)), "learn-from-past-mentors")
            assert [(r.subject, r.kind) for r in found] == (
                [("mentee", Kind.ACTION)] if mentee.past_mentors else []
            )


@given(spec_situations())
def test_the_next_steps_are_the_step_rules_recommendations_prerequisites_first_in_step_order(
    advisors: Engines, situation: Situation
) -> None:
    """Every recommendation of a rule with a step is in the plan: alone in its own step, or
    named in the one step its rule gives all its subjects (``all``), or the best subject's step
    naming the others (``best``); cautions stand right after their candidate's first step."""
    for advisor in advisors:
        with noted(advisor):
            advice = advisor.advise(situation)
            rules = advisor.rules
            planned = {
                (s.rule, subject) for s in advice.next_steps for subject in (s.subject, *s.others)
            }
            expected = {
                (r.rule, r.subject)
                for r in advice.recommendations
                if rules[r.rule].step is not None
            }
            assert (
                planned - {(s.rule, s.subject) for s in advice.next_steps if s.rule in CAUTIONS}
                == expected
            )
            order = [
                (rules[s.rule].kind != Kind.PREREQUISITE, rules[s.rule].step.order)  # type: ignore[union-attr]
                for s in advice.next_steps
                if s.rule not in CAUTIONS
            ]
            assert order == sorted(order)
            for n, step in enumerate(advice.next_steps):
                if step.rule in CAUTIONS:
                    before = advice.next_steps[n - 1]
                    assert (
                        step.subject in (before.subject, *before.others) or before.rule in CAUTIONS
                    )


@given(spec_situations())
def test_the_plan_follows_the_articles_order(advisors: Engines, situation: Situation) -> None:
    """Decide what you want, learn from past mentors, build the team (first when on the
    move), check the idea's history, take your time, look further, try people out, take stock
    of the chemistry, ask; cautions beside their candidates; and nothing else."""
    for advisor in advisors:
        with noted(advisor):
            steps = [s for s in advisor.advise(situation).next_steps if s.rule not in CAUTIONS]
            assert {s.rule for s in steps} <= set(PLAN_ORDER)
            positions = [PLAN_ORDER.index(s.rule) for s in steps]
            assert positions == sorted(positions)
