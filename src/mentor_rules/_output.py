"""The advice as immutable attrs classes: recommendations, verdicts, steps."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from attrs import frozen

from ._schema import About, Kind, Source

__all__ = [
    "Advice",
    "CandidateVerdict",
    "Evidence",
    "Recommendation",
    "Step",
    "Verdict",
]


class Verdict(StrEnum):
    """What to do about a candidate, best first."""

    READY_TO_ASK = "ready_to_ask"
    EXPLORE = "explore"
    WEAK_FIT = "weak_fit"
    AVOID = "avoid"


@frozen
class Evidence:
    """An input value that made a rule's condition true: where it is, and what it is."""

    path: str
    value: Any


@frozen
class Recommendation:
    """One piece of advice from one rule about one subject, with its reasons."""

    rule: str
    kind: Kind
    about: About
    subject: str
    message: str
    because: str
    evidence: tuple[Evidence, ...]
    source: Source


@frozen
class CandidateVerdict:
    """A candidate's verdict, the score that ranks it, and the rules that fired for it."""

    name: str
    verdict: Verdict
    score: int
    rules: tuple[str, ...]


@frozen
class Step:
    """One step of the plan, in the order to take them."""

    rule: str
    subject: str
    text: str


@frozen
class Advice:
    """Everything the rules say about one situation."""

    recommendations: tuple[Recommendation, ...]
    candidates: tuple[CandidateVerdict, ...]
    next_steps: tuple[Step, ...]

    def for_candidate(self, name: str) -> CandidateVerdict:
        """The verdict about the candidate called ``name``."""
        for verdict in self.candidates:
            if verdict.name == name:
                return verdict
        raise KeyError(name)
