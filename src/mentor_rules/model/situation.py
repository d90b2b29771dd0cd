"""The input model: a person's situation as immutable attrs classes, validated on creation.

Reading it from JSON (and writing it back) is :mod:`._documents`' job.
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Callable
from enum import Enum, StrEnum
from typing import Any

import attrs
from attrs import Attribute, field, frozen

from .._errors import Problem, SituationError, show
from .._repr import attrs_repr
from .text import name_key

__all__ = [
    "CLASSES",
    "ENUMS",
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
    "text_problem",
]

#: Upper bounds that keep numbers meaningful for a working life. How long texts and lists may
#: be is not the model's to say but the limits' (``_limits.Limits``), checked where a situation
#: is read or advised on.
MAX_MONTHS = 1200
MAX_YEARS = 100.0
MAX_CONVERSATIONS = 10_000


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


def text_problem(text: str) -> str | None:
    """What makes ``text`` no text at all, or None: a lone surrogate (``"\\ud800"`` is valid
    JSON, and Python takes it as a character), which no output can encode as UTF-8: a writer
    would fail on it, or write a byte that is not UTF-8."""
    if text.isascii():
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return (
            f"not valid text: a lone surrogate, U+{ord(text[exc.start]):04X}, at character "
            f"{exc.start} (half of a UTF-16 pair, which text may not hold alone)"
        )
    return None


def _text(_: object, attribute: Attribute[Any], value: str) -> None:
    if not isinstance(value, str):
        raise _fail(attribute, f"must be a text, got {show(value)}")
    if not value.strip():
        raise _fail(attribute, "must not be empty or blank")
    if (problem := text_problem(value)) is not None:
        raise _fail(attribute, problem)


def _optional_text(instance: object, attribute: Attribute[Any], value: str | None) -> None:
    if value is not None:
        _text(instance, attribute, value)


def _texts(_: object, attribute: Attribute[Any], value: tuple[str, ...]) -> None:
    for index, item in enumerate(value):
        if not isinstance(item, str):
            raise SituationError(
                [Problem(f"{attribute.name}[{index}]", f"must be a text, got {show(item)}")]
            )
        if not item.strip():
            raise SituationError(
                [Problem(f"{attribute.name}[{index}]", "must not be empty or blank")]
            )
        if (problem := text_problem(item)) is not None:
            raise SituationError([Problem(f"{attribute.name}[{index}]", problem)])


@frozen
class _Between:
    """A validator: the number, where there is one, is between ``low`` and ``high`` (both
    included). A class rather than a closure, so that the JSON Schemas (``_schemas.py``) can
    read its bounds."""

    __repr__ = attrs_repr

    low: float
    high: float

    def __call__(self, _: object, attribute: Attribute[Any], value: float | None) -> None:
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise _fail(attribute, f"must be a number, got {show(value)}")
        if value is not None and not self.low <= value <= self.high:
            low, high = self.low, self.high
            raise _fail(attribute, f"must be between {low:g} and {high:g}, got {show(value)}")


def _range(low: float, high: float) -> _Between:
    return _Between(low, high)


@frozen
class Goal:
    """One thing the mentee wants from a mentor."""

    __repr__ = attrs_repr

    kind: GoalKind
    scope: GoalScope
    detail: str = ""


@frozen
class PastMentor:
    """An earlier mentoring relationship, and what did and did not work in it."""

    __repr__ = attrs_repr

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

    __repr__ = attrs_repr

    name: str | None = field(default=None, validator=_optional_text)
    months_at_company: int | None = field(default=None, validator=_range(0, MAX_MONTHS))
    wants_to_innovate: bool = False
    hired_for_fresh_perspective: bool = False
    career_move: CareerMove = CareerMove.NONE
    industry: str | None = field(default=None, validator=_optional_text)
    target_industry: str | None = field(default=None, validator=_optional_text)
    job: str | None = field(default=None, validator=_optional_text)
    target_job: str | None = field(default=None, validator=_optional_text)
    goals: tuple[Goal, ...] = ()
    ideas: tuple[str, ...] = field(default=(), validator=_texts)
    support_roles: tuple[CoachingRole, ...] = field(default=(), validator=_unique_roles)
    past_mentors: tuple[PastMentor, ...] = ()


@frozen
class Candidate:
    """Someone the mentee might ask to be their mentor."""

    __repr__ = attrs_repr

    name: str = field(validator=_text)
    relation: Relation
    years_at_company: float | None = field(default=None, validator=_range(0, MAX_YEARS))
    years_in_industry: float | None = field(default=None, validator=_range(0, MAX_YEARS))
    knows_culture: bool | None = None
    chemistry: Chemistry = Chemistry.UNKNOWN
    conversations: int = field(default=0, validator=_range(0, MAX_CONVERSATIONS))
    willing: Willingness = Willingness.UNKNOWN
    traits: tuple[str, ...] = field(default=(), validator=_texts)
    industry: str | None = field(default=None, validator=_optional_text)
    jobs: tuple[str, ...] = field(default=(), validator=_texts)


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

    __repr__ = attrs_repr

    mentee: Mentee = Mentee()
    candidates: tuple[Candidate, ...] = field(default=(), validator=_unique_names)


#: The input's enums, each read from and written as its values: the one list the converter,
#: the strategies and anything else that takes all of them use.
ENUMS: tuple[type[StrEnum], ...] = (
    CareerMove,
    GoalKind,
    GoalScope,
    CoachingRole,
    Setting,
    Relation,
    Chemistry,
    Willingness,
)

#: The input's attrs classes, the whole situation first.
CLASSES: tuple[type, ...] = (Situation, Mentee, Candidate, Goal, PastMentor)


def type_problems(value: object, path: str = "") -> list[Problem]:
    """What in ``value`` (a :class:`Situation` or part of one, built in Python) is not of the
    type its field declares, with the path of each: a situation read from JSON is typed by
    its reader, but one built by hand may hold ``"peer"`` where a :class:`Relation` belongs."""
    kind: Any = type(value)
    if _valid(kind)(value):
        return []
    problems: list[Problem] = []
    _checker(kind)(value, path, problems)
    return problems


@functools.cache
def _valid(expected: Any) -> Callable[[object], bool]:
    """Whether a value is of ``expected``, all the way down: the quick check made first."""
    origin = typing.get_origin(expected)
    if origin is types.UnionType or origin is typing.Union:
        inner = _valid(next(t for t in typing.get_args(expected) if t is not type(None)))
        return lambda value: value is None or inner(value)
    if origin is tuple:
        item = _valid(typing.get_args(expected)[0])
        return lambda value: isinstance(value, tuple) and all(map(item, value))
    if attrs.has(expected):
        hints = typing.get_type_hints(expected)
        fields = [(f.name, _valid(hints[f.name])) for f in attrs.fields(expected)]
        return lambda value: (
            isinstance(value, expected) and all(ok(getattr(value, name)) for name, ok in fields)
        )
    if expected in (int, float):
        accepted = int if expected is int else (int, float)
        return lambda value: isinstance(value, accepted) and not isinstance(value, bool)
    return lambda value: isinstance(value, expected)


_Check = Callable[[object, str, list[Problem]], None]


@functools.cache
def _checker(expected: Any) -> _Check:
    """A function that checks a value against ``expected`` (a declared field type), made once
    per type: the walk runs for every hand-built situation advised."""
    origin = typing.get_origin(expected)
    if origin is types.UnionType or origin is typing.Union:
        inner = _checker(next(t for t in typing.get_args(expected) if t is not type(None)))

        def optional(value: object, path: str, problems: list[Problem]) -> None:
            if value is not None:
                inner(value, path, problems)

        return optional
    if origin is tuple:
        item = _checker(typing.get_args(expected)[0])

        def each(value: object, path: str, problems: list[Problem]) -> None:
            if not isinstance(value, tuple):
                problems.append(Problem(path, f"must be a tuple, got {show(value)}"))
                return
            for index, member in enumerate(value):
                item(member, f"{path}[{index}]", problems)

        return each
    if attrs.has(expected):
        hints = typing.get_type_hints(expected)
        fields = [(f.name, hints[f.name]) for f in attrs.fields(expected)]

        def whole(value: object, path: str, problems: list[Problem]) -> None:
            if not isinstance(value, expected):
                problems.append(Problem(path, f"must be a {expected.__name__}, got {show(value)}"))
                return
            for name, wanted in fields:
                _checker(wanted)(getattr(value, name), f"{path}.{name}" if path else name, problems)

        return whole
    accepted: Any = int | float if expected is float else expected

    def scalar(value: object, path: str, problems: list[Problem]) -> None:
        if not isinstance(value, accepted) or (isinstance(value, bool) and expected is not bool):
            problems.append(Problem(path, _wanted(expected, value)))

    return scalar


def _wanted(expected: type, value: object) -> str:
    if issubclass(expected, Enum):
        names = ", ".join(repr(member.value) for member in expected)
        return f"must be a {expected.__name__} (one of {names}), got {show(value)}"
    words = {bool: "true or false", int: "an integer", float: "a number", str: "a text"}
    return f"must be {words.get(expected, expected.__name__)}, got {show(value)}"
