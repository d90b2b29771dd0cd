"""A situation into the facts the engines match: one fact per subject, plain JSON-like data.

Subjects are the mentee, each candidate, each of the five coaching-team roles and each past
mentor. Every fact carries the mentee's fields beside its subject's, so that every rule reads one
fact alone (no joins in the engine). This module also maps a path in a fact back to the place in
the input document it came from, which is how evidence points into the input.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Literal

from attrs import frozen

from ._expr import ITEM, ListType, ObjectType, ScalarType, type_of
from ._model import Candidate, CoachingRole, Mentee, PastMentor, Situation, converter, name_key

__all__ = ["ABOUT", "Fact", "build_facts", "input_evidence", "roots_for", "subject_types"]

About = Literal["mentee", "candidate", "role", "past_mentor"]

#: The kinds of subject a rule can be about, in the order facts are built.
ABOUT: tuple[About, ...] = ("mentee", "candidate", "role", "past_mentor")

_MENTEE_TYPE = type_of(Mentee)
_TEXTS = ListType(ScalarType("str"))
_CANDIDATE_TYPE = type_of(Candidate)
assert isinstance(_MENTEE_TYPE, ObjectType)
assert isinstance(_CANDIDATE_TYPE, ObjectType)

#: What each subject looks like to a condition. Candidates have two derived fields: the traits
#: that also appear in a past mentor's ``worked`` / ``did_not_work`` lists (case-insensitive).
_SUBJECT_TYPES: dict[About, ObjectType] = {
    "mentee": _MENTEE_TYPE,
    "candidate": ObjectType(
        "candidate",
        {**_CANDIDATE_TYPE.fields, "echoes_worked": _TEXTS, "echoes_did_not_work": _TEXTS},
    ),
    "role": ObjectType("role", {"name": type_of(CoachingRole), "filled": ScalarType("bool")}),
    "past_mentor": type_of(PastMentor),  # type: ignore[dict-item]
}


def subject_types() -> Mapping[About, ObjectType]:
    """The type of every subject, by the name a condition uses for it."""
    return _SUBJECT_TYPES


def roots_for(about: About) -> dict[str, ObjectType]:
    """The names a condition of a rule about ``about`` may start a path from."""
    return {"mentee": _SUBJECT_TYPES["mentee"], about: _SUBJECT_TYPES[about]}


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


# --------------------------------------------------------------------------- evidence paths

FactPath = tuple[str | int, ...]


def input_evidence(
    situation: Situation, fact: Fact, path: FactPath, value: Any
) -> Iterator[tuple[str, Any]]:
    """Where a value read from ``fact`` at ``path`` stands in the input document.

    Plain fields map one to one (``candidate.relation`` of the third candidate is
    ``candidates[2].relation``). Derived fields map to the input values they were made from;
    a subject's own name for a role maps to nothing, since it is not in the input.
    """
    root, rest = path[0], path[1:]
    if root == "mentee":
        yield _render(("mentee", *rest)), value
    elif root == "candidate":
        if rest and rest[0] in ("echoes_worked", "echoes_did_not_work"):
            yield from _echo_evidence(situation, fact, rest, value)
        else:
            yield _render(("candidates", fact.position, *rest)), value
    elif root == "past_mentor":
        yield _render(("mentee", "past_mentors", fact.position, *rest)), value
    elif root == "role" and rest and rest[0] == "filled":
        yield "mentee.support_roles", [r.value for r in situation.mentee.support_roles]


def _echo_evidence(
    situation: Situation, fact: Fact, rest: FactPath, value: Any
) -> Iterator[tuple[str, Any]]:
    assert fact.position is not None
    candidate = situation.candidates[fact.position]
    source = "worked" if rest[0] == "echoes_worked" else "did_not_work"
    echoed = value if isinstance(value, list) else [value]
    keys = {name_key(t) for t in echoed}
    if not keys:  # an empty echo list: the traits and past mentors show there was no echo
        yield f"candidates[{fact.position}].traits", list(candidate.traits)
        return
    for index, trait in enumerate(candidate.traits):
        if name_key(trait) in keys:
            yield f"candidates[{fact.position}].traits[{index}]", trait
    for m, past in enumerate(situation.mentee.past_mentors):
        for index, text in enumerate(getattr(past, source)):
            if name_key(text) in keys:
                yield f"mentee.past_mentors[{m}].{source}[{index}]", text


def _render(parts: Sequence[str | int | None]) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part == ITEM:  # pragma: no cover - item paths are resolved before they get here
            raise ValueError("unresolved item path")
        else:
            out += f".{part}" if out else str(part)
    return out
