"""Lint of a rule set: conditions that never hold or always hold, advice always held back by
its ``unless``, rules with the same condition, parameters no rule reads. Decided, never sampled.

The decision procedure: a condition's truth depends only on the values of the operands it
reads (fields and ``len(...)``), and on its ``in`` tests of list fields and its
``any()``/``all()`` tests, which are taken as free true/false atoms (what they say of the list
is not reasoned about). For each operand, the comparisons made with it cut its domain into
finitely many regions on which every comparison has one truth value: the literals compared
with, a point between and beyond each (for integers, the neighbours of each literal), ``None``
where the field may be unknown, every value of an enum, both of a boolean, and one text no
literal names. Trying every combination of regions decides the condition exactly for the
model where operands are independent. Since real facts are a subset of that model (the
operands may be related, as ``len(x)`` and ``"v" in x``), "never holds" and "always holds"
found so are true of real facts as well; when the regions are too many to try, the answer is
"unknown" and nothing is reported.

What a rule concluded about the same subject (``"avoid" in candidate.concluded_kinds``,
``"junior-colleague" in candidate.concluded``) is, for the check of ``unless``, replaced by the
conditions of the rules that conclude it (each with its own ``unless``), so that "this advice is
always held back by an avoid rule" is decided like any other condition. The layers make that
substitution finite.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any, Literal, assert_never

import attrs
from attrs import frozen

from .._repr import attrs_repr
from ..language.evaluate import holds
from ..language.expr import (
    And,
    Compare,
    Condition,
    Contains,
    Count,
    EnumType,
    Field,
    IsNull,
    Not,
    OneOf,
    Or,
    Quantified,
    ScalarType,
)
from ..model.vocabulary import Conclusion
from .ruleset import Rule, RuleSet
from .strata import condition_dependencies

__all__ = ["LintWarning", "Verdict", "decide", "lint"]

Verdict = Literal["never", "always", "sometimes", "unknown"]

#: The most combinations of regions tried for one condition.
MAX_CASES = 200_000

_FRESH_TEXT = "\x00a text no condition names"


@frozen
class LintWarning:
    """A finding of the lint: which rule (or parameter), what was found, and why it matters."""

    __repr__ = attrs_repr

    check: Literal[
        "never-holds",
        "always-holds",
        "always-vetoed",
        "same-condition",
        "unused-parameter",
        "undecided",
    ]
    rule: str | None
    file: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: rule {self.rule!r}: " if self.rule else ""
        return f"{where}{self.message} [{self.check}]"


def decide(condition: Condition) -> Verdict:
    """Whether ``condition`` never holds, always holds or sometimes does, on any fact; or
    ``"unknown"`` when that takes too much work to decide (more than :data:`MAX_CASES`
    combinations, or :data:`MAX_WORK` steps: combinations times the tests to evaluate)."""
    operands: dict[tuple[str, ...], list[Any]] = {}
    atoms: dict[str, int] = {}
    found = _Found(operands, atoms)
    _collect(condition, found)
    domains = [_domain(key, values) for key, values in operands.items()]
    cases = 1
    for domain in domains:
        cases *= len(domain)
    cases *= 2 ** len(atoms)
    if cases > MAX_CASES or cases * len(found.seen) > MAX_WORK:
        return "unknown"
    keys = list(operands)
    seen: set[bool] = set()
    for values in itertools.product(*domains):
        assignment = dict(zip(keys, values, strict=True))
        for truths in itertools.product((False, True), repeat=len(atoms)):
            seen.add(_holds(condition, assignment, truths, found.atom_of, {}))
            if len(seen) == 2:
                return "sometimes"
    return "always" if seen == {True} else "never"


#: The most steps (combinations of regions times the distinct tests of the condition) one
#: decision may take: a bound on the lint's time, whatever the rules (about 10 s at worst on
#: the development machine).
MAX_WORK = 5_000_000


@attrs.define
class _Found:
    """What a condition reads: its operands with the literals compared with them, its atoms
    (one number for each distinct ``in``/``any``/``all`` test), which node is which atom, and
    the nodes already walked (an expanded condition shares them: walked once, not once for each
    use)."""

    __repr__ = attrs_repr

    operands: dict[tuple[str, ...], list[Any]]
    atoms: dict[str, int]
    atom_of: dict[int, int] = attrs.Factory(dict)
    seen: set[int] = attrs.Factory(set)


# An operand's key: its path, with "#len" added for len(...).
def _key(read: Field | Count) -> tuple[str, ...]:
    return (*read.path, "#len") if isinstance(read, Count) else read.path


def _collect(condition: Condition, found: _Found) -> None:
    if id(condition) in found.seen:
        return
    found.seen.add(id(condition))
    operands = found.operands
    match condition:
        case Compare(left=left, value=value):
            operands.setdefault(_key(left), [left]).append(value)
        case OneOf(field=field, values=values):
            operands.setdefault(field.path, [field]).extend(values)
        case IsNull(field=field):
            operands.setdefault(field.path, [field])
        case Contains() | Quantified():  # the same test anywhere: one atom
            number = found.atoms.setdefault(repr(condition), len(found.atoms))
            found.atom_of[id(condition)] = number
        case Not(operand=operand):
            _collect(operand, found)
        case And(operands=parts) | Or(operands=parts):
            for part in parts:
                _collect(part, found)
        case _:
            assert_never(condition)


def _domain(key: tuple[str, ...], found: list[Any]) -> list[Any]:
    """One value from each region the literals compared with cut the operand's domain into."""
    read, literals = found[0], found[1:]
    if isinstance(read, Count):
        return sorted({0} | {n for v in literals for n in (v - 1, v, v + 1) if n >= 0})
    assert isinstance(read, Field)
    values: list[Any] = [None] if read.nullable else []
    match read.type:
        case EnumType(values=members):
            values.extend(members)
        case ScalarType(name="bool"):
            values.extend([False, True])
        case ScalarType(name="str"):
            values.extend(sorted(set(literals)))
            values.append(_FRESH_TEXT)
        case ScalarType(name="int"):
            values.extend(sorted({n for v in literals for n in (v - 1, v, v + 1)} or {0}))
        case ScalarType(name="number"):
            points: list[Any] = sorted(set(literals)) or [0]
            between = [(a + b) / 2 for a, b in itertools.pairwise(points)]
            values.extend(sorted({*points, *between, points[0] - 1, points[-1] + 1}))
        case _:  # pragma: no cover - lists and objects are read through len/in/any/all
            values.append(_FRESH_TEXT)
    return values


def _holds(
    condition: Condition,
    values: Mapping[tuple[str, ...], Any],
    truths: tuple[bool, ...],
    atom_of: Mapping[int, int],
    known: dict[int, bool],
) -> bool:
    """Whether ``condition`` holds for these operand ``values`` and atom ``truths``; ``known``
    holds what shared parts were found to be, so that each is evaluated once."""
    done = known.get(id(condition))
    if done is not None:
        return done
    result: bool
    match condition:
        case Contains() | Quantified():
            result = truths[atom_of[id(condition)]]
        case Compare(left=left) | OneOf(field=left) | IsNull(field=left):
            # The reference semantics on a fact holding just this operand's value.
            value = values[_key(left)]
            if isinstance(left, Count):
                result = _count(condition, value)
            else:
                result = holds(_at_root(condition), {"v": value})
        case Not(operand=operand):
            result = not _holds(operand, values, truths, atom_of, known)
        case And(operands=parts):
            result = all(_holds(part, values, truths, atom_of, known) for part in parts)
        case Or(operands=parts):
            result = any(_holds(part, values, truths, atom_of, known) for part in parts)
        case _:
            assert_never(condition)
    known[id(condition)] = result
    return result


def _count(condition: Condition, length: int) -> bool:
    assert isinstance(condition, Compare)
    return holds(Compare(Count(("v",)), condition.op, condition.value), {"v": [0] * length})


def _at_root(condition: Compare | OneOf | IsNull) -> Condition:
    """The same test, of a field at the fact's top level called ``v``."""
    match condition:
        case Compare(left=Field() as field):
            return Compare(Field(("v",), field.type, field.nullable), condition.op, condition.value)
        case OneOf(field=field):
            return OneOf(Field(("v",), field.type, field.nullable), condition.values)
        case IsNull(field=field):
            return IsNull(Field(("v",), field.type, field.nullable))
    raise AssertionError(condition)  # pragma: no cover


def _expanded(condition: Condition, rules: RuleSet, fires: dict[str, Condition]) -> Condition:
    """``condition`` with each test of what rules concluded about its subject replaced by the
    conditions under which those rules conclude it. ``fires`` holds each rule's expansion once
    made: a rule read by many (layers of ``unless`` that each read the layer below, twice) is
    one shared expression, not a copy at every use, which grew exponentially."""
    match condition:
        case Contains(field=Field(path=(root, Conclusion.CONCLUDED_KINDS)), value=kind):
            return Or(
                tuple(_fires(r, rules, fires) for r in rules if r.about == root and r.kind == kind)
            )
        case Contains(field=Field(path=(root, Conclusion.CONCLUDED)), value=str() as rule_id) if (
            rule_id in rules.ids and rules[rule_id].about == root
        ):
            return _fires(rules[rule_id], rules, fires)
        case Not(operand=operand):
            return Not(_expanded(operand, rules, fires))
        case And(operands=parts):
            return And(tuple(_expanded(part, rules, fires) for part in parts))
        case Or(operands=parts):
            return Or(tuple(_expanded(part, rules, fires) for part in parts))
        case _:
            return condition


def _fires(rule: Rule, rules: RuleSet, fires: dict[str, Condition]) -> Condition:
    """When ``rule`` concludes: its condition, and not its unless."""
    made = fires.get(rule.id)
    if made is not None:
        return made
    condition = _expanded(rule.condition, rules, fires)
    if rule.unless is not None:
        condition = And((condition, Not(_expanded(rule.unless, rules, fires))))
    fires[rule.id] = condition
    return condition


def lint(rules: RuleSet) -> list[LintWarning]:
    """Everything the lint finds in ``rules``, rule by rule."""
    found: list[LintWarning] = []
    fires: dict[str, Condition] = {}  # each rule's expansion, shared by the rules reading it
    for rule in rules:
        undecided = False
        verdict = decide(rule.condition)
        undecided |= verdict == "unknown"
        if verdict == "never":
            found.append(
                LintWarning(
                    "never-holds",
                    rule.id,
                    rule.file,
                    "the condition can never hold, so the rule never fires: "
                    "look for two tests of one field that exclude each other",
                )
            )
        elif verdict == "always":
            found.append(
                LintWarning(
                    "always-holds",
                    rule.id,
                    rule.file,
                    f"the condition always holds, so the rule fires for every {rule.about}: "
                    "it tests nothing",
                )
            )
        unless = None if rule.unless is None else decide(rule.unless)
        undecided |= unless == "unknown"
        if unless == "always":
            found.append(
                LintWarning(
                    "never-holds",
                    rule.id,
                    rule.file,
                    "the unless condition always holds, so the rule never fires",
                )
            )
        elif rule.unless is not None and verdict in ("sometimes", "unknown"):
            vetoed = And((rule.condition, Not(_expanded(rule.unless, rules, fires))))
            held_back = decide(vetoed)
            undecided |= held_back == "unknown"
            if held_back == "never":
                by = ", ".join(
                    repr(r)
                    for r in sorted(condition_dependencies(rule.unless, rules.rules))
                    if decide(And((rule.condition, _fires(rules[r], rules, fires)))) != "never"
                )
                found.append(
                    LintWarning(
                        "always-vetoed",
                        rule.id,
                        rule.file,
                        "whenever the condition holds, the unless holds too"
                        + (f" (through {by})" if by else "")
                        + ", so the advice is always held back: narrow the condition, or "
                        "drop the rule",
                    )
                )
        if undecided:
            found.append(
                LintWarning(
                    "undecided",
                    rule.id,
                    rule.file,
                    "the lint gave up on this rule: its conditions (with what the rules its "
                    f"unless reads conclude) take more than {MAX_CASES:,} combinations or "
                    f"{MAX_WORK:,} steps to decide, so they were not checked",
                )
            )
    by_condition: dict[tuple[str, str], list[str]] = {}
    for rule in rules:
        by_condition.setdefault((rule.about, repr(rule.condition)), []).append(rule.id)
    for same in by_condition.values():
        for other in same[1:]:
            rule = rules[other]
            found.append(
                LintWarning(
                    "same-condition",
                    rule.id,
                    rule.file,
                    f"the same condition as rule {same[0]!r}: merge them, or tell them apart",
                )
            )
    used = {name for rule in rules for name, _ in rule.parameters}
    for parameter in rules.parameters:
        if parameter.name not in used:
            found.append(
                LintWarning(
                    "unused-parameter",
                    None,
                    None,
                    f"parameter {parameter.name!r} is read by no rule: remove it, or use it "
                    f"as params.{parameter.name}",
                )
            )
    return found
