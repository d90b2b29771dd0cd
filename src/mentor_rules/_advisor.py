"""The pipeline in one place: situation -> facts -> engine -> firings -> advice."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any

from attrs import frozen

from ._advice import build_advice
from ._documents import situation_from_dict
from ._engines import EngineName, make_engine
from ._errors import SituationError
from ._facts import build_facts
from ._model import Situation
from ._output import Advice
from ._ruleset import RuleSet, shipped_rules

__all__ = ["Advisor", "BatchItem", "advise"]


@frozen
class BatchItem:
    """The outcome for one situation of a batch: its advice, or the error that stopped it."""

    index: int
    advice: Advice | None
    error: SituationError | None

    @property
    def ok(self) -> bool:
        return self.error is None


class Advisor:
    """Evaluates situations against one rule set. Reusable, and safe to share between threads.

    ``rules`` defaults to the shipped rule set. ``engine`` is ``"auto"`` (durable-rules where it
    is installed, else the pure-Python engine), ``"durable"`` or ``"python"``.
    """

    def __init__(self, rules: RuleSet | None = None, *, engine: EngineName = "auto") -> None:
        self.rules: RuleSet = shipped_rules() if rules is None else rules
        self._engine = make_engine(self.rules, engine)
        self._reads = self.rules.reads()

    @property
    def engine(self) -> str:
        """The name of the engine in use: ``"durable"`` or ``"python"``."""
        return self._engine.name

    def advise(self, situation: Situation | Mapping[str, Any]) -> Advice:
        """The advice for one situation (an attrs :class:`Situation` or its JSON form).

        Raises :class:`SituationError` when a JSON-form situation is not valid.
        """
        if not isinstance(situation, Situation):
            situation = situation_from_dict(situation)
        facts = build_facts(situation, self._reads)
        firings = self._engine.match(facts)
        return build_advice(self.rules, situation, facts, firings)

    def advise_many(
        self, situations: Iterable[Situation | Mapping[str, Any]]
    ) -> tuple[BatchItem, ...]:
        """Advice for every situation; an invalid one is reported in its place, not raised."""
        items = []
        for index, situation in enumerate(situations):
            try:
                items.append(BatchItem(index, self.advise(situation), None))
            except SituationError as error:
                items.append(BatchItem(index, None, error))
        return tuple(items)


@functools.cache
def _default_advisor() -> Advisor:
    return Advisor()


def advise(situation: Situation | Mapping[str, Any]) -> Advice:
    """The advice of the shipped rule set for ``situation``."""
    return _default_advisor().advise(situation)
