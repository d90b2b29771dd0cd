"""A situation into the facts the engines match: one fact per subject, plain JSON-like data.

Subjects are the mentee, each candidate, each of the five coaching-team roles and each past
mentor. Every fact carries the mentee's fields beside its subject's, so that every rule reads one
fact alone (no joins in the engine). What a subject may hold is :mod:`._schema`'s to say.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from attrs import frozen

from ._documents import converter
from ._model import Candidate, CoachingRole, Mentee, Situation
from ._schema import CONCLUSIONS, About
from ._text import stems_echo, text_key, word_stems

if TYPE_CHECKING:
    from ._ruleset import Rule, RuleSet

__all__ = ["Fact", "build_facts", "echoed", "with_conclusions"]


@frozen
class Fact:
    """One subject with the mentee beside it.

    ``position`` is the subject's index in its input list (candidates, roles in
    :class:`CoachingRole` order, past mentors), ``None`` for the mentee.
    """

    about: About
    subject: str
    position: int | None
    values: Mapping[str, Any]


def build_facts(situation: Situation, reads: Mapping[str, frozenset[str]]) -> tuple[Fact, ...]:
    """The facts of ``situation``, each holding only the fields named in ``reads`` (by root).

    Fields derived from the situation (echoes, matches, what the mentee aims at) are made here;
    conclusions of rules are added layer by layer by :func:`with_conclusions`.
    """
    mentee_document = converter.unstructure(situation.mentee)
    mentee_fields = reads.get("mentee", frozenset())
    if "aimed_industry" in mentee_fields:
        mentee_document["aimed_industry"] = _aimed_industry(situation.mentee)
    if "aimed_job" in mentee_fields:
        mentee_document["aimed_job"] = _aimed_job(situation.mentee)
    mentee = _only(mentee_document, mentee_fields)
    facts: list[Fact] = [Fact("mentee", "mentee", None, {"mentee": mentee})]
    if "candidate" in reads:
        fields = reads["candidate"]
        shared = _Shared(situation.mentee)
        for position, candidate in enumerate(situation.candidates):
            document = converter.unstructure(candidate)
            for name in fields & _CANDIDATE_DERIVED.keys():
                document[name] = _CANDIDATE_DERIVED[name](candidate, shared)
            facts.append(
                Fact(
                    "candidate",
                    candidate.name,
                    position,
                    {"mentee": mentee, "candidate": _only(document, fields)},
                )
            )
    if "role" in reads:
        filled = set(situation.mentee.support_roles)
        for position, role in enumerate(CoachingRole):
            document = {"name": role.value, "filled": role in filled}
            facts.append(
                Fact(
                    "role",
                    role.value,
                    position,
                    {"mentee": mentee, "role": _only(document, reads["role"])},
                )
            )
    if "past_mentor" in reads:
        for position, past in enumerate(situation.mentee.past_mentors):
            document = converter.unstructure(past)
            facts.append(
                Fact(
                    "past_mentor",
                    f"past mentor {position + 1} ({past.setting.value.replace('_', ' ')})",
                    position,
                    {"mentee": mentee, "past_mentor": _only(document, reads["past_mentor"])},
                )
            )
    return tuple(facts)


def with_conclusions(
    facts: Sequence[Fact],
    situation: Situation,
    rules: RuleSet,
    fired: Iterable[tuple[str, int]],
    reads: Mapping[str, frozenset[str]],
) -> tuple[Fact, ...]:
    """``facts`` with the conclusion fields the rules read, from ``fired`` (``(rule id, index
    of the fact)`` pairs of the layers evaluated so far, suppressed advice left out).

    Only the fields some rule reads are made; a fact whose subject reads none, and whose
    mentee is unchanged, is the same object as before.
    """
    wanted = {about: reads.get(about, frozenset()) & names for about, names in CONCLUSIONS.items()}
    if not any(wanted.values()):
        return tuple(facts)
    by_fact: dict[int, list[Rule]] = {}
    for rule_id, index in fired:
        by_fact.setdefault(index, []).append(rules[rule_id])
    goals = situation.mentee.goals
    fits: dict[int, list[int]] = {}
    if "fits_goals" in wanted["candidate"] or "unmet_goal_scopes" in wanted["mentee"]:
        for index, fact in enumerate(facts):
            if fact.about == "candidate":
                scopes = {rule.fits for rule in by_fact.get(index, ()) if rule.fits is not None}
                fits[index] = [n for n, goal in enumerate(goals) if goal.scope in scopes]
    mentee = facts[0].values["mentee"]
    if wanted["mentee"]:
        found = _concluded(by_fact.get(0, ()), wanted["mentee"])
        if "candidates_concluded" in wanted["mentee"]:
            found["candidates_concluded"] = sorted(
                {rule.id for index, fact in enumerate(facts) if fact.about == "candidate"
                 for rule in by_fact.get(index, ())}
            )  # fmt: skip
        if "unmet_goal_scopes" in wanted["mentee"]:
            fitted = {n for found_goals in fits.values() for n in found_goals}
            found["unmet_goal_scopes"] = list(
                dict.fromkeys(g.scope.value for n, g in enumerate(goals) if n not in fitted)
            )
        mentee = {**mentee, **found}
    out = [Fact("mentee", "mentee", None, {"mentee": mentee})]
    for index, fact in enumerate(facts[1:], start=1):
        fields = wanted[fact.about]
        if not fields and fact.values["mentee"] is mentee:
            out.append(fact)
            continue
        document = fact.values[fact.about]
        if fields:
            found = _concluded(by_fact.get(index, ()), fields)
            if "fits_goals" in fields:
                found["fits_goals"] = fits[index]
            document = {**document, **found}
        values: dict[str, Any] = {"mentee": mentee, fact.about: document}
        out.append(Fact(fact.about, fact.subject, fact.position, values))
    return tuple(out)


def _concluded(rules: Iterable[Rule], fields: frozenset[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if "concluded" in fields:
        found["concluded"] = sorted(rule.id for rule in rules)
    if "concluded_kinds" in fields:
        found["concluded_kinds"] = sorted({rule.kind.value for rule in rules})
    return found


def _only(document: dict[str, Any], fields: frozenset[str]) -> dict[str, Any]:
    return {name: value for name, value in document.items() if name in fields}


def _aimed_industry(mentee: Mentee) -> str | None:
    return mentee.target_industry if mentee.target_industry is not None else mentee.industry


def _aimed_job(mentee: Mentee) -> str | None:
    return mentee.target_job if mentee.target_job is not None else mentee.job


def echoed(traits: Sequence[str], notes: Iterable[str]) -> list[str]:
    """The traits that echo one of ``notes`` (see :func:`mentor_rules._text.echoes`)."""
    return _echoing(traits, _stems(notes))


def _stems(texts: Iterable[str]) -> tuple[frozenset[str], ...]:
    """The word stems of each of ``texts``, each set once."""
    return tuple(dict.fromkeys(word_stems(text) for text in texts))


def _echoing(traits: Sequence[str], notes: Sequence[frozenset[str]]) -> list[str]:
    """The traits that echo one of the notes, given as their stems.

    Each text is reduced to its stems once per call, not once per pair: the stems cache holds
    a few thousand texts, and a situation with more would otherwise stem them again and again.
    """
    if not notes:
        return []
    found = []
    for trait in traits:
        mine = word_stems(trait)
        if any(stems_echo(mine, theirs) for theirs in notes):
            found.append(trait)
    return found


class _Shared:
    """The mentee, and what every candidate's derived fields read of it, worked out once.

    Worked out here, not in ``functools.cached_property``: on Python 3.11 that holds one lock
    for every instance, and a child forked while another thread held it would wait for ever.
    """

    def __init__(self, mentee: Mentee) -> None:
        self.mentee = mentee
        self.worked = _stems(text for past in mentee.past_mentors for text in past.worked)
        self.did_not_work = _stems(
            text for past in mentee.past_mentors for text in past.did_not_work
        )


def _industry_match(candidate: Candidate, shared: _Shared) -> bool | None:
    aimed = _aimed_industry(shared.mentee)
    if aimed is None or candidate.industry is None:
        return None
    return text_key(aimed) == text_key(candidate.industry)


def _job_match(candidate: Candidate, shared: _Shared) -> bool | None:
    aimed = _aimed_job(shared.mentee)
    if aimed is None or not candidate.jobs:
        return None
    return text_key(aimed) in {text_key(job) for job in candidate.jobs}


def _longer_at_company(candidate: Candidate, shared: _Shared) -> bool | None:
    months = shared.mentee.months_at_company
    if candidate.years_at_company is None or months is None:
        return None
    return candidate.years_at_company * 12 > months


_CANDIDATE_DERIVED: dict[str, Callable[[Candidate, _Shared], Any]] = {
    "echoes_worked": lambda c, shared: _echoing(c.traits, shared.worked),
    "echoes_did_not_work": lambda c, shared: _echoing(c.traits, shared.did_not_work),
    "industry_match": _industry_match,
    "job_match": _job_match,
    "longer_at_company": _longer_at_company,
}
