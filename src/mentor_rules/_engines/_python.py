"""The pure-Python engine: the reference semantics applied rule by rule, fact by fact."""

from __future__ import annotations

from collections.abc import Sequence

from .._evaluate import holds
from .._expr import Condition
from .._facts import Fact
from .._ruleset import RuleSet

__all__ = ["PythonEngine"]


class PythonEngine:
    """Evaluates every rule about a fact's subject on that fact; needs nothing but Python."""

    name = "python"

    def __init__(self, rules: RuleSet) -> None:
        self._by_about: dict[str, list[tuple[str, Condition]]] = {}
        for rule in rules:
            self._by_about.setdefault(rule.about, []).append((rule.id, rule.condition))

    def match(self, facts: Sequence[Fact]) -> frozenset[tuple[str, int]]:
        return frozenset(
            (rule_id, index)
            for index, fact in enumerate(facts)
            for rule_id, condition in self._by_about.get(fact.about, ())
            if holds(condition, fact.values)
        )
