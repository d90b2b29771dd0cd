"""The durable-rules engine: conditions into durable-rules JSON, matched by its C module.

Embedded the way ``shared/notes/durable-rules.md`` found reliable, not through ``durable.lang``
or its ``Host`` (background threads, swallowed errors, crashes):

- the rule set is created once with ``create_ruleset``; each evaluation uses a fresh session id
  on every fact, gives every fact a unique ``id``, makes one ``assert_facts`` call, then drains
  the firings with ``start_action_for_state`` / ``complete_and_start_action`` and always ends
  with ``delete_state`` (``abandon_action`` first if anything failed);
- a rule on the session's own state fact fires once in every session, so that every session
  has started an action before it is deleted (a session that never did crashes on delete);
- every rule is one single-fact pattern: no joins, so neither join bug can be reached;
- ``not`` is pushed down to the leaves here, since the engine has no general negation, with
  the reference meaning of unknown values (a missing field fails every test but ``$nex``);
- ``len(list)`` is read from a count stored beside the list, and ``all`` over an empty list,
  which the engine treats as false, is made true by testing that count;
- the C module never releases the GIL, so a lock around each evaluation costs nothing and
  keeps sessions from interleaving.
"""

from __future__ import annotations

import itertools
import json
import threading
import weakref
from collections.abc import Mapping, Sequence
from typing import Any

import durable_rules_engine as _engine

from .._errors import EngineError
from .._expr import (
    ITEM,
    And,
    Compare,
    Condition,
    Contains,
    Count,
    Field,
    IsNull,
    Not,
    OneOf,
    Or,
    Quantified,
    walk,
)
from .._facts import Fact
from .._ruleset import RuleSet

__all__ = ["DurableEngine", "compile_ruleset"]

_STATE_RULE = "mentor-rules:session"  # never a rule id: ids have no ':'
_COUNT = "__len"  # suffix of the key that holds a list's length; field names have no '__'
_NEGATED = {"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}
_OPERATORS = {"!=": "$neq", "<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}
_names = itertools.count()


class DurableEngine:
    """Matches facts with durable-rules' C engine; safe to share between threads."""

    name = "durable"

    def __init__(self, rules: RuleSet) -> None:
        definition, self._counted = compile_ruleset(rules)
        try:
            self._handle = _engine.create_ruleset(
                f"mentor-rules-{next(_names)}", json.dumps(definition)
            )
        except Exception as exc:  # the engine's error codes carry no rule name
            raise EngineError(f"durable-rules refused the compiled rule set: {exc}") from exc
        self._finalizer = weakref.finalize(self, _engine.delete_ruleset, self._handle)
        self._lock = threading.Lock()
        self._sessions = itertools.count()

    def match(self, facts: Sequence[Fact]) -> frozenset[tuple[str, int]]:
        with self._lock:
            sid = f"s{next(self._sessions)}"
            payload = self._payload(facts, sid)
            firings: set[tuple[str, int]] = set()
            state = None
            try:
                _, state = _engine.assert_facts(self._handle, payload)
                started = _engine.start_action_for_state(self._handle, state)
                message = started[1] if started else None
                while message:
                    for rule_id, matched in json.loads(message).items():
                        if rule_id != _STATE_RULE:
                            firings.add((rule_id, int(matched["m"]["id"])))
                    message = _engine.complete_and_start_action(self._handle, state)
            except Exception as exc:
                if state is not None:
                    try:
                        _engine.abandon_action(self._handle, state)
                    except Exception:  # noqa: S110 - already reporting the first failure
                        pass
                raise EngineError(f"durable-rules failed during an evaluation: {exc}") from exc
            finally:
                _engine.delete_state(self._handle, sid)
        return frozenset(firings)

    def _payload(self, facts: Sequence[Fact], sid: str) -> str:
        encoded: dict[int, str] = {}  # the mentee's part is shared by every fact: encode it once
        parts = []
        for index, fact in enumerate(facts):
            fields = [f'"id":"{index}","sid":"{sid}","about":"{fact.about}"']
            for root, values in fact.values.items():
                key = id(values)
                if key not in encoded:
                    encoded[key] = json.dumps(self._prepare(root, values))
                fields.append(f'"{root}":{encoded[key]}')
            parts.append("{" + ",".join(fields) + "}")
        return "[" + ",".join(parts) + "]"

    def _prepare(self, root: str, values: Mapping[str, Any]) -> dict[str, Any]:
        prepared = {name: value for name, value in values.items() if value is not None}
        for name in self._counted.get(root, ()):
            prepared[name + _COUNT] = len(values.get(name) or ())
        return prepared


def compile_ruleset(rules: RuleSet) -> tuple[dict[str, Any], dict[str, frozenset[str]]]:
    """The durable-rules JSON definition of ``rules``, and the list fields that need counts."""
    definition: dict[str, Any] = {}
    counted: dict[str, set[str]] = {}
    for rule in rules:
        for node in walk(rule.condition):
            for path in _counted_paths(node):
                counted.setdefault(path[0], set()).add(path[1])
        test = {"$and": [{"about": str(rule.about)}, _positive(rule.condition)]}
        definition[rule.id] = {"all": [{"m": test}]}
    definition[_STATE_RULE] = {"all": [{"m": {"$s": 1}}]}
    return definition, {root: frozenset(names) for root, names in counted.items()}


def _counted_paths(node: Condition) -> list[tuple[str, ...]]:
    if isinstance(node, Compare) and isinstance(node.left, Count):
        return [node.left.path]
    if isinstance(node, Quantified | Contains):  # a negation may need "the list is empty"
        return [node.field.path]
    return []


def _key(path: tuple[str, ...]) -> str:
    return ".".join("$i" if part == ITEM else part for part in path)


def _count_key(path: tuple[str, ...]) -> str:
    return _key(path) + _COUNT


def _test(key: str, op: str, value: Any) -> dict[str, Any]:
    return {key: value} if op == "==" else {_OPERATORS[op]: {key: value}}


def _group(op: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    return items[0] if len(items) == 1 else {op: items}


def _missing(field: Field) -> dict[str, Any]:
    return {"$nex": {_key(field.path): 1}}


def _empty(field: Field) -> dict[str, Any]:
    return {_count_key(field.path): 0}


def _positive(condition: Condition) -> dict[str, Any]:
    """``condition`` as an engine test, with ``not`` already pushed down to the leaves."""
    if isinstance(condition, Compare):
        left = condition.left
        key = _count_key(left.path) if isinstance(left, Count) else _key(left.path)
        return _test(key, condition.op, condition.value)
    if isinstance(condition, OneOf):
        return _group("$or", [{_key(condition.field.path): v} for v in condition.values])
    if isinstance(condition, Contains):
        return {"$iany": {_key(condition.field.path): {"$i": condition.value}}}
    if isinstance(condition, IsNull):
        return _missing(condition.field)
    if isinstance(condition, Quantified):
        key = _key(condition.field.path)
        if condition.quantifier == "any":
            return {"$iany": {key: _positive(condition.body)}}
        return {"$or": [_empty(condition.field), {"$iall": {key: _positive(condition.body)}}]}
    if isinstance(condition, Not):
        return _negative(condition.operand)
    if isinstance(condition, And):
        return _group("$and", [_positive(c) for c in condition.operands])
    assert isinstance(condition, Or)
    return _group("$or", [_positive(c) for c in condition.operands])


def _negative(condition: Condition) -> dict[str, Any]:
    """``not condition`` as an engine test."""
    if isinstance(condition, Compare):
        left = condition.left
        flipped = _positive(Compare(left, _NEGATED[condition.op], condition.value))
        if isinstance(left, Field) and left.nullable:
            return {"$or": [flipped, _missing(left)]}
        return flipped
    if isinstance(condition, OneOf):
        key = _key(condition.field.path)
        unequal = _group("$and", [{"$neq": {key: v}} for v in condition.values])
        return {"$or": [unequal, _missing(condition.field)]} if condition.field.nullable else unequal
    if isinstance(condition, Contains):
        key = _key(condition.field.path)
        return {"$or": [_empty(condition.field), {"$iall": {key: {"$neq": {"$i": condition.value}}}}]}
    if isinstance(condition, IsNull):
        return {"$ex": {_key(condition.field.path): 1}}
    if isinstance(condition, Quantified):
        key = _key(condition.field.path)
        if condition.quantifier == "any":
            return {"$or": [_empty(condition.field), {"$iall": {key: _negative(condition.body)}}]}
        return {"$iany": {key: _negative(condition.body)}}
    if isinstance(condition, Not):
        return _positive(condition.operand)
    if isinstance(condition, And):
        return _group("$or", [_negative(c) for c in condition.operands])
    assert isinstance(condition, Or)
    return _group("$and", [_negative(c) for c in condition.operands])
