"""The pure-Python engine: each condition compiled once into a closure, run fact by fact.

The closures do what the reference evaluator (:func:`mentor_rules.language.evaluate.holds`)
says, node for node, without walking the tree on every call; ``tests/test_engines.py`` checks
the two agree on generated conditions and facts.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any, assert_never

from ..facts.build import Fact
from ..language.expr import (
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
from ..rules.ruleset import Test

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


#: A test compiled, with its rule's ``unless`` test (name and closure) where it has one.
_Entry = tuple[str, Compiled, tuple[str, Compiled] | None]


class PythonEngine:
    """Evaluates every test about a fact's subject on that fact; needs nothing but Python.

    A rule's ``<id>:unless`` test is evaluated only on the facts where ``<id>`` holds: the
    advisor reads an unless only beside its rule (see :class:`~mentor_rules.engines.Engine`).
    """

    name = "python"

    def __init__(self, tests: Sequence[Test]) -> None:
        names = {test.name for test in tests}
        unless: dict[str, tuple[str, Compiled]] = {
            test.unless_of: (test.name, compile_condition(test.condition))
            for test in tests
            if test.unless_of is not None and test.unless_of in names
        }
        by_about: dict[str, list[_Entry]] = {}
        for test in tests:
            if test.unless_of is not None and test.unless_of in unless:
                continue  # tested beside its rule
            entry = (test.name, compile_condition(test.condition), unless.get(test.name))
            by_about.setdefault(test.about, []).append(entry)
        self._by_about: dict[str, tuple[_Entry, ...]] = {
            about: tuple(entries) for about, entries in by_about.items()
        }

    def match(self, facts: Sequence[Fact]) -> frozenset[tuple[str, int]]:
        found: list[tuple[str, int]] = []
        append = found.append
        by_about = self._by_about
        for index, fact in enumerate(facts):
            values = fact.values
            for name, compiled, vetoed in by_about.get(fact.about, ()):
                if compiled(values, None):
                    append((name, index))
                    if vetoed is not None and vetoed[1](values, None):
                        append((vetoed[0], index))
        return frozenset(found)


_NOTHING: Mapping[str, Any] = {}


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
        return lambda values, item: (values.get(root) or _NOTHING).get(name)

    def deep(values: Mapping[str, Any], item: Any) -> Any:
        current: Any = item if root == ITEM else values.get(root)
        for name in rest:
            if not isinstance(current, Mapping):
                return None
            current = current.get(name)
        return current

    return deep


def _field(path: tuple[str, ...]) -> tuple[str, str] | None:
    """``(root, name)`` for a path that reads a fact's own field (the usual case), else None."""
    if len(path) == 2 and path[0] != ITEM:
        return path[0], path[1]
    return None


def compile_condition(condition: Condition) -> Compiled:
    """``condition`` as a closure with the meaning of the reference evaluator.

    The usual shapes (a fact's own field compared with a constant, ``and``/``or`` of two or
    three parts) get closures of their own that read the field in place, with no call to a
    getter: the same meaning, fewer Python calls per test.
    """
    match condition:
        case Compare(left=Count(path=path), op=op, value=value):
            compare = _OPERATORS[op]
            field = _field(path)
            if field is not None:
                root, name = field
                return lambda values, item: compare(
                    len((values.get(root) or _NOTHING).get(name) or ()), value
                )
            get = _getter(path)
            return lambda values, item: compare(len(get(values, item) or ()), value)
        case Compare(left=left, op=op, value=value):
            return _compare(left.path, op, value)
        case OneOf(field=field, values=allowed):
            get = _getter(field.path)

            def one_of(values: Mapping[str, Any], item: Any) -> bool:
                found = get(values, item)
                return found is not None and found in allowed

            return one_of
        case Contains(field=field, value=value):
            own = _field(field.path)
            if own is not None:
                root, name = own

                def contains_own(values: Mapping[str, Any], item: Any) -> bool:
                    found = (values.get(root) or _NOTHING).get(name)
                    return found is not None and value in found

                return contains_own
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
            return _all(tuple(compile_condition(operand) for operand in operands))
        case Or(operands=operands):
            return _any(tuple(compile_condition(operand) for operand in operands))
        case _:
            assert_never(condition)


def _compare(path: tuple[str, ...], op: str, value: Any) -> Compiled:
    """A field compared with a constant: false where the field is missing or ``None``."""
    compare = _OPERATORS[op]
    field = _field(path)
    if field is not None:
        root, name = field
        if op == "==":

            def equal(values: Mapping[str, Any], item: Any) -> bool:
                found = (values.get(root) or _NOTHING).get(name)
                return found is not None and bool(found == value)

            return equal

        def compared_own(values: Mapping[str, Any], item: Any) -> bool:
            found = (values.get(root) or _NOTHING).get(name)
            return found is not None and bool(compare(found, value))

        return compared_own
    get = _getter(path)

    def compared(values: Mapping[str, Any], item: Any) -> bool:
        found = get(values, item)
        return found is not None and bool(compare(found, value))

    return compared


def _all(parts: tuple[Compiled, ...]) -> Compiled:
    """Whether every part holds (true for none), parts tried in order until one fails."""
    if len(parts) == 2:
        first, second = parts
        return lambda values, item: first(values, item) and second(values, item)
    if len(parts) == 3:
        first, second, third = parts
        return lambda values, item: (
            first(values, item) and second(values, item) and third(values, item)
        )

    def every(values: Mapping[str, Any], item: Any) -> bool:
        for part in parts:  # noqa: SIM110 - a loop costs less than all() over a generator
            if not part(values, item):
                return False
        return True

    return every


def _any(parts: tuple[Compiled, ...]) -> Compiled:
    """Whether some part holds (false for none), parts tried in order until one holds."""
    if len(parts) == 2:
        first, second = parts
        return lambda values, item: first(values, item) or second(values, item)
    if len(parts) == 3:
        first, second, third = parts
        return lambda values, item: (
            first(values, item) or second(values, item) or third(values, item)
        )

    def some(values: Mapping[str, Any], item: Any) -> bool:
        for part in parts:  # noqa: SIM110 - a loop costs less than any() over a generator
            if part(values, item):
                return True
        return False

    return some
