"""The engines that match compiled conditions against facts, and how to pick one.

An engine takes the facts of one situation and returns its firings: the pairs
``(rule id, index of the fact)`` whose condition holds. Every engine must return exactly what
the reference semantics in :mod:`mentor_rules.language.evaluate` say.

:data:`ENGINES` is the one list of engines: :func:`make_engine`, :func:`available_engines`,
the command line's ``--engine`` choices and the tests all read it. ``auto`` is not an engine
but a choice among them, made by :func:`make_engine`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Literal, Protocol

from attrs import frozen

from .._errors import EngineError
from .._repr import attrs_repr
from ..facts.build import Fact
from ..rules.ruleset import Test

__all__ = [
    "ENGINES",
    "Engine",
    "EngineEntry",
    "EngineName",
    "Firing",
    "available_engines",
    "make_engine",
]

#: Every name ``make_engine`` takes: ``auto`` and the keys of :data:`ENGINES` (a test checks
#: that they agree).
EngineName = Literal["auto", "durable", "python"]
Firing = tuple[str, int]


class Engine(Protocol):
    """Matches a rule set's conditions against the facts of one situation."""

    name: str

    def match(self, facts: Sequence[Fact]) -> frozenset[Firing]:
        """``(test name, index in facts)`` for every test whose condition holds on that fact.

        An engine may leave out an ``<id>:unless`` test's firings on facts where the test
        ``<id>`` does not fire: an unless is read only beside its rule.
        """
        ...


@frozen
class EngineEntry:
    """One engine: how to make it, whether it can run here, and what it is."""

    __repr__ = attrs_repr

    #: Makes the engine for a layer's tests; imports the engine's module only when called.
    factory: Callable[[Sequence[Test]], Engine]
    #: ``None`` when the engine can run here, else what it needs (the middle of the
    #: ``EngineError`` message: "the durable engine <this>; use ...").
    unavailable: Callable[[], str | None]
    #: One line for people (``--help``).
    description: str


def _make_durable(rules: Sequence[Test]) -> Engine:
    from .durable import DurableEngine

    return DurableEngine(rules)


def _make_python(rules: Sequence[Test]) -> Engine:
    from .python import PythonEngine

    return PythonEngine(rules)


def _durable_unavailable() -> str | None:
    try:
        import durable_rules_engine  # noqa: F401
    except ModuleNotFoundError as exc:
        if exc.name != "durable_rules_engine":  # it is there, but something it needs is not
            return _failed_to_import(exc)
        return (
            "needs durable-rules, which is not installed here (it builds on CPython 3.11 and "
            "3.12 only, with a C compiler)"
        )
    except ImportError as exc:  # e.g. "undefined symbol: PyEval_CallObject" on 3.13
        return _failed_to_import(exc)
    return None


def _failed_to_import(exc: ImportError) -> str:
    return (
        "needs durable-rules, which is installed here but failed to import "
        f"({type(exc).__name__}: {exc})"
    )


#: The engines, in the order ``auto`` prefers them. The pure-Python engine comes first: measured
#: side by side, durable-rules' advise took 1.5x to 2x the Python engine's at 1 to 50
#: candidates and was never within the 1.2x that would earn it the default (docs/engines.md,
#: "Which engine is the default"); it stays selectable, and differential-tested against Python.
ENGINES: Mapping[str, EngineEntry] = {
    "python": EngineEntry(_make_python, lambda: None, "the pure-Python reference engine"),
    "durable": EngineEntry(
        _make_durable,
        _durable_unavailable,
        "durable-rules' C engine (where durable-rules is installed)",
    ),
}

_FALLBACK = "python"  # always available, so `auto` always finds one
_USE_INSTEAD = f'use engine="{_FALLBACK}" or "auto" (on the command line: --engine {_FALLBACK})'


def available_engines() -> tuple[str, ...]:
    """The engines that can run here, in the order ``auto`` prefers them: ``python``, and
    ``durable`` where durable-rules imports."""
    return tuple(name for name, entry in ENGINES.items() if entry.unavailable() is None)


def _first_available() -> str:
    """The engine ``auto`` chooses: the first of :data:`ENGINES` that runs here, the engines
    after it not probed (probing durable-rules imports its C extension)."""
    return next(name for name, entry in ENGINES.items() if entry.unavailable() is None)


def make_engine(rules: Sequence[Test], name: EngineName = "auto") -> Engine:
    """An engine for the tests ``rules``: ``auto`` is the first engine of :data:`ENGINES` that can
    run here, the pure-Python engine."""
    chosen: str = _first_available() if name == "auto" else name
    entry = ENGINES.get(chosen)
    if entry is None:
        expected = ", ".join(repr(n) for n in ("auto", *ENGINES))
        expected = " or ".join(expected.rsplit(", ", 1))
        raise EngineError(f"unknown engine {name!r}; expected {expected}")
    why = entry.unavailable()
    if why is not None:
        raise EngineError(f"the {chosen} engine {why}; {_USE_INSTEAD}")
    return entry.factory(rules)
