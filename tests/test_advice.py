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
        "Jo": Verdict.WEAK_FIT,  # nothing speaks for a junior colleague
        "Pat": Verdict.EXPLORE,
        "Lee": Verdict.AVOID,
    }


def test_candidates_are_ranked_by_verdict_then_score_then_name() -> None:
    advice = advise(situation(goals=GOALS))
    assert [c.name for c in advice.candidates] == ["Rita", "Pat", "Jo", "Lee", "Dana"]
    rita = advice.for_candidate("Rita")
    assert rita.score == 20 + 15 + 30  # consider-higher-ups + knows-company-history + ready
    assert rita.rules == ("consider-higher-ups", "knows-company-history", "ready-to-ask")


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
                "past_mentors": [{"setting": "school"}],
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
                {"name": "Jo", "relation": "junior"},
                {"name": "Sam", "relation": "skip_level", "conversations": 1},
            ],
        }
    )
    assert [(step.rule, step.subject) for step in advice.next_steps] == [
        ("learn-from-past-mentors", "mentee"),
        ("build-coaching-team", "network_connector"),
        ("build-coaching-team", "idea_person"),
        ("build-coaching-team", "emotional_connector"),
        ("build-coaching-team", "success_partner"),
        ("check-idea-history", "mentee"),
        ("take-your-time", "mentee"),
        ("try-out-with-questions", "Jo"),
        ("assess-chemistry", "Sam"),
        ("ready-to-ask", "Rita"),
    ]


def test_messages_are_rendered_in_plain_words() -> None:
    advice = advise({"mentee": {"support_roles": ["adviser"]}})
    roles = [r for r in advice.recommendations if r.rule == "build-coaching-team"]
    assert {r.subject for r in roles} == set(ALL_ROLES) - {"adviser"}
    texts = " ".join(r.message for r in roles)
    assert "network connector" in texts
    assert "{" not in texts
    assert "network_connector" not in texts


def test_advice_carries_rule_metadata_and_true_evidence() -> None:
    advice = advise(situation(goals=GOALS))
    (dana,) = [r for r in advice.recommendations if r.rule == "avoid-direct-manager"]
    assert dana.subject == "Dana"
    assert dana.message.startswith("Don't ask Dana")
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
