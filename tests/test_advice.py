"""Firings into advice: verdicts, scores, ranking, ordering, next steps and messages."""

from __future__ import annotations

from typing import Any

from mentor_rules import Kind, Verdict, advice_from_dict, advice_to_dict, advise

ALL_ROLES = [
    "network_connector",
    "adviser",
    "idea_person",
    "emotional_connector",
    "success_partner",
]


def situation(**mentee: Any) -> dict[str, Any]:
    return {
        "mentee": {"support_roles": ALL_ROLES, **mentee},
        "candidates": [
            {
                "name": "Dana",
                "relation": "direct_manager",
                "chemistry": "good",
                "conversations": 3,
                "years_at_company": 9,
            },
            {
                "name": "Rita",
                "relation": "senior",
                "years_at_company": 8,
                "conversations": 2,
                "chemistry": "good",
            },
            {"name": "Jo", "relation": "junior"},
            {"name": "Pat", "relation": "peer", "knows_culture": True},
            {"name": "Lee", "relation": "senior", "chemistry": "poor", "years_at_company": 9},
        ],
    }


GOALS = [{"kind": "advice", "scope": "company"}]


def test_verdicts_follow_the_kinds_of_the_rules_that_fired() -> None:
    advice = advise(situation(goals=GOALS))
    verdicts = {c.name: c.verdict for c in advice.candidates}
    assert verdicts == {
        "Dana": Verdict.AVOID,  # avoid beats everything, even good chemistry
        "Rita": Verdict.READY_TO_ASK,
        "Jo": Verdict.AVOID,  # a junior colleague is not the mentor the article means
        "Pat": Verdict.EXPLORE,
        "Lee": Verdict.AVOID,
    }


def test_candidates_are_ranked_by_verdict_then_goals_fitted_then_score_then_name() -> None:
    advice = advise(situation(goals=GOALS))
    assert [c.name for c in advice.candidates] == ["Rita", "Pat", "Jo", "Lee", "Dana"]
    rita = advice.for_candidate("Rita")
    assert rita.score == 10 + 15 + 30  # consider-higher-ups + knows-company-history + ready
    assert rita.rules == ("consider-higher-ups", "knows-company-history", "ready-to-ask")
    assert rita.fits_goals == (0,)


def test_a_candidate_who_fits_a_goal_ranks_above_one_who_does_not() -> None:
    """The career changer: an outside UX designer before a finance veteran higher up."""
    advice = advise(
        {
            "mentee": {
                "career_move": "change",
                "industry": "finance",
                "target_industry": "UX design",
                "goals": [{"kind": "networking", "scope": "industry"}],
            },
            "candidates": [
                {"name": "Frank", "relation": "senior", "industry": "Finance",
                 "years_in_industry": 20, "years_at_company": 20},
                {"name": "Ines", "relation": "outside", "industry": "ux-design",
                 "years_in_industry": 8},
            ],
        }
    )  # fmt: skip
    assert [c.name for c in advice.candidates] == ["Ines", "Frank"]
    assert advice.for_candidate("Ines").fits_goals == (0,)
    assert advice.for_candidate("Frank").fits_goals == ()
    assert not [r for r in advice.recommendations if r.rule == "look-further"]


def test_an_avoided_candidate_gets_no_positive_advice_and_the_rest_is_kept_as_suppressed() -> None:
    advice = advise(situation(goals=GOALS))
    about_lee = {r.rule for r in advice.recommendations if r.subject == "Lee"}
    assert about_lee == {"poor-chemistry"}
    held = {(s.rule, s.by) for s in advice.suppressed if s.subject == "Lee"}
    assert ("consider-higher-ups", ("poor-chemistry",)) in held
    assert ("knows-company-history", ("poor-chemistry",)) in held


def test_without_goals_the_prerequisite_comes_first_everywhere() -> None:
    advice = advise(situation())
    assert advice.recommendations[0].rule == "know-what-you-want"
    assert advice.recommendations[0].kind is Kind.PREREQUISITE
    assert advice.next_steps[0].rule == "know-what-you-want"
    assert all(c.verdict is not Verdict.READY_TO_ASK for c in advice.candidates)


def test_recommendations_are_grouped_by_kind_in_a_fixed_order() -> None:
    advice = advise(situation(goals=GOALS, months_at_company=2))
    order = list(Kind)
    ranks = [order.index(r.kind) for r in advice.recommendations]
    assert ranks == sorted(ranks)


def test_next_steps_follow_the_rules_step_numbers() -> None:
    advice = advise(
        {
            "mentee": {
                "goals": GOALS,
                "ideas": ["x"],
                "past_mentors": [{"setting": "school", "did_not_work": ["busy"]}],
                "support_roles": ["adviser"],
            },
            "candidates": [
                {
                    "name": "Rita",
                    "relation": "senior",
                    "years_at_company": 8,
                    "conversations": 2,
                    "chemistry": "good",
                },
                {"name": "Ann", "relation": "senior", "years_at_company": 7, "conversations": 4,
                 "chemistry": "good"},
                {"name": "Jo", "relation": "junior"},
                {"name": "Sam", "relation": "skip_level", "years_at_company": 6,
                 "conversations": 1},
                {"name": "Kim", "relation": "senior", "years_at_company": 5, "traits": ["Busy"]},
                {"name": "Max", "relation": "senior", "years_at_company": 9},
            ],
        }
    )  # fmt: skip
    assert [(step.rule, step.subject, step.others) for step in advice.next_steps] == [
        ("learn-from-past-mentors", "mentee", ()),
        # who holds the history of the idea: everyone not ruled out who knows the company
        ("ask-about-idea-history", "Ann", ("Rita", "Sam", "Max", "Kim")),
        # cautions stand beside the first step that names their candidate
        ("skip-level-in-your-chain", "Sam", ()),
        ("echoes-what-did-not-work", "Kim", ()),
        ("take-your-time", "mentee", ()),
        # one try-out step, one person at a time: the best first, then the others
        ("try-out-with-questions", "Max", ("Kim",)),
        ("assess-chemistry", "Sam", ()),
        # one ask: the best ready candidate, the other one to fall back on
        ("ready-to-ask", "Ann", ("Rita",)),
        # one step for the whole coaching team, after the mentor steps (no career move)
        ("build-coaching-team", "network_connector",
         ("idea_person", "emotional_connector", "success_partner")),
    ]  # fmt: skip
    ask = advice.next_steps[-2].text
    assert ask.startswith("Ask Ann to be your mentor")
    assert "Rita" not in ask  # whom to ask next is data (``others``), not words to parse


def test_messages_are_rendered_in_plain_words() -> None:
    advice = advise({"mentee": {"support_roles": ["adviser"]}})
    roles = [r for r in advice.recommendations if r.rule == "build-coaching-team"]
    assert {r.subject for r in roles} == set(ALL_ROLES) - {"adviser"}
    texts = " ".join(r.message for r in roles)
    assert "a network connector, who introduces you to people" in texts
    assert "{" not in texts
    assert "network_connector" not in texts


def test_ideas_are_quoted_and_several_read_as_a_list() -> None:
    advice = advise({"mentee": {"ideas": ["replace the weekly status meeting", "a design kit"]}})
    (check,) = [r for r in advice.recommendations if r.rule == "check-idea-history"]
    assert check.message.startswith(
        "Before you push “a design kit” and “replace the weekly status meeting”, ask"
    )


def test_advice_carries_rule_metadata_and_true_evidence() -> None:
    advice = advise(situation(goals=GOALS))
    (dana,) = [r for r in advice.recommendations if r.rule == "avoid-direct-manager"]
    assert dana.subject == "Dana"
    assert dana.message.startswith("You probably won't want Dana")
    assert dana.source.section.startswith("To Do Something New")
    assert [(e.path, e.value) for e in dana.evidence] == [
        ("candidates[0].relation", "direct_manager")
    ]


def test_echo_evidence_points_at_both_the_trait_and_the_past_mentor() -> None:
    advice = advise(
        {
            "mentee": {"past_mentors": [{"setting": "school", "worked": ["x", "Patient"]}]},
            "candidates": [{"name": "Ann", "relation": "peer", "traits": ["calm", "patient "]}],
        }
    )
    (echo,) = [r for r in advice.recommendations if r.rule == "echoes-what-worked"]
    paths = {(e.path, e.value) for e in echo.evidence}
    assert ("candidates[0].traits[1]", "patient ") in paths
    assert ("mentee.past_mentors[0].worked[1]", "Patient") in paths


def test_advice_round_trips_through_its_json_form() -> None:
    advice = advise(situation(goals=GOALS, months_at_company=1))
    assert advice_from_dict(advice_to_dict(advice)) == advice
