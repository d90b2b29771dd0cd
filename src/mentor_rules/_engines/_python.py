"""The pure-Python engine: each condition compiled once into a closure, run fact by fact.

The closures do what the reference evaluator (:func:`mentor_rules._evaluate.holds`) says, node
for node, without walking the tree on every call; ``tests/test_engines.py`` checks the two agree
on generated conditions and facts.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any, assert_never

from .._expr import (
    ITEM,
    And,
    Compare,
    Condition,
    Contains,
    Count,
    IsNull,
    Not,
    OneOf,
    Or,
    Quantified,
)
from .._facts import Fact
from .._ruleset import Test

__all__ = ["PythonEngine", "compile_condition"]

#: A compiled condition: whether it holds on a fact's values (and the current list item).
Compiled = Callable[[Mapping[str, Any], Any], bool]
_Getter = Callable[[Mapping[str, Any], Any], Any]

_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


class PythonEngine:
    """Evaluates every test about a fact's subject on that fact; needs nothing but Python."""

    name = "python"

    def __init__(self, tests: Sequence[Test]) -> None:
        self._by_about: dict[str, list[tuple[str, Compiled]]] = {}
        for test in tests:
            compiled = compile_condition(test.condition)
            self._by_about.setdefault(test.about, []).append((test.name, compiled))

    def match(self, facts: Sequence[Fact]) -> frozenset[tuple[str, int]]:
        return frozenset(
            (name, index)
            for index, fact in enumerate(facts)
            for name, compiled in self._by_about.get(fact.about, ())
            if compiled(fact.values, None)
        )


def _getter(path: tuple[str, ...]) -> _Getter:
    """Reads ``path`` from a fact's values (or from the current item): ``None`` if missing."""
    root, rest = path[0], path[1:]
    if root == ITEM:
        if not rest:
            return lambda values, item: item
        if len(rest) == 1:  # an item's own field: the usual case
            (name,) = rest
            return lambda values, item: item.get(name) if isinstance(item, Mapping) else None
    elif len(rest) == 1:
        (name,) = rest
        return lambda values, item: (values.get(root) or {}).get(name)

    def deep(values: Mapping[str, Any], item: Any) -> Any:
        current: Any = item if root == ITEM else values.get(root)
        for name in rest:
            if not isinstance(current, Mapping):
                return None
            current = current.get(name)
        return current

    return deep


def compile_condition(condition: Condition) -> Compiled:
    """``condition`` as a closure with the meaning of the reference evaluator."""
    match condition:
        case Compare(left=Count(path=path), op=op, value=value):
            get, compare = _getter(path), _OPERATORS[op]
            return lambda values, item: compare(len(get(values, item) or ()), value)
        case Compare(left=left, op=op, value=value):
            get, compare = _getter(left.path), _OPERATORS[op]

            def compared(values: Mapping[str, Any], item: Any) -> bool:
                found = get(values, item)
                return found is not None and bool(compare(found, value))

            return compared
        case OneOf(field=field, values=allowed):
            get = _getter(field.path)

            def one_of(values: Mapping[str, Any], item: Any) -> bool:
                found = get(values, item)
                return found is not None and found in allowed

            return one_of
        case Contains(field=field, value=value):
            get = _getter(field.path)

            def contains(values: Mapping[str, Any], item: Any) -> bool:
                found = get(values, item)
                return found is not None and value in found

            return contains
        case IsNull(field=field):
            get = _getter(field.path)
            return lambda values, item: get(values, item) is None
        case Quantified(quantifier=quantifier, field=field, body=body):
            get, inner = _getter(field.path), compile_condition(body)
            if quantifier == "any":
                return lambda values, item: any(
                    inner(values, element) for element in get(values, item) or ()
                )
            return lambda values, item: all(
                inner(values, element) for element in get(values, item) or ()
            )
        case Not(operand=operand):
            negated = compile_condition(operand)
            return lambda values, item: not negated(values, item)
        case And(operands=operands):
            parts = tuple(compile_condition(operand) for operand in operands)
            return lambda values, item: all(part(values, item) for part in parts)
        case Or(operands=operands):
            parts = tuple(compile_condition(operand) for operand in operands)
            return lambda values, item: any(part(values, item) for part in parts)
        case _:
            assert_never(condition)
