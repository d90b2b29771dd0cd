"""JSON documents in and out of the library's attrs classes, through one cattrs converter.

Structuring is strict (no silent ``"3"`` -> ``3``, ``"no"`` -> ``True``), and every problem is
reported as a :class:`~mentor_rules.Problem` whose path points into the JSON document
(``candidates[2].relation``). The converter is configured here, once, for every enum of the
input and the output; nothing else registers hooks on it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from enum import StrEnum
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn

from ._errors import Problem, SituationError, json_type, show
from ._model import (
    CareerMove,
    Chemistry,
    CoachingRole,
    GoalKind,
    GoalScope,
    Relation,
    Setting,
    Situation,
    Willingness,
)
from ._output import Advice, Verdict
from ._schema import Kind

__all__ = [
    "advice_from_dict",
    "advice_to_dict",
    "converter",
    "situation_from_dict",
    "situation_to_dict",
    "structure",
    "structure_problems",
]

_T = TypeVar("_T")


def _strict_int(value: object, _: type) -> int:
    if type(value) is not int:
        raise TypeError(f"expected an integer, got {json_type(value)}")
    return value


def _strict_float(value: object, _: type) -> float:
    if type(value) not in (int, float):
        raise TypeError(f"expected a number, got {json_type(value)}")
    try:
        number = float(value)  # type: ignore[arg-type]
    except OverflowError:  # an integer too big for a float: out of every range there is
        raise ValueError(f"expected a number no larger than 1e308, got {show(value)}") from None
    if not math.isfinite(number):
        raise ValueError("expected a finite number")
    return number


def _strict_bool(value: object, _: type) -> bool:
    if type(value) is not bool:
        raise TypeError(f"expected true or false, got {json_type(value)}")
    return value


def _strict_str(value: object, _: type) -> str:
    if type(value) is not str:
        raise TypeError(f"expected a string, got {json_type(value)}")
    return value


def _strict_enum(value: object, enum_type: type[StrEnum]) -> StrEnum:
    choices = ", ".join(repr(member.value) for member in enum_type)
    if type(value) is not str:
        raise TypeError(f"expected one of {choices}, got {json_type(value)}")
    try:
        return enum_type(value)
    except ValueError:
        raise ValueError(f"expected one of {choices}, got {show(value)}") from None


def _strict_tuple(value: object, tuple_type: Any) -> tuple[Any, ...]:
    if not isinstance(value, list | tuple):
        raise TypeError(f"expected a list, got {json_type(value)}")
    item_type = tuple_type.__args__[0]
    errors: list[Exception] = []
    items: list[Any] = []
    for index, item in enumerate(value):
        try:
            items.append(converter.structure(item, item_type))
        except Exception as exc:
            note = IterableValidationNote(f"Structuring item @ index {index}", index, item_type)
            exc.__notes__ = [*getattr(exc, "__notes__", []), note]
            errors.append(exc)
    if errors:
        raise IterableValidationError("invalid items", errors, tuple_type)
    return tuple(items)


class _NotAnObject(TypeError):
    """A JSON object was expected where something else stands."""


def _objects_only(cls: type, made: cattrs.Converter) -> Any:
    """Structure attrs classes from mappings only, saying what arrived otherwise."""
    inner: Any = make_dict_structure_fn(cls, made, _cattrs_forbid_extra_keys=True)

    def structure_object(value: object, _: type) -> Any:
        if not isinstance(value, Mapping):
            raise _NotAnObject(f"expected an object, got {json_type(value)}")
        return inner(value, cls)

    return structure_object


_ENUMS: tuple[type[StrEnum], ...] = (
    CareerMove,
    GoalKind,
    GoalScope,
    CoachingRole,
    Setting,
    Relation,
    Chemistry,
    Willingness,
    Kind,
    Verdict,
)


def _make_converter() -> cattrs.Converter:
    made = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    made.register_structure_hook(int, _strict_int)
    made.register_structure_hook(float, _strict_float)
    made.register_structure_hook(bool, _strict_bool)
    made.register_structure_hook(str, _strict_str)
    # Registered after ``str``, and more specific: the StrEnums do not fall to the ``str`` hook.
    for enum_type in _ENUMS:
        _register_enum(made, enum_type)
    made.register_structure_hook_func(
        lambda t: getattr(t, "__origin__", None) is tuple, _strict_tuple
    )
    made.register_structure_hook_factory(attrs.has, lambda cls: _objects_only(cls, made))
    return made


def _register_enum(made: cattrs.Converter, enum_type: type[StrEnum]) -> None:
    made.register_structure_hook(enum_type, _strict_enum)
    made.register_unstructure_hook(enum_type, lambda member: member.value)


#: The converter used for every document this library reads or writes.
converter = _make_converter()


def structure_problems(exc: BaseException, path: str = "") -> Iterator[Problem]:
    """Flatten a structuring failure into problems, each with the path where it happened."""
    if isinstance(exc, IterableValidationError):
        with_notes, without = exc.group_exceptions()
        for inner, note in with_notes:
            yield from structure_problems(inner, f"{path}[{note.index}]")
        for inner in without:
            yield from structure_problems(inner, path)
    elif isinstance(exc, ClassValidationError):
        with_notes, without = exc.group_exceptions()  # type: ignore[assignment]
        for inner, note in with_notes:
            yield from structure_problems(inner, _join(path, note.name))  # type: ignore[attr-defined]
        for inner in without:
            yield from structure_problems(inner, path)
    elif isinstance(exc, SituationError):
        for problem in exc.problems:
            yield Problem(_join(path, problem.path), problem.message)
    elif isinstance(exc, ForbiddenExtraKeysError):
        for key in sorted(exc.extra_fields):
            yield Problem(_join(path, key), "unknown field")
    elif isinstance(exc, KeyError):
        yield Problem(path, "required field missing")
    elif isinstance(exc, TypeError | ValueError):  # _NotAnObject included
        yield Problem(path, str(exc))
    else:  # pragma: no cover - a bug in a hook, reported rather than hidden
        yield Problem(path, f"{type(exc).__name__}: {exc}")


def _join(path: str, name: str) -> str:
    if not name:
        return path
    if name.startswith("["):
        return f"{path}{name}"
    return f"{path}.{name}" if path else name


def shape_problems(document: Mapping[Any, Any]) -> list[Problem]:
    """What no JSON document can have, wherever it is in ``document``: keys that are not
    strings. Found by walking the whole document without recursion, before it is structured."""
    problems: list[Problem] = []
    stack: list[tuple[str, object]] = [("", document)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, Mapping):
            wrong = next((key for key in node if not isinstance(key, str)), _NONE)
            if wrong is not _NONE:
                problems.append(Problem(path, f"keys must be strings, got {show(wrong)}"))
                continue
            stack.extend(reversed([(_join(path, key), value) for key, value in node.items()]))
        elif isinstance(node, list | tuple):
            stack.extend(reversed([(f"{path}[{n}]", item) for n, item in enumerate(node)]))
    return problems


_NONE = object()


def structure(document: object, cls: type[_T], what: str = "situation") -> _T:
    """Structure ``document`` as ``cls``; every problem is raised in one :class:`SituationError`."""
    if not isinstance(document, Mapping):
        problem = Problem("", f"expected an object, got {json_type(document)}")
        raise SituationError([problem], what)
    problems = shape_problems(document)
    if problems:
        raise SituationError(problems, what)
    try:
        return converter.structure(document, cls)
    except SituationError as exc:  # raised by a top-level validator: paths are already whole
        raise SituationError(exc.problems, what) from None
    except (ClassValidationError, IterableValidationError) as exc:
        raise SituationError(list(structure_problems(exc)), what) from None


def situation_from_dict(document: Mapping[str, Any]) -> Situation:
    """Turn a JSON-like mapping into a :class:`Situation`, or raise :class:`SituationError`."""
    return structure(document, Situation)


def situation_to_dict(situation: Situation) -> dict[str, Any]:
    """Turn a :class:`Situation` into plain JSON-compatible data (lists, dicts, str, numbers)."""
    document: dict[str, Any] = converter.unstructure(situation)
    return document


def advice_to_dict(advice: Advice) -> dict[str, Any]:
    """Advice as plain JSON-compatible data."""
    document: dict[str, Any] = converter.unstructure(advice)
    return document


def advice_from_dict(document: Mapping[str, Any]) -> Advice:
    """Advice back from :func:`advice_to_dict`'s form; problems raise ``SituationError``."""
    return structure(document, Advice, "advice")
