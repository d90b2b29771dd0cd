"""JSON documents in and out of the library's attrs classes, through one cattrs converter.

Structuring is strict (no silent ``"3"`` -> ``3``, ``"no"`` -> ``True``), and every problem is
reported as a :class:`~mentor_rules.Problem` whose path points into the JSON document
(``candidates[2].relation``). The converter is configured here, once, for every enum of the
input and the output; nothing else registers hooks on it. It is made on first use, and cattrs
imported then: ``import mentor_rules`` reads no document.
"""

from __future__ import annotations

import functools
import inspect
import json
import math
import operator
import types
import typing
from collections.abc import Callable, Iterator, Mapping, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from .._errors import AdviceError, Problem, SituationError, json_type, show
from . import situation as _situation
from .limits import Limits
from .output import Advice, Verdict
from .situation import Situation, text_problem, type_problems
from .text import MatchHow, name_key
from .vocabulary import Kind, Stage

if TYPE_CHECKING:
    import cattrs

__all__ = [
    "MAX_DIGITS",
    "advice_from_dict",
    "advice_to_dict",
    "advice_to_dict_reference",
    "check_limits",
    "converter",
    "over_limit",
    "parse_json",
    "shape_problems",
    "situation_from_dict",
    "situation_from_dict_reference",
    "situation_to_dict",
    "structure",
    "structure_problems",
]

_T = TypeVar("_T")


def _strict_int(value: object, _: type) -> int:
    if type(value) is float and value.is_integer():
        raise TypeError(
            f"expected an integer (a whole number, without a decimal point), got {value!r}"
        )
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
            from cattrs.errors import IterableValidationNote  # here: only an error needs it

            note = IterableValidationNote(f"Structuring item @ index {index}", index, item_type)
            exc.__notes__ = [*getattr(exc, "__notes__", []), note]
            errors.append(exc)
    if errors:
        from cattrs.errors import IterableValidationError

        raise IterableValidationError("invalid items", errors, tuple_type)
    return tuple(items)


class _NotAnObject(TypeError):
    """A JSON object was expected where something else stands."""


def _objects_only(cls: type, made: cattrs.Converter) -> Any:
    """Structure attrs classes from mappings only, saying what arrived otherwise."""
    from cattrs.gen import make_dict_structure_fn

    return _given_an_object(make_dict_structure_fn(cls, made, _cattrs_forbid_extra_keys=True), cls)


def _given_an_object(inner: Any, target: Any) -> Any:
    """``inner`` (a cattrs structure function for ``target``), called on mappings only: what
    arrived otherwise is said in words."""

    def structure_object(value: object, _: type) -> Any:
        if not isinstance(value, Mapping):
            raise _NotAnObject(f"expected an object, got {json_type(value)}")
        return inner(value, target)

    return structure_object


_ENUMS: tuple[type[StrEnum], ...] = (
    *_situation.ENUMS,
    Kind,
    Stage,
    Verdict,
    MatchHow,  # how an industry or job matched, in evidence: written as its value too
)


#: Enums of higher floors' documents (the programme's objective), read as strictly as those above.
_MORE_ENUMS: list[type[StrEnum]] = []


def register_enum(enum_type: type[StrEnum]) -> None:
    """Have the converter read ``enum_type`` strictly (one of its values, a message naming
    them all otherwise): for documents of the floors above the model."""
    if enum_type not in _MORE_ENUMS:
        _MORE_ENUMS.append(enum_type)
        made = converter._made
        if made is not None:
            _register_enum(made, enum_type)


def _make_converter() -> cattrs.Converter:
    import cattrs

    made = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    made.register_structure_hook(int, _strict_int)
    made.register_structure_hook(float, _strict_float)
    made.register_structure_hook(bool, _strict_bool)
    made.register_structure_hook(str, _strict_str)
    # Registered after ``str``, and more specific: the StrEnums do not fall to the ``str`` hook.
    for enum_type in (*_ENUMS, *_MORE_ENUMS):
        _register_enum(made, enum_type)
    made.register_structure_hook_func(
        lambda t: getattr(t, "__origin__", None) is tuple, _strict_tuple
    )
    made.register_structure_hook_factory(attrs.has, lambda cls: _objects_only(cls, made))
    made.register_structure_hook_factory(
        lambda t: getattr(t, "__origin__", None) is dict, lambda t: _mappings_only(t, made)
    )
    return made


def _mappings_only(mapping_type: Any, made: cattrs.Converter) -> Any:
    """Structure ``dict[K, V]`` from mappings only (cattrs' own hook called ``.items()`` on
    whatever came, so a ``null`` ended the read with ``AttributeError``). Made by cattrs'
    factory, not ``Converter.gen_structure_mapping``, which also registers what it makes as the
    type's hook: the next look-up found that, not this check (so the fix held or not depending
    on what had been read before in the process)."""
    from cattrs.gen import mapping_structure_factory

    inner = mapping_structure_factory(
        mapping_type, made, dict, detailed_validation=made.detailed_validation
    )
    return _given_an_object(inner, mapping_type)


def _register_enum(made: cattrs.Converter, enum_type: type[StrEnum]) -> None:
    made.register_structure_hook(enum_type, _strict_enum)
    made.register_unstructure_hook(enum_type, lambda member: member.value)


class _Converter:
    """The converter, made on first use: :meth:`structure` and :meth:`unstructure` are those
    of the one ``cattrs.Converter`` :func:`_make_converter` configures (importing cattrs and
    configuring it took a sixth of ``import mentor_rules``)."""

    def __init__(self) -> None:
        self._made: cattrs.Converter | None = None

    def _converter(self) -> cattrs.Converter:
        made = self._made
        if made is None:  # two threads may both make one: equal, and either will do
            made = self._made = _make_converter()
        return made

    def structure(self, document: Any, cls: type[_T]) -> _T:
        return self._converter().structure(document, cls)

    def unstructure(self, value: Any) -> Any:
        return self._converter().unstructure(value)


#: The converter used for every document this library reads or writes.
converter = _Converter()


def structure_problems(exc: BaseException, path: str = "") -> Iterator[Problem]:
    """Flatten a structuring failure into problems, each with the path where it happened.

    An exception that is no judgement of the document (see :func:`foreign`) is raised as it
    is: the host program's own, raised by its signal handler while a document was read (a
    request timeout), is not turned into "invalid situation"."""
    found = foreign(exc)
    if found is not None:
        raise found
    return _problems(exc, path)


def foreign(exc: BaseException) -> BaseException | None:
    """The first exception within ``exc`` (a structuring failure, whose groups it looks into)
    that this library did not raise to judge a document: neither a SituationError nor the
    TypeError, ValueError, KeyError or OverflowError of a check, nor cattrs' own (a value not
    among those of a literal, unknown keys). None if all are."""
    from cattrs.errors import CattrsError, ForbiddenExtraKeysError

    if isinstance(exc, BaseExceptionGroup):
        for inner in exc.exceptions:
            found = foreign(inner)
            if found is not None:
                return found
        return None
    judged = (
        SituationError
        | CattrsError
        | ForbiddenExtraKeysError
        | KeyError
        | TypeError
        | ValueError
        | OverflowError  # a number too big for a float
    )
    return None if isinstance(exc, judged) else exc


def _problems(exc: BaseException, path: str = "") -> Iterator[Problem]:
    from cattrs.errors import (
        ClassValidationError,
        ForbiddenExtraKeysError,
        IterableValidationError,
    )

    if isinstance(exc, IterableValidationError):
        with_notes, without = exc.group_exceptions()
        for inner, note in with_notes:
            yield from _problems(inner, f"{path}[{note.index}]")
        for inner in without:
            yield from _problems(inner, path)
    elif isinstance(exc, ClassValidationError):
        with_notes, without = exc.group_exceptions()  # type: ignore[assignment]
        for inner, note in with_notes:
            yield from _problems(inner, _join(path, note.name))  # type: ignore[attr-defined]
        for inner in without:
            yield from _problems(inner, path)
    elif isinstance(exc, SituationError):
        for problem in exc.problems:
            yield Problem(_join(path, problem.path), problem.message)
    elif isinstance(exc, ForbiddenExtraKeysError):
        extra: list[object] = sorted(exc.extra_fields, key=repr)  # not always strings
        known = [f.name for f in attrs.fields(exc.cl)] if attrs.has(exc.cl) else []
        for key in extra:
            if isinstance(key, str):
                yield Problem(_join(path, key), _unknown_field(key, known))
            else:  # a document not read from JSON (rule documents made by a program)
                yield Problem(path, f"keys must be strings, got {key!r}")
    elif isinstance(exc, KeyError):
        yield Problem(path, "required field missing")
    elif isinstance(exc, TypeError | ValueError):  # _NotAnObject included
        yield Problem(path, str(exc))
    else:  # pragma: no cover - a bug in a hook, reported rather than hidden
        yield Problem(path, f"{type(exc).__name__}: {exc}")


def _unknown_field(key: str, known: Sequence[str]) -> str:
    """ "unknown field", with the closest known name, or the known names when none is close."""
    import difflib  # here: only a problem needs it

    close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    if close:
        return f"unknown field; did you mean {close[0]!r}?"
    if known:
        return f"unknown field; the fields here are {', '.join(known)}"
    return "unknown field"


def _join(path: str, name: str) -> str:
    if not name:
        return path
    if name.startswith("["):
        return f"{path}{name}"
    return f"{path}.{name}" if path else name


def shape_problems(document: Mapping[Any, Any], limits: Limits | None) -> list[Problem]:
    """What ``document`` has, wherever it is in it, that no situation may have: keys that are
    not strings, keys repeated in a JSON object (see :func:`parse_json`), and, given
    ``limits``, more nesting, list items or characters than they allow.

    The document is walked once, without recursion, before it is structured: structuring then
    never meets more than the limits allow. A part found wrong is not looked into further.
    """
    most_depth = _UNLIMITED_DEPTH if limits is None else limits.max_depth
    problems: list[Problem] = []
    stack: list[tuple[str, int, object]] = [("", 1, document)]
    while stack:
        path, depth, node = stack.pop()
        if isinstance(node, str):
            problem = text_problem(node) if limits is None else _text_problem(node, limits)
            if problem:
                problems.append(Problem(path, problem))
            continue
        if not isinstance(node, Mapping | list | tuple):
            continue
        if depth > most_depth:
            problems.append(Problem(path, f"nested too deeply: {_deepest(limits)}"))
        elif isinstance(node, Mapping):
            problem = _key_problem(node, limits)
            if problem:
                problems.append(Problem(path, problem))
                continue
            stack.extend(
                reversed([(_join(path, key), depth + 1, value) for key, value in node.items()])
            )
        elif limits is not None and len(node) > _most_items(limits, path):
            name = "max_candidates" if path == "candidates" else "max_items"
            problems.append(Problem(path, over_limit(limits, name, len(node))))
        else:
            stack.extend(
                reversed([(f"{path}[{n}]", depth + 1, item) for n, item in enumerate(node)])
            )
    return problems


def _text_problem(text: str, limits: Limits) -> str | None:
    """What is wrong with one text of a situation document (a value, not a key), or None.

    Every check on a single text belongs here: :func:`shape_problems` reports what it says,
    and the compiled reader (:func:`_compiled_reader`) calls it on every text it reads, so
    that both paths refuse the same texts.
    """
    if len(text) > limits.max_text:
        return over_limit(limits, "max_text", len(text))
    return text_problem(text)


#: How deeply an advice document (which has no limits) may nest: far deeper than any advice,
#: and a guard against a mapping that contains itself.
_UNLIMITED_DEPTH = 100

_UNITS = {
    "max_candidates": "candidates",
    "max_items": "items",
    "max_text": "characters",
    "max_document_bytes": "bytes",
}


def over_limit(limits: Limits, name: str, got: int | None) -> str:
    """The message for a value over the limit ``name``: ``at most 10 items (limit max_items),
    got 11``; ``got`` is None where the size is not known (only that it is over)."""
    said = f"at most {getattr(limits, name)} {_UNITS[name]} (limit {name})"
    return said + (", got more" if got is None else f", got {got}")


def _deepest(limits: Limits | None) -> str:
    most = _UNLIMITED_DEPTH if limits is None else limits.max_depth
    return f"at most {most} levels" + ("" if limits is None else " (limit max_depth)")


def _most_items(limits: Limits, path: str) -> int:
    return limits.max_candidates if path == "candidates" else limits.max_items


def _key_problem(node: Mapping[Any, Any], limits: Limits | None) -> str | None:
    for key in node:
        if not isinstance(key, str):
            return f"keys must be strings, got {show(key)}"
        if limits is not None and len(key) > limits.max_text:
            return f"keys must be {over_limit(limits, 'max_text', len(key))}"
        if (problem := text_problem(key)) is not None:
            return f"a key is {problem}"
    if isinstance(node, _RepeatedKeys):
        return f"duplicate key {node.repeated[0]!r}"
    return None


class _RepeatedKeys(dict[str, Any]):
    """A JSON object read by :func:`parse_json` in which a key appears more than once; the
    last value is kept, and :func:`shape_problems` reports the first repeated key."""

    repeated: tuple[str, ...] = ()


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    made = dict(pairs)
    if len(made) == len(pairs):
        return made
    seen: set[str] = set()
    repeated = []
    for key, _ in pairs:
        if key in seen:
            repeated.append(key)
        seen.add(key)
    marked = _RepeatedKeys(made)
    marked.repeated = tuple(dict.fromkeys(repeated))
    return marked


class _TooManyDigits(ValueError):
    """A JSON number with more digits than :data:`MAX_DIGITS`."""


#: Digits a JSON integer may have: Python's own default bound (``sys.int_info``), kept here
#: whatever the interpreter was told, since reading a longer one takes quadratic time.
MAX_DIGITS = 4300


def _integer(text: str) -> int:
    if len(text) - text.startswith("-") > MAX_DIGITS:
        raise _TooManyDigits(text)
    return int(text)


def parse_json(data: bytes | str, limits: Limits | None = None) -> Any:
    """A JSON text read as documents are: keys repeated in an object are marked (and reported
    where the document is checked), and what cannot be read is a :class:`SituationError` at
    the document's root (``<document>``).

    It raises for text that is not JSON, a number with more than :data:`MAX_DIGITS` digits,
    and nesting deeper than Python's JSON reader goes; ``limits`` (the defaults if None) only
    says which limit to name for the last.
    """
    limits = Limits() if limits is None else limits
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.removeprefix("\ufeff")
        if not text.strip():
            raise SituationError([Problem("", "no JSON: the input is empty")])
        return json.loads(text, object_pairs_hook=_object, parse_int=_integer)
    except UnicodeDecodeError as exc:
        message = f"not UTF-8 text: {exc.reason} (byte {exc.start})"
    except json.JSONDecodeError as exc:
        message = f"not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}"
    except _TooManyDigits as exc:
        digits = len(str(exc)) - str(exc).startswith("-")
        message = f"a number with too many digits ({digits}; at most {MAX_DIGITS})"
    except RecursionError:
        message = f"nested too deeply: {_deepest(limits)}"
    raise SituationError([Problem("", message)])


def structure(
    document: object, cls: type[_T], what: str = "situation", limits: Limits | None = None
) -> _T:
    """Structure ``document`` as ``cls``; every problem is raised in one :class:`SituationError`.

    ``limits`` bound its size first (:func:`shape_problems`); without them only its keys and a
    generous depth are checked.
    """
    if not isinstance(document, Mapping):
        problem = Problem("", f"expected an object, got {json_type(document)}")
        raise SituationError([problem], what)
    problems = shape_problems(document, limits)
    if problems:
        raise SituationError(problems, what)
    from cattrs.errors import ClassValidationError, IterableValidationError

    try:
        return converter.structure(document, cls)
    except SituationError as exc:  # raised by a top-level validator: paths are already whole
        raise SituationError(exc.problems, what) from None
    except (ClassValidationError, IterableValidationError) as exc:
        problems = list(structure_problems(exc))  # raises what is not about the document
        raise SituationError(problems, what) from None


def situation_from_dict(document: Mapping[str, Any], limits: Limits | None = None) -> Situation:
    """Turn a JSON-like mapping into a :class:`Situation`, or raise :class:`SituationError`.

    ``limits`` (the defaults if None) bound its size: see :class:`Limits`.

    A document is read once by the reader compiled for ``limits`` (:func:`_compiled_reader`),
    which checks its shape, its types and the limits in the walk that builds the model; at the
    first thing it does not vouch for, the document is read again by the reference path
    (:func:`shape_problems`, then the converter), which names every problem. Both give the
    same situation or the same problems (``tests/spec/test_document_paths.py``).
    """
    limits = _DEFAULT_LIMITS if limits is None else limits
    read = _compiled_reader(limits)
    if read is not None:
        try:
            return read(document)
        except Exception as exc:  # what it does not vouch for: the reference path says what
            if not isinstance(exc, _Irregular) and foreign(exc) is not None:
                raise  # the host's own (a signal handler's timeout): not the document's
    return structure(document, Situation, limits=limits)


_DEFAULT_LIMITS = Limits()


def check_limits(situation: Situation, limits: Limits) -> None:
    """Raise :class:`SituationError` if ``situation`` (built in Python) holds a value of the
    wrong type or exceeds ``limits``.

    A situation surely of the right types and within the limits (the usual case) is seen to
    be so by one walk over its attrs instances, compiled once per ``limits``
    (:func:`_compiled_check`); any other takes :func:`check_limits_reference`, which names
    every problem.
    """
    check = _compiled_check(limits)
    if check is not None and check(situation):
        return
    check_limits_reference(situation, limits)


def check_limits_reference(situation: Situation, limits: Limits) -> None:
    """:func:`check_limits` by the definitions it stands for: :func:`type_problems`, then
    :func:`shape_problems` of the situation's document (walked only where :func:`_within`
    cannot see that it is within the limits)."""
    problems = type_problems(situation)
    if problems:
        raise SituationError(problems)
    if _within(situation, 1, limits, limits.max_items):
        return
    problems = shape_problems(situation_to_dict(situation), limits)
    if problems:
        raise SituationError(problems)


@functools.lru_cache(maxsize=16)
def _compiled_check(limits: Limits) -> Callable[[object], bool] | None:
    """Whether a situation built in Python surely passes :func:`check_limits_reference`: every
    value of exactly its field's type and within ``limits``, in one walk made from source per
    class (as the reader below). False for anything it does not vouch for.

    None for limits under which a valid situation's own keys or enum values would break them
    (then every situation takes the reference): the walk then need not check them, nor depths,
    since the model's objects nest no deeper than ``_SITUATION_DEPTH``.
    """
    fixed = [name for cls in _FIELD_NAMES for name in _FIELD_NAMES[cls][0]]
    fixed += [member.value for enum_type in _ENUMS for member in enum_type]
    if limits.max_depth < _SITUATION_DEPTH or any(_text_problem(text, limits) for text in fixed):
        return None
    return _check_object(Situation, limits)


def _check_object(cls: type, limits: Limits) -> Callable[[object], bool]:
    hints = typing.get_type_hints(cls)
    namespace: dict[str, Any] = {"_cls": cls, "_text_problem": text_problem}
    lines = ["def check(value):", "    if type(value) is not _cls:", "        return False"]
    for field in attrs.fields(cls):
        most = limits.max_candidates if field.name == "candidates" else limits.max_items
        lines.append(f"    x = value.{field.name}")
        lines += _check_statements(hints[field.name], limits, most, namespace, "    ")
    lines.append("    return True")
    exec(compile("\n".join(lines) + "\n", f"<check of {cls.__name__}>", "exec"), namespace)
    made: Callable[[object], bool] = namespace["check"]
    return made


def _check_statements(
    hint: Any, limits: Limits, most_items: int, namespace: dict[str, Any], indent: str
) -> list[str]:
    """Python source that returns False unless ``x`` is exactly of declared type ``hint`` and
    within ``limits`` (a list of at most ``most_items``)."""
    origin = typing.get_origin(hint)
    fail = f"{indent}    return False"
    if origin is types.UnionType or origin is typing.Union:
        inner = next(t for t in typing.get_args(hint) if t is not type(None))
        return [
            f"{indent}if x is not None:",
            *_check_statements(inner, limits, most_items, namespace, indent + "    "),
        ]
    if hint is str:
        return [
            f"{indent}if type(x) is not str or len(x) > {limits.max_text} or not ("
            "x.isascii() or _text_problem(x) is None):",
            fail,
        ]
    if hint is int or hint is bool:
        return [f"{indent}if type(x) is not {hint.__name__}:", fail]
    if hint is float:
        return [f"{indent}if type(x) is not float and type(x) is not int:", fail]
    name = f"_check_{len(namespace)}"
    if isinstance(hint, type) and issubclass(hint, StrEnum):
        namespace[name] = hint  # its values are within the limits (else no compiled check)
        return [f"{indent}if type(x) is not {name}:", fail]
    if origin is tuple:
        item = typing.get_args(hint)[0]
        deeper = indent + "    "
        lines = [f"{indent}if type(x) is not tuple or len(x) > {most_items}:", fail]
        lines.append(f"{indent}for x in x:  # each item in turn in x (the tuple is iterated once)")
        lines += _check_statements(item, limits, limits.max_items, namespace, deeper)
        return lines
    assert attrs.has(hint), hint
    namespace[name] = _check_object(hint, limits)
    return [f"{indent}if not {name}(x):", fail]


def _within(node: object, depth: int, limits: Limits, most_items: int) -> bool:
    """Whether :func:`shape_problems` surely finds nothing in the document of ``node`` (an
    attrs instance of the model, or a value of one of its fields) at ``depth``: what it
    checks, checked on the instances themselves. False for anything it does not know."""
    if isinstance(node, str):  # enum members too: their value is the text in the document
        return len(node) <= limits.max_text and (node.isascii() or text_problem(node) is None)
    if node is None or isinstance(node, int | float):  # bool is an int
        return True
    if depth > limits.max_depth:  # a list or an object, too deep
        return False
    if type(node) is tuple:
        if len(node) > most_items:
            return False
        for item in node:  # texts inline: the usual items
            if type(item) is str:
                if len(item) > limits.max_text or not _plain(item):
                    return False
            elif not _within(item, depth + 1, limits, limits.max_items):
                return False
        return True
    known = _FIELD_NAMES.get(type(node))
    if known is None or known[1] > limits.max_text:  # not of the model, or a key too long
        return False
    text = limits.max_text
    for name in known[0]:
        value = getattr(node, name)
        kind = type(value)
        if kind is str:  # the usual fields inline: texts, numbers, flags, unknowns
            if len(value) > text or not _plain(value):
                return False
        elif value is None or kind is int or kind is float or kind is bool:
            continue
        elif isinstance(value, str):  # an enum member: its value's length
            if len(value) > text:
                return False
        elif depth == 1 and name == "candidates":
            if not _within(value, depth + 1, limits, limits.max_candidates):
                return False
        elif not _within(value, depth + 1, limits, limits.max_items):
            return False
    return True


def _plain(text: str) -> bool:
    """Whether ``text`` is surely text (:func:`text_problem` finds nothing): at once for ASCII."""
    return text.isascii() or text_problem(text) is None


#: The fields of each class of the input model (the keys of its document), and the length of
#: the longest.
_FIELD_NAMES: dict[type, tuple[tuple[str, ...], int]] = {
    cls: (names, max(map(len, names)))
    for cls in _situation.CLASSES
    for names in [tuple(field.name for field in attrs.fields(cls))]
}


def situation_to_dict(situation: Situation) -> dict[str, Any]:
    """Turn a :class:`Situation` into plain JSON-compatible data (lists, dicts, str, numbers)."""
    document: dict[str, Any] = converter.unstructure(situation)
    return document


def advice_to_dict(advice: Advice) -> dict[str, Any]:
    """Advice as plain JSON-compatible data.

    Written by the writer compiled from the output model's types (:func:`_writer`), which
    gives what the converter gives (``tests/spec/test_document_paths.py``); advice it cannot
    write (a field holding another type than it declares) goes to the converter.
    """
    if type(advice) is Advice:
        try:
            document: dict[str, Any] = _writer(Advice)(advice)
            return document
        except Exception:  # the converter writes it, or says what is wrong
            pass
    return advice_to_dict_reference(advice)


def advice_to_dict_reference(advice: Advice) -> dict[str, Any]:
    """Advice as plain JSON-compatible data, written by the converter: the definition the
    compiled writer of :func:`advice_to_dict` stands for."""
    document: dict[str, Any] = converter.unstructure(advice)
    return document


def situation_from_dict_reference(
    document: Mapping[str, Any], limits: Limits | None = None
) -> Situation:
    """:func:`situation_from_dict` by the reference path alone: the limits' walk
    (:func:`shape_problems`), then the converter."""
    return structure(document, Situation, limits=_DEFAULT_LIMITS if limits is None else limits)


def advice_from_dict(document: Mapping[str, Any]) -> Advice:
    """Advice back from :func:`advice_to_dict`'s form; problems raise :class:`AdviceError`."""
    try:
        return structure(document, Advice, "advice")
    except SituationError as exc:
        raise AdviceError(exc.problems) from None


# --------------------------------------------------------------------------- compiled paths
#
# The reader and the writer below are made from the model's attrs classes and field types,
# once, as functions written from source (as cattrs makes its own): no document is walked twice
# and nothing is looked up by type while one is read or written. Each stands for a reference
# definition above (the limits' walk and the converter), which the tests hold equal to it on
# generated valid and broken documents.


class _Irregular(Exception):
    """Raised by the compiled reader where it stops vouching for a document."""


_Read = Callable[[object], Any]

#: How deeply a valid situation nests its lists and objects (a past mentor's ``worked``): a
#: reader is compiled only for limits that allow it.
_SITUATION_DEPTH = 5


@functools.lru_cache(maxsize=16)
def _compiled_reader(limits: Limits) -> Callable[[object], Situation] | None:
    """A function that reads a situation document within ``limits`` in one walk, building the
    model as it goes, and raises at anything it does not vouch for: an object that is not a
    plain ``dict`` (repeated keys included), a key that is not a field, a value of another
    type, a list or text over the limits, a value the model's validators refuse.

    None for limits under which a valid situation's own keys or enum values would break them
    (then every document takes the reference path).
    """
    fixed = [name for cls in _FIELD_NAMES for name in _FIELD_NAMES[cls][0]]
    fixed += [member.value for enum_type in _ENUMS for member in enum_type]
    if limits.max_depth < _SITUATION_DEPTH or any(_text_problem(text, limits) for text in fixed):
        return None
    return _read_object(Situation, limits)


def _read_object(cls: type[_T], limits: Limits) -> Callable[[object], _T]:
    """The reader of an attrs class: a function made from source (as the writer below, and as
    cattrs makes its own) that reads each field in place, scalars and lists of texts checked
    inline, and builds the instance.

    The instance is built as the class's own ``__init__`` builds it, each field set in turn,
    but the validators the reader knows (:func:`_known_check`) are checked inline on the
    value just read, not called: a refusal is the reference path's to name, so the reader
    need only see that there is one. A validator it does not know is called as ``__init__``
    calls it, once every field is set. A class the reader cannot build so (not slotted, a
    field with a converter or another name in ``__init__``, hooks around ``__init__``) is
    called with the fields read, its validators run as ever.
    """
    hints = typing.get_type_hints(cls)
    fields = attrs.fields(typing.cast(Any, cls))
    names = [field.name for field in fields]
    namespace = {
        **_reader_namespace(limits),
        "_cls": cls,
        "_names": frozenset(names),
        "_new": object.__new__,
    }
    direct = _built_in_place(cls)
    lines = [
        "def read(value):",
        "    if type(value) is not dict or not value.keys() <= _names:",
        "        raise _Irregular",
        "    self = _new(_cls)" if direct else "    given = {}",
    ]
    called: list[str] = []  # validators called as __init__ calls them, after every field
    for number, field in enumerate(fields):
        name = field.name
        most = limits.max_candidates if name == "candidates" else limits.max_items
        lines.append(f"    if {name!r} in value:")
        lines.append(f"        x = value[{name!r}]")
        lines += _read_statements(hints[name], limits, most, namespace, "        ")
        if not direct:
            lines.append(f"        given[{name!r}] = x")
            continue
        if field.validator is not None:
            check = _known_check(field.validator, namespace, "        ")
            if check is None:
                namespace[f"_validator_{number}"] = field.validator
                namespace[f"_field_{number}"] = field
                called.append(f"    _validator_{number}(self, _field_{number}, self.{name})")
            else:
                lines += check
        lines.append("    else:")
        lines += _default_statements(field, number, namespace, "        ")
        namespace[f"_set_{number}"] = _slot(cls, name).__set__
        lines.append(f"    _set_{number}(self, x)")
    lines += [*called, "    return self"] if direct else ["    return _cls(**given)"]
    exec(compile("\n".join(lines) + "\n", f"<reader of {cls.__name__}>", "exec"), namespace)
    made: Callable[[object], _T] = namespace["read"]
    return made


#: The class of ``attrs.Factory(...)`` (typed as a function by attrs).
_FACTORY: type[Any] = type(attrs.Factory(list))


def _slot(cls: type, name: str) -> Any:
    """The member descriptor of the slot ``name`` of ``cls`` (or None)."""
    found = cls.__dict__.get(name)
    return found if inspect.ismemberdescriptor(found) else None


def _built_in_place(cls: type) -> bool:
    """Whether the reader may build ``cls`` as its ``__init__`` does, setting each field's slot
    in turn: a slotted attrs class whose ``__init__`` does nothing else."""
    fields = attrs.fields(cls)
    return (
        not hasattr(cls, "__attrs_pre_init__")
        and not hasattr(cls, "__attrs_post_init__")
        and set(getattr(cls, "__slots__", ())) <= {field.name for field in fields} | {"__weakref__"}
        and all(
            field.init
            and field.converter is None
            and field.alias == field.name
            and _slot(cls, field.name) is not None
            and not (isinstance(field.default, _FACTORY) and field.default.takes_self)
            for field in fields
        )
    )


def _default_statements(
    field: attrs.Attribute[Any], number: int, namespace: dict[str, Any], indent: str
) -> list[str]:
    """Python source that puts in ``x`` the default of ``field``, absent from the document, or
    raises ``_Irregular`` where the field has none (or its validator refuses it)."""
    default = field.default
    if default is attrs.NOTHING:
        return [f"{indent}raise _Irregular  # a required field"]
    if isinstance(default, _FACTORY):
        namespace[f"_factory_{number}"] = default.factory
        lines = [f"{indent}x = _factory_{number}()"]
    else:
        namespace[f"_default_{number}"] = default
        lines = [f"{indent}x = _default_{number}"]
        if field.validator is not None and _known_check(field.validator, {}, "") is not None:
            try:  # a default its own validator refuses: the reference path says so
                field.validator(None, field, default)
            except Exception:
                return [f"{indent}raise _Irregular  # a default its validator refuses"]
    if isinstance(default, _FACTORY) and field.validator is not None:
        check = _known_check(field.validator, namespace, indent)
        if check is not None:
            lines += check
    return lines


def _known_check(validator: Any, namespace: dict[str, Any], indent: str) -> list[str] | None:
    """Python source that raises ``_Irregular`` where ``validator`` (one of the input model's,
    on a value ``x`` the reader has already read as its field's type) would refuse ``x``;
    None for a validator the reader does not know, which it then calls."""
    fail = f"{indent}    raise _Irregular"
    if validator is _situation._text:  # type and lone surrogates: read already
        return [f"{indent}if not x.strip():", fail]
    if validator is _situation._optional_text:
        return [f"{indent}if x is not None and not x.strip():", fail]
    if validator is _situation._texts:  # every item stripped: none blank
        return [f"{indent}if not all(map(_strip, x)):", fail]
    if validator is _situation._unique_roles:
        return [f"{indent}if len(set(x)) != len(x):", fail]
    if validator is _situation._unique_names:
        return [
            f"{indent}if len(x) > 1 and len(set(map(_name_key, map(_name, x)))) != len(x):",
            fail,
        ]
    if type(validator) is _situation._Between:
        low, high = f"_low_{len(namespace)}", f"_high_{len(namespace)}"
        namespace[low], namespace[high] = validator.low, validator.high
        return [f"{indent}if x is not None and not {low} <= x <= {high}:", fail]
    return None


def _reader_namespace(limits: Limits) -> dict[str, Any]:
    """What the source of every reader names."""
    return {
        "_Irregular": _Irregular,
        "_text_problem": _text_problem,
        "_limits": limits,
        "_isfinite": math.isfinite,
        "_strip": str.strip,
        "_name_key": name_key,
        "_name": operator.attrgetter("name"),
    }


def _read_statements(
    hint: Any, limits: Limits, most_items: int, namespace: dict[str, Any], indent: str
) -> list[str]:
    """Python source that checks the value ``x`` of declared type ``hint`` and leaves in ``x``
    what the model holds, raising ``_Irregular`` where the reader does not vouch for it."""
    origin = typing.get_origin(hint)
    fail = f"{indent}    raise _Irregular"
    if origin is types.UnionType or origin is typing.Union:
        inner = next(t for t in typing.get_args(hint) if t is not type(None))
        deeper = indent + "    "
        return [
            f"{indent}if x is not None:",
            *_read_statements(inner, limits, most_items, namespace, deeper),
        ]
    if hint is str:
        return [f"{indent}if type(x) is not str or {_text_refused('x', limits)}:", fail]
    if hint is int or hint is bool:
        return [f"{indent}if type(x) is not {hint.__name__}:", fail]
    if hint is float:
        return [
            f"{indent}if type(x) is int:",
            f"{indent}    x = float(x)  # too big for a float: OverflowError, the reference path",
            f"{indent}if type(x) is not float or not _isfinite(x):",
            fail,
        ]
    name = f"_read_{len(namespace)}"
    if isinstance(hint, type) and issubclass(hint, StrEnum):
        namespace[name] = {member.value: member for member in hint}.get
        return [
            f"{indent}x = {name}(x) if type(x) is str else None",
            f"{indent}if x is None:",
            fail,
        ]
    if origin is tuple:
        item = typing.get_args(hint)[0]
        lines = [
            f"{indent}if (type(x) is not list and type(x) is not tuple) or len(x) > {most_items}:",
            fail,
        ]
        if item is str:  # the usual list: texts, checked in place
            lines += [
                f"{indent}for item in x:",
                f"{indent}    if type(item) is not str or {_text_refused('item', limits)}:",
                f"{indent}        raise _Irregular",
                f"{indent}x = tuple(x)",
            ]
            return lines
        namespace[name] = _read_value(item, limits, limits.max_items)
        return [*lines, f"{indent}x = tuple(map({name}, x))"]
    namespace[name] = _read_value(hint, limits, most_items)
    return [f"{indent}x = {name}(x)"]


def _text_refused(text: str, limits: Limits) -> str:
    """A Python expression, true where :func:`_text_problem` finds something wrong with the
    text ``text`` names: called only for a text that is not ASCII or is over ``max_text``,
    which :func:`_text_problem` always lets by otherwise
    (``tests/spec/test_document_paths.py`` holds it to that)."""
    return (
        f"not ({text}.isascii() and len({text}) <= {limits.max_text})"
        f" and _text_problem({text}, _limits) is not None"
    )


def _read_value(hint: Any, limits: Limits, most_items: int) -> _Read:
    """The reader of a value of one declared type, on its own (a list's items, an object)."""
    if attrs.has(hint):
        return _read_object(hint, limits)
    namespace = _reader_namespace(limits)
    lines = ["def read(x):", *_read_statements(hint, limits, most_items, namespace, "    ")]
    lines.append("    return x")
    exec(compile("\n".join(lines) + "\n", f"<reader of {hint!r}>", "exec"), namespace)
    made: _Read = namespace["read"]
    return made


_Write = Callable[[Any], Any]


@functools.cache
def _writer(hint: Any) -> _Write:
    """A function that writes a value of the declared type ``hint`` as the converter's
    ``unstructure`` does: attrs instances as objects of their fields in order, tuples as
    lists, enum members as their values; a value of undeclared type (``Any``) by its own."""
    origin = typing.get_origin(hint)
    if origin is types.UnionType or origin is typing.Union:
        inner = _writer(next(t for t in typing.get_args(hint) if t is not type(None)))
        return lambda value: None if value is None else inner(value)
    if attrs.has(hint):
        return _write_object(hint)
    namespace: dict[str, Any] = {}
    source = f"lambda value: {_write_expression(hint, 'value', namespace)}"
    made: _Write = eval(compile(source, f"<writer of {hint!r}>", "eval"), namespace)
    return made


def _write_object(cls: type) -> _Write:
    """The writer of an attrs class: a function made from source, as cattrs makes its own,
    that returns one dict display of the fields (``{"rule": value.rule, ...}``), with the
    attrs instances inside written in place rather than by calls."""
    namespace: dict[str, Any] = {}
    source = f"def write(value):\n    return {_write_fields(cls, 'value', namespace, 0)}\n"
    exec(compile(source, f"<writer of {cls.__name__}>", "exec"), namespace)
    made: _Write = namespace["write"]
    return made


def _write_fields(cls: type, read: str, namespace: dict[str, Any], depth: int) -> str:
    hints = typing.get_type_hints(cls)
    items = ", ".join(
        f"{field.name!r}: "
        + _write_expression(hints[field.name], f"{read}.{field.name}", namespace, depth)
        for field in attrs.fields(cls)
    )
    return f"{{{items}}}"


def _write_expression(hint: Any, read: str, namespace: dict[str, Any], depth: int = 0) -> str:
    """Python source that writes the value of declared type ``hint`` found by ``read`` (an
    expression without side effects, read again where that is cheaper than a call); the
    functions it calls are put in ``namespace``."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if hint in (str, int, float, bool) or origin is typing.Literal:
        return read
    if origin is types.UnionType or origin is typing.Union:  # an optional value
        inner = next(t for t in args if t is not type(None))
        if inner in (str, int, float, bool):
            return read  # None is written as it is too
        name = f"_write_{len(namespace)}"
        namespace[name] = _writer(inner)  # called only for a value: most are None
        return f"(None if {read} is None else {name}({read}))"
    if isinstance(hint, type) and issubclass(hint, StrEnum):
        return f"{read}._value_"  # what ``.value`` returns, without the property's call
    if hint is Any:  # most often a text, a number or None, written as it is without a call
        namespace["_write_any"] = _write_any
        namespace["_PLAIN"] = _PLAIN
        return f"({read} if type({read}) in _PLAIN else _write_any({read}))"
    if origin is tuple and args[0] in (str, int):
        return f"list({read})"
    if origin is dict and args[0] is str and args[1] in (int, float):
        return f"dict({read})"
    if origin is tuple and attrs.has(args[0]):
        item = f"item{depth}"
        written = _write_fields(args[0], item, namespace, depth + 1)
        # An empty tuple (most lists of sources, many of evidence) without the comprehension
        return f"([{written} for {item} in {read}] if {read} else [])"
    if attrs.has(hint):
        return _write_fields(hint, read, namespace, depth)
    name = f"_write_{len(namespace)}"
    if origin is tuple:
        namespace[name] = _writer(args[0])
        return f"[{name}(item) for item in {read}]"
    namespace[name] = _writer(hint)
    return f"{name}({read})"


_PLAIN = frozenset({str, int, float, bool, type(None)})


def _write_any(value: Any) -> Any:
    """A value of undeclared type (evidence) that is not a text, a number or None, by its own
    type: a list or an object of such values (a copy, all the way down), anything else by the
    converter. (Loops in Python: on lists and objects of a few items, quicker than making a set
    of their types.)"""
    kind = type(value)
    if kind is list or kind is tuple:
        for item in value:
            if type(item) not in _PLAIN:
                return [item if type(item) in _PLAIN else _write_any(item) for item in value]
        return list(value)  # texts, say: copied without a loop in Python
    if kind is dict:
        plain = True
        for key, item in value.items():
            if type(key) is not str:
                return converter.unstructure(value)
            if type(item) not in _PLAIN:
                plain = False
        if plain:
            return value.copy()
        return {
            key: item if type(item) in _PLAIN else _write_any(item) for key, item in value.items()
        }
    if kind in _PLAIN:
        return value
    return converter.unstructure(value)
