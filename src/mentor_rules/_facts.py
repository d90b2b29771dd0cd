"""A situation into the facts the engines match: one fact per subject, plain JSON-like data.

Subjects are the mentee, each candidate, each of the five coaching-team roles and each past
mentor. Every fact carries the mentee's fields beside its subject's, so that every rule reads one
fact alone (no joins in the engine). What a subject may hold is :mod:`._schema`'s to say.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from attrs import frozen

from ._documents import converter
from ._model import CoachingRole, PastMentor, Situation, name_key
from ._schema import About

__all__ = ["Fact", "build_facts"]


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
    """The facts of ``situation``, each holding only the fields named in ``reads`` (by root)."""
    mentee_document = converter.unstructure(situation.mentee)
    mentee = _only(mentee_document, reads.get("mentee", frozenset()))
    facts: list[Fact] = [Fact("mentee", "mentee", None, {"mentee": mentee})]
    if "candidate" in reads:
        worked, did_not_work = _echo_sets(situation.mentee.past_mentors)
        fields = reads["candidate"]
        for position, candidate in enumerate(situation.candidates):
            document = converter.unstructure(candidate)
            if "echoes_worked" in fields:
                document["echoes_worked"] = _echoes(candidate.traits, worked)
            if "echoes_did_not_work" in fields:
                document["echoes_did_not_work"] = _echoes(candidate.traits, did_not_work)
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


def _only(document: dict[str, Any], fields: frozenset[str]) -> dict[str, Any]:
    return {name: value for name, value in document.items() if name in fields}


def _echo_sets(past_mentors: Sequence[PastMentor]) -> tuple[set[str], set[str]]:
    worked = {name_key(t) for past in past_mentors for t in past.worked}
    did_not_work = {name_key(t) for past in past_mentors for t in past.did_not_work}
    return worked, did_not_work


def _echoes(traits: Sequence[str], keys: set[str]) -> list[str]:
    return [trait for trait in traits if name_key(trait) in keys]
