"""The condition language: text into a small, typed, checked tree. Nothing is ever evaluated here.

A condition is parsed with Python's :mod:`ast` (so it reads like Python) and every node is
checked against a whitelist and against the types of the fields it names; anything else is
refused with the column where it stands. See ``docs/conditions.md`` for the language.
"""

from __future__ import annotations

import ast
import math
import re
import types
import typing
from collections.abc import Iterable, Iterator, Mapping
from enum import StrEnum
from typing import Any, Literal, TypeAlias, Union, assert_never

import attrs
from attrs import frozen

from .._repr import attrs_repr

__all__ = [
    "NEGATED",
    "And",
    "Compare",
    "ConditionError",
    "Contains",
    "Count",
    "EnumType",
    "FactPath",
    "Field",
    "IsNull",
    "ListType",
    "Not",
    "NullableType",
    "ObjectType",
    "OneOf",
    "Or",
    "ParamSpec",
    "Quantified",
    "ScalarType",
    "parameters_in",
    "parse_condition",
    "type_of",
]

# --------------------------------------------------------------------------- types


#: A path inside a fact's values: ``("candidate", "traits", 2)``.
FactPath = tuple[str | int, ...]


@frozen
class ScalarType:
    """``bool``, ``int``, ``number`` (int or float) or ``str``."""

    __repr__ = attrs_repr

    name: Literal["bool", "int", "number", "str"]

    def describe(self) -> str:
        return {"bool": "true/false", "int": "an integer", "number": "a number", "str": "text"}[
            self.name
        ]


@frozen
class EnumType:
    """A string from a fixed set of values."""

    __repr__ = attrs_repr

    name: str
    values: tuple[str, ...]

    def describe(self) -> str:
        return f"a {self.name} ({', '.join(repr(v) for v in self.values)})"


@frozen
class ListType:
    __repr__ = attrs_repr

    item: FieldType

    def describe(self) -> str:
        return f"a list of {self.item.describe()}"


@frozen
class ObjectType:
    __repr__ = attrs_repr

    name: str
    fields: Mapping[str, FieldType]

    def describe(self) -> str:
        return f"a {self.name}"


@frozen
class NullableType:
    """A value that may be unknown (``null`` in JSON, ``None`` in Python)."""

    __repr__ = attrs_repr

    inner: FieldType

    def describe(self) -> str:
        return f"{self.inner.describe()} or null"


FieldType: TypeAlias = Union[ScalarType, EnumType, ListType, ObjectType, NullableType]  # noqa: UP007

_SCALARS: dict[object, ScalarType] = {
    bool: ScalarType("bool"),
    int: ScalarType("int"),
    float: ScalarType("number"),
    str: ScalarType("str"),
}


def type_of(annotation: Any) -> FieldType:
    """The condition-language type of a model annotation (attrs class, enum, tuple, scalar)."""
    if annotation in _SCALARS:
        return _SCALARS[annotation]
    if isinstance(annotation, type) and issubclass(annotation, StrEnum):
        return EnumType(_snake(annotation.__name__), tuple(m.value for m in annotation))
    if attrs.has(annotation):
        hints = typing.get_type_hints(annotation)
        return ObjectType(
            _snake(annotation.__name__),
            {f.name: type_of(hints[f.name]) for f in attrs.fields(annotation)},
        )
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return ListType(type_of(args[0]))
    if origin in (Union, types.UnionType) and len(args) == 2 and type(None) in args:
        inner = args[0] if args[1] is type(None) else args[1]
        return NullableType(type_of(inner))
    raise TypeError(f"no condition-language type for {annotation!r}")  # pragma: no cover


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


# --------------------------------------------------------------------------- the tree

Value: TypeAlias = str | int | float | bool
Path: TypeAlias = tuple[str, ...]

#: The root name that stands for the current list item inside ``any(...)`` / ``all(...)``.
ITEM = "$item"


@frozen
class Field:
    """The value at ``path`` (``("candidate", "relation")``, or ``(ITEM, "scope")``)."""

    __repr__ = attrs_repr

    path: Path
    type: FieldType  # with NullableType unwrapped
    nullable: bool


@frozen
class Count:
    """The number of items of the list at ``path``: ``len(mentee.goals)``."""

    __repr__ = attrs_repr

    path: Path


Operator: TypeAlias = Literal["==", "!=", "<", "<=", ">", ">="]

#: Each comparison operator, and the one that holds exactly where it does not.
NEGATED: dict[Operator, Operator] = {
    "==": "!=",
    "!=": "==",
    "<": ">=",
    "<=": ">",
    ">": "<=",
    ">=": "<",
}


@frozen
class Compare:
    __repr__ = attrs_repr

    left: Field | Count
    op: Operator
    value: Value


@frozen
class OneOf:
    """``field in [v1, v2, ...]``."""

    __repr__ = attrs_repr

    field: Field
    values: tuple[Value, ...]


@frozen
class Contains:
    """``value in field``, where the field is a list of scalars."""

    __repr__ = attrs_repr

    field: Field
    value: Value


@frozen
class IsNull:
    """``field is None``: the value is unknown."""

    __repr__ = attrs_repr

    field: Field


@frozen
class Quantified:
    """``any(body for x in field)`` / ``all(...)``: ``body`` reads the item through ``ITEM``."""

    __repr__ = attrs_repr

    quantifier: Literal["any", "all"]
    field: Field
    body: Condition


@frozen
class Not:
    __repr__ = attrs_repr

    operand: Condition


@frozen
class And:
    __repr__ = attrs_repr

    operands: tuple[Condition, ...]


@frozen
class Or:
    __repr__ = attrs_repr

    operands: tuple[Condition, ...]


Condition: TypeAlias = Union[Compare, OneOf, Contains, IsNull, Quantified, Not, And, Or]  # noqa: UP007


def walk(condition: Condition) -> Iterator[Condition]:
    """Every node of ``condition``, parents before children."""
    yield condition
    match condition:
        case And(operands=operands) | Or(operands=operands):
            for operand in operands:
                yield from walk(operand)
        case Not(operand=inner) | Quantified(body=inner):
            yield from walk(inner)
        case Compare() | OneOf() | Contains() | IsNull():
            pass
        case _:
            assert_never(condition)


def operands_of(condition: Condition) -> Iterator[Field | Count]:
    """The fields and counts that ``condition`` reads, outside item bodies included once."""
    for node in walk(condition):
        match node:
            case Compare(left=read):
                yield read
            case OneOf(field=read) | Contains(field=read) | IsNull(field=read):
                yield read
            case Quantified(field=read):
                yield read
            case Not() | And() | Or():
                pass
            case _:
                assert_never(node)


def fields_read(conditions: Iterable[Condition]) -> dict[str, frozenset[str]]:
    """The top-level fields each root is read at by ``conditions`` (item paths left out)."""
    found: dict[str, set[str]] = {}
    for condition in conditions:
        for operand in operands_of(condition):
            if len(operand.path) > 1 and operand.path[0] != ITEM:
                found.setdefault(operand.path[0], set()).add(operand.path[1])
    return {root: frozenset(names) for root, names in found.items()}


# --------------------------------------------------------------------------- parsing


class ConditionError(ValueError):
    """A condition is not in the language.

    ``line`` and ``column`` (1-based, in the condition's text) say where, when known.
    """

    def __init__(self, message: str, column: int | None = None, line: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.column = column
        self.line = line


_COMPARE_OPS: dict[type[ast.cmpop], Literal["==", "!=", "<", "<=", ">", ">="]] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
}
_FLIPPED: dict[str, Literal["==", "!=", "<", "<=", ">", ">="]] = {
    "==": "==",
    "!=": "!=",
    "<": ">",
    "<=": ">=",
    ">": "<",
    ">=": "<=",
}
_MAX_LENGTH = 2000
_MAX_DEPTH = 40

#: The root of parameters in conditions: ``params.newcomer_months``.
PARAMS = "params"

#: A declared parameter as the parser sees it: its type and the value it stands for.
ParamSpec: TypeAlias = tuple[ScalarType, Value]

#: Mistakes from other languages, and what to write instead.
_FOREIGN = (("&&", "and"), ("||", "or"), ("=<", "<="), ("=>", ">="), ("===", "=="), ("!==", "!="))


def parameters_in(text: str) -> frozenset[str]:
    """The names of the parameters (``params.NAME``) a condition's text reads."""
    try:
        tree = ast.parse(f"({text}\n)", mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return frozenset()
    return frozenset(
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == PARAMS
    )


def _syntax_hint(text: str, message: str) -> str:
    """What to write instead, for a mistake common in other languages."""
    if "'=='" in message:  # Python's own hint for '='
        return message
    for wrong, right in _FOREIGN:
        if wrong in text:
            return f"{message}; write {right!r}, not {wrong!r}"
    bare = re.sub(r"==|!=|<=|>=", "", text)
    if "=" in bare:
        return f"{message}; to compare, write '==', not '='"
    return message


def parse_condition(
    text: str, roots: Mapping[str, ObjectType], params: Mapping[str, ParamSpec] | None = None
) -> Condition:
    """Parse and check ``text``; ``roots`` are the names it may start a path from.

    ``params`` are the parameters it may read as ``params.NAME``, each with its type and the
    value it stands for: the value is put in the tree as a literal, so nothing downstream
    (the engines included) ever sees a parameter.

    Raises :class:`ConditionError` for anything that is not in the language or does not fit
    the types of the fields it names.
    """
    if len(text) > _MAX_LENGTH:
        raise ConditionError(f"a condition may be at most {_MAX_LENGTH} characters")
    if not text.strip():
        raise ConditionError("the condition is empty")
    # A condition may span lines (a TOML multi-line string): those are read as one expression
    # inside parentheses, which shift the columns of the first line by one.
    lines = text.count("\n") + 1
    shift = int(lines > 1)
    try:
        tree = ast.parse(f"({text}\n)" if shift else text, mode="eval")
    except (RecursionError, MemoryError):
        raise ConditionError("the condition is nested too deeply") from None
    except ValueError as exc:  # a null byte (3.11), an integer of too many digits
        raise ConditionError(f"not a valid condition: {exc}") from None
    except SyntaxError as exc:
        line, column = exc.lineno or 1, (exc.offset or 0) - (shift and exc.lineno == 1)
        message = _syntax_hint(text, f"not a valid condition: {exc.msg}")
        if line > lines or column < 1:  # at the parentheses put around the text
            raise ConditionError(f"{message} (at its end)") from None
        raise ConditionError(message, column, line) from None
    try:
        return _Checker(roots, shift, params or {}).condition(tree.body, {}, 0)
    except RecursionError:  # e.g. a thousand minus signs before a number
        raise ConditionError("the condition is nested too deeply") from None


class _Checker:
    def __init__(
        self, roots: Mapping[str, ObjectType], shift: int, params: Mapping[str, ParamSpec]
    ) -> None:
        self.roots = roots
        self.shift = shift  # added to columns on the first line
        self.params = params

    # -- conditions

    def condition(self, node: ast.expr, items: Mapping[str, FieldType], depth: int) -> Condition:
        if depth > _MAX_DEPTH:
            raise self.error(node, "the condition is nested too deeply")
        depth += 1
        if isinstance(node, ast.BoolOp):
            operands = tuple(self.condition(v, items, depth) for v in node.values)
            return And(operands) if isinstance(node.op, ast.And) else Or(operands)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return Not(self.condition(node.operand, items, depth))
        if isinstance(node, ast.Compare):
            return self.comparison(node, items)
        if isinstance(node, ast.Call):
            return self.quantifier(node, items, depth)
        if isinstance(node, ast.Attribute | ast.Name):
            field = self.field(node, items)
            if field.type != ScalarType("bool"):
                raise self.error(
                    node,
                    f"{_dotted(field.path)} is {field.type.describe()}, not true/false: "
                    "compare it with a value",
                )
            return Compare(field, "==", True)
        raise self.error(node, f"{_describe(node)} is not allowed in a condition")

    def comparison(self, node: ast.Compare, items: Mapping[str, FieldType]) -> Condition:
        if len(node.ops) != 1:
            raise self.error(node, "chained comparisons are not allowed: join them with 'and'")
        op, left, right = node.ops[0], node.left, node.comparators[0]
        if isinstance(op, ast.Is | ast.IsNot):
            return self.null_test(node, op, left, right, items)
        if isinstance(op, ast.In | ast.NotIn):
            test = self.membership(node, left, right, items)
            return Not(test) if isinstance(op, ast.NotIn) else test
        symbol = _COMPARE_OPS.get(type(op))
        if symbol is None:  # pragma: no cover - every cmpop is handled above
            raise self.error(node, "unknown comparison")
        if _is_literal(left) and not _is_literal(right):
            left, right, symbol = right, left, _FLIPPED[symbol]
        self.foreign_constant(left, right, symbol)
        operand = self.operand(left, items)
        if isinstance(right, ast.Attribute | ast.Name) and not _is_param(right):
            raise self.error(right, "compare a field with a literal value, not another field")
        if not _is_literal(right):
            raise self.error(right, f"{_describe(right)} is not allowed in a condition")
        value = self.literal(right)
        if isinstance(operand, Count):
            self.expect(right, value, ScalarType("int"), "len(...)")
        else:
            if isinstance(operand.type, ListType | ObjectType):
                raise self.error(
                    left,
                    f"{_dotted(operand.path)} is {operand.type.describe()}: use len(), 'in' "
                    "or any()/all()",
                )
            if symbol not in ("==", "!=") and operand.type not in (
                ScalarType("int"),
                ScalarType("number"),
            ):
                raise self.error(
                    node,
                    f"{symbol} needs a number, and {_dotted(operand.path)} is "
                    f"{operand.type.describe()}",
                )
            self.expect(right, value, operand.type, _dotted(operand.path))
        return Compare(operand, symbol, value)

    def foreign_constant(self, left: ast.expr, right: ast.expr, symbol: str) -> None:
        """Refuse ``== None`` and JSON's ``true`` / ``false`` / ``null`` with what to write."""
        field = ast.unparse(left)
        if (isinstance(right, ast.Constant) and right.value is None) or (
            isinstance(right, ast.Name) and right.id in ("null", "none", "None")
        ):
            negated = "not " if symbol == "!=" else ""
            raise self.error(
                right,
                "to ask whether a value is unknown, use 'is None': "
                f"write '{field} is {negated}None'",
            )
        if isinstance(right, ast.Name) and right.id in ("true", "false"):
            truth = (right.id == "true") == (symbol == "==")
            raise self.error(
                right,
                f"for a true/false field, write the field itself: '{field}'"
                if truth
                else f"for a true/false field, write the field itself: 'not {field}'",
            )

    def null_test(
        self,
        node: ast.Compare,
        op: ast.cmpop,
        left: ast.expr,
        right: ast.expr,
        items: Mapping[str, FieldType],
    ) -> Condition:
        if not (isinstance(right, ast.Constant) and right.value is None):
            raise self.error(node, "'is' and 'is not' are only for None")
        field = self.field(left, items)
        if not field.nullable:
            raise self.error(left, f"{_dotted(field.path)} is never None")
        test = IsNull(field)
        return Not(test) if isinstance(op, ast.IsNot) else test

    def membership(
        self, node: ast.Compare, left: ast.expr, right: ast.expr, items: Mapping[str, FieldType]
    ) -> Condition:
        if isinstance(right, ast.List | ast.Tuple | ast.Set):
            field = self.field(left, items)
            if isinstance(field.type, ListType | ObjectType):
                raise self.error(left, f"{_dotted(field.path)} is {field.type.describe()}")
            if not right.elts:
                raise self.error(right, "the list of values is empty")
            values: list[Value] = []
            for element in right.elts:
                if not _is_literal(element):
                    raise self.error(element, "only literal values may stand in the list")
                value = self.literal(element)
                self.expect(element, value, field.type, _dotted(field.path))
                values.append(value)
            return OneOf(field, tuple(values))
        if _is_literal(left):
            field = self.field(right, items)
            if not isinstance(field.type, ListType) or isinstance(
                field.type.item, ListType | ObjectType
            ):
                raise self.error(
                    right,
                    f"'value in {_dotted(field.path)}' needs a list of values, and it is "
                    f"{field.type.describe()}",
                )
            value = self.literal(left)
            self.expect(left, value, field.type.item, f"items of {_dotted(field.path)}")
            return Contains(field, value)
        raise self.error(
            node, "'in' needs a field and a list of values, or a value and a list field"
        )

    def quantifier(self, node: ast.Call, items: Mapping[str, FieldType], depth: int) -> Condition:
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name not in ("any", "all"):
            raise self.error(node, "the only calls allowed here are any(...) and all(...)")
        if node.keywords or len(node.args) != 1 or not isinstance(node.args[0], ast.GeneratorExp):
            raise self.error(node, f"write {name}(<condition> for <name> in <list field>)")
        generator = node.args[0]
        if items:
            raise self.error(node, "any()/all() cannot be nested")
        if len(generator.generators) != 1:
            raise self.error(generator, "use one 'for' in any()/all()")
        loop = generator.generators[0]
        if loop.is_async or not isinstance(loop.target, ast.Name):
            raise self.error(loop.target, "the loop variable must be a plain name")
        variable = loop.target.id
        if variable in self.roots:
            raise self.error(loop.target, f"{variable!r} is already a field root")
        field = self.field(loop.iter, items)
        if not isinstance(field.type, ListType):
            raise self.error(loop.iter, f"{_dotted(field.path)} is not a list")
        inner = {variable: field.type.item}
        body = self.condition(generator.elt, inner, depth)
        filters = [self.condition(f, inner, depth) for f in loop.ifs]
        if filters:
            guard = filters[0] if len(filters) == 1 else And(tuple(filters))
            body = And((guard, body)) if name == "any" else Or((Not(guard), body))
        return Quantified("any" if name == "any" else "all", field, body)

    # -- operands

    def operand(self, node: ast.expr, items: Mapping[str, FieldType]) -> Field | Count:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len":
            if len(node.args) != 1 or node.keywords:
                raise self.error(node, "len() takes one list field")
            field = self.field(node.args[0], items)
            if not isinstance(field.type, ListType):
                raise self.error(node.args[0], f"{_dotted(field.path)} is not a list")
            if field.path[0] == ITEM:
                raise self.error(node, "len() of an item's field is not supported")
            return Count(field.path)
        return self.field(node, items)

    def field(self, node: ast.expr, items: Mapping[str, FieldType]) -> Field:
        names: list[str] = []
        cursor = node
        while isinstance(cursor, ast.Attribute):
            names.append(cursor.attr)
            cursor = cursor.value
        if not isinstance(cursor, ast.Name):
            raise self.error(
                node, f"expected a field such as candidate.relation, not {_describe(node)}"
            )
        names.append(cursor.id)
        names.reverse()
        root, rest = names[0], names[1:]
        current: FieldType
        path: Path
        if root in items:
            current, path = items[root], (ITEM,)
        elif root in self.roots:
            current, path = self.roots[root], (root,)
            if not rest:
                raise self.error(node, f"name a field of {root}, such as {root}.{_first(current)}")
        elif root == PARAMS:
            raise self.error(
                node, f"{_dotted(tuple(names))} is a parameter, a value: compare a field with it"
            )
        else:
            known = ", ".join(sorted({*self.roots, *items}))
            raise self.error(cursor, f"unknown name {root!r}: fields start with {known}")
        nullable = False
        for name in rest:
            if isinstance(current, NullableType):  # pragma: no cover - no nullable objects yet
                current = current.inner
            if not isinstance(current, ObjectType):
                raise self.error(
                    node, f"{_dotted(path)} is {current.describe()} and has no field {name!r}"
                )
            if name not in current.fields:
                fields = ", ".join(sorted(current.fields))
                raise self.error(node, f"{_dotted(path)} has no field {name!r}; it has {fields}")
            current = current.fields[name]
            path = (*path, name)
        if isinstance(current, NullableType):
            nullable, current = True, current.inner
        return Field(path, current, nullable)

    def literal(self, node: ast.expr) -> Value:
        if _is_param(node):
            assert isinstance(node, ast.Attribute)
            spec = self.params.get(node.attr)
            if spec is None:
                known = ", ".join(sorted(self.params)) or "none are declared"
                raise self.error(node, f"unknown parameter {node.attr!r}; parameters: {known}")
            return spec[1]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            inner = self.literal(node.operand)
            if isinstance(inner, bool) or not isinstance(inner, int | float):
                raise self.error(node, "only numbers can be negative")
            return -inner
        assert isinstance(node, ast.Constant)
        value = node.value
        if value is None:
            raise self.error(node, "None is only for 'is None' and 'is not None'")
        if not isinstance(value, str | int | float | bool):
            raise self.error(node, f"{value!r} is not a value the language knows")
        if isinstance(value, float) and not math.isfinite(value):
            raise self.error(node, "numbers must be finite")
        return value

    def expect(self, node: ast.expr, value: Value, expected: FieldType, what: str) -> None:
        ok: bool
        if _is_param(node):  # checked by its declared type, whatever its value
            assert isinstance(node, ast.Attribute)
            declared = self.params[node.attr][0]
            fits = {"int": ("int", "number"), "number": ("number",)}.get(declared.name, ())
            if not (isinstance(expected, ScalarType) and expected.name in fits):
                raise self.error(
                    node,
                    f"{what} is {expected.describe()}, and params.{node.attr} is "
                    f"{declared.describe()}",
                )
            return
        if isinstance(expected, EnumType):
            ok = isinstance(value, str) and value in expected.values
        elif isinstance(expected, ScalarType):
            ok = {
                "bool": isinstance(value, bool),
                "int": isinstance(value, int) and not isinstance(value, bool),
                "number": isinstance(value, int | float) and not isinstance(value, bool),
                "str": isinstance(value, str),
            }[expected.name]
        else:
            ok = False
        if not ok:
            raise self.error(node, f"{what} is {expected.describe()}, not {value!r}")

    def error(self, node: ast.AST, message: str) -> ConditionError:
        line = getattr(node, "lineno", 1)
        offset = getattr(node, "col_offset", None)
        column = None if offset is None else offset + 1 - (self.shift if line == 1 else 0)
        return ConditionError(message, column, line)


def _is_literal(node: ast.expr) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return _is_literal(node.operand)
    return isinstance(node, ast.Constant) or _is_param(node)


def _is_param(node: ast.expr) -> bool:
    """Whether ``node`` is ``params.NAME``: a parameter stands where a literal may."""
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == PARAMS
    )


def _dotted(path: Path) -> str:
    return ".".join("item" if part == ITEM else part for part in path)


def _first(object_type: FieldType) -> str:
    return next(iter(object_type.fields)) if isinstance(object_type, ObjectType) else "..."


def _describe(node: ast.AST) -> str:
    names = {
        ast.BinOp: "arithmetic",
        ast.Lambda: "a lambda",
        ast.IfExp: "an if-expression",
        ast.Subscript: "indexing",
        ast.Call: "a function call",
        ast.Constant: "a bare value",
        ast.NamedExpr: "an assignment",
        ast.ListComp: "a list comprehension",
        ast.Dict: "a dict",
        ast.JoinedStr: "an f-string",
        ast.List: "a list (lists of values go after 'in')",
        ast.Tuple: "a tuple",
        ast.Set: "a set",
        ast.Compare: "a comparison used as a value",
        ast.BoolOp: "and/or used as a value",
        ast.UnaryOp: "an operator on a value",
        ast.Name: "a name",
        ast.Attribute: "a field",
        ast.GeneratorExp: "a generator outside any()/all()",
        ast.Await: "await",
        ast.Starred: "unpacking",
    }
    return names.get(type(node), type(node).__name__)
