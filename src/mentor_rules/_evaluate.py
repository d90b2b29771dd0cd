"""What a condition means on a fact: whether it holds, and which values make it hold.

This is the language's reference semantics, the one every engine must agree with:

- a field that is missing or ``None`` makes every comparison, ``in`` test and quantifier over
  it false (``x != 1`` included); ``is None`` is how to ask for unknown values;
- ``not`` is plain Boolean negation of what is inside it;
- ``any`` over an empty list is false and ``all`` over an empty list is true.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ._expr import (
    ITEM,
    And,
    Compare,
    Condition,
    Contains,
    Count,
    Field,
    IsNull,
    Not,
    OneOf,
    Or,
    Quantified,
    operands_of,
)

__all__ = ["evidence", "holds"]

FactPath = tuple[str | int, ...]
_MISSING = object()


def _lookup(values: Mapping[str, Any], item: Any, path: tuple[str, ...]) -> Any:
    current: Any = item if path[0] == ITEM else values.get(path[0], _MISSING)
    for name in path[1:]:
        if not isinstance(current, Mapping):
            return None
        current = current.get(name)
    return None if current is _MISSING else current


def _compare(left: Any, op: str, right: Any) -> bool:
    if left is None:
        return False
    if op == "==":
        return bool(left == right)
    if op == "!=":
        return bool(left != right)
    if op == "<":
        return bool(left < right)
    if op == "<=":
        return bool(left <= right)
    if op == ">":
        return bool(left > right)
    return bool(left >= right)


def holds(condition: Condition, values: Mapping[str, Any], item: Any = None) -> bool:
    """Whether ``condition`` is true of a fact's ``values`` (and the current list ``item``)."""
    if isinstance(condition, Compare):
        if isinstance(condition.left, Count):
            found = _lookup(values, item, condition.left.path)
            return _compare(len(found or ()), condition.op, condition.value)
        return _compare(_lookup(values, item, condition.left.path), condition.op, condition.value)
    if isinstance(condition, OneOf):
        found = _lookup(values, item, condition.field.path)
        return found is not None and found in condition.values
    if isinstance(condition, Contains):
        found = _lookup(values, item, condition.field.path)
        return found is not None and condition.value in found
    if isinstance(condition, IsNull):
        return _lookup(values, item, condition.field.path) is None
    if isinstance(condition, Quantified):
        found = _lookup(values, item, condition.field.path) or ()
        test = any if condition.quantifier == "any" else all
        return test(holds(condition.body, values, element) for element in found)
    if isinstance(condition, Not):
        return not holds(condition.operand, values, item)
    if isinstance(condition, And):
        return all(holds(operand, values, item) for operand in condition.operands)
    assert isinstance(condition, Or)
    return any(holds(operand, values, item) for operand in condition.operands)


def evidence(
    condition: Condition, values: Mapping[str, Any], item: Any = None, at: FactPath = ()
) -> list[tuple[FactPath, Any]]:
    """The values that make ``condition`` true, as ``(path in the fact, value)`` pairs.

    Call it only where ``holds`` is true. An ``and`` shows the evidence of every part, an ``or``
    that of every part that holds, a quantifier that of the items that satisfy it, and a
    ``not`` every value read inside it. ``at`` is the path of the current list item.
    """
    found: list[tuple[FactPath, Any]] = []
    for pair in _evidence(condition, values, item, at):
        if pair not in found:
            found.append(pair)
    return found


def _path(path: tuple[str, ...], at: FactPath) -> FactPath:
    return (*at, *path[1:]) if path[0] == ITEM else path


def _evidence(
    condition: Condition, values: Mapping[str, Any], item: Any, at: FactPath
) -> Iterator[tuple[FactPath, Any]]:
    if isinstance(condition, And):
        for operand in condition.operands:
            yield from _evidence(operand, values, item, at)
    elif isinstance(condition, Or):
        for operand in condition.operands:
            if holds(operand, values, item):
                yield from _evidence(operand, values, item, at)
    elif isinstance(condition, Not):
        # Every value read inside. Item paths there belong to the current item when this ``not``
        # stands in an any()/all() body; outside one they belong to a negated quantifier, whose
        # whole list is shown instead.
        for read in operands_of(condition.operand):
            if read.path[0] != ITEM or at:
                yield _path(read.path, at), _lookup(values, item, read.path)
    elif isinstance(condition, Quantified):
        path = condition.field.path
        elements = _lookup(values, item, path) or []
        base = _path(path, at)
        if condition.quantifier == "all" and not elements:
            yield base, elements
        for index, element in enumerate(elements):
            if holds(condition.body, values, element):
                yield from _evidence(condition.body, values, element, (*base, index))
    elif isinstance(condition, Contains):
        path = condition.field.path
        elements = _lookup(values, item, path) or []
        for index, element in enumerate(elements):
            if element == condition.value:
                yield (*_path(path, at), index), element
    else:
        leaf: Field | Count = condition.left if isinstance(condition, Compare) else condition.field
        yield _path(leaf.path, at), _lookup(values, item, leaf.path)
