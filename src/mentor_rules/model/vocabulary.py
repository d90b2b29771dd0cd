"""The vocabulary rules are written in: the subjects, the fields a condition may read on each,
the kinds of advice, and the paths that point into a fact.

Rules (``rules/ruleset.py``) and facts (``facts/build.py``) are two branches over this schema: a
rule's condition is checked against the subject types here, and a fact holds values of those
types.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Literal

from attrs import frozen

from .._repr import attrs_repr
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
    "Conclusion",
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

    __repr__ = attrs_repr

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


class Conclusion(StrEnum):
    """A field that holds what rules of lower layers concluded (``docs/conditions.md``).

    The one definition of each: its type is :data:`_CONCLUSION_TYPES`'s, the subjects that
    carry it :data:`CONCLUSIONS`'s; how it is made (``facts/build.py``) and which rules it reads
    (``rules/strata.py``) are each a ``match`` over this enum closed by ``assert_never``.
    """

    #: The ids of the rules that fired for the subject.
    CONCLUDED = "concluded"
    #: The kinds of those rules.
    CONCLUDED_KINDS = "concluded_kinds"
    #: Of the mentee: the ids of the rules that fired for any candidate.
    CANDIDATES_CONCLUDED = "candidates_concluded"
    #: Of a candidate: the indices of the mentee's goals its rules' ``fits`` scopes cover.
    FITS_GOALS = "fits_goals"
    #: Of the mentee: the scopes of the goals no candidate fits.
    UNMET_GOAL_SCOPES = "unmet_goal_scopes"


_CONCLUSION_TYPES: dict[Conclusion, FieldType] = {
    Conclusion.CONCLUDED: _TEXTS,
    Conclusion.CONCLUDED_KINDS: ListType(type_of(Kind)),
    Conclusion.CANDIDATES_CONCLUDED: _TEXTS,
    Conclusion.FITS_GOALS: ListType(ScalarType("int")),
    Conclusion.UNMET_GOAL_SCOPES: ListType(type_of(GoalScope)),
}

_EVERY_SUBJECT = (Conclusion.CONCLUDED, Conclusion.CONCLUDED_KINDS)

#: The conclusion fields each subject carries, in the order its type lists them.
_CONCLUDED: dict[About, tuple[Conclusion, ...]] = {
    "mentee": (*_EVERY_SUBJECT, Conclusion.CANDIDATES_CONCLUDED, Conclusion.UNMET_GOAL_SCOPES),
    "candidate": (*_EVERY_SUBJECT, Conclusion.FITS_GOALS),
    "role": _EVERY_SUBJECT,
    "past_mentor": _EVERY_SUBJECT,
}

#: Fields that hold what rules of lower layers concluded, by subject.
CONCLUSIONS: dict[About, frozenset[Conclusion]] = {
    about: frozenset(names) for about, names in _CONCLUDED.items()
}


def _conclusions(about: About) -> dict[str, FieldType]:
    return {str(name): _CONCLUSION_TYPES[name] for name in _CONCLUDED[about]}


#: What each subject looks like to a condition: the input fields, fields derived from the
#: situation (echoes, matches, what the mentee aims at), and conclusions of lower layers.
_SUBJECT_TYPES: dict[About, ObjectType] = {
    "mentee": ObjectType(
        "mentee",
        {
            **_MENTEE.fields,
            "aimed_industry": _TEXT,
            "aimed_job": _TEXT,
            **_conclusions("mentee"),
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
            **_conclusions("candidate"),
        },
    ),
    "role": ObjectType(
        "role",
        {"name": type_of(CoachingRole), "filled": ScalarType("bool"), **_conclusions("role")},
    ),
    "past_mentor": ObjectType(
        "past_mentor", {**_object(PastMentor).fields, **_conclusions("past_mentor")}
    ),
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
