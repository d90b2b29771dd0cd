"""People, read as they would read their advice (``examples/situations/``).

Each test states what that person needs to hear, and what would mislead them; the first
screen (the text report without ``--details``) is read as the person reads it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mentor_rules import Advice, Advisor, Verdict
from mentor_rules.cli import example_document
from mentor_rules.io.report import build_report, render
from mentor_rules.model.documents import situation_from_dict
from mentor_rules.model.vocabulary import Stage

PEOPLE = Path(__file__).resolve().parents[1] / "examples" / "situations"


def _advice(advisor: Advisor, name: str) -> Advice:
    document: dict[str, Any] = json.loads((PEOPLE / f"{name}.json").read_text(encoding="utf-8"))
    return advisor.advise(document)


def _screen(advisor: Advisor, name: str) -> str:
    """The first screen of the person's text report, its lines joined (wrapping aside)."""
    document = json.loads((PEOPLE / f"{name}.json").read_text(encoding="utf-8"))
    situation = situation_from_dict(document)
    report = build_report(advisor, situation, advisor.advise(situation), name)
    return " ".join(render([report], "text").split())


def _section(screen: str, heading: str) -> str:
    """One section of a first screen: from its heading to the next one."""
    headings = (
        "For you",
        "Whom to ask",
        "Whom to keep getting to know",
        "Whom to try out next",
        "Whom to avoid, and why",
        "Next steps",
        "What would change it",
        "More:",
    )
    start = screen.index(heading) + len(heading)
    ends = [screen.find(h, start) for h in headings if screen.find(h, start) > 0]
    return screen[start : min(ends)] if ends else screen[start:]


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
    assert verdicts == {"Dana Moss": Verdict.AVOID, "Jo Lind": Verdict.AVOID}
    assert _rules(advice, "Dana Moss") == {"avoid-direct-manager"}
    assert _rules(advice, "Jo Lind") == {"junior-colleague"}
    (further,) = [s for s in advice.next_steps if s.rule == "look-further"]
    assert "for the company," in further.text
    assert "for the industry," in further.text
    # what would have been said about them is kept, with the rule that held it back
    held = {(s.subject, s.rule): s.by for s in advice.suppressed}
    assert held[("Dana Moss", "knows-company-history")] == ("avoid-direct-manager",)
    assert held[("Jo Lind", "knows-company-history")] == ("junior-colleague",)


# --------------------------------------------------------------------------- issue 15's defects


def test_a_nurse_without_goals_is_told_only_to_decide_what_she_wants(advisor: Advisor) -> None:
    """No goals: nobody gets a change set, no talks are proposed, no goal is written for her."""
    screen = _screen(advisor, "hospice-nurse-without-goals")
    assert "Work out what you need a mentor for" in _section(screen, "Next steps")
    changes = _section(screen, "What would change it")
    assert "until you have decided what you want from a mentor" in changes
    assert "write down" not in screen
    assert "more conversation" not in screen
    assert "Bongani Dube" not in changes
    assert "Lise Aalto" not in changes
    assert "nobody to try out now" in _section(screen, "Whom to try out next")


def test_a_planner_turned_down_is_never_shown_a_way_back_to_a_no_or_poor_chemistry(
    advisor: Advisor,
) -> None:
    screen = _screen(advisor, "supply-planner-turned-down")
    avoid = _section(screen, "Whom to avoid, and why")
    # each ruled out with the reason in words
    assert "Oskar Lind is not willing to mentor you" in avoid
    assert "The chemistry with Renate Vogel is poor" in avoid
    assert "Timo Saari is junior to you" in avoid
    # and no road back to them
    changes = _section(screen, "What would change it")
    for name in ("Oskar Lind", "Renate Vogel", "Timo Saari"):
        assert name not in changes
    assert "says yes" not in screen
    assert "Renate Vogel is good" not in screen
    # a new senior who knows none of what her goal needs: not a fit, with the reason, no step
    assert "Jonas Falk (not a fit): Nothing you can change. Jonas Falk knows none of" in changes
    assert "Jonas Falk" not in _section(screen, "Next steps")
    # the skip-level is said to be in her reporting chain, not outside it
    try_out = _section(screen, "Whom to try out next")
    assert "Hedda Berg:" in try_out
    assert "in your reporting chain" in try_out
    assert "outside your reporting" not in screen


def test_an_actuary_tries_out_the_veteran_who_fits_both_goals_not_the_new_vice_president(
    advisor: Advisor,
) -> None:
    screen = _screen(advisor, "actuary-with-many-candidates")
    try_out = _section(screen, "Whom to try out next")
    assert try_out.strip().startswith("Gus Okafor:")
    assert "Veronica Hale" not in try_out
    # each name once: the first to try, then the others to turn to
    assert try_out.count("Leonie Braun") == 1
    assert try_out.count("Wen Zhao") == 1
    assert try_out.count("Gus Okafor") == 2  # the lead, and the step's own words
    # one good talk and a fitted goal: she is getting to know him, one talk from ready
    assert "Mirela Popescu:" in _section(screen, "Whom to keep getting to know")
    assert (
        "Mirela Popescu (getting to know): to become someone to ask, have 1 more conversation"
        in screen
    )
    # a senior who fits no goal gets no step, only the reason
    assert "Casper Dahl" not in _section(screen, "Next steps")
    assert "Casper Dahl (not a fit): Nothing you can change. Casper Dahl knows none" in screen
    assert "Veronica Hale (not a fit)" in screen


def test_a_fresh_perspective_hire_sees_what_matters_on_the_first_screen(
    advisor: Advisor,
) -> None:
    screen = _screen(advisor, "game-designer-hired-for-fresh-eyes")
    assert "You really need a mentor" in _section(screen, "For you")
    ask = _section(screen, "Whom to ask")
    assert ask.strip().startswith("Ayesha Karim:")
    assert "Caution: Ayesha Karim shows what did not work for you" in ask
    avoid = _section(screen, "Whom to avoid, and why")
    assert "You probably won't want Marco Bianchi, your direct manager" in avoid
    assert "you may need help with how to work with them" in avoid
    # who holds the history of her idea
    assert "ask Ayesha Karim, who knows the company's or the industry's history" in screen
    # an outsider in another industry: nothing about the company's culture is proposed
    assert "Pieter de Vries (not a fit): Nothing you can change." in screen
    assert "culture" not in _section(screen, "What would change it")


def test_an_analyst_staying_in_her_job_is_not_told_it_is_the_job_she_is_after(
    advisor: Advisor,
) -> None:
    screen = _screen(advisor, "operations-analyst-staying-put")
    assert _section(screen, "Whom to ask").strip().startswith("Ingrid Solberg:")
    advice = _advice(advisor, "operations-analyst-staying-put")
    said = " ".join(r.message for r in advice.recommendations)
    titles = " ".join(advisor.rules[r.rule].title for r in advice.recommendations)
    assert "the job you are after" not in said + titles
    assert "Ingrid Solberg has worked as operations analyst" in said


def test_the_built_in_example_shows_every_stage(advisor: Advisor) -> None:
    advice = advisor.advise(example_document())
    assert {v.stage for v in advice.candidates} == set(Stage)


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


def test_a_curriculum_designer_sees_the_best_placed_of_two_to_get_to_know_first(
    advisor: Advisor,
) -> None:
    """Two people to keep getting to know for different reasons: the senior insider with good
    chemistry, willing, is listed before the skip-level whose habit echoes what failed her."""
    screen = _screen(advisor, "curriculum-designer-two-to-get-to-know")
    getting = _section(screen, "Whom to keep getting to know")
    assert getting.index("Lena Wu:") < getting.index("Ben Carter:")
    assert "nobody is ready to be asked yet" in _section(screen, "Whom to ask")
    # the senior who said no is avoided, and never offered a way back
    assert "Olga Ivanova is not willing to mentor you" in _section(screen, "Whom to avoid, and why")
    assert "Olga Ivanova" not in _section(screen, "What would change it")
    assert "Olga Ivanova" not in _section(screen, "Next steps")
