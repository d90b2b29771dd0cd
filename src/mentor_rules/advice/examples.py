"""Each rule's examples, run: the subjects a rule fires for must be the ones its example says."""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

from attrs import frozen

from .._repr import attrs_repr
from ..engines import EngineName
from ..rules.ruleset import Example, Rule
from .advisor import Advisor

__all__ = ["ExampleResult", "MovedExample", "check_examples", "check_examples_as_written"]


@frozen
class ExampleResult:
    """One example of one rule, and what the rule fired for in it."""

    __repr__ = attrs_repr

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
    return [
        _run(advisor, rule, index, example)
        for rule in (advisor.rules.rules if rules is None else rules)
        for index, example in enumerate(rule.examples)
    ]


@frozen
class MovedExample:
    """An example whose outcome the parameter values in force change from the outcome under
    the values it was written for: information for a pack's author, not a failure.

    ``index`` is 0-based; ``parameters`` are the values in force that differ from the ones the
    example was written for, among those its rule reads; ``expected`` is what the rule fires for
    under the values it was written for, ``actual`` under the values in force."""

    __repr__ = attrs_repr

    rule: str
    file: str
    index: int
    description: str
    parameters: tuple[tuple[str, int | float], ...]
    expected: tuple[str, ...]
    actual: tuple[str, ...]

    def __str__(self) -> str:
        values = ", ".join(f"{name} = {value}" for name, value in self.parameters)
        gone = sorted(set(self.expected) - set(self.actual))
        new = sorted(set(self.actual) - set(self.expected))
        said = "; ".join(
            [
                *([f"no longer fires for {', '.join(gone)}"] if gone else []),
                *([f"now fires for {', '.join(new)}"] if new else []),
            ]
        )
        return f"with {values}, {self.rule} example {self.index + 1} ({self.description}) {said}"


def check_examples_as_written(
    advisor: Advisor,
    rules: tuple[Rule, ...] | None,
    written_for: Mapping[str, Mapping[str, int | float]],
) -> tuple[list[ExampleResult], list[MovedExample]]:
    """Each rule's examples judged under the parameter values they were written for (by the
    name of the pack that replaced the example, else of the rule's pack, in ``written_for``; a
    pack not there: the values in force), and
    the examples whose outcome the values in force change.

    A pack that tunes a parameter (``conversations_before_asking = 3``) thus leaves the shipped
    examples passing, and is told which of them its values move."""
    in_force = advisor.rules.parameter_values
    declared = set(in_force)
    chosen = advisor.rules.rules if rules is None else rules
    results: list[ExampleResult] = []
    moved: list[MovedExample] = []
    others: dict[tuple[tuple[str, int | float], ...], Advisor] = {}
    for rule in chosen:
        read = {name for name, _ in rule.parameters}
        for index, example in enumerate(rule.examples):
            pack = example.pack or (rule.pack.name if rule.pack is not None else None)
            written = written_for.get(pack, {}) if pack is not None else {}
            differ = tuple(
                sorted(
                    (name, value)
                    for name, value in in_force.items()
                    if name in read and name in written and written[name] != value
                )
            )
            now = _run(advisor, rule, index, example)
            if not differ:
                results.append(now)
                continue
            key = tuple(sorted((n, v) for n, v in written.items() if n in declared))
            if key not in others:
                tuned = advisor.rules.with_parameters(dict(key))
                others[key] = Advisor(tuned, engine=cast(EngineName, advisor.engine))
            as_written = _run(others[key], others[key].rules[rule.id], index, example)
            results.append(as_written)
            if as_written.actual != now.actual:
                moved.append(
                    MovedExample(
                        rule.id,
                        rule.file,
                        index,
                        example.description,
                        differ,
                        as_written.actual,
                        now.actual,
                    )
                )
    return results, moved


def _run(advisor: Advisor, rule: Rule, index: int, example: Example) -> ExampleResult:
    """One example of ``rule`` run through ``advisor``."""
    advice = advisor.advise(example.situation)
    actual = sorted({r.subject for r in advice.recommendations if r.rule == rule.id})
    return ExampleResult(
        rule.id,
        rule.file,
        index,
        example.description,
        tuple(sorted(set(example.fires_for))),
        tuple(actual),
    )
