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

from ..language.expr import (
    EnumType,
    FieldType,
    ListType,
    NullableType,
    ObjectType,
    ScalarType,
    type_of,
)
from .situation import Candidate, CoachingRole, GoalScope, Mentee, PastMentor

__all__ = [
    "ABOUT",
    "CANDIDATE_KINDS",
    "CONCLUSIONS",
    "About",
    "Kind",
    "Source",
    "Stage",
    "enum_values",
    "roots_for",
    "subject_types",
]

About = Literal["mentee", "candidate", "role", "past_mentor"]

#: The kinds of subject a rule can be about, in the order facts are built.
ABOUT: tuple[About, ...] = ("mentee", "candidate", "role", "past_mentor")


class Kind(StrEnum):
    """What a piece of advice is, in the order advice lists them."""

    PREREQUISITE = "prerequisite"
    INSIGHT = "insight"
    AVOID = "avoid"
    CAUTION = "caution"
    ACTION = "action"
    CONSIDER = "consider"
    READY = "ready"


class Stage(StrEnum):
    """Where a candidate stands on the article's way to a mentor, one stage each.

    In the order a candidate's stage is chosen when rules of several stages fire for them:
    a reason to rule someone out outweighs everything, knowing nothing your goals need
    outweighs how far you have come with them, and the furthest step reached counts.
    """

    RULED_OUT = "ruled_out"
    NOT_A_FIT = "not_a_fit"
    READY_TO_ASK = "ready_to_ask"
    GETTING_TO_KNOW = "getting_to_know"
    TO_TRY_OUT = "to_try_out"


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
_TEXT = NullableType(ScalarType("str"))
_FLAG = NullableType(ScalarType("bool"))
_MENTEE = _object(Mentee)
_CANDIDATE = _object(Candidate)

#: Fields every subject gets from the layers below its rule's (see ``docs/conditions.md``):
#: the ids and the kinds of the rules that fired for it there.
_CONCLUDED: dict[str, FieldType] = {
    "concluded": _TEXTS,
    "concluded_kinds": ListType(type_of(Kind)),
}

#: What each subject looks like to a condition: the input fields, fields derived from the
#: situation (echoes, matches, what the mentee aims at), and conclusions of lower layers.
_SUBJECT_TYPES: dict[About, ObjectType] = {
    "mentee": ObjectType(
        "mentee",
        {
            **_MENTEE.fields,
            "aimed_industry": _TEXT,
            "aimed_job": _TEXT,
            **_CONCLUDED,
            "candidates_concluded": _TEXTS,
            "unmet_goal_scopes": ListType(type_of(GoalScope)),
        },
    ),
    "candidate": ObjectType(
        "candidate",
        {
            **_CANDIDATE.fields,
            "echoes_worked": _TEXTS,
            "echoes_did_not_work": _TEXTS,
            "industry_match": _FLAG,
            "job_match": _FLAG,
            "longer_at_company": _FLAG,
            **_CONCLUDED,
            "fits_goals": ListType(ScalarType("int")),
        },
    ),
    "role": ObjectType(
        "role", {"name": type_of(CoachingRole), "filled": ScalarType("bool"), **_CONCLUDED}
    ),
    "past_mentor": ObjectType("past_mentor", {**_object(PastMentor).fields, **_CONCLUDED}),
}

#: Fields that hold what rules of lower layers concluded, by subject.
CONCLUSIONS: dict[About, frozenset[str]] = {
    "mentee": frozenset({*_CONCLUDED, "candidates_concluded", "unmet_goal_scopes"}),
    "candidate": frozenset({*_CONCLUDED, "fits_goals"}),
    "role": frozenset(_CONCLUDED),
    "past_mentor": frozenset(_CONCLUDED),
}


def subject_types() -> Mapping[About, ObjectType]:
    """The type of every subject, by the name a condition uses for it."""
    return _SUBJECT_TYPES


def roots_for(about: About) -> dict[str, ObjectType]:
    """The names a condition of a rule about ``about`` may start a path from."""
    return {"mentee": _SUBJECT_TYPES["mentee"], about: _SUBJECT_TYPES[about]}


def enum_values() -> frozenset[str]:
    """Every value of every enum field a subject has (messages may give each its own words)."""
    found: set[str] = set()

    def visit(field_type: FieldType) -> None:
        match field_type:
            case EnumType(values=values):
                found.update(values)
            case ListType(item=inner) | NullableType(inner=inner):
                visit(inner)
            case ObjectType(fields=fields):
                for inner in fields.values():
                    visit(inner)
            case ScalarType():
                pass

    for subject in _SUBJECT_TYPES.values():
        visit(subject)
    return frozenset(found)
