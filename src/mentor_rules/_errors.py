"""The errors mentor-rules raises: one base class, typed subclasses that say where.

::

    MentorRulesError
    ├── SituationError (also a ValueError)   a situation is not valid input;
    │                                        .problems names each JSON path
    ├── RuleError (also a ValueError)        a rule file or rule is not valid;
    │                                        .problems names file, rule id and field
    └── EngineError (also a RuntimeError)    an engine cannot be used or failed

Every error carries all the problems found, not only the first one. For situations, that is
every type, shape and unknown-field problem in the document; the checks that need a whole
object (ranges, blank texts, duplicates) then report the first problem of each object, once
its types are right.
"""

from __future__ import annotations

from attrs import frozen

__all__ = [
    "EngineError",
    "MentorRulesError",
    "Problem",
    "RuleError",
    "RuleProblem",
    "SituationError",
]


class MentorRulesError(Exception):
    """Base class of every error this library raises on purpose."""


@frozen
class Problem:
    """One thing wrong with a situation: where (``candidates[2].relation``) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path or '<document>'}: {self.message}"


class SituationError(MentorRulesError, ValueError):
    """A situation document (or an advice document read back) does not fit the model.

    ``document`` names which kind of document it was: ``"situation"`` or ``"advice"``.
    """

    def __init__(
        self, problems: tuple[Problem, ...] | list[Problem], document: str = "situation"
    ) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.document = document
        super().__init__(self._text())

    def _text(self) -> str:
        if len(self.problems) == 1:
            return f"invalid {self.document}: {self.problems[0]}"
        lines = "".join(f"\n  {p}" for p in self.problems)
        return f"invalid {self.document} ({len(self.problems)} problems):{lines}"


@frozen
class RuleProblem:
    """One thing wrong with a rule: the file, the rule id, the field, and what.

    ``line`` and ``column`` are 1-based positions in the file (TOML syntax errors) or in the
    ``when`` expression (condition errors), where known.
    """

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


class RuleError(MentorRulesError, ValueError):
    """A rule file, or a rule set as a whole, is not valid."""

    def __init__(self, problems: tuple[RuleProblem, ...] | list[RuleProblem]) -> None:
        self.problems: tuple[RuleProblem, ...] = tuple(problems)
        super().__init__(self._text())

    def _text(self) -> str:
        if len(self.problems) == 1:
            return f"invalid rule: {self.problems[0]}"
        lines = "".join(f"\n  {p}" for p in self.problems)
        return f"invalid rules ({len(self.problems)} problems):{lines}"


class EngineError(MentorRulesError, RuntimeError):
    """A rules engine is not available here, or it failed during an evaluation."""
