"""The durable-rules engine: conditions into durable-rules JSON, matched by its C module.

Embedded the way ``docs/engines.md`` describes, not through ``durable.lang`` or its ``Host``
(background threads, swallowed errors, crashes):

- the rule set is created once with ``create_ruleset``; each session (one per call to
  ``match``, or a few for a call of more than 256 facts, such as a batch of situations) puts
  its id on every fact, gives every fact a unique ``id``, makes one ``assert_facts`` call,
  then drains the firings with ``start_action_for_state`` / ``complete_and_start_action`` and
  ends with ``delete_state`` (``abandon_action`` first if anything failed; if ``assert_facts``
  itself failed, the session is left alone, since deleting it could crash the process);
- a rule on the session's own state fact fires once in every session, so that every session
  has started an action before it is deleted (a session that never did crashes on delete);
- every rule is one single-fact pattern: no joins, so neither join bug can be reached;
- ``not`` is pushed down to the leaves here, since the engine has no general negation, with
  the reference meaning of unknown values (a missing field fails every test but ``$nex``);
- ``len(list)`` is read from a count stored beside the list, and ``all`` over an empty list,
  which the engine treats as false, is made true by testing that count;
- inside an item test (``$iany`` / ``$iall``) the engine keeps only the result of the last
  branch it tried, so an ``or`` there gives wrong answers (bug C6 in ``docs/engines.md``).
  Item tests are therefore always one chain of ``and``-ed comparisons: ``any`` distributes
  over the ``or`` of its body, an enum ``in [...]`` becomes ``!=`` of the other values, and a
  quantifier that still needs an ``or`` inside an item (``all(a or b ...)``, rare) is worked
  out by the reference evaluator and handed to the engine as a flag on the fact;
- the engine walks a fact's matching tests with a stack of 64 entries and fails past it
  (error 303; C8): the rule set is shared out into engine rulesets that keep every subject's
  tests within that stack, and one evaluation runs a session in each; a rule that alone is
  too wide, or has more and/or groups than the engine can hold (error 113; C9), is worked
  out by the reference evaluator and handed to the engine as a flag;
- floats are written without exponents, which the engine's JSON reader cannot read (C7);
- the C module never releases the GIL, so a lock around each evaluation costs nothing and
  keeps sessions from interleaving.
"""

from __future__ import annotations

import contextlib
import decimal
import itertools
import json
import math
import os
import re
import threading
import weakref
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, assert_never

import attrs
import durable_rules_engine as _engine
from attrs import frozen

from .._errors import EngineError
from .._repr import attrs_repr
from ..facts.build import Fact
from ..language.evaluate import holds
from ..language.expr import (
    ITEM,
    NEGATED,
    And,
    Compare,
    Condition,
    Contains,
    Count,
    EnumType,
    Field,
    IsNull,
    Not,
    OneOf,
    Or,
    Quantified,
    operands_of,
    walk,
)
from ..model.vocabulary import subject_types
from ..rules.ruleset import Test as RuleTest
from .python import Compiled, compile_condition

__all__ = ["CompiledRuleset", "DurableEngine", "compile_ruleset"]

_STATE_RULE = "mentor-rules:session"  # never a rule id: ids have no ':'
_COUNT = "__len"  # suffix of the key that holds a list's length; field names have no '__'
_FLAGS = "flags"  # the fact key of tests worked out in Python; never a subject root
_NEGATED: dict[str, Any] = {str(op): negated for op, negated in NEGATED.items()}
_OPERATORS = {"!=": "$neq", "<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}
_MAX_TERMS = 16  # an any() body with more or-ed terms than this is worked out in Python
# The engine walks a fact's matching tests with a stack of 64 entries and fails (error 303,
# then a crash when the session is deleted) past it. ``_width`` bounds what a rule can put on
# that stack; a rule set is split into parts whose rules about one subject stay within
# _MAX_WIDTH together, and a rule wider than that on its own is worked out in Python.
_MAX_WIDTH = 48
# A rule whose test the engine would expand into more alternatives than this (each one firing
# separately) is worked out in Python too.
_MAX_ALTERNATIVES = 64
# The engine keeps two entries per and/or group of a rule in an array of 32 and refuses the
# rule set past it (error 113; C9): with the group around the subject test, 14 is the most.
_MAX_GROUPS = 14
# A fact may have at most 254 properties, nested ones counted (C5). The mentee and a subject
# hold fewer than 40 together, counts included; each flag is one more, so a part carries at
# most this many flags for one subject.
_MAX_FLAGS = 150
# The engine compares numbers exactly up to this size; a rule with a larger literal is worked
# out in Python.
_MAX_EXACT = 1e15
_names = itertools.count()

Pattern = dict[str, Any]

# durable-rules knows a fact's properties by the 32-bit FNV-1a hash of their names (dotted for
# nested ones: "candidate.relation"); two names that hash alike are one property to it. These
# are the names it gives meaning to itself.
_RESERVED = ("id", "sid", "$s", "$i", "about", _FLAGS)
# A property's JSON may be at most 16 MiB (MAX_OBJECT_PROPERTY_SIZE); past it the engine
# crashes. A fact with a property over this bound is matched by the Python engine instead.
_MAX_PROPERTY_BYTES = 8 * 2**20
# One session holds the facts of one call to ``match``, which may be those of many situations
# (``Advisor._advise_chunk``); past these bounds they are shared out over several sessions,
# one after another (every rule reads one fact, so how facts are grouped changes nothing).
# The bounds keep a session's memory in the engine small and its cost per fact flat.
_SESSION_FACTS = 256
_SESSION_BYTES = 2**18


def fnv1a_32(name: str) -> int:
    """The hash durable-rules identifies a property name by (FNV-1a over its UTF-8 bytes)."""
    value = 0x811C9DC5
    for byte in name.encode("utf-8"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value


def _schema_names() -> set[str]:
    """Every property name a fact can carry apart from flags: roots, fields and counts."""
    names = set(_RESERVED)
    for root, subject in subject_types().items():
        names.add(root)
        for field in subject.fields:
            names.update((f"{root}.{field}", f"{root}.{field}{_COUNT}"))
    return names


class _Names:
    """Hands out flag names ("flags.f0", "flags.f1", ...) that hash like no other property
    name a fact can carry, nor like each other."""

    def __init__(self) -> None:
        self._taken = {fnv1a_32(name) for name in _schema_names()}
        self._next = 0

    def flag(self) -> str:
        while True:
            name, self._next = f"f{self._next}", self._next + 1
            digest = fnv1a_32(f"{_FLAGS}.{name}")
            if digest not in self._taken:
                self._taken.add(digest)
                return name


class DurableEngine:
    """Matches facts with durable-rules' C engine; safe to share between threads, and across
    ``os.fork``: the fork waits for an evaluation under way to end."""

    name = "durable"

    def __init__(self, tests: Sequence[RuleTest]) -> None:
        self._parts = tuple(_Part(compiled) for compiled in compile_ruleset(tests))
        self._lock = threading.Lock()
        self._sessions = itertools.count()
        _ENGINES.add(self)

    def match(self, facts: Sequence[Fact]) -> frozenset[tuple[str, int]]:
        firings: set[tuple[str, int]] = set()
        with self._lock:
            for part in self._parts:
                firings |= part.match(facts, self._sessions)
        return frozenset(firings)


# Every live engine, so that a fork can wait for their evaluations: a child forked while
# another thread held an engine's lock would inherit it held, and wait for ever.
_ENGINES: weakref.WeakSet[DurableEngine] = weakref.WeakSet()
_FORKING: list[DurableEngine] = []


def _before_fork() -> None:
    engines = sorted(_ENGINES, key=id)  # one order for every fork: no deadlock between forks
    for engine in engines:
        engine._lock.acquire()
    _FORKING[:] = engines


def _after_fork() -> None:
    for engine in _FORKING:
        engine._lock.release()
    _FORKING.clear()


if hasattr(os, "register_at_fork"):  # pragma: no branch - every POSIX Python has it
    os.register_at_fork(
        before=_before_fork, after_in_parent=_after_fork, after_in_child=_after_fork
    )


#: What an evaluation's failure is judged to be the engine's, and reported as EngineError:
#: the C module's own error, and what reading a firing it wrote wrong raises. Anything else
#: (the host program's exception, raised by its signal handler while a session is under way)
#: goes on as it is, once the session is closed.
_ENGINE_FAILURES = (_engine.error, ValueError, KeyError, TypeError, IndexError)


class _Part:
    """One durable-rules ruleset: a part of the rule set small enough for the engine."""

    def __init__(self, compiled: CompiledRuleset) -> None:
        self.compiled = compiled
        try:
            self.handle = _engine.create_ruleset(
                f"mentor-rules-{next(_names)}", _dumps(compiled.definition)
            )
        except Exception as exc:  # the engine's error codes carry no rule name
            raise EngineError(f"durable-rules refused the compiled rule set: {exc}") from exc
        self._finalizer = weakref.finalize(self, _engine.delete_ruleset, self.handle)
        self._open: set[str] = set()  # sessions asserted and not yet deleted
        self._fallback: list[tuple[str, str, Compiled]] | None = None
        self._roots = frozenset(compiled.reads) | frozenset(compiled.counted)
        self._fields = {  # by root: the fields sent as they are, and those sent as counts
            root: (
                tuple(sorted(compiled.reads.get(root, ()))),
                tuple((name, name + _COUNT) for name in sorted(compiled.counted.get(root, ()))),
            )
            for root in self._roots
        }

    def match(self, facts: Sequence[Fact], sessions: Iterator[int]) -> set[tuple[str, int]]:
        """The firings of this part's rules on ``facts``, in as many sessions as the bounds on
        one session's facts and payload need (ids from ``sessions``); the facts may be those of
        several situations, each fact being matched on its own."""
        chosen = [(i, f) for i, f in enumerate(facts) if f.about in self.compiled.abouts]
        if not chosen:
            return set()
        if self._open:
            self._recover()
        fragments = self._fragments(chosen)
        if fragments is None:  # a property the engine cannot hold
            return self._in_python(chosen)
        firings: set[tuple[str, int]] = set()
        for group in _sessions(fragments):
            sid = f"s{next(sessions)}"
            firings |= self._session(_array(group, sid), sid)
        return firings

    def _session(self, payload: str, sid: str) -> set[tuple[str, int]]:
        """The firings of one session on ``payload``, the session deleted afterwards."""
        firings: set[tuple[str, int]] = set()
        self._open.add(sid)
        try:
            _, state = _engine.assert_facts(self.handle, payload)
        except _engine.error as exc:
            # The session may never have started an action, and deleting such a session
            # crashes the process (C1): it is left to the engine, and the error reported.
            self._open.discard(sid)
            raise EngineError(f"durable-rules refused the facts: {exc}") from exc
        except BaseException:
            # Not the engine's: the host's own (raised by its signal handler, say, just before
            # the call or just after it returned). The session may exist: it is closed (left,
            # it held about 170 KB for ever), and the exception goes on as it is.
            self._recover()
            raise
        drained = False
        try:
            started = _engine.start_action_for_state(self.handle, state)
            message = started[1] if started else None
            add, parse = firings.add, _FIRING.match
            while message:
                found = parse(message)  # _firings, inlined for the usual message
                if found:
                    add((found[1], int(found[2])))
                else:
                    firings.update(_firings(message))
                message = _engine.complete_and_start_action(self.handle, state)
            drained = True
        except _ENGINE_FAILURES as exc:  # the engine's, or a firing it wrote wrong
            with contextlib.suppress(Exception):
                _engine.abandon_action(self.handle, state)
            raise EngineError(f"durable-rules failed during an evaluation: {exc}") from exc
        finally:
            if drained:
                _engine.delete_state(self.handle, sid)
                self._open.discard(sid)
            else:  # anything at all, the host's exceptions included: close what is open
                self._recover()
        return firings

    def _recover(self) -> None:
        """Close every session left open by an evaluation that was cut short.

        Each one is first made to start its pending actions (every session has one: the rule
        on its own state), since deleting a session that never started one crashes (C1).
        """
        with contextlib.suppress(Exception):
            action = _engine.start_action(self.handle)
            while action:
                while _engine.complete_and_start_action(self.handle, action[2]):
                    pass
                action = _engine.start_action(self.handle)
        for sid in list(self._open):
            with contextlib.suppress(Exception):
                _engine.delete_state(self.handle, sid)
            self._open.discard(sid)

    def _in_python(self, facts: Sequence[tuple[int, Fact]]) -> set[tuple[str, int]]:
        """The part's tests on ``facts`` by the Python engine's closures (same answers)."""
        if self._fallback is None:
            self._fallback = [
                (name, about, compile_condition(condition))
                for name, about, condition in self.compiled.tests
            ]
        return {
            (name, index)
            for index, fact in facts
            for name, about, compiled in self._fallback
            if about == fact.about and compiled(fact.values, None)
        }

    def _payload(self, facts: Sequence[tuple[int, Fact]], sid: str) -> str | None:
        """The facts as one session of durable-rules reads them; ``None`` if a property would
        be too big. (``match`` shares the facts out over sessions; see ``_sessions``.)"""
        fragments = self._fragments(facts)
        if fragments is None:
            return None
        return _array(fragments, sid)

    def _fragments(self, facts: Sequence[tuple[int, Fact]]) -> list[str] | None:
        """Each fact as durable-rules reads it, less its closing ``"sid":"..."}`` (the session
        is chosen later); ``None`` if a property would be too big. The ``id`` comes first, where
        ``_firings`` reads it."""
        encoded: dict[int, str] = {}  # the mentee's part is shared by every fact: encode it once
        # Flags that read only the mentee, by subject and mentee: the facts may be those of
        # several situations (a batch), each with its own mentee.
        shared: dict[tuple[str, int], str] = {}
        all_flags, all_shared = self.compiled.flags, self.compiled.shared
        parts = []
        for index, fact in facts:
            about, values = fact.about, fact.values
            text = f'{{"id":"{index}","about":"{about}",'
            roots = self.compiled.roots.get(about, ())
            for root, found in values.items():
                if root in roots:
                    json_text = encoded.get(id(found))
                    if json_text is None:
                        json_text = encoded[id(found)] = _dumps(self._prepare(root, found))
                        if len(json_text) > _MAX_PROPERTY_BYTES:
                            return None
                    text += f'"{root}":{json_text},'
            if about in all_flags or about in all_shared:
                mentee = (about, id(values.get("mentee")))
                if mentee not in shared:
                    shared[mentee] = _worked_out(all_shared.get(about, ()), values)
                own = _worked_out(all_flags[about], values) if about in all_flags else ""
                worked_out = ",".join(t for t in (shared[mentee], own) if t)
                if worked_out:
                    text += f'"{_FLAGS}":{{{worked_out}}},'
            parts.append(text)
        return parts

    def _prepare(self, root: str, values: Mapping[str, Any]) -> dict[str, Any]:
        """Only what the conditions test: a list that is only counted goes as its count."""
        names, counted = self._fields[root]
        prepared = {name: value for name in names if (value := values.get(name)) is not None}
        for name, key in counted:
            prepared[key] = len(values.get(name) or ())
        return prepared


_TRUE, _FALSE = "true", "false"


def _worked_out(flags: Sequence[tuple[str, Condition]], values: Mapping[str, Any]) -> str:
    """The flags' values on a fact's ``values``, as JSON members."""
    return ",".join(f'"{name}":{_TRUE if holds(test, values) else _FALSE}' for name, test in flags)


def _array(fragments: list[str], sid: str) -> str:
    """The payload of one session: ``fragments`` closed with the session id, as a JSON array."""
    if not fragments:
        return "[]"
    tail = f'"sid":"{sid}"}}'
    return "[" + (tail + ",").join(fragments) + tail + "]"


def _sessions(fragments: list[str]) -> list[list[str]]:
    """``fragments`` shared out, in order, into sessions of at most ``_SESSION_FACTS`` facts
    and about ``_SESSION_BYTES`` of payload (a fact larger than that alone goes on its own)."""
    if len(fragments) <= _SESSION_FACTS and sum(map(len, fragments)) <= _SESSION_BYTES:
        return [fragments]
    groups: list[list[str]] = [[]]
    size = 0
    for fragment in fragments:
        if groups[-1] and (
            len(groups[-1]) == _SESSION_FACTS or size + len(fragment) > _SESSION_BYTES
        ):
            groups.append([])
            size = 0
        groups[-1].append(fragment)
        size += len(fragment)
    return groups


# A firing message starts with the rule's name and the fact, whose first key is its id.
_FIRING = re.compile(r'\{"([^"]+)":\{"m":\{"id": ?"(\d+)"')


def _firings(message: str) -> list[tuple[str, int]]:
    """``(rule id, fact index)`` of a firing message, read without parsing the whole fact."""
    found = _FIRING.match(message)
    if found:
        return [(found[1], int(found[2]))]
    return [  # the session's own state, or a shape the pattern does not know
        (rule_id, int(matched["m"]["id"]))
        for rule_id, matched in json.loads(message).items()
        if rule_id != _STATE_RULE
    ]


def _not_json(value: Any) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# json.dumps makes a new encoder on every call, which costs about as much as encoding a fact's
# few fields; this one is made once (compact separators, ASCII, no check for cycles: facts are
# plain trees). Where the C accelerator is missing, json.dumps does the same.
_C_ENCODER = getattr(json.encoder, "c_make_encoder", None)
if _C_ENCODER is not None:  # pragma: no branch - CPython has it
    _ENCODE = _C_ENCODER(
        None, _not_json, json.encoder.encode_basestring_ascii, None, ":", ",", False, False, True
    )


def _encode(value: Any) -> str:
    if _C_ENCODER is None:  # pragma: no cover
        return json.dumps(value, separators=(",", ":"))
    return "".join(_ENCODE(value, 0))


# What a float written with an exponent has (a text may have it too); tested only where the
# much faster substring tests find "e-" or "e+".
_EXPONENT = re.compile(r"\de[-+]")


def _dumps(value: Any) -> str:
    """JSON that durable-rules reads back exactly.

    Its reader stops at a number with an exponent and no fraction (``1e-05``, which
    ``json.dumps`` writes for floats below 1e-4), dropping that fact and the rest of the batch
    without a word; such floats are written out in positional notation instead.
    """
    text = _encode(value)
    if ("e-" in text or "e+" in text) and _EXPONENT.search(text) and _has_small_float(value):
        return _positional(value)
    return text


def _has_small_float(value: Any) -> bool:
    if isinstance(value, float):
        return "e" in repr(value)
    if isinstance(value, Mapping):
        return any(_has_small_float(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_has_small_float(v) for v in value)
    return False


def _positional(value: Any) -> str:
    if isinstance(value, float):
        text = format(decimal.Decimal(repr(value)), "f")
        return text if "." in text else text + ".0"
    if isinstance(value, Mapping):
        items = (f"{json.dumps(str(k))}:{_positional(v)}" for k, v in value.items())
        return "{" + ",".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_positional(v) for v in value) + "]"
    return json.dumps(value)


@frozen
class CompiledRuleset:
    """A part of a rule set in durable-rules' terms.

    ``definition`` is the ruleset JSON; ``abouts`` the subjects its rules are about; ``reads``
    the fields (by root) its tests read; ``counted`` the list fields whose lengths the facts
    must carry; ``flags`` the tests (by subject, by flag name) worked out in Python and carried
    on the facts; ``shared`` those of them that read only the mentee, which every fact of one
    evaluation shares: they are worked out once, and the mentee's lists are not sent with
    every fact.
    """

    __repr__ = attrs_repr

    definition: dict[str, Any]
    abouts: frozenset[str]
    reads: dict[str, frozenset[str]]
    counted: dict[str, frozenset[str]]
    flags: dict[str, tuple[tuple[str, Condition], ...]]
    shared: dict[str, tuple[tuple[str, Condition], ...]]
    tests: tuple[tuple[str, str, Condition], ...] = ()
    #: By subject, the roots its tests read in the engine: a candidate's tests of the mentee
    #: are shared flags, so its facts are sent without the mentee's fields.
    roots: dict[str, frozenset[str]] = attrs.Factory(dict)


@attrs.define
class _Filling:
    """A part of the rule set being filled, before it becomes a :class:`CompiledRuleset`."""

    __repr__ = attrs_repr

    #: The engine's test of each rule, by test name.
    tests: dict[str, Pattern] = attrs.Factory(dict)
    #: The width of the tests about each subject, against ``_MAX_WIDTH``.
    width: dict[str, int] = attrs.Factory(dict)
    reads: dict[str, set[str]] = attrs.Factory(dict)
    counted: dict[str, set[str]] = attrs.Factory(dict)
    flags: dict[str, list[tuple[str, Condition]]] = attrs.Factory(dict)
    shared: dict[str, list[tuple[str, Condition]]] = attrs.Factory(dict)
    sources: list[tuple[str, str, Condition]] = attrs.Factory(list)
    roots: dict[str, set[str]] = attrs.Factory(dict)

    def room(self, about: str, width: int, flags: int) -> bool:
        """Whether a test about ``about`` of ``width`` needing ``flags`` flags still fits."""
        taken = len(self.flags.get(about, ())) + len(self.shared.get(about, ()))
        return self.width.get(about, 0) + width <= _MAX_WIDTH and taken + flags <= _MAX_FLAGS

    def add(self, rule: RuleTest, test: Pattern, compiler: _Compiler) -> None:
        about = str(rule.about)
        self.tests[rule.name] = {"$and": [{"about": about}, test]}
        self.sources.append((rule.name, about, rule.condition))
        self.width[about] = self.width.get(about, 0) + _width(test)
        for path in compiler.counted:
            self.counted.setdefault(path[0], set()).add(path[1])
        for path in compiler.read:
            self.reads.setdefault(path[0], set()).add(path[1])
        self.roots.setdefault(about, set()).update(
            path[0] for path in (*compiler.read, *compiler.counted)
        )
        self.flags.setdefault(about, []).extend(compiler.flags)
        self.shared.setdefault(about, []).extend(compiler.shared)

    def compiled(self) -> CompiledRuleset:
        return CompiledRuleset(
            {
                **{rule_id: {"all": [{"m": test}]} for rule_id, test in self.tests.items()},
                _STATE_RULE: {"all": [{"m": {"$s": 1}}]},
            },
            frozenset(self.width),
            {root: frozenset(names) for root, names in self.reads.items()},
            {root: frozenset(names) for root, names in self.counted.items()},
            {about: tuple(found) for about, found in self.flags.items() if found},
            {about: tuple(found) for about, found in self.shared.items() if found},
            tuple(self.sources),
            {about: frozenset(roots) for about, roots in self.roots.items()},
        )


def compile_ruleset(tests: Sequence[RuleTest]) -> list[CompiledRuleset]:
    """Compile every test into a single-fact pattern that durable-rules evaluates correctly,
    and share the tests out into as few engine rulesets as its stack allows."""
    names = _Names()
    parts: list[_Filling] = []
    for rule in tests:
        compiler = _Compiler(names, rule.about)
        test = compiler.positive(rule.condition)
        too_big = (
            _has_huge_literal(rule.condition)
            or _width(test) > _MAX_WIDTH
            or _alternatives(test) > _MAX_ALTERNATIVES
            or _groups(test) > _MAX_GROUPS
        )
        if too_big or len(compiler.flags) + len(compiler.shared) > _MAX_FLAGS:
            compiler = _Compiler(names, rule.about)
            test = compiler.flagged(rule.condition, negated=False, shared=False)
        needed = len(compiler.flags) + len(compiler.shared)
        part = next((p for p in parts if p.room(str(rule.about), _width(test), needed)), None)
        if part is None:
            part = _Filling()
            parts.append(part)
        part.add(rule, test, compiler)
    return [part.compiled() for part in parts]


def _has_huge_literal(condition: Condition) -> bool:
    """Whether ``condition`` compares with a number the engine cannot hold exactly."""
    for node in walk(condition):
        match node:
            case Compare(value=value) | Contains(value=value):
                found: tuple[Any, ...] = (value,)
            case OneOf(values=found):
                pass
            case _:
                continue
        if any(_is_number(v) and abs(v) > _MAX_EXACT for v in found):
            return True
    return False


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _width(test: Pattern) -> int:
    """How many stack entries the engine may need at once while it walks ``test``.

    Alternatives of an ``$or`` are pushed side by side; the parts of an ``$and`` are walked
    one after another, the pending alternatives of the earlier parts staying on the stack.
    """
    if "$or" in test:
        return sum(_width(t) for t in test["$or"])
    if "$and" in test:
        return sum(_width(t) for t in test["$and"]) - len(test["$and"]) + 1
    return 1


def _groups(test: Any) -> int:
    """How many ``$and`` / ``$or`` groups ``test`` holds, item tests included."""
    if isinstance(test, dict):
        inner = sum(_groups(value) for value in test.values())
        return inner + sum(1 for key in test if key in ("$and", "$or"))
    if isinstance(test, list):
        return sum(_groups(value) for value in test)
    return 0


def _alternatives(test: Pattern) -> int:
    """How many separate paths (each one firing on its own) the engine makes of ``test``."""
    if "$or" in test:
        return sum(_alternatives(t) for t in test["$or"])
    if "$and" in test:
        return math.prod(_alternatives(t) for t in test["$and"])
    return 1


def _key(path: tuple[str, ...]) -> str:
    return ".".join("$i" if part == ITEM else part for part in path)


def _test(key: str, op: str, value: Any) -> Pattern:
    return {key: value} if op == "==" else {_OPERATORS[op]: {key: value}}


def _group(op: str, items: list[Pattern]) -> Pattern:
    return items[0] if len(items) == 1 else {op: items}


def _reads_item(condition: Condition) -> bool:
    match condition:
        case Compare(left=read) | OneOf(field=read) | Contains(field=read) | IsNull(field=read):
            return read.path[0] == ITEM
        case Quantified(field=read):
            return read.path[0] == ITEM
        case Not(operand=operand):
            return _reads_item(operand)
        case And(operands=operands) | Or(operands=operands):
            return any(_reads_item(operand) for operand in operands)
        case _:
            assert_never(condition)


class _Compiler:
    """Compiles one rule's condition; collects the counts and flags it needs.

    In a rule about another subject than the mentee, a part of the condition that reads only
    the mentee is the same for every fact of an evaluation: it becomes a shared flag.
    """

    def __init__(self, names: _Names, about: str) -> None:
        self.names = names
        self.about = about
        self.counted: set[tuple[str, ...]] = set()
        self.read: set[tuple[str, ...]] = set()  # fields sent as values (not items' fields)
        self.flags: list[tuple[str, Condition]] = []
        self.shared: list[tuple[str, Condition]] = []

    def flagged(self, condition: Condition, negated: bool, shared: bool) -> Pattern:
        """``condition`` worked out in Python and tested as a flag on the fact."""
        name = self.names.flag()
        (self.shared if shared else self.flags).append((name, condition))
        return {f"{_FLAGS}.{name}": not negated}

    def mentee_only(self, condition: Condition) -> bool:
        if self.about == "mentee":
            return False
        reads = list(operands_of(condition))
        return bool(reads) and all(read.path[0] == "mentee" for read in reads)

    def key(self, path: tuple[str, ...]) -> str:
        """The engine's name for ``path``, noting that the facts must carry that field."""
        if path[0] != ITEM:
            self.read.add(path)
        return _key(path)

    # -- whole conditions, ``not`` pushed down to the leaves

    def positive(self, condition: Condition) -> Pattern:
        if self.mentee_only(condition):
            return self.flagged(condition, negated=False, shared=True)
        match condition:
            case Compare(left=left, op=op, value=value):
                return self.compare(left, op, value)
            case OneOf(field=field, values=values):
                return _group("$or", [{self.key(field.path): v} for v in values])
            case Contains(field=field, value=value):
                return {"$iany": {self.key(field.path): {"$i": value}}}
            case IsNull(field=field):
                return {"$nex": {self.key(field.path): 1}}
            case Quantified():
                return self.quantified(condition, negated=False)
            case Not(operand=operand):
                return self.negative(operand)
            case And(operands=operands):
                return _group("$and", [self.positive(c) for c in operands])
            case Or(operands=operands):
                return _group("$or", [self.positive(c) for c in operands])
            case _:
                assert_never(condition)

    def negative(self, condition: Condition) -> Pattern:
        if self.mentee_only(condition):
            return self.flagged(condition, negated=True, shared=True)
        match condition:
            case Compare(left=left, op=op, value=value):
                flipped = self.compare(left, _NEGATED[op], value)
                if isinstance(left, Field) and left.nullable:
                    return {"$or": [flipped, {"$nex": {self.key(left.path): 1}}]}
                return flipped
            case OneOf(field=field, values=values):
                key = self.key(field.path)
                unequal = _group("$and", [{"$neq": {key: v}} for v in values])
                if field.nullable:
                    return {"$or": [unequal, {"$nex": {key: 1}}]}
                return unequal
            case Contains(field=field, value=value):
                none_equal = {"$iall": {self.key(field.path): {"$neq": {"$i": value}}}}
                return {"$or": [self.count(field.path, "==", 0), none_equal]}
            case IsNull(field=field):
                return {"$ex": {self.key(field.path): 1}}
            case Quantified():
                return self.quantified(condition, negated=True)
            case Not(operand=operand):
                return self.positive(operand)
            case And(operands=operands):
                return _group("$or", [self.negative(c) for c in operands])
            case Or(operands=operands):
                return _group("$and", [self.negative(c) for c in operands])
            case _:
                assert_never(condition)

    def compare(self, left: Field | Count, op: str, value: Any) -> Pattern:
        if isinstance(left, Count):
            return self.count(left.path, op, value)
        return _test(self.key(left.path), op, value)

    def count(self, path: tuple[str, ...], op: str, value: int) -> Pattern:
        self.counted.add(path)
        return _test(_key(path) + _COUNT, op, value)

    # -- quantifiers: item tests stay single chains of and-ed comparisons

    def quantified(self, condition: Quantified, negated: bool) -> Pattern:
        quantifier = condition.quantifier
        body: Condition = condition.body
        if negated:  # not any(b) == all(not b); not all(b) == any(not b)
            quantifier = "all" if quantifier == "any" else "any"
            body = Not(body)
        terms = self.terms(body)
        path = condition.field.path
        if terms is not None and quantifier == "any" and len(terms) <= _MAX_TERMS:
            return _group("$or", [self.any_term(path, items, outer) for items, outer in terms])
        if terms is not None and quantifier == "all" and len(terms) == 1:
            items, outer = terms[0]
            every = [
                *outer,
                *([{"$iall": {self.key(path): _group("$and", items)}}] if items else []),
            ]
            if not every:  # the body always holds
                return self.count(path, ">=", 0)
            return {"$or": [self.count(path, "==", 0), _group("$and", every)]}
        return self.flagged(condition, negated, shared=False)

    def any_term(
        self, path: tuple[str, ...], items: list[Pattern], outer: list[Pattern]
    ) -> Pattern:
        if items:
            return _group("$and", [*outer, {"$iany": {self.key(path): _group("$and", items)}}])
        return _group("$and", [*outer, self.count(path, ">", 0)])

    def terms(self, body: Condition) -> list[tuple[list[Pattern], list[Pattern]]] | None:
        """``body`` as an or of terms, each (item comparisons, tests of the outer fact).

        ``None`` when a part of it cannot be an item comparison (a list inside the item).
        """
        if not _reads_item(body):
            return [([], [self.positive(body)])]
        match body:
            case Not(operand=operand):
                return self.negated_terms(operand)
            case Compare(left=Field(path=path), op=op, value=value):
                return [([_test(self.key(path), op, value)], [])]
            case OneOf(field=field, values=values):
                key = self.key(field.path)
                if isinstance(field.type, EnumType):  # in S  ==  not in (all values - S)
                    others = [v for v in field.type.values if v not in values]
                    return [([{"$neq": {key: v}} for v in others], [])]
                return [([{key: v}], []) for v in values]
            case And(operands=operands) | Or(operands=operands):
                parts = [self.terms(operand) for operand in operands]
                if any(part is None for part in parts):
                    return None
                if isinstance(body, Or):
                    return [term for part in parts for term in part or ()]
                product: list[tuple[list[Pattern], list[Pattern]]] = [([], [])]
                for part in parts:
                    product = [(a + c, b + d) for a, b in product for c, d in part or ()]
                    if len(product) > _MAX_TERMS:
                        return None
                return product
            case Compare() | Contains() | IsNull() | Quantified():
                return None  # a length, or a list, inside the item: no item comparison
            case _:
                assert_never(body)

    def negated_terms(self, operand: Condition) -> list[tuple[list[Pattern], list[Pattern]]] | None:
        match operand:
            case Compare(left=Field(path=path), op=op, value=value):
                return [([_test(self.key(path), _NEGATED[op], value)], [])]
            case OneOf(field=field, values=values):
                return [([{"$neq": {self.key(field.path): v}} for v in values], [])]
            case Not(operand=inner):
                return self.terms(inner)
            case And(operands=operands):
                return self.terms(Or(tuple(Not(c) for c in operands)))
            case Or(operands=operands):
                return self.terms(And(tuple(Not(c) for c in operands)))
            case Compare() | Contains() | IsNull() | Quantified():
                return None  # a length, or a list, inside the item: no item comparison
            case _:
                assert_never(operand)
