"""The vocabulary rules are written in: the subjects, the fields a condition may read on each,
the kinds of advice, and the paths that point into a fact.

Rules (:mod:`._ruleset`) and facts (:mod:`._facts`) are two branches over this schema: a rule's
condition is checked against the subject types here, and a fact holds values of those types.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Literal

from attrs import frozen

from ._expr import ListType, ObjectType, ScalarType, type_of
from ._model import Candidate, CoachingRole, Mentee, PastMentor

__all__ = [
    "ABOUT",
    "CANDIDATE_KINDS",
    "About",
    "FactPath",
    "Kind",
    "Source",
    "roots_for",
    "subject_types",
]

About = Literal["mentee", "candidate", "role", "past_mentor"]

#: The kinds of subject a rule can be about, in the order facts are built.
ABOUT: tuple[About, ...] = ("mentee", "candidate", "role", "past_mentor")

#: A path inside a fact's values: ``("candidate", "traits", 2)``.
FactPath = tuple[str | int, ...]


class Kind(StrEnum):
    """What a piece of advice is, in the order advice lists them."""

    PREREQUISITE = "prerequisite"
    INSIGHT = "insight"
    AVOID = "avoid"
    CAUTION = "caution"
    ACTION = "action"
    CONSIDER = "consider"
    READY = "ready"


#: Kinds that speak about one candidate and so only make sense in candidate rules.
CANDIDATE_KINDS = frozenset({Kind.AVOID, Kind.CONSIDER, Kind.READY})


@frozen
class Source:
    """Where in the article a rule's advice comes from."""

    section: str
    paragraph: int

    def __str__(self) -> str:
        return f"“{self.section}”, paragraph {self.paragraph}"


def _object(annotation: object) -> ObjectType:
    found = type_of(annotation)
    assert isinstance(found, ObjectType)
    return found


_TEXTS = ListType(ScalarType("str"))
_CANDIDATE = _object(Candidate)

#: What each subject looks like to a condition. Candidates have two derived fields: the traits
#: that also appear in a past mentor's ``worked`` / ``did_not_work`` lists.
_SUBJECT_TYPES: dict[About, ObjectType] = {
    "mentee": _object(Mentee),
    "candidate": ObjectType(
        "candidate",
        {**_CANDIDATE.fields, "echoes_worked": _TEXTS, "echoes_did_not_work": _TEXTS},
    ),
    "role": ObjectType("role", {"name": type_of(CoachingRole), "filled": ScalarType("bool")}),
    "past_mentor": _object(PastMentor),
}


def subject_types() -> Mapping[About, ObjectType]:
    """The type of every subject, by the name a condition uses for it."""
    return _SUBJECT_TYPES


def roots_for(about: About) -> dict[str, ObjectType]:
    """The names a condition of a rule about ``about`` may start a path from."""
    return {"mentee": _SUBJECT_TYPES["mentee"], about: _SUBJECT_TYPES[about]}
