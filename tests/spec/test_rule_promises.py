"""What each candidate rule of the shipped set promises, in plain words, checked exactly: the
rule speaks about a candidate if and only if the promise says so, with the kind of advice it
promises, and names the candidate in its message. Plus: every rule passes its own examples."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import pytest
from hypothesis import example, given

from mentor_rules import (
    Advisor,
    Candidate,
    Chemistry,
    Goal,
    GoalKind,
    GoalScope,
    Kind,
    Mentee,
    PastMentor,
    Relation,
    Rule,
    Setting,
    Situation,
    Willingness,
    check_examples,
)

from ._promises import (
    avoided,
    echoes,
    fits_goals,
    held_back,
    industry_match,
    knows_company,
    knows_job,
    long_in_industry,
    ready,
)
from ._support import Engines, fired, noted, spec_situations

NOT_DIRECT = Relation.SKIP_LEVEL


#: One goal of each scope.
_GOALS = tuple(Goal(GoalKind.ADVICE, scope) for scope in GoalScope)


def _one(candidate: Candidate, *, goals: bool = True, **mentee: object) -> Situation:
    """A situation with one candidate (and a goal of every scope if ``goals``)."""
    wanted = _GOALS if goals else ()
    return Situation(Mentee(goals=wanted, **mentee), (candidate,))  # type: ignore[arg-type]


def _lineup(*people: Candidate, goals: bool = False) -> Situation:
    """Candidates side by side, typically each one condition away from a rule's line."""
    return Situation(Mentee(goals=_GOALS if goals else ()), people)


#: Every relation, chemistry and willingness, once each.
_EVERY_VALUE = _lineup(
    *(Candidate(f"R {r.value}", r) for r in Relation),
    *(Candidate(f"C {c.value}", Relation.SENIOR, chemistry=c) for c in Chemistry),
    *(Candidate(f"W {w.value}", Relation.SENIOR, willing=w) for w in Willingness),
)


def _check(
    advisor: Advisor,
    situation: Situation,
    rule_id: str,
    kind: Kind,
    applies: Callable[[Candidate], bool],
) -> None:
    advice = advisor.advise(situation)
    found = fired(advice, rule_id)
    expected = sorted(c.name for c in situation.candidates if applies(c))
    assert sorted(r.subject for r in found) == expected
    for recommendation in found:
        assert (recommendation.kind, recommendation.about) == (kind, "candidate")
        assert recommendation.subject in recommendation.message


@given(spec_situations())
@example(_EVERY_VALUE)
def test_a_direct_manager_is_avoided(advisors: Engines, situation: Situation) -> None:
    for advisor in advisors:
        with noted(advisor):
            _check(
                advisor,
                situation,
                "avoid-direct-manager",
                Kind.AVOID,
                lambda c: c.relation == Relation.DIRECT_MANAGER,
            )


@given(spec_situations())
@example(_EVERY_VALUE)
def test_an_unwilling_candidate_is_avoided(advisors: Engines, situation: Situation) -> None:
    for advisor in advisors:
        with noted(advisor):
            _check(
                advisor, situation, "not-willing", Kind.AVOID, lambda c: c.willing == Willingness.NO
            )


@given(spec_situations())
@example(_EVERY_VALUE)
def test_a_candidate_with_poor_chemistry_is_avoided(
    advisors: Engines, situation: Situation
) -> None:
    for advisor in advisors:
        with noted(advisor):
            _check(
                advisor,
                situation,
                "poor-chemistry",
                Kind.AVOID,
                lambda c: c.chemistry == Chemistry.POOR,
            )


@given(spec_situations())
@example(_EVERY_VALUE)
def test_a_junior_colleague_is_ruled_out(advisors: Engines, situation: Situation) -> None:
    for advisor in advisors:
        with noted(advisor):
            _check(
                advisor,
                situation,
                "junior-colleague",
                Kind.AVOID,
                lambda c: c.relation == Relation.JUNIOR,
            )


@given(spec_situations())
@example(_EVERY_VALUE)
def test_people_higher_up_are_worth_exploring(advisors: Engines, situation: Situation) -> None:
    """Skip-level and senior people, unless avoided."""
    for advisor in advisors:
        with noted(advisor):
            _check(
                advisor,
                situation,
                "consider-higher-ups",
                Kind.CONSIDER,
                lambda c: c.relation in (Relation.SKIP_LEVEL, Relation.SENIOR) and not avoided(c),
            )


@given(spec_situations())
@example(_one(Candidate("Pat", Relation.PEER, years_at_company=3.0)))
@example(_one(Candidate("Pat", Relation.PEER, years_at_company=2.9999999999999996)))
@example(_one(Candidate("Pat", Relation.PEER, years_at_company=4.0), months_at_company=48))
@example(_one(Candidate("Pat", Relation.PEER, years_at_company=4.0), months_at_company=47))
@example(_one(Candidate("Pat", Relation.PEER, knows_culture=True)))
@example(_one(Candidate("Pat", Relation.PEER, knows_culture=False, years_at_company=4.0)))
@example(
    _lineup(
        Candidate("Rita", Relation.SENIOR, knows_culture=True, years_at_company=9.0),
        Candidate("Jo", Relation.JUNIOR, knows_culture=True),
        Candidate("Kim", Relation.PEER, knows_culture=False, years_at_company=1.0),
    )
)
def test_peers_who_know_the_company_are_worth_exploring(
    advisors: Engines, situation: Situation
) -> None:
    """A peer who knows the company (below), unless avoided."""
    for advisor in advisors:
        with noted(advisor):
            _check(
                advisor,
                situation,
                "consider-knowledgeable-peers",
                Kind.CONSIDER,
                lambda c: (
                    c.relation == Relation.PEER
                    and not held_back(c)
                    and knows_company(c, situation.mentee)
                ),
            )


@given(spec_situations())
@example(_one(Candidate("Rita", Relation.SENIOR, years_at_company=3.0)))
@example(_one(Candidate("Rita", Relation.SENIOR, years_at_company=2.9999999999999996)))
@example(_one(Candidate("Rita", Relation.SENIOR, knows_culture=True)))
@example(_one(Candidate("Rita", Relation.SENIOR, knows_culture=False, years_at_company=9.0)))
@example(_one(Candidate("Lee", Relation.SENIOR, years_at_company=4.0), months_at_company=120))
@example(_one(Candidate("Dana", Relation.DIRECT_MANAGER, knows_culture=True)))
def test_people_who_know_the_companys_history_are_worth_exploring(
    advisors: Engines, situation: Situation
) -> None:
    """Knows the culture; or, where that is not said, 3+ years at the company and longer than
    the mentee (where both are known). Never the direct manager, a junior, or anyone avoided."""
    for advisor in advisors:
        with noted(advisor):
            _check(
                advisor,
                situation,
                "knows-company-history",
                Kind.CONSIDER,
                lambda c: not held_back(c) and knows_company(c, situation.mentee),
            )


_CHANGER: dict[str, Any] = {"industry": "finance", "target_industry": "UX design"}
_INES = Candidate("Ines", Relation.OUTSIDE, years_in_industry=5.0, industry="UX-Design")
_LIN = Candidate("Lin", Relation.OUTSIDE, jobs=("Product  Manager",))


@given(spec_situations())
@example(_one(Candidate("Ines", Relation.OUTSIDE, years_in_industry=5.0, industry="ux design")))
@example(
    _one(
        Candidate("Ines", Relation.OUTSIDE, years_in_industry=5.0, industry="UX-Design"), **_CHANGER
    )
)
@example(
    _one(
        Candidate("Frank", Relation.SENIOR, years_in_industry=20.0, industry="Finance"), **_CHANGER
    )
)
@example(
    _one(
        Candidate("Olu", Relation.OUTSIDE, years_in_industry=4.999, industry="UX design"),
        **_CHANGER,
    )
)
def test_insiders_of_the_industry_aimed_at_are_worth_exploring(
    advisors: Engines, situation: Situation
) -> None:
    """5+ years in the industry the mentee aims at (the target, else the current one); for a
    career changer, the industry they leave does not count."""
    for advisor in advisors:
        with noted(advisor):
            _check(
                advisor,
                situation,
                "industry-insider",
                Kind.CONSIDER,
                lambda c: (
                    not held_back(c)
                    and long_in_industry(c)
                    and industry_match(c, situation.mentee) is True
                ),
            )


@given(spec_situations())
@example(_one(Candidate("Olu", Relation.OUTSIDE, years_in_industry=5.0)))
@example(_one(Candidate("Olu", Relation.OUTSIDE, years_in_industry=5.0, industry="retail")))
@example(_one(Candidate("Olu", Relation.OUTSIDE, years_in_industry=5.0), industry="retail"))
def test_industry_experience_that_cannot_be_matched_is_worth_exploring_unconfirmed(
    advisors: Engines, situation: Situation
) -> None:
    """5+ years in an industry where the candidate's or the mentee's industry is unknown; the
    message says it is not confirmed."""
    for advisor in advisors:
        with noted(advisor):
            _check(
                advisor,
                situation,
                "industry-experience-unconfirmed",
                Kind.CONSIDER,
                lambda c: (
                    not held_back(c)
                    and long_in_industry(c)
                    and industry_match(c, situation.mentee) is None
                ),
            )
            for r in fired(advisor.advise(situation), "industry-experience-unconfirmed"):
                assert "not confirmed" in r.message


@given(spec_situations())
@example(
    _one(
        Candidate("Lin", Relation.OUTSIDE, jobs=("Product  Manager",)), target_job="product manager"
    )
)
@example(
    _one(Candidate("Lin", Relation.OUTSIDE, jobs=("analyst",)), job="analyst", target_job="lead")
)
@example(_one(Candidate("Lin", Relation.OUTSIDE, jobs=("analyst",)), job="Analyst"))
def test_people_who_have_done_the_job_aimed_at_are_worth_exploring(
    advisors: Engines, situation: Situation
) -> None:
    """The job the mentee aims at (the target, else the current one) is among the candidate's."""
    for advisor in advisors:
        with noted(advisor):
            _check(
                advisor,
                situation,
                "knows-the-job",
                Kind.CONSIDER,
                lambda c: not held_back(c) and knows_job(c, situation.mentee),
            )


_PATIENT_BEFORE = PastMentor(
    Setting.SCHOOL, worked=("Patient", "gave blunt feedback"), did_not_work=("micromanaging",)
)


@given(spec_situations())
@example(
    _one(
        Candidate("Rita", Relation.SENIOR, traits=("  patient ",)), past_mentors=(_PATIENT_BEFORE,)
    )
)
@example(
    _one(
        Candidate("Rita", Relation.SENIOR, traits=("blunt feedback",)),
        past_mentors=(_PATIENT_BEFORE,),
    )
)
@example(
    _one(
        Candidate("Dana", Relation.DIRECT_MANAGER, traits=("patient",)),
        past_mentors=(_PATIENT_BEFORE,),
    )
)
def test_a_candidate_with_what_worked_before_is_worth_exploring(
    advisors: Engines, situation: Situation
) -> None:
    """A trait that echoes, word by word, what worked with a past mentor; never for a held-back
    candidate."""
    for advisor in advisors:
        with noted(advisor):
            _check(
                advisor,
                situation,
                "echoes-what-worked",
                Kind.CONSIDER,
                lambda c: not held_back(c) and echoes(c, situation.mentee, "worked"),
            )


@given(spec_situations())
@example(
    _one(Candidate("Sam", NOT_DIRECT, traits=("Micromanages",)), past_mentors=(_PATIENT_BEFORE,))
)
@example(
    _one(
        Candidate("Dana", Relation.DIRECT_MANAGER, traits=("micromanages",)),
        past_mentors=(_PATIENT_BEFORE,),
    )
)
def test_a_candidate_with_what_did_not_work_before_calls_for_caution(
    advisors: Engines, situation: Situation
) -> None:
    """Anyone, the direct manager included, with a trait that echoes what did not work; the
    message names the echoed traits."""
    for advisor in advisors:
        with noted(advisor):
            _check(
                advisor,
                situation,
                "echoes-what-did-not-work",
                Kind.CAUTION,
                lambda c: echoes(c, situation.mentee, "did_not_work"),
            )
            advice = advisor.advise(situation)
            for recommendation in fired(advice, "echoes-what-did-not-work"):
                candidate = next(
                    c for c in situation.candidates if c.name == recommendation.subject
                )
                assert any(trait in recommendation.message for trait in candidate.traits)


@given(spec_situations())
@example(_one(Candidate("Rita", Relation.SENIOR, conversations=0), goals=True))
@example(_one(Candidate("Rita", Relation.SENIOR, conversations=0), goals=False))
@example(_one(Candidate("Rita", Relation.SENIOR, conversations=1), goals=True))
@example(
    _lineup(
        Candidate("Rita", Relation.SENIOR),
        Candidate("Ari", Relation.SENIOR, willing=Willingness.NO),
        Candidate("Lee", Relation.SENIOR, chemistry=Chemistry.POOR),
        Candidate("Dana", Relation.DIRECT_MANAGER, knows_culture=True),
        Candidate("Sam", Relation.SENIOR, conversations=1),
        Candidate("Mo", Relation.PEER, chemistry=Chemistry.GOOD, willing=Willingness.YES),
        Candidate("Jo", Relation.JUNIOR, knows_culture=True),
        goals=True,
    )
)
def test_promising_people_not_yet_talked_with_are_tried_out_with_questions(
    advisors: Engines, situation: Situation
) -> None:
    """With goals only; someone not yet talked with, who fits a goal and is not held back
    (not the direct manager, a junior, unwilling or of poor chemistry)."""
    for advisor in advisors:
        with noted(advisor):
            _check(
                advisor,
                situation,
                "try-out-with-questions",
                Kind.ACTION,
                lambda c: (
                    bool(situation.mentee.goals)
                    and c.conversations == 0
                    and not held_back(c)
                    and bool(fits_goals(c, situation.mentee))
                ),
            )


@given(spec_situations())
@example(_one(Candidate("Sam", NOT_DIRECT, conversations=1, chemistry=Chemistry.MIXED), goals=True))
@example(_one(Candidate("Sam", NOT_DIRECT, conversations=1, chemistry=Chemistry.MIXED)))
@example(
    _lineup(
        Candidate("Sam", NOT_DIRECT, conversations=1, chemistry=Chemistry.MIXED),
        Candidate("Uma", NOT_DIRECT, conversations=3),
        Candidate("Ari", NOT_DIRECT, conversations=1, willing=Willingness.NO),
        Candidate("Dana", Relation.DIRECT_MANAGER, conversations=1, chemistry=Chemistry.MIXED),
        Candidate("Gus", NOT_DIRECT, conversations=1, chemistry=Chemistry.GOOD),
        Candidate("Lee", NOT_DIRECT, conversations=1, chemistry=Chemistry.POOR),
        Candidate("Kim", NOT_DIRECT, conversations=0, chemistry=Chemistry.MIXED),
        Candidate("Jo", Relation.JUNIOR, conversations=2),
        goals=True,
    )
)
def test_after_a_talk_you_take_stock_of_a_chemistry_not_yet_clear(
    advisors: Engines, situation: Situation
) -> None:
    """With goals only; someone who fits a goal, talked with at least once, whose chemistry
    is unknown or mixed, not held back."""
    for advisor in advisors:
        with noted(advisor):
            _check(
                advisor,
                situation,
                "assess-chemistry",
                Kind.ACTION,
                lambda c: (
                    bool(situation.mentee.goals)
                    and c.conversations >= 1
                    and c.chemistry in (Chemistry.UNKNOWN, Chemistry.MIXED)
                    and not held_back(c)
                    and bool(fits_goals(c, situation.mentee))
                ),
            )


@given(spec_situations())
def test_one_good_talk_is_a_start_keep_talking(advisors: Engines, situation: Situation) -> None:
    """With goals only; someone who fits a goal, good chemistry, fewer than two talks but at
    least one, not held back."""
    for advisor in advisors:
        with noted(advisor):
            _check(
                advisor,
                situation,
                "keep-talking",
                Kind.ACTION,
                lambda c: (
                    bool(situation.mentee.goals)
                    and c.conversations == 1
                    and c.chemistry == Chemistry.GOOD
                    and not held_back(c)
                    and bool(fits_goals(c, situation.mentee))
                ),
            )


@given(spec_situations())
def test_someone_who_knows_none_of_what_the_goals_need_is_not_a_fit(
    advisors: Engines, situation: Situation
) -> None:
    """With goals: fits none, not held back; with none: everyone not held back."""
    goals = bool(situation.mentee.goals)
    for advisor in advisors:
        with noted(advisor):
            _check(
                advisor,
                situation,
                "fits-no-goal",
                Kind.INSIGHT,
                lambda c: goals and not held_back(c) and not fits_goals(c, situation.mentee),
            )
            _check(
                advisor,
                situation,
                "no-goals-yet",
                Kind.INSIGHT,
                lambda c: not goals and not held_back(c),
            )


@given(spec_situations())
def test_a_skip_level_is_said_to_be_in_your_reporting_chain(
    advisors: Engines, situation: Situation
) -> None:
    for advisor in advisors:
        with noted(advisor):
            _check(
                advisor,
                situation,
                "skip-level-in-your-chain",
                Kind.CAUTION,
                lambda c: c.relation == Relation.SKIP_LEVEL and not avoided(c),
            )


@given(spec_situations())
def test_those_who_know_the_history_are_asked_about_the_ideas(
    advisors: Engines, situation: Situation
) -> None:
    """With ideas: everyone not held back who knows the company, or the industry aimed at
    (confirmed); the mentee is told to look further exactly when nobody does."""
    mentee = situation.mentee

    def knows(c: Candidate) -> bool:
        return knows_company(c, mentee) or (
            long_in_industry(c) and industry_match(c, mentee) is True
        )

    for advisor in advisors:
        with noted(advisor):
            _check(
                advisor,
                situation,
                "ask-about-idea-history",
                Kind.ACTION,
                lambda c: bool(mentee.ideas) and not held_back(c) and knows(c),
            )
            found = fired(advisor.advise(situation), "check-idea-history")
            nobody = not [c for c in situation.candidates if not held_back(c) and knows(c)]
            assert bool(found) == (bool(mentee.ideas) and nobody)


_READY = Candidate(
    "Rita", Relation.SENIOR, years_at_company=3.0, chemistry=Chemistry.GOOD, conversations=2
)

#: The ready candidate, and candidates each one condition short of ready.
_NEARLY_READY = (
    _READY,
    attrs.evolve(_READY, name="Dana", relation=Relation.DIRECT_MANAGER),
    attrs.evolve(_READY, name="Jo", relation=Relation.JUNIOR),
    attrs.evolve(_READY, name="Mia", chemistry=Chemistry.MIXED),
    attrs.evolve(_READY, name="Una", chemistry=Chemistry.UNKNOWN),
    attrs.evolve(_READY, name="Zed", conversations=1),
    attrs.evolve(_READY, name="Ari", willing=Willingness.NO),
    attrs.evolve(_READY, name="Kit", years_at_company=2.9, knows_culture=False),
    attrs.evolve(
        _READY, name="Olu", relation=Relation.OUTSIDE, years_at_company=None, years_in_industry=5.0
    ),
    attrs.evolve(
        _READY, name="Pat", relation=Relation.PEER, years_at_company=None, knows_culture=True
    ),
)


@given(spec_situations())
@example(_one(_READY, goals=True))
@example(_one(_READY, goals=False))
@example(_lineup(*_NEARLY_READY, goals=True))
@example(_lineup(*_NEARLY_READY, goals=False))
def test_a_candidate_is_ready_to_ask_exactly_when_everything_is_in_place(
    advisors: Engines, situation: Situation
) -> None:
    """Goals set; a goal the candidate fits; good chemistry; at least two conversations; not
    unwilling; not the direct manager, not a junior."""
    for advisor in advisors:
        with noted(advisor):
            _check(
                advisor,
                situation,
                "ready-to-ask",
                Kind.READY,
                lambda c: ready(c, situation.mentee),
            )


# --------------------------------------------------------------------------- rule examples


def test_each_rule_passes_its_own_examples(advisor: Advisor, rule_under_test: Rule) -> None:
    """Parametrized over the rules (test id: rule file and id) and the engines."""
    results = check_examples(advisor, (rule_under_test,))
    assert results, f"{rule_under_test.id} has no examples"
    failures = [
        f"example {r.index} ({r.description}): expected {r.expected}, got {r.actual}"
        for r in results
        if not r.passed
    ]
    assert not failures, f"{rule_under_test.file} {rule_under_test.id}: " + "; ".join(failures)


@pytest.mark.parametrize(
    "rule_id",
    [
        "ask-about-idea-history",
        "assess-chemistry",
        "avoid-direct-manager",
        "consider-higher-ups",
        "consider-knowledgeable-peers",
        "echoes-what-did-not-work",
        "echoes-what-worked",
        "fits-no-goal",
        "industry-experience-unconfirmed",
        "industry-insider",
        "junior-colleague",
        "keep-talking",
        "knows-company-history",
        "knows-the-job",
        "no-goals-yet",
        "not-willing",
        "poor-chemistry",
        "ready-to-ask",
        "skip-level-in-your-chain",
        "try-out-with-questions",
    ],
)
def test_every_candidate_promise_has_its_rule(advisor: Advisor, rule_id: str) -> None:
    """The promises above are about rules of the set under test: none may silently vanish."""
    assert advisor.rules[rule_id].about == "candidate"
