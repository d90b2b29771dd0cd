"""The journey: every candidate at one stage, from which the verdict, the plan step and what
would change it all follow (docs/spec.md, "The journey")."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from mentor_rules import (
    Advisor,
    Chemistry,
    Relation,
    Situation,
    Verdict,
    Willingness,
    situation_from_dict,
)
from mentor_rules.advice.build import knowledge
from mentor_rules.advice.explain import NoChange
from mentor_rules.io.escape import terminal
from mentor_rules.io.report import build_report, render
from mentor_rules.model.output import verdict_of
from mentor_rules.model.vocabulary import Stage

from ._support import Engines, noted, path_tokens, spec_situations

#: Stages at which a candidate is approached, and so named by a step.
APPROACH = {Stage.TO_TRY_OUT, Stage.GETTING_TO_KNOW, Stage.READY_TO_ASK}


def _named(step_subject: str, others: tuple[str, ...], name: str) -> bool:
    return name == step_subject or name in others


@given(spec_situations())
def test_every_candidate_is_at_one_stage_and_the_verdict_is_the_stages(
    advisors: Engines, situation: Situation
) -> None:
    """The stage rules that fire for a candidate agree on one stage (several reasons may rule
    someone out; one of them is named), and the verdict is that stage's."""
    for advisor in advisors:
        with noted(advisor):
            advice = advisor.advise(situation)
            for verdict in advice.candidates:
                staged = [advisor.rules[r] for r in verdict.rules if advisor.rules[r].stage]
                assert {rule.stage for rule in staged} == {verdict.stage}, verdict
                assert verdict.stage_rule in {rule.id for rule in staged}
                assert verdict.verdict == verdict_of(verdict.stage)
                if not situation.mentee.goals:
                    assert verdict.stage in (Stage.RULED_OUT, Stage.NOT_A_FIT)


@given(spec_situations())
def test_everyone_who_fits_a_goal_and_is_not_ruled_out_has_a_step_and_nobody_else_one(
    advisors: Engines, situation: Situation
) -> None:
    for advisor in advisors:
        with noted(advisor):
            advice = advisor.advise(situation)
            for verdict in advice.candidates:
                approach = [
                    step
                    for step in advice.next_steps
                    if advisor.rules[step.rule].stage is not None
                    and _named(step.subject, step.others, verdict.name)
                ]
                if verdict.fits_goals and verdict.stage != Stage.RULED_OUT:
                    assert verdict.stage in APPROACH, verdict
                    assert [step.rule for step in approach] == [verdict.stage_rule], verdict
                if verdict.stage in (Stage.RULED_OUT, Stage.NOT_A_FIT):
                    assert not approach, (verdict, approach)
                    if verdict.stage == Stage.RULED_OUT:
                        assert not [
                            step
                            for step in advice.next_steps
                            if advisor.rules[step.rule].about == "candidate"
                            and _named(step.subject, step.others, verdict.name)
                        ]


@given(spec_situations())
def test_one_ask_and_one_try_out_at_a_time_best_fitted_first(
    advisors: Engines, situation: Situation
) -> None:
    """At most one step asks and one tries out, each naming one person, with the others to
    turn to next in order of goals fitted, then how well they know those goals' scopes."""
    scopes = [goal.scope for goal in situation.mentee.goals]
    for advisor in advisors:
        with noted(advisor):
            advice = advisor.advise(situation)
            for stage in (Stage.READY_TO_ASK, Stage.TO_TRY_OUT):
                steps = [s for s in advice.next_steps if advisor.rules[s.rule].stage == stage]
                assert len(steps) <= 1
                for step in steps:
                    people = [advice.for_candidate(n) for n in (step.subject, *step.others)]
                    assert all(p.stage == stage for p in people)
                    keys = [
                        (
                            -len(p.fits_goals),
                            -knowledge([advisor.rules[r] for r in p.rules], scopes),
                        )
                        for p in people
                    ]
                    assert keys == sorted(keys)
                    waiting = [v.name for v in advice.candidates if v.stage == stage]
                    assert sorted(waiting) == sorted(p.name for p in people)


def _allowed(situation: Situation, path: str, value: object) -> bool:
    tokens = path_tokens(path)
    if tokens[0] != "candidates" or len(tokens) != 3:
        return False
    candidate = situation.candidates[int(tokens[1])]
    match tokens[2]:
        case "conversations":
            return isinstance(value, int) and value > candidate.conversations
        case "chemistry":
            return value == "good" and candidate.chemistry in (Chemistry.UNKNOWN, Chemistry.MIXED)
        case "willing":
            return value == "yes" and candidate.willing == Willingness.UNKNOWN
        case "knows_culture":
            return (
                value is True
                and candidate.knows_culture is None
                and candidate.relation != Relation.OUTSIDE
            )
        case _:
            return False


@settings(max_examples=max(10, settings().max_examples // 4))
@given(spec_situations(min_candidates=1, max_candidates=4), st.data())
def test_what_would_change_it_proposes_only_allowed_changes_and_always_names_the_reason(
    advisors: Engines, situation: Situation, data: st.DataObject
) -> None:
    """Only more conversations and finding out what is not known yet; nothing with no goals;
    a candidate on the way always has a way to ready; where nothing helps, the reason is the
    message of the rule that set the stage, and the report says it."""
    name = data.draw(st.sampled_from([c.name for c in situation.candidates]), label="candidate")
    for advisor in advisors:
        with noted(advisor):
            explanation = advisor.explain(situation, name, bound=3)
            for change_set in explanation.what_would_change:
                for change in change_set.changes:
                    assert _allowed(situation, change.path, change.value), change
            if not situation.mentee.goals:
                assert not explanation.what_would_change
                assert {u.why for u in explanation.unreached} <= {NoChange.NO_GOALS}
            if explanation.stage in (Stage.TO_TRY_OUT, Stage.GETTING_TO_KNOW):
                assert any(
                    c.reaches == Verdict.READY_TO_ASK for c in explanation.what_would_change
                ), explanation
            for unreached in explanation.unreached:
                if unreached.why in (NoChange.RULED_OUT, NoChange.NOT_A_FIT):
                    assert unreached.rules == (explanation.stage_rule,)
                    assert explanation.reason


@settings(max_examples=max(10, settings().max_examples // 4))
@given(spec_situations(min_candidates=1, max_candidates=4))
# A line break in a name is shown as an escape on the report's one line ("0[U+000A]").
@example(
    situation=situation_from_dict({"candidates": [{"name": "0\n", "relation": "direct_manager"}]})
)
def test_the_first_screen_names_the_reason_wherever_nothing_can_change(
    advisors: Engines, situation: Situation
) -> None:
    for advisor in advisors:
        with noted(advisor):
            advice = advisor.advise(situation)
            report = build_report(advisor, situation, advice, "generated")
            text = " ".join(render([report], "text").split())
            for e in report.explanations:
                if (
                    any(u.why == NoChange.NOT_A_FIT for u in e.unreached)
                    and not e.what_would_change
                ):
                    assert " ".join(terminal(e.reason).split()) in text
            for verdict in advice.candidates:
                if verdict.stage == Stage.RULED_OUT:
                    reason = next(
                        r.message
                        for r in advice.recommendations
                        if r.subject == verdict.name and r.rule == verdict.stage_rule
                    )
                    assert " ".join(terminal(reason).split()) in text


def test_a_budget_too_small_for_one_search_leaves_it_not_searched(advisor: Advisor) -> None:
    situation = {
        "mentee": {"goals": [{"kind": "advice", "scope": "company"}]},
        "candidates": [{"name": "Rita", "relation": "senior", "years_at_company": 8}],
    }
    explanation = advisor.explain(situation, "Rita", budget=2)
    assert not explanation.what_would_change
    assert {u.why for u in explanation.unreached} == {NoChange.NOT_SEARCHED}
    assert explanation.evaluations == 0
    assert advisor.explain(situation, "Rita").what_would_change
