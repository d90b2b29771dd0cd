"""The input model: a person's situation as immutable attrs classes, and JSON in and out of it.

Structuring is done by cattrs with strict hooks (no silent ``"3"`` -> ``3``, ``"no"`` -> ``True``),
and every problem is reported as a :class:`~mentor_rules.Problem` whose path points into the
JSON document (``candidates[2].relation``).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from enum import StrEnum
from typing import Any, TypeVar

import attrs
import cattrs
from attrs import Attribute, field, frozen
from cattrs.errors import (
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn

from ._errors import Problem, SituationError

__all__ = [
    "Candidate",
    "CareerMove",
    "Chemistry",
    "CoachingRole",
    "Goal",
    "GoalKind",
    "GoalScope",
    "Mentee",
    "PastMentor",
    "Relation",
    "Setting",
    "Situation",
    "Willingness",
    "converter",
    "register_enum",
    "situation_from_dict",
    "situation_to_dict",
    "structure_problems",
]

#: Upper bounds that keep numbers meaningful (and inside what every engine compares exactly).
MAX_MONTHS = 1200
MAX_YEARS = 100.0
MAX_CONVERSATIONS = 10_000
MAX_TEXT = 500


class CareerMove(StrEnum):
    """What the mentee is doing with their career right now."""

    NONE = "none"
    ADVANCE = "advance"
    CHANGE = "change"
    JOB_SEARCH = "job_search"


class GoalKind(StrEnum):
    """What the mentee wants from a mentor (article: questions, advice, networking support)."""

    QUESTIONS = "questions"
    ADVICE = "advice"
    NETWORKING = "networking"


class GoalScope(StrEnum):
    """Where the help is needed: the job, the company or the industry."""

    JOB = "job"
    COMPANY = "company"
    INDUSTRY = "industry"


class CoachingRole(StrEnum):
    """The five coaching-team roles beside a mentor."""

    NETWORK_CONNECTOR = "network_connector"
    ADVISER = "adviser"
    IDEA_PERSON = "idea_person"
    EMOTIONAL_CONNECTOR = "emotional_connector"
    SUCCESS_PARTNER = "success_partner"


class Setting(StrEnum):
    """Where a past mentoring relationship took place."""

    SCHOOL = "school"
    PREVIOUS_COMPANY = "previous_company"
    CURRENT_COMPANY = "current_company"
    OTHER = "other"


class Relation(StrEnum):
    """How a candidate mentor stands to the mentee."""

    DIRECT_MANAGER = "direct_manager"
    SKIP_LEVEL = "skip_level"
    SENIOR = "senior"
    PEER = "peer"
    JUNIOR = "junior"
    OUTSIDE = "outside"


class Chemistry(StrEnum):
    """How well the mentee and a candidate get on, as far as the mentee can tell."""

    UNKNOWN = "unknown"
    GOOD = "good"
    MIXED = "mixed"
    POOR = "poor"


class Willingness(StrEnum):
    """Whether a candidate is willing to mentor."""

    UNKNOWN = "unknown"
    YES = "yes"
    NO = "no"


def _fail(attribute: Attribute[Any], message: str) -> SituationError:
    return SituationError([Problem(attribute.name, message)])


def _text(_: object, attribute: Attribute[Any], value: str) -> None:
    if not value.strip():
        raise _fail(attribute, "must not be empty or blank")
    if len(value) > MAX_TEXT:
        raise _fail(attribute, f"must be at most {MAX_TEXT} characters")


def _short_text(_: object, attribute: Attribute[Any], value: str) -> None:
    if len(value) > MAX_TEXT:
        raise _fail(attribute, f"must be at most {MAX_TEXT} characters")


def _optional_text(instance: object, attribute: Attribute[Any], value: str | None) -> None:
    if value is not None:
        _text(instance, attribute, value)


def _texts(_: object, attribute: Attribute[Any], value: tuple[str, ...]) -> None:
    for index, item in enumerate(value):
        if not item.strip() or len(item) > MAX_TEXT:
            raise SituationError(
                [Problem(f"{attribute.name}[{index}]", f"must be 1 to {MAX_TEXT} characters")]
            )


def _range(low: float, high: float) -> Any:
    def check(_: object, attribute: Attribute[Any], value: float | None) -> None:
        if value is not None and not low <= value <= high:
            raise _fail(attribute, f"must be between {low:g} and {high:g}, got {value!r}")

    return check


@frozen
class Goal:
    """One thing the mentee wants from a mentor."""

    kind: GoalKind
    scope: GoalScope
    detail: str = field(default="", validator=_short_text)


@frozen
class PastMentor:
    """An earlier mentoring relationship, and what did and did not work in it."""

    setting: Setting
    worked: tuple[str, ...] = field(default=(), validator=_texts)
    did_not_work: tuple[str, ...] = field(default=(), validator=_texts)


def _unique_roles(_: object, attribute: Attribute[Any], value: tuple[CoachingRole, ...]) -> None:
    seen: set[CoachingRole] = set()
    for index, role in enumerate(value):
        if role in seen:
            raise SituationError(
                [Problem(f"{attribute.name}[{index}]", f"duplicate role {role.value!r}")]
            )
        seen.add(role)


@frozen
class Mentee:
    """The person looking for a mentor."""

    name: str | None = field(default=None, validator=_optional_text)
    months_at_company: int | None = field(default=None, validator=_range(0, MAX_MONTHS))
    wants_to_innovate: bool = False
    hired_for_fresh_perspective: bool = False
    career_move: CareerMove = CareerMove.NONE
    goals: tuple[Goal, ...] = ()
    ideas: tuple[str, ...] = field(default=(), validator=_texts)
    support_roles: tuple[CoachingRole, ...] = field(default=(), validator=_unique_roles)
    past_mentors: tuple[PastMentor, ...] = ()


@frozen
class Candidate:
    """Someone the mentee might ask to be their mentor."""

    name: str = field(validator=_text)
    relation: Relation
    years_at_company: float | None = field(default=None, validator=_range(0, MAX_YEARS))
    years_in_industry: float | None = field(default=None, validator=_range(0, MAX_YEARS))
    knows_culture: bool | None = None
    chemistry: Chemistry = Chemistry.UNKNOWN
    conversations: int = field(default=0, validator=_range(0, MAX_CONVERSATIONS))
    willing: Willingness = Willingness.UNKNOWN
    traits: tuple[str, ...] = field(default=(), validator=_texts)


def name_key(name: str) -> str:
    """How names and texts are compared: ignoring case and runs of white space."""
    return " ".join(name.casefold().split())


def _unique_names(_: object, attribute: Attribute[Any], value: tuple[Candidate, ...]) -> None:
    seen: dict[str, str] = {}
    for index, candidate in enumerate(value):
        key = name_key(candidate.name)
        if key in seen:
            message = f"duplicate candidate name {candidate.name!r}"
            if seen[key] != candidate.name:
                message += f" (same as {seen[key]!r} but for case or spaces)"
            raise SituationError([Problem(f"{attribute.name}[{index}].name", message)])
        seen[key] = candidate.name


@frozen
class Situation:
    """Everything the advice is about: the mentee and their candidate mentors."""

    mentee: Mentee = Mentee()
    candidates: tuple[Candidate, ...] = field(default=(), validator=_unique_names)


# --------------------------------------------------------------------------- JSON <-> model

_T = TypeVar("_T")


def _strict_int(value: object, _: type) -> int:
    if type(value) is not int:
        raise TypeError(f"expected an integer, got {_json_type(value)}")
    return value


def _strict_float(value: object, _: type) -> float:
    if type(value) not in (int, float):
        raise TypeError(f"expected a number, got {_json_type(value)}")
    number = float(value)  # type: ignore[arg-type]
    if not math.isfinite(number):
        raise ValueError("expected a finite number")
    return number


def _strict_bool(value: object, _: type) -> bool:
    if type(value) is not bool:
        raise TypeError(f"expected true or false, got {_json_type(value)}")
    return value


def _strict_str(value: object, _: type) -> str:
    if type(value) is not str:
        raise TypeError(f"expected a string, got {_json_type(value)}")
    return value


def _strict_enum(value: object, enum_type: type[StrEnum]) -> StrEnum:
    choices = ", ".join(repr(member.value) for member in enum_type)
    if type(value) is not str:
        raise TypeError(f"expected one of {choices}, got {_json_type(value)}")
    try:
        return enum_type(value)
    except ValueError:
        raise ValueError(f"expected one of {choices}, got {value!r}") from None


def _strict_tuple(value: object, tuple_type: Any) -> tuple[Any, ...]:
    if not isinstance(value, list | tuple):
        raise TypeError(f"expected a list, got {_json_type(value)}")
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
            raise _NotAnObject(f"expected an object, got {_json_type(value)}")
        return inner(value, cls)

    return structure_object


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


_ENUMS: tuple[type[StrEnum], ...] = (
    CareerMove,
    GoalKind,
    GoalScope,
    CoachingRole,
    Setting,
    Relation,
    Chemistry,
    Willingness,
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


def register_enum(enum_type: type[StrEnum]) -> None:
    """Read and write ``enum_type`` strictly, by value, like the model's own enums."""
    _register_enum(converter, enum_type)


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


def structure(document: object, cls: type[_T], what: str = "situation") -> _T:
    """Structure ``document`` as ``cls``; every problem is raised in one :class:`SituationError`."""
    if not isinstance(document, Mapping):
        problem = Problem("", f"expected an object, got {_json_type(document)}")
        raise SituationError([problem], what)
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
