"""Four people, read as they would read their advice (``examples/situations/``).

Each test states what that person needs to hear, and what would mislead them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mentor_rules import Advice, Advisor, Verdict

PEOPLE = Path(__file__).resolve().parents[1] / "examples" / "situations"


def _advice(advisor: Advisor, name: str) -> Advice:
    document: dict[str, Any] = json.loads((PEOPLE / f"{name}.json").read_text(encoding="utf-8"))
    return advisor.advise(document)


def _rules(advice: Advice, subject: str) -> set[str]:
    return {r.rule for r in advice.recommendations if r.subject == subject}


def test_a_career_changer_is_sent_to_the_new_industry_not_the_old_one(advisor: Advisor) -> None:
    advice = _advice(advisor, "career-changer")
    assert advice.candidates[0].name == "Ines Ruiz"
    assert advice.for_candidate("Ines Ruiz").fits_goals == (0, 1)
    # 20 years of finance count for nothing toward UX goals
    assert advice.for_candidate("Frank Ito").fits_goals == ()
    assert "industry-insider" not in _rules(advice, "Frank Ito")
    # on the move: the coaching team comes early, and says why
    team = next(s for s in advice.next_steps if s.rule == "coaching-team-first")
    assert team.text.startswith("You are changing careers")
    assert [s.rule for s in advice.next_steps].index("coaching-team-first") < [
        s.rule for s in advice.next_steps
    ].index("try-out-with-questions")


def test_a_veteran_without_goals_is_told_to_decide_what_they_want_and_nothing_sooner(
    advisor: Advisor,
) -> None:
    advice = _advice(advisor, "veteran-without-goals")
    assert advice.next_steps[0].rule == "know-what-you-want"
    candidate_steps = {"try-out-with-questions", "assess-chemistry", "ready-to-ask"}
    assert not [s for s in advice.next_steps if s.rule in candidate_steps]
    assert all(v.verdict != Verdict.READY_TO_ASK for v in advice.candidates)
    # word forms do not hide an echo of the past
    assert "echoes-what-worked" in _rules(advice, "Omar Haddad")  # blunt feedback
    assert "echoes-what-did-not-work" in _rules(advice, "Gita Rao")  # micromanages


def test_with_only_a_manager_and_a_junior_the_advice_is_to_look_further(advisor: Advisor) -> None:
    advice = _advice(advisor, "manager-and-junior-only")
    verdicts = {v.name: v.verdict for v in advice.candidates}
    assert verdicts == {"Dana Moss": Verdict.AVOID, "Jo Lind": Verdict.WEAK_FIT}
    assert _rules(advice, "Dana Moss") == {"avoid-direct-manager"}
    assert _rules(advice, "Jo Lind") == {"junior-colleague"}
    (further,) = [s for s in advice.next_steps if s.rule == "look-further"]
    assert "for the company," in further.text
    assert "for the industry," in further.text
    # what would have been said about them is kept, with the rule that held it back
    held = {(s.subject, s.rule): s.by for s in advice.suppressed}
    assert held[("Dana Moss", "knows-company-history")] == ("avoid-direct-manager",)
    assert held[("Jo Lind", "knows-company-history")] == ("junior-colleague",)


@pytest.mark.parametrize("name", sorted(p.stem for p in PEOPLE.glob("*.json")))
def test_no_message_is_left_with_a_slot_or_an_underscore(advisor: Advisor, name: str) -> None:
    advice = _advice(advisor, name)
    for text in [r.message for r in advice.recommendations] + [s.text for s in advice.next_steps]:
        assert "{" not in text
        assert "_" not in text


def test_a_pharmacist_moving_into_health_tech_is_matched_as_she_writes(advisor: Advisor) -> None:
    """Her "health technology" is his "Health-Tech"; "healthcare staffing" is another industry;
    her past mentor's "mostly talked about his own promotions" is heard in "only talks about her
    own promotion", not in "never talks about his own promotions"."""
    from mentor_rules import situation_from_dict
    from mentor_rules.io.report import build_report, render

    document = json.loads((PEOPLE / "pharmacist-into-health-tech.json").read_text(encoding="utf-8"))
    advice = advisor.advise(document)
    assert advice.candidates[0].name == "Kwame Asante"
    assert advice.for_candidate("Kwame Asante").fits_goals == (0, 1)
    assert {"industry-insider", "knows-the-job", "echoes-what-worked"} <= _rules(
        advice, "Kwame Asante"
    )
    assert "industry-insider" not in _rules(advice, "Ilse Brandt")  # healthcare staffing
    assert "echoes-what-did-not-work" in _rules(advice, "Ilse Brandt")
    assert "echoes-what-did-not-work" not in _rules(advice, "Marco Bellini")
    situation = situation_from_dict(document)
    report = build_report(advisor, situation, advice, "Rosa")
    text = " ".join(render([report], "text", details=True).split())
    assert "Health-Tech (“healthtech” is a short form of “health technology”)" in text
    assert "(“Product-Manager” is “product manager” written another way)" in text
