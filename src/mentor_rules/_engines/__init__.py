"""The engines that match compiled conditions against facts, and how to pick one.

An engine takes the facts of one situation and returns its firings: the pairs
``(rule id, index of the fact)`` whose condition holds. Every engine must return exactly what
the reference semantics in :mod:`mentor_rules._evaluate` say.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol

from .._errors import EngineError
from .._facts import Fact
from .._ruleset import Test

__all__ = ["Engine", "EngineName", "Firing", "available_engines", "make_engine"]

EngineName = Literal["auto", "durable", "python"]
Firing = tuple[str, int]


class Engine(Protocol):
    """Matches a rule set's conditions against the facts of one situation."""

    name: str

    def match(self, facts: Sequence[Fact]) -> frozenset[Firing]:
        """``(test name, index in facts)`` for every test whose condition holds on that fact."""
        ...


def available_engines() -> tuple[str, ...]:
    """The engines that can run here: ``durable`` where durable-rules imports, and ``python``."""
    try:
        import durable_rules_engine  # noqa: F401
    except ImportError:
        return ("python",)
    return ("durable", "python")


def make_engine(rules: Sequence[Test], name: EngineName = "auto") -> Engine:
    """An engine for the tests ``rules``: ``auto`` is durable-rules where installed, else Python."""
    if name not in ("auto", "durable", "python"):
        raise EngineError(f"unknown engine {name!r}; expected 'auto', 'durable' or 'python'")
    if name == "python" or (name == "auto" and "durable" not in available_engines()):
        from ._python import PythonEngine

        return PythonEngine(rules)
    if "durable" not in available_engines():
        raise EngineError(
            "the durable engine needs durable-rules, which is not installed here (it builds on "
            "CPython 3.11 and 3.12 only); use engine='python' or 'auto'"
        )
    from ._durable import DurableEngine

    return DurableEngine(rules)
