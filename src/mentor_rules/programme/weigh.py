"""Weighing a programme's pairs: a mentee with some of their mentors as one situation, and the
rule set's verdict on each mentor (verdict, score, goals fitted, rules), not the whole advice,
whose text and evidence are made for the assigned pairs only (``match._evidenced``).

One task, :func:`weigh_chunk`, does it everywhere: here, in worker processes
(:func:`in_processes`, by ``scale.batch.run_ordered``) and on Dask partitions
(``mentor_rules.dask.match_programme``). A worker is sent a :class:`WeigherSpec` once (the
rules and the programme) and builds its :class:`PairWeigher` from it, so each mentor's
candidate is built once a process and a chunk carries only indices.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Protocol

import attrs
from attrs import frozen

from .._repr import attrs_repr
from ..advice.advisor import Advisor, AdvisorSpec
from ..model.output import CandidateVerdict
from ..model.situation import Situation
from ..scale.batch import CHUNK_SIZE, chunks, flatten, run_ordered
from .document import Programme

__all__ = [
    "PairWeigher",
    "WeigherSpec",
    "Weighing",
    "Work",
    "in_processes",
    "weigh_chunk",
]

#: One situation to weigh: a mentee's index in ``programme.mentees`` and the indices of the
#: mentors who are its candidates, in order.
Work = tuple[int, tuple[int, ...]]


class PairWeigher:
    """Makes the situation of each :data:`Work` item and weighs it with ``advisor``."""

    def __init__(self, advisor: Advisor, programme: Programme) -> None:
        self.advisor = advisor
        self.programme = programme
        self._pairs = {(p.mentee, p.mentor): p for p in programme.pairs}
        self._bases = [m.candidate for m in programme.mentors]  # built once, by the reader

    def situation(self, mentee_index: int, mentors: Sequence[int]) -> Situation:
        """The mentee and each of ``mentors`` as a candidate, with the pair's relation,
        chemistry and conversations."""
        programme = self.programme
        mentee = programme.mentees[mentee_index]
        candidates = []
        for m in mentors:
            base = self._bases[m]
            key = (mentee.id, base.name)
            facts = self._pairs.get(key)
            candidates.append(
                attrs.evolve(
                    base,
                    relation=programme.relations[key],
                    chemistry=facts.chemistry if facts else base.chemistry,
                    conversations=facts.conversations if facts else 0,
                )
            )
        return Situation(mentee.mentee, tuple(candidates))

    def weigh(self, work: Sequence[Work]) -> list[tuple[CandidateVerdict, ...]]:
        """The candidates' verdicts of each item's situation, in order."""
        return self.advisor.verdicts_many([self.situation(e, ms) for e, ms in work])


def weigh_chunk(weigher: PairWeigher, chunk: list[Work]) -> list[tuple[CandidateVerdict, ...]]:
    """The task of every way of weighing: ``weigher``'s verdicts for each item of ``chunk``."""
    return weigher.weigh(chunk)


@frozen
class WeigherSpec:
    """What builds a :class:`PairWeigher` in another process: the advisor's spec and the
    programme. ``token`` names this one spec (a Dask worker keeps its weigher by it)."""

    __repr__ = attrs_repr

    advisor: AdvisorSpec
    programme: Programme
    token: str = attrs.field(factory=lambda: f"mentor-rules-programme-{uuid.uuid4().hex}")

    def __call__(self) -> PairWeigher:
        return PairWeigher(self.advisor(), self.programme)

    def __dask_tokenize__(self) -> str:
        return self.token


class Weighing(Protocol):
    """A way to weigh: the verdicts of each item of ``work``, in order, with ``advisor``'s
    rules (its own, or built elsewhere from ``advisor.maker()``)."""

    def __call__(
        self, advisor: Advisor, programme: Programme, work: Sequence[Work]
    ) -> Iterable[tuple[CandidateVerdict, ...]]: ...


def in_processes(jobs: int = 1) -> Weighing:
    """Weighing here (``jobs == 1``) or in ``jobs`` worker processes, chunk by chunk."""
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")

    def weighing(
        advisor: Advisor, programme: Programme, work: Sequence[Work]
    ) -> Iterable[tuple[CandidateVerdict, ...]]:
        here = PairWeigher(advisor, programme)
        spec = WeigherSpec(advisor.maker(), programme)
        done = run_ordered(here, spec, chunks(work, CHUNK_SIZE), weigh_chunk, workers=jobs)
        return flatten(done)

    return weighing
