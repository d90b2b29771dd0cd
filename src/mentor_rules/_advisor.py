"""The pipeline in one place: situation -> facts -> engine -> firings -> advice."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any

from attrs import frozen

from ._advice import AdviceBuilder, Match
from ._documents import check_limits, situation_from_dict
from ._engines import Engine, EngineName, make_engine
from ._errors import SituationError
from ._explain import DEFAULT_BOUND, Explanation, explain_candidate
from ._facts import Concluding, Fact, FactBuilder
from ._limits import Limits
from ._model import Situation
from ._output import Advice, Provenance, Suppressed, Verdict
from ._ruleset import UNLESS, Rule, RuleSet, shipped_rules, tests_of
from ._strata import condition_dependencies
from ._version import LIBRARY, VERSION

__all__ = ["Advisor", "BatchItem", "advise", "explain"]


@frozen
class BatchItem:
    """The outcome for one situation of a batch: its advice, or the error that stopped it."""

    index: int
    advice: Advice | None
    error: SituationError | None

    @property
    def ok(self) -> bool:
        return self.error is None


@frozen
class _Evaluation:
    """What one evaluation concluded: the rules that fired (with the facts they fired on), the
    advice held back by an ``unless``, and each layer's engine with the facts it matched."""

    matched: tuple[Match, ...]
    suppressed: tuple[Suppressed, ...]
    layers: tuple[tuple[Engine, tuple[Fact, ...]], ...]


class Advisor:
    """Evaluates situations against one rule set. Reusable, and safe to share between threads.

    ``rules`` defaults to the shipped rule set. ``engine`` is ``"auto"`` (durable-rules where it
    is installed, else the pure-Python engine), ``"durable"`` or ``"python"``. ``parameters``
    override the rule set's parameters (``{"newcomer_months": 6}``); an unknown name or a value
    of the wrong type raises :class:`RuleError` naming it. ``limits`` bound the situations it
    takes (the defaults of :class:`Limits` if None).
    """

    def __init__(
        self,
        rules: RuleSet | None = None,
        *,
        engine: EngineName = "auto",
        parameters: Mapping[str, int | float] | None = None,
        limits: Limits | None = None,
    ) -> None:
        rules = shipped_rules() if rules is None else rules
        self.rules: RuleSet = rules.with_parameters(parameters) if parameters else rules
        self._info = self.rules.info
        self.limits: Limits = Limits() if limits is None else limits
        # One engine per layer: a layer's rules read what the layers below concluded.
        self._layers = tuple(
            (layer, make_engine(tests_of(layer), engine)) for layer in self.rules.layers
        ) or (((), make_engine((), engine)),)
        self._provenance = Provenance(LIBRARY, VERSION, self.engine)
        self._reads = self.rules.reads()
        self._facts = FactBuilder(self._reads)
        self._advice = AdviceBuilder()
        self._vetoers = {
            rule.id: condition_dependencies(rule.unless, self.rules.rules)
            for rule in self.rules
            if rule.unless is not None
        }
        # Each test name of a layer: its rule, and the name of the rule's unless test (None
        # for an unless test itself, whose firings are read beside its rule's).
        self._tests: dict[str, tuple[Rule, str] | None] = {
            test.name: None
            if test.name.endswith(UNLESS)
            else (self.rules[test.name], test.name + UNLESS)
            for layer, _ in self._layers
            for test in tests_of(layer)
        }

    @property
    def engine(self) -> str:
        """The name of the engine in use: ``"durable"`` or ``"python"``."""
        return self._layers[0][1].name

    def advise(self, situation: Situation | Mapping[str, Any]) -> Advice:
        """The advice for one situation (an attrs :class:`Situation` or its JSON form).

        Raises :class:`SituationError` when a JSON-form situation is not valid, or when either
        form exceeds the advisor's :attr:`limits`.
        """
        if isinstance(situation, Situation):
            check_limits(situation, self.limits)
        else:
            situation = situation_from_dict(situation, self.limits)
        evaluation = self._evaluate(situation)
        return self._advice.build(
            situation,
            evaluation.matched,
            evaluation.suppressed,
            self._info,
            self._provenance,
        )

    def _evaluate(self, situation: Situation) -> _Evaluation:
        """What the rules conclude about ``situation``, layer by layer, before it is advice."""
        concluding = Concluding(self._facts, situation)
        fired: dict[int, set[str]] = {}  # the rules that fired (not held back), by fact
        matched: list[Match] = []
        suppressed: list[Suppressed] = []
        seen: list[tuple[Engine, tuple[Fact, ...]]] = []
        tests = self._tests
        for _, engine in self._layers:
            # Each layer reads what the ones below concluded (nothing yet, for the first).
            facts = concluding.facts()
            seen.append((engine, facts))
            found = engine.match(facts)
            for name, index in sorted(found):
                test = tests[name]
                if test is None:  # an unless: read beside its rule
                    continue
                rule, unless = test
                if (unless, index) in found:
                    by = self._vetoers[name]
                    vetoes = tuple(sorted(by.intersection(fired.get(index, ()))))
                    if not vetoes:  # an unless that reads what was concluded about others
                        vetoes = tuple(
                            sorted({r for ids in fired.values() for r in ids if r in by})
                        )
                    suppressed.append(Suppressed(name, facts[index].subject, vetoes))
                else:
                    matched.append((rule, facts[index]))
                    fired.setdefault(index, set()).add(name)
                    concluding.add(rule, index)
        return _Evaluation(tuple(matched), tuple(suppressed), tuple(seen))

    def explain(
        self,
        situation: Situation | Mapping[str, Any],
        candidate: str,
        target: Verdict | str | None = None,
        *,
        bound: int = DEFAULT_BOUND,
    ) -> Explanation:
        """Why ``candidate`` (a name) is not better placed, and what would change it.

        ``target`` is the verdict to explain (default: the next better one and
        ``ready_to_ask``); ``bound`` the most changes a proposed set may hold. Raises
        ``KeyError`` for a name not in the situation, ``SituationError`` for invalid input.
        """
        if not isinstance(situation, Situation):
            situation = situation_from_dict(situation)
        wanted = None if target is None else Verdict(target)
        return explain_candidate(
            self.rules,
            self.advise,
            lambda s: self._evaluate(s).layers,
            situation,
            candidate,
            wanted,
            bound,
        )

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


def explain(
    situation: Situation | Mapping[str, Any],
    candidate: str,
    target: Verdict | str | None = None,
    *,
    bound: int = DEFAULT_BOUND,
) -> Explanation:
    """:meth:`Advisor.explain` with the shipped rule set."""
    return _default_advisor().explain(situation, candidate, target, bound=bound)
