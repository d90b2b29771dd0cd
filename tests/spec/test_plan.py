"""Promises about the mentee: goals first, the coaching team, urgency, and the plan's order."""

from __future__ import annotations

import attrs
from hypothesis import example, given

from mentor_rules import (
    CoachingRole,
    Kind,
    Mentee,
    Situation,
    Verdict,
)
from mentor_rules.testing import mentees

from ._support import Engines, fired, noted, spec_situations

#: The article's order of the plan, as rule ids: decide what you want, learn from your past
#: mentors, build your coaching team, check your idea's history, take your time, try people
#: out with questions, take stock of the chemistry, ask.
PLAN_ORDER = (
    "know-what-you-want",
    "learn-from-past-mentors",
    "build-coaching-team",
    "check-idea-history",
    "take-your-time",
    "try-out-with-questions",
    "assess-chemistry",
    "ready-to-ask",
)


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
def test_each_missing_coaching_role_yields_exactly_one_build_coaching_team_recommendation(
    advisors: Engines, situation: Situation
) -> None:
    """And a filled role yields none. The message names the missing role in words."""
    for advisor in advisors:
        with noted(advisor):
            found = fired(advisor.advise(situation), "build-coaching-team")
            missing = [role for role in CoachingRole if role not in situation.mentee.support_roles]
            assert sorted(r.subject for r in found) == sorted(role.value for role in missing)
            for recommendation in found:
                assert recommendation.kind == Kind.ACTION
                assert recommendation.about == "role"
                assert recommendation.subject.replace("_", " ") in recommendation.message


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
    """A newcomer has been at the company under 12 months (unknown tenure is not new)."""
    for advisor in advisors:
        with noted(advisor):
            found = fired(advisor.advise(Situation(mentee)), "need-a-mentor")
            newcomer = mentee.months_at_company is not None and mentee.months_at_company < 12
            urgent = newcomer or mentee.wants_to_innovate or mentee.hired_for_fresh_perspective
            assert [(r.subject, r.kind) for r in found] == (
                [("mentee", Kind.INSIGHT)] if urgent else []
            )


@given(mentees())
def test_ideas_in_flight_are_checked_against_company_history(
    advisors: Engines, mentee: Mentee
) -> None:
    """One recommendation when the mentee has ideas, naming every idea; none without ideas."""
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
    for advisor in advisors:
        with noted(advisor):
            advice = advisor.advise(situation)
            rules = advisor.rules
            expected = sorted(
                (r.rule, r.subject, r.message)
                for r in advice.recommendations
                if rules[r.rule].step is not None
            )
            assert sorted((s.rule, s.subject, s.text) for s in advice.next_steps) == expected
            order = [
                (rules[s.rule].kind != Kind.PREREQUISITE, rules[s.rule].step or 0)
                for s in advice.next_steps
            ]
            assert order == sorted(order)


@given(spec_situations())
def test_the_plan_follows_the_articles_order(advisors: Engines, situation: Situation) -> None:
    """Decide what you want, learn from past mentors, build the team, check the idea's history,
    take your time, try people out, take stock of the chemistry, ask; and nothing else."""
    for advisor in advisors:
        with noted(advisor):
            steps = advisor.advise(situation).next_steps
            assert {s.rule for s in steps} <= set(PLAN_ORDER)
            positions = [PLAN_ORDER.index(s.rule) for s in steps]
            assert positions == sorted(positions)
