"""Each rule's examples, run: the subjects a rule fires for must be the ones its example says."""

from __future__ import annotations

from attrs import frozen

from ..rules.ruleset import Rule
from .advisor import Advisor

__all__ = ["ExampleResult", "check_examples"]


@frozen
class ExampleResult:
    """One example of one rule, and what the rule fired for in it."""

    rule: str
    file: str
    index: int
    description: str
    expected: tuple[str, ...]
    actual: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return self.expected == self.actual


def check_examples(advisor: Advisor, rules: tuple[Rule, ...] | None = None) -> list[ExampleResult]:
    """Run the examples of ``rules`` (default: all of the advisor's) through ``advisor``."""
    results = []
    for rule in advisor.rules.rules if rules is None else rules:
        for index, example in enumerate(rule.examples):
            advice = advisor.advise(example.situation)
            actual = sorted({r.subject for r in advice.recommendations if r.rule == rule.id})
            results.append(
                ExampleResult(
                    rule.id,
                    rule.file,
                    index,
                    example.description,
                    tuple(sorted(set(example.fires_for))),
                    tuple(actual),
                )
            )
    return results
