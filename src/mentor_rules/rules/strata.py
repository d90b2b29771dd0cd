"""Rules into layers: which rule reads whose conclusions, and the order that allows.

A rule may read what other rules concluded, through the conclusion fields of the schema
(``"avoid" in candidate.concluded_kinds``, ``len(candidate.fits_goals) > 0``, ...). Rules are
then evaluated in layers, as in stratified Datalog or CLIPS modules: a rule stands one layer
above every rule whose conclusions it reads, so each layer sees the final conclusions of the
ones below. A rule that reads, directly or not, its own conclusions is a cycle and is refused
with the rules of the cycle named; so is a reference to a rule that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Protocol, TypeVar, assert_never

from .._errors import RuleError, RuleProblem
from ..language.expr import Compare, Condition, Contains, Field, Quantified, walk
from ..model.situation import GoalScope
from ..model.vocabulary import CONCLUSIONS, About, Conclusion, Kind


class Rule(Protocol):
    """What layering reads of a rule (:class:`~mentor_rules.Rule` has it): this module sits
    below the rule set, which layers its rules with it."""

    @property
    def id(self) -> str: ...
    @property
    def file(self) -> str: ...
    @property
    def about(self) -> About: ...
    @property
    def kind(self) -> Kind: ...
    @property
    def condition(self) -> Condition: ...
    @property
    def unless(self) -> Condition | None: ...
    @property
    def fits(self) -> GoalScope | None: ...


_R = TypeVar("_R", bound=Rule)

__all__ = ["condition_dependencies", "dependencies", "stratify"]


def stratify(
    rules: Sequence[_R], absent: frozenset[str] = frozenset()
) -> tuple[tuple[_R, ...], ...]:
    """``rules`` in layers (each in id order); raises :class:`RuleError` for a bad reference
    or a cycle. A reference to a rule id in ``absent`` (rules a pack disabled) reads as a
    rule that never concludes anything."""
    problems: list[RuleProblem] = []
    needs = {rule.id: dependencies(rule, rules, problems, absent) for rule in rules}
    if problems:
        raise RuleError(problems)
    by_id = {rule.id: rule for rule in rules}
    layer: dict[str, int] = {}
    for rule in rules:
        _place(rule.id, needs, layer, [], by_id)
    count = max(layer.values(), default=-1) + 1
    return tuple(tuple(rule for rule in rules if layer[rule.id] == n) for n in range(count))


def _place(
    rule_id: str,
    needs: dict[str, set[str]],
    layer: dict[str, int],
    path: list[str],
    by_id: Mapping[str, Rule],
) -> int:
    if rule_id in layer:
        return layer[rule_id]
    if rule_id in path:
        cycle = [*path[path.index(rule_id) :], rule_id]
        rule = by_id[rule_id]
        after = cycle[1]
        through_unless = rule.unless is not None and after in condition_dependencies(
            rule.unless, list(by_id.values())
        )
        raise RuleError(
            [
                RuleProblem(
                    rule.file,
                    rule.id,
                    "unless" if through_unless else "when",
                    "rules read each other's conclusions in a cycle: "
                    + " -> ".join(cycle)
                    + "; a rule may only read what rules below it concluded",
                )
            ]
        )
    path.append(rule_id)
    below = [_place(other, needs, layer, path, by_id) for other in sorted(needs[rule_id])]
    path.pop()
    layer[rule_id] = max(below, default=-1) + 1
    return layer[rule_id]


def dependencies(
    rule: Rule,
    rules: Sequence[Rule],
    problems: list[RuleProblem] | None = None,
    absent: frozenset[str] = frozenset(),
) -> set[str]:
    """The ids of the rules whose conclusions ``rule`` reads (in ``when`` or ``unless``).

    A reference to a rule id or kind that no rule about that subject has is added to
    ``problems`` (or raised, without a list to add to).
    """
    found: set[str] = set()
    own: list[RuleProblem] = []
    for name, condition in (("when", rule.condition), ("unless", rule.unless)):
        if condition is None:
            continue
        for value in _unknown(condition, rules, found, absent):
            own.append(RuleProblem(rule.file, rule.id, name, value))
    if own and problems is None:
        raise RuleError(own)
    if problems is not None:
        problems.extend(own)
    return found


def condition_dependencies(condition: Condition, rules: Sequence[Rule]) -> set[str]:
    """The ids of the rules whose conclusions ``condition`` reads (references all known)."""
    found: set[str] = set()
    list(_unknown(condition, rules, found))
    return found


def _unknown(
    condition: Condition,
    rules: Sequence[Rule],
    found: set[str],
    absent: frozenset[str] = frozenset(),
) -> Iterator[str]:
    """Add what ``condition`` reads to ``found``; yield a message for each unknown reference."""
    for reference in _references(condition):
        matched = _resolve(reference, rules)
        if (
            matched is None
            and reference[1] != Conclusion.CONCLUDED_KINDS
            and reference[2] in absent
        ):
            matched = set()  # a disabled rule: it never concludes
        if matched is not None:
            found.update(matched)
            continue
        root, field, value = reference
        what = "rule of kind" if field == Conclusion.CONCLUDED_KINDS else "rule"
        subject = "candidate" if field == Conclusion.CANDIDATES_CONCLUDED else root
        yield (
            f"{root}.{field} is read for {value!r}, but there is no {what} {value!r} about "
            f"{subject} in the rule set"
        )


# A reference: (root, conclusion field, the value tested for, or None for "all of them").
_Reference = tuple[str, Conclusion, str | None]


def _references(condition: Condition) -> Iterator[_Reference]:
    for node in walk(condition):
        match node:
            case Contains(field=Field(path=(root, field)), value=value) if _concludes(root, field):
                yield root, Conclusion(field), str(value)
            case Compare(left=read) | Quantified(field=read):
                path = read.path
                if len(path) == 2 and _concludes(path[0], path[1]):
                    yield path[0], Conclusion(path[1]), None
            case _:
                pass


def _concludes(root: str, field: str) -> bool:
    return field in CONCLUSIONS.get(root, frozenset())  # type: ignore[call-overload]


def _resolve(reference: _Reference, rules: Iterable[Rule]) -> set[str] | None:
    """The rules a reference reads; ``None`` when it names one that does not exist."""
    root, field, value = reference
    match field:
        case Conclusion.FITS_GOALS | Conclusion.UNMET_GOAL_SCOPES:
            return {rule.id for rule in rules if rule.fits is not None}
        case Conclusion.CONCLUDED_KINDS:
            subject = [rule for rule in rules if rule.about == root]
            # A kind is checked against the enum when parsed; a kind no rule of the set has
            # (all avoid rules disabled, say) is simply never concluded.
            return {rule.id for rule in subject if value is None or rule.kind.value == value}
        case Conclusion.CONCLUDED | Conclusion.CANDIDATES_CONCLUDED:
            about = "candidate" if field == Conclusion.CANDIDATES_CONCLUDED else root
            subject = [rule for rule in rules if rule.about == about]
            if value is None:
                return {rule.id for rule in subject}
            return {rule.id for rule in subject if rule.id == value} or None
        case _:
            assert_never(field)
