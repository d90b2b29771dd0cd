"""The pure-Python engine: each condition compiled once into a closure, run fact by fact.

The closures do what the reference evaluator (:func:`mentor_rules.language.evaluate.holds`)
says, node for node, without walking the tree on every call; ``tests/test_engines.py`` checks
the two agree on generated conditions and facts.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any, assert_never, cast

from ..facts.build import Fact
from ..language.expr import (
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
)
from ..rules.ruleset import Test

__all__ = [
    "PythonEngine",
    "compile_condition",
    "compile_matcher",
    "group_tests",
    "match_reference",
]

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
    """Evaluates every test about a fact's subject on that fact; needs nothing but Python.

    A rule's ``<id>:unless`` test is evaluated only on the facts where ``<id>`` holds: the
    advisor reads an unless only beside its rule (see :class:`~mentor_rules.engines.Engine`).
    """

    name = "python"

    def __init__(self, tests: Sequence[Test]) -> None:
        self._by_about: dict[str, _Matcher] = {
            about: compile_matcher(entries) for about, entries in group_tests(tests).items()
        }

    def match(self, facts: Sequence[Fact]) -> frozenset[tuple[str, int]]:
        found: list[tuple[str, int]] = []
        append = found.append
        by_about = self._by_about
        for index, fact in enumerate(facts):
            matcher = by_about.get(fact.about)
            if matcher is not None:
                matcher(fact.values, index, append)
        return frozenset(found)


#: A test to compile into a matcher: its name, its condition, and its rule's unless (the
#: unless test's name and condition), tested only where the test holds.
_Test = tuple[str, Condition, tuple[str, Condition] | None]
#: Every test about one subject, on one fact's values: appends ``(test name, index)`` for each
#: that holds (an unless only where its rule's test holds).
_Matcher = Callable[[Mapping[str, Any], int, Callable[[tuple[str, int]], None]], None]


def group_tests(tests: Sequence[Test]) -> dict[str, list[_Test]]:
    """``tests`` by the subject they are about, in order, each rule's unless beside its rule's
    test (not on its own) where the rule is among them."""
    names = {test.name for test in tests}
    unless: dict[str, tuple[str, Condition]] = {
        test.unless_of: (test.name, test.condition)
        for test in tests
        if test.unless_of is not None and test.unless_of in names
    }
    by_about: dict[str, list[_Test]] = {}
    for test in tests:
        if test.unless_of is not None and test.unless_of in unless:
            continue  # tested beside its rule
        entry = (test.name, test.condition, unless.get(test.name))
        by_about.setdefault(test.about, []).append(entry)
    return by_about


def match_reference(
    tests: Sequence[_Test], values: Mapping[str, Any], index: int
) -> list[tuple[str, int]]:
    """What the matcher :func:`compile_matcher` makes of ``tests`` appends for a fact's
    ``values``: each test's condition compiled on its own (:func:`compile_condition`) and
    tried in order (``tests/test_fast_paths.py`` checks the two agree)."""
    found = []
    for name, condition, vetoed in tests:
        if compile_condition(condition)(values, None):
            found.append((name, index))
            if vetoed is not None and compile_condition(vetoed[1])(values, None):
                found.append((vetoed[0], index))
    return found


#: Python's own comparison operators, by the language's: the only operators written into a
#: matcher's source.
_SOURCE_OPERATORS = {"==": "==", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
#: How deep a condition is written out as one expression; deeper parts are called as closures
#: (Python's parser refuses expressions nested about 200 deep).
_MAX_DEPTH = 30


class _Source:
    """The source of one matcher under way: every name, field name and constant of the rules is
    a variable of the namespace the source runs in (``k3``), never text of the source, so that
    nothing of a rule file is ever run as code; each field a test reads is read once per fact,
    into a local variable, before any test."""

    def __init__(self) -> None:
        self.namespace: dict[str, Any] = {"_NOTHING": _NOTHING, "len": len}
        self._constants: dict[int, str] = {}
        self.roots: dict[str, str] = {}  # root -> its local variable
        self.fields: dict[tuple[str, str], str] = {}  # (root, name) -> its local variable

    def constant(self, value: Any) -> str:
        """The variable holding ``value`` (one per object)."""
        variable = self._constants.get(id(value))
        if variable is None:
            variable = self._constants[id(value)] = f"k{len(self._constants)}"
            self.namespace[variable] = value
        return variable

    def field(self, root: str, name: str) -> str:
        """The local variable holding a fact's own field ``root.name`` (None if missing)."""
        variable = self.fields.get((root, name))
        if variable is None:
            if root not in self.roots:
                self.roots[root] = f"d{len(self.roots)}"
            variable = self.fields[(root, name)] = f"v{len(self.fields)}"
        return variable

    def reads(self) -> list[str]:
        """The lines reading every field used, at the top of the matcher."""
        lines = [
            f"    {variable} = values.get({self.constant(root)}) or _NOTHING"
            for root, variable in self.roots.items()
        ]
        lines += [
            f"    {variable} = {self.roots[root]}.get({self.constant(name)})"
            for (root, name), variable in self.fields.items()
        ]
        return lines

    def expression(self, condition: Condition, depth: int = 0) -> str:
        """``condition`` as a Python expression of the locals, meaning what
        :func:`compile_condition` makes of it."""
        own = None
        match condition:
            case Compare(left=Count(path=path)) | Compare(left=Field(path=path)):
                own = _field(path)
            case OneOf(field=Field(path=path)) | Contains(field=Field(path=path)):
                own = _field(path)
            case IsNull(field=Field(path=path)):
                own = _field(path)
        if depth > _MAX_DEPTH:
            return self._closure(condition)
        match condition:
            case Compare(left=Count(), op=op, value=value) if own is not None:
                read = self.field(*own)
                return f"(len({read} or ()) {_SOURCE_OPERATORS[op]} {self.constant(value)})"
            case Compare(op=op, value=value) if own is not None:
                read = self.field(*own)
                compared = f"{read} {_SOURCE_OPERATORS[op]} {self.constant(value)}"
                return f"({read} is not None and {compared})"
            case OneOf(values=allowed) if own is not None:
                read = self.field(*own)
                return f"({read} is not None and {read} in {self.constant(allowed)})"
            case Contains(value=value) if own is not None:
                read = self.field(*own)
                return f"({read} is not None and {self.constant(value)} in {read})"
            case IsNull() if own is not None:
                return f"({self.field(*own)} is None)"
            case Not(operand=operand):
                return f"(not {self.expression(operand, depth + 1)})"
            case And(operands=operands) if operands:
                parts = [self.expression(operand, depth + 1) for operand in operands]
                return "(" + " and ".join(parts) + ")"
            case Or(operands=operands) if operands:
                parts = [self.expression(operand, depth + 1) for operand in operands]
                return "(" + " or ".join(parts) + ")"
            case _:  # item paths, deeper paths, quantifiers, an empty and/or: its closure
                return self._closure(condition)

    def _closure(self, condition: Condition) -> str:
        return f"{self.constant(compile_condition(condition))}(values, None)"


def compile_matcher(tests: Sequence[_Test]) -> _Matcher:
    """One function trying every test of ``tests`` (all about one subject) on a fact, made
    from source: each field read once, each condition an expression of the fields (the usual
    shapes; others call their :func:`compile_condition` closure). It appends what
    :func:`match_reference` finds, in its order."""
    source = _Source()
    body: list[str] = []
    for name, condition, vetoed in tests:
        body.append(f"    if {source.expression(condition)}:")
        body.append(f"        append(({source.constant(name)}, index))")
        if vetoed is not None:
            body.append(f"        if {source.expression(vetoed[1])}:")
            body.append(f"            append(({source.constant(vetoed[0])}, index))")
    lines = ["def matcher(values, index, append):", *source.reads(), *body, "    return None"]
    namespace = source.namespace
    exec(compile("\n".join(lines) + "\n", "<matcher>", "exec"), namespace)
    return cast(_Matcher, namespace["matcher"])


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
