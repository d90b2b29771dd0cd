"""The errors mentor-rules raises: one base class, typed subclasses that say where.

::

    MentorRulesError
    ├── SituationError (also a ValueError)   a situation is not valid input;
    │   │                                    .problems names each JSON path
    │   └── AdviceError                      an advice document read back is not valid
    ├── RuleError (also a ValueError)        a rule file or rule is not valid;
    │                                        .problems names file, rule id and field
    └── EngineError (also a RuntimeError)    an engine cannot be used or failed

Every error carries all the problems found, not only the first one. For situations, that is
every type, shape and unknown-field problem in the document; the checks that need a whole
object (ranges, blank texts, duplicates) then report the first problem of each object, once
its types are right.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Generic, TypeVar

from attrs import frozen

from ._repr import attrs_repr

__all__ = [
    "EngineError",
    "MentorRulesError",
    "Problem",
    "RuleError",
    "RuleProblem",
    "SituationError",
    "json_type",
    "show",
]


class MentorRulesError(Exception):
    """Base class of every error this library raises on purpose."""


@frozen
class Problem:
    """One thing wrong with a situation: where (``candidates[2].relation``) and what."""

    __repr__ = attrs_repr

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path or '<document>'}: {self.message}"


@frozen
class RuleProblem:
    """One thing wrong with a rule: the file, the rule id, the field, and what.

    ``line`` and ``column`` are 1-based positions in the file (TOML syntax errors) or in the
    ``when`` expression (condition errors), where known.
    """

    __repr__ = attrs_repr

    file: str
    rule: str | None
    field: str | None
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        if self.rule is not None:
            where += f" rule {self.rule!r}"
        if self.field is not None:
            where += f" {self.field}"
            if self.line is None and self.column is not None:
                where += f" (column {self.column})"
        return f"{where}: {self.message}"


_P = TypeVar("_P", Problem, RuleProblem)


class _ProblemsError(MentorRulesError, ValueError, Generic[_P]):
    """An error about input that carries every problem found, in ``problems``.

    Its message is the one problem on one line (``<one>: <problem>``), or the count and one
    problem a line (``<several> (N problems):``).
    """

    def __init__(self, problems: Iterable[_P], one: str, several: str) -> None:
        self.problems: tuple[_P, ...] = tuple(problems)
        super().__init__(self._text(one, several))

    def _text(self, one: str, several: str) -> str:
        if len(self.problems) == 1:
            return f"{one}: {self.problems[0]}"
        lines = "".join(f"\n  {p}" for p in self.problems)
        return f"{several} ({len(self.problems)} problems):{lines}"


class SituationError(_ProblemsError[Problem]):
    """A situation document (or an advice document read back) does not fit the model.

    ``document`` names which kind of document it was: ``"situation"`` or ``"advice"``.
    """

    def __init__(self, problems: Iterable[Problem], document: str = "situation") -> None:
        self.document = document
        super().__init__(problems, f"invalid {document}", f"invalid {document}")

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickle from the problems, not the message (Exception's default would pass the message
        # back as ``problems``): errors cross process boundaries in ``Advisor.advise_iter``.
        return type(self), (self.problems, self.document), self.__dict__


class AdviceError(SituationError):
    """An advice document read back (:func:`~mentor_rules.advice_from_dict`) does not fit the
    advice model. A :class:`SituationError` too, with ``document == "advice"``, so code that
    caught that before still does."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        super().__init__(problems, "advice")

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.problems,), self.__dict__


class RuleError(_ProblemsError[RuleProblem]):
    """A rule file, or a rule set as a whole, is not valid."""

    def __init__(self, problems: Iterable[RuleProblem]) -> None:
        super().__init__(problems, "invalid rule", "invalid rules")

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.problems,), self.__dict__


class EngineError(MentorRulesError, RuntimeError):
    """A rules engine is not available here, or it failed during an evaluation."""


#: Integers with more digits than this are not written out in messages: writing them takes time
#: (Python refuses past 4,300 digits), and no field takes them.
_SHOWN_DIGITS = 20


def show(value: object) -> str:
    """A short JSON-like rendering of ``value`` for a message: ``1``, ``null``, ``'boss'``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if abs(value) >= 10**_SHOWN_DIGITS:
            return f"a number with more than {_SHOWN_DIGITS} digits"
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return repr(value) if len(value) <= 60 else repr(value[:57]) + "..."
    return json_type(value)


def json_type(value: object) -> str:
    """What kind of JSON value ``value`` is, as a message says it: ``a string``, ``null``."""
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
    return f"a {type(value).__name__}"
