"""What the shipped rules promise, stated again in plain Python, independently of the rule files.

Each function is one promise of ``docs/spec.md``, written from the issue's words rather than
from the conditions, so that the property tests compare two independent statements of it. Texts
are compared as ``docs/input.md`` says, with the library's own text functions (pinned by
examples in ``tests/test_model.py``).
"""

from __future__ import annotations

from mentor_rules import Candidate, Chemistry, GoalScope, Mentee, Relation, Situation, Willingness
from mentor_rules.model.text import echoes as echo
from mentor_rules.rules.cache import shipped_rules


def same_field(text: str, other: str) -> bool:
    """Industries and jobs: alike ignoring case, spaces, hyphens and punctuation, or once the
    shipped short forms are read as their long forms (``ShortForms.match``, the reference)."""
    return shipped_rules().short_forms.match(text, other) is not None


def echoes(candidate: Candidate, mentee: Mentee, which: str) -> bool:
    notes = [note for past in mentee.past_mentors for note in getattr(past, which)]
    return any(echo(trait, note) for trait in candidate.traits for note in notes)


def avoided(candidate: Candidate) -> bool:
    """The direct manager, someone who said no, or poor chemistry."""
    return (
        candidate.relation == Relation.DIRECT_MANAGER
        or candidate.willing == Willingness.NO
        or candidate.chemistry == Chemistry.POOR
    )


def held_back(candidate: Candidate) -> bool:
    """No positive advice about an avoided candidate, nor (but for higher-ups) a junior one."""
    return avoided(candidate) or candidate.relation == Relation.JUNIOR


def knows_company(candidate: Candidate, mentee: Mentee) -> bool:
    """Knows the culture; or, where that is not said, 3+ years at the company and (where both
    tenures are known) longer than the mentee."""
    if candidate.knows_culture is not None:
        return candidate.knows_culture
    years = candidate.years_at_company
    if years is None or years < 3:
        return False
    return mentee.months_at_company is None or years * 12 > mentee.months_at_company


def aimed_industry(mentee: Mentee) -> str | None:
    return mentee.target_industry if mentee.target_industry is not None else mentee.industry


def aimed_job(mentee: Mentee) -> str | None:
    return mentee.target_job if mentee.target_job is not None else mentee.job


def industry_match(candidate: Candidate, mentee: Mentee) -> bool | None:
    aimed = aimed_industry(mentee)
    if aimed is None or candidate.industry is None:
        return None
    return same_field(candidate.industry, aimed)


def long_in_industry(candidate: Candidate) -> bool:
    return candidate.years_in_industry is not None and candidate.years_in_industry >= 5


def knows_industry(candidate: Candidate, mentee: Mentee) -> bool:
    """5+ years in the industry aimed at; or, where either industry is unknown, 5+ years."""
    return long_in_industry(candidate) and industry_match(candidate, mentee) is not False


def knows_job(candidate: Candidate, mentee: Mentee) -> bool:
    aimed = aimed_job(mentee)
    return aimed is not None and any(same_field(job, aimed) for job in candidate.jobs)


def known_scopes(candidate: Candidate, mentee: Mentee) -> set[GoalScope]:
    if held_back(candidate):
        return set()
    scopes = set()
    if knows_company(candidate, mentee):
        scopes.add(GoalScope.COMPANY)
    if knows_industry(candidate, mentee):
        scopes.add(GoalScope.INDUSTRY)
    if knows_job(candidate, mentee):
        scopes.add(GoalScope.JOB)
    return scopes


def fits_goals(candidate: Candidate, mentee: Mentee) -> tuple[int, ...]:
    """The goals (indices) whose scope the candidate knows; none for a held-back candidate."""
    scopes = known_scopes(candidate, mentee)
    return tuple(n for n, goal in enumerate(mentee.goals) if goal.scope in scopes)


def worth_exploring(candidate: Candidate, mentee: Mentee) -> bool:
    """Some consider rule speaks for the candidate."""
    if avoided(candidate):
        return False
    higher_up = candidate.relation in (Relation.SKIP_LEVEL, Relation.SENIOR)
    return higher_up or (
        not held_back(candidate)
        and (bool(known_scopes(candidate, mentee)) or echoes(candidate, mentee, "worked"))
    )


def ready(candidate: Candidate, mentee: Mentee) -> bool:
    """Goals, a fitted goal, good chemistry, 2+ conversations, not unwilling, not the direct
    manager, not a junior."""
    return (
        bool(mentee.goals)
        and bool(fits_goals(candidate, mentee))
        and candidate.chemistry == Chemistry.GOOD
        and candidate.conversations >= 2
        and candidate.willing != Willingness.NO
        and candidate.relation not in (Relation.DIRECT_MANAGER, Relation.JUNIOR)
    )


def unmet_goals(situation: Situation) -> list[int]:
    """The goals that no candidate fits."""
    fitted = {n for c in situation.candidates for n in fits_goals(c, situation.mentee)}
    return [n for n in range(len(situation.mentee.goals)) if n not in fitted]
