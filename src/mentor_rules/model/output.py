"""The advice as immutable attrs classes: recommendations, verdicts, steps."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from attrs import field, frozen

from .._repr import attrs_repr
from .text import TextMatch, name_key
from .vocabulary import About, Kind, Source, Stage

__all__ = [
    "Advice",
    "CandidateVerdict",
    "Evidence",
    "PackRef",
    "Provenance",
    "Recommendation",
    "RuleSetInfo",
    "Step",
    "Suppressed",
    "Verdict",
    "verdict_of",
]


@frozen
class PackRef:
    """A rule pack by name and version (``version`` is ``""`` for a pack without a manifest)."""

    __repr__ = attrs_repr

    name: str
    version: str = ""


@frozen
class RuleSetInfo:
    """What produced a piece of advice: the packs composed (in order), the rule ids they
    disabled, and the value of every parameter in force."""

    __repr__ = attrs_repr

    packs: tuple[PackRef, ...] = ()
    disabled: tuple[str, ...] = ()
    parameters: dict[str, float] = field(factory=dict, hash=False)


@frozen
class Provenance:
    """What produced a piece of advice: the library, its version and the engine that matched
    the rules (its name in the engine registry, ``mentor_rules.engines.ENGINES``).

    Two engines give the same advice by design, so :class:`Advice` leaves its provenance out
    of equality (and hashing): advice from either engine compares equal, while its JSON form
    still says which one produced it.
    """

    __repr__ = attrs_repr

    library: str
    version: str
    engine: str


class Verdict(StrEnum):
    """What to do about a candidate, best first."""

    READY_TO_ASK = "ready_to_ask"
    EXPLORE = "explore"
    WEAK_FIT = "weak_fit"
    AVOID = "avoid"


#: The verdict of each stage of a candidate's journey: the verdict is a function of the stage.
_STAGE_VERDICTS = {
    Stage.RULED_OUT: Verdict.AVOID,
    Stage.NOT_A_FIT: Verdict.WEAK_FIT,
    Stage.TO_TRY_OUT: Verdict.EXPLORE,
    Stage.GETTING_TO_KNOW: Verdict.EXPLORE,
    Stage.READY_TO_ASK: Verdict.READY_TO_ASK,
}


def verdict_of(stage: Stage) -> Verdict:
    """The verdict a candidate at ``stage`` gets."""
    return _STAGE_VERDICTS[stage]


@frozen
class Evidence:
    """An input value that made a rule's condition true: where it is, and what it is.

    ``matched`` says how a candidate's industry or job matched the mentee's (None for every
    other value).
    """

    __repr__ = attrs_repr

    path: str
    value: Any
    matched: TextMatch | None = None


@frozen
class Recommendation:
    """One piece of advice from one rule about one subject, with its reasons."""

    __repr__ = attrs_repr

    rule: str
    kind: Kind
    about: About
    subject: str
    message: str
    because: str
    evidence: tuple[Evidence, ...]
    source: Source
    see_also: tuple[Source, ...] = ()


@frozen
class CandidateVerdict:
    """A candidate's verdict, the score that ranks it, and the rules that fired for it.

    ``fits_goals`` are the indices (in ``mentee.goals``) of the goals whose scope this
    candidate knows, by the rules that fired for them. ``stage`` is where the candidate stands
    on the way to a mentor, and ``stage_rule`` the rule that put them there (its message says
    why; None where no rule with a stage fired, which leaves them not a fit); the verdict is
    the stage's (:func:`verdict_of`).
    """

    __repr__ = attrs_repr

    name: str
    verdict: Verdict
    score: int
    rules: tuple[str, ...]
    fits_goals: tuple[int, ...] = ()
    stage: Stage = Stage.NOT_A_FIT
    stage_rule: str | None = None


@frozen
class Suppressed:
    """Advice a rule would have given, held back by its ``unless``: by whom, and about whom.

    ``by`` names the rules whose conclusions made the ``unless`` hold (an avoid rule, say).
    """

    __repr__ = attrs_repr

    rule: str
    subject: str
    by: tuple[str, ...]


@frozen
class Step:
    """One step of the plan, in the order to take them.

    ``subject`` is whom the step is about; a step that speaks for several subjects (one ask,
    with others to fall back on; the missing roles of a coaching team) names the rest, in
    order, in ``others``.
    """

    __repr__ = attrs_repr

    rule: str
    subject: str
    text: str
    others: tuple[str, ...] = ()


@frozen
class Advice:
    """Everything the rules say about one situation, the rule set that said it and what
    produced it.

    ``produced_by`` is set by :class:`~mentor_rules.Advisor` (None in advice built otherwise,
    and in documents written before it existed); it is not compared: see :class:`Provenance`.
    """

    __repr__ = attrs_repr

    recommendations: tuple[Recommendation, ...]
    candidates: tuple[CandidateVerdict, ...]
    next_steps: tuple[Step, ...]
    suppressed: tuple[Suppressed, ...] = ()
    rule_set: RuleSetInfo = field(factory=lambda: RuleSetInfo())
    produced_by: Provenance | None = field(default=None, eq=False)

    def for_candidate(self, name: str) -> CandidateVerdict:
        """The verdict about the candidate called ``name``, ignoring case and runs of white
        space, as names are unique (``"mei  lin"`` finds ``"Mei Lin"``)."""
        wanted = name_key(name)
        for verdict in self.candidates:
            if name_key(verdict.name) == wanted:
                return verdict
        raise KeyError(name)
