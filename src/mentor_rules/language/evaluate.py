"""What a condition means on a fact: whether it holds, and which values make it hold.

This is the language's reference semantics, the one every engine must agree with:

- a field that is missing or ``None`` makes every comparison, ``in`` test and quantifier over
  it false (``x != 1`` included); ``is None`` is how to ask for unknown values;
- ``not`` is plain Boolean negation of what is inside it;
- ``any`` over an empty list is false and ``all`` over an empty list is true.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, assert_never

from .expr import (
    ITEM,
    And,
    Compare,
    Condition,
    Contains,
    Count,
    FactPath,
    IsNull,
    Not,
    OneOf,
    Or,
    Quantified,
    operands_of,
)

__all__ = ["evidence", "holds"]

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
    match condition:
        case Compare(left=Count(path=path), op=op, value=value):
            return _compare(len(_lookup(values, item, path) or ()), op, value)
        case Compare(left=left, op=op, value=value):
            return _compare(_lookup(values, item, left.path), op, value)
        case OneOf(field=field, values=allowed):
            found = _lookup(values, item, field.path)
            return found is not None and found in allowed
        case Contains(field=field, value=value):
            found = _lookup(values, item, field.path)
            return found is not None and value in found
        case IsNull(field=field):
            return _lookup(values, item, field.path) is None
        case Quantified(quantifier=quantifier, field=field, body=body):
            found = _lookup(values, item, field.path) or ()
            test = any if quantifier == "any" else all
            return test(holds(body, values, element) for element in found)
        case Not(operand=operand):
            return not holds(operand, values, item)
        case And(operands=operands):
            return all(holds(operand, values, item) for operand in operands)
        case Or(operands=operands):
            return any(holds(operand, values, item) for operand in operands)
        case _:
            assert_never(condition)


def evidence(
    condition: Condition, values: Mapping[str, Any], item: Any = None, at: FactPath = ()
) -> list[tuple[FactPath, Any]]:
    """The values that make ``condition`` true, as ``(path in the fact, value)`` pairs.

    Call it only where ``holds`` is true. An ``and`` shows the evidence of every part, an ``or``
    that of every part that holds, a quantifier that of the items that satisfy it, and a
    ``not`` every value read inside it. ``at`` is the path of the current list item.
    """
    found: dict[FactPath, Any] = {}  # by path: a path in a fact has one value
    for path, value in _evidence(condition, values, item, at):
        found.setdefault(path, value)
    return list(found.items())


def _path(path: tuple[str, ...], at: FactPath) -> FactPath:
    return (*at, *path[1:]) if path[0] == ITEM else path


def _evidence(
    condition: Condition, values: Mapping[str, Any], item: Any, at: FactPath
) -> Iterator[tuple[FactPath, Any]]:
    match condition:
        case And(operands=operands):
            for operand in operands:
                yield from _evidence(operand, values, item, at)
        case Or(operands=operands):
            for operand in operands:
                if holds(operand, values, item):
                    yield from _evidence(operand, values, item, at)
        case Not(operand=operand):
            # Every value read inside. Item paths there belong to the current item when this
            # ``not`` stands in an any()/all() body; outside one they belong to a negated
            # quantifier, whose whole list is shown instead.
            for read in operands_of(operand):
                if read.path[0] != ITEM or at:
                    yield _path(read.path, at), _lookup(values, item, read.path)
        case Quantified(quantifier=quantifier, field=field, body=body):
            elements = _lookup(values, item, field.path) or []
            base = _path(field.path, at)
            if quantifier == "all" and not elements:
                yield base, elements
            for index, element in enumerate(elements):
                if holds(body, values, element):
                    yield from _evidence(body, values, element, (*base, index))
        case Contains(field=field, value=value):
            elements = _lookup(values, item, field.path) or []
            for index, element in enumerate(elements):
                if element == value:
                    yield (*_path(field.path, at), index), element
        case Compare(left=leaf) | OneOf(field=leaf) | IsNull(field=leaf):
            yield _path(leaf.path, at), _lookup(values, item, leaf.path)
        case _:
            assert_never(condition)
