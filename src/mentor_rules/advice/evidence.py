"""Where a value a rule read from a fact stands in the input document: evidence paths.

Plain fields map one to one (``candidate.relation`` of the third candidate is
``candidates[2].relation``); derived fields map to the input values they were made from, and
what rules concluded maps to nothing (the concluding rule's own evidence shows why), except
``fits_goals`` and ``unmet_goal_scopes``, which point at the goals. A candidate's industry or
job that matched the mentee's carries how the two texts matched (:class:`TextMatch`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, assert_never

from ..engines.python import compile_condition
from ..facts.build import Fact
from ..language.expr import (
    ITEM,
    And,
    Compare,
    Condition,
    Contains,
    FactPath,
    IsNull,
    Not,
    OneOf,
    Or,
    Quantified,
    operands_of,
)
from ..model.output import Evidence
from ..model.situation import CoachingRole, GoalKind, GoalScope, Mentee, Situation
from ..model.text import ShortForms, gist, gists_echo
from ..model.vocabulary import Conclusion

__all__ = ["compile_evidence", "input_evidence", "input_evidence_for", "static_reads"]

#: The names of the conclusion fields, which :func:`_concluded_evidence` traces.
_CONCLUSIONS = frozenset(Conclusion)


#: No short forms: where none are given.
_NO_SHORT_FORMS = ShortForms()


def input_evidence(
    situation: Situation,
    fact: Fact,
    path: FactPath,
    value: Any,
    short_forms: ShortForms = _NO_SHORT_FORMS,
) -> Iterator[Evidence]:
    """Where a value read from ``fact`` at ``path`` stands in the input document, as
    :class:`Evidence` (industries and jobs matched with ``short_forms``, the rule set's)."""
    for item in _input_evidence(situation, fact, path, value, short_forms):
        yield item if isinstance(item, Evidence) else Evidence(*item)


def _input_evidence(
    situation: Situation, fact: Fact, path: FactPath, value: Any, short_forms: ShortForms
) -> Iterator[tuple[str, Any] | Evidence]:
    root, rest = path[0], path[1:]
    name = rest[0] if rest else None
    mentee = situation.mentee
    if name in _CONCLUSIONS:
        yield from _concluded_evidence(situation, Conclusion(name), value)
    elif root == "mentee":
        if name == "aimed_industry":
            yield _aimed(mentee, "target_industry", "industry")
        elif name == "aimed_job":
            yield _aimed(mentee, "target_job", "job")
        else:
            yield _render(("mentee", *rest)), value
    elif root == "candidate":
        yield from _candidate_evidence(situation, fact, rest, value, short_forms)
    elif root == "past_mentor":
        yield _render(("mentee", "past_mentors", fact.position, *rest)), value
    elif root == "role" and name == "filled":
        yield "mentee.support_roles", [r.value for r in mentee.support_roles]


def _concluded_evidence(
    situation: Situation, name: Conclusion, value: Any
) -> Iterator[tuple[str, Any]]:
    """Where a conclusion field read stands in the input: the goals for those about goals,
    nothing for the others (the concluding rule's own evidence shows why)."""
    match name:
        case Conclusion.CONCLUDED | Conclusion.CONCLUDED_KINDS | Conclusion.CANDIDATES_CONCLUDED:
            return
        case Conclusion.FITS_GOALS:
            for n in value if isinstance(value, list) else [value]:
                yield f"mentee.goals[{n}]", _goal(situation, n)
        case Conclusion.UNMET_GOAL_SCOPES:
            unmet = set(value) if isinstance(value, list) else {value}
            for n, goal in enumerate(situation.mentee.goals):
                if goal.scope.value in unmet:
                    yield f"mentee.goals[{n}]", _goal(situation, n)
        case _:
            assert_never(name)


#: Where the values read at one path of a fact stand in the input: ``input_evidence`` with
#: the path and the short forms fixed.
InputEvidence = Callable[[Situation, Fact, Any], Iterable[Evidence]]

#: Fields made from several input values, each with its own way to the input.
_MADE = {
    "mentee": frozenset({"aimed_industry", "aimed_job"}),
    "candidate": frozenset(
        {
            "echoes_worked",
            "echoes_did_not_work",
            "industry_match",
            "job_match",
            "longer_at_company",
        }
    ),
}


def input_evidence_for(path: FactPath, short_forms: ShortForms = _NO_SHORT_FORMS) -> InputEvidence:
    """:func:`input_evidence` for the values read at ``path``, as a function of the situation,
    the fact and the value, with what depends on the path alone worked out once: which branch
    of :func:`_input_evidence` the path takes, and the text of a plain field's input path
    (``tests/test_fast_paths.py`` checks the two agree)."""
    root, rest = path[0], path[1:]

    def made(situation: Situation, fact: Fact, value: Any) -> Iterable[Evidence]:
        return tuple(input_evidence(situation, fact, path, value, short_forms))

    if not rest:
        return made
    name = rest[0]
    if name in _CONCLUSIONS:
        conclusion = Conclusion(name)
        if conclusion in _NOWHERE:
            return _no_evidence  # the concluding rule's own evidence shows why
        if conclusion == Conclusion.FITS_GOALS:
            return lambda situation, fact, value: [
                Evidence(f"mentee.goals[{n}]", _goal(situation, n))
                for n in (value if isinstance(value, list) else [value])
            ]
        return lambda situation, fact, value: [
            Evidence(where, goal)
            for where, goal in _concluded_evidence(situation, conclusion, value)
        ]
    if root == "mentee" and name in _MADE["mentee"]:
        fields = (
            ("target_industry", "industry") if name == "aimed_industry" else ("target_job", "job")
        )
        return lambda situation, fact, value: (Evidence(*_aimed(situation.mentee, *fields)),)
    if root == "candidate" and name in ("echoes_worked", "echoes_did_not_work"):
        source = "worked" if name == "echoes_worked" else "did_not_work"
        return lambda situation, fact, value: _echo_evidence_made(situation, fact, source, value)
    if root == "candidate" and name in _MADE["candidate"]:
        return lambda situation, fact, value: [
            item if isinstance(item, Evidence) else Evidence(*item)
            for item in _candidate_evidence(situation, fact, rest, value, short_forms)
        ]
    if root == "role":
        if name != "filled":
            return _no_evidence
        return lambda situation, fact, value: (
            Evidence("mentee.support_roles", [_VALUE[r] for r in situation.mentee.support_roles]),
        )
    suffix = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in rest)
    if root == "mentee":
        where = "mentee" + suffix
        return lambda situation, fact, value: (Evidence(where, value),)
    if root == "candidate":
        return lambda situation, fact, value: (
            Evidence(f"candidates[{fact.position}]{suffix}", value),
        )
    if root == "past_mentor":
        return lambda situation, fact, value: (
            Evidence(f"mentee.past_mentors[{fact.position}]{suffix}", value),
        )
    return made


#: The conclusion fields that stand nowhere in the input (the first case of
#: :func:`_concluded_evidence`); the others go through it.
_NOWHERE = frozenset(
    {Conclusion.CONCLUDED, Conclusion.CONCLUDED_KINDS, Conclusion.CANDIDATES_CONCLUDED}
)


def _no_evidence(situation: Situation, fact: Fact, value: Any) -> Iterable[Evidence]:
    """No place in the input: what a rule concluded (its own evidence shows why)."""
    return ()


def _aimed(mentee: Mentee, target: str, current: str) -> tuple[str, Any]:
    field = target if getattr(mentee, target) is not None else current
    return f"mentee.{field}", getattr(mentee, field)


#: The values of the enums evidence shows, looked up (an enum's ``value`` is a slower
#: descriptor).
_VALUE: dict[Any, str] = {
    member: member.value for enum in (GoalKind, GoalScope, CoachingRole) for member in enum
}


def _goal(situation: Situation, index: int) -> dict[str, Any]:
    goal = situation.mentee.goals[index]
    return {"kind": _VALUE[goal.kind], "scope": _VALUE[goal.scope], "detail": goal.detail}


def _candidate_evidence(
    situation: Situation, fact: Fact, rest: FactPath, value: Any, short_forms: ShortForms
) -> Iterator[tuple[str, Any] | Evidence]:
    assert fact.position is not None
    at = f"candidates[{fact.position}]"
    candidate, mentee = situation.candidates[fact.position], situation.mentee
    match rest[0]:
        case "echoes_worked" | "echoes_did_not_work":
            yield from _echo_evidence(situation, fact, rest, value)
        case "industry_match":
            aimed = _aimed(mentee, "target_industry", "industry")
            industry = candidate.industry
            matched = None
            if industry is not None and aimed[1] is not None:
                matched = short_forms.match(industry, aimed[1])
            yield Evidence(f"{at}.industry", industry, matched)
            yield aimed
        case "job_match":
            aimed = _aimed(mentee, "target_job", "job")
            held = [
                (n, found)
                for n, job in enumerate(candidate.jobs)
                if aimed[1] is not None and (found := short_forms.match(job, aimed[1]))
            ]
            if held:
                for n, found in held:
                    yield Evidence(f"{at}.jobs[{n}]", candidate.jobs[n], found)
            else:
                yield f"{at}.jobs", list(candidate.jobs)
            yield aimed
        case "longer_at_company":
            yield f"{at}.years_at_company", candidate.years_at_company
            yield "mentee.months_at_company", mentee.months_at_company
        case _:
            yield _render(("candidates", fact.position, *rest)), value


def _echo_evidence(
    situation: Situation, fact: Fact, rest: FactPath, value: Any
) -> Iterator[tuple[str, Any]]:
    assert fact.position is not None
    candidate = situation.candidates[fact.position]
    source = "worked" if rest[0] == "echoes_worked" else "did_not_work"
    echoed = value if isinstance(value, list) else [value]
    if not echoed:  # an empty echo list: the traits and past mentors show there was no echo
        yield f"candidates[{fact.position}].traits", list(candidate.traits)
        return
    shown = set(echoed)
    for index, trait in enumerate(candidate.traits):
        if trait in shown:
            yield f"candidates[{fact.position}].traits[{index}]", trait
    gists = {gist(trait) for trait in shown}  # each text stemmed once, not once a pair
    for m, past in enumerate(situation.mentee.past_mentors):
        for index, text in enumerate(getattr(past, source)):
            theirs = gist(text)
            if any(gists_echo(mine, theirs) for mine in gists):
                yield f"mentee.past_mentors[{m}].{source}[{index}]", text


def _echo_evidence_made(
    situation: Situation, fact: Fact, source: str, value: Any
) -> list[Evidence]:
    """:func:`_echo_evidence` as evidence, made in one loop, not through generators."""
    position = fact.position
    assert position is not None
    candidate = situation.candidates[position]
    echoed = value if isinstance(value, list) else [value]
    if not echoed:
        return [Evidence(f"candidates[{position}].traits", list(candidate.traits))]
    shown = set(echoed)
    out = [
        Evidence(f"candidates[{position}].traits[{index}]", trait)
        for index, trait in enumerate(candidate.traits)
        if trait in shown
    ]
    gists = [gist(trait) for trait in shown]
    for m, past in enumerate(situation.mentee.past_mentors):
        for index, text in enumerate(getattr(past, source)):
            theirs = gist(text)
            for mine in gists:
                if gists_echo(mine, theirs):
                    out.append(Evidence(f"mentee.past_mentors[{m}].{source}[{index}]", text))
                    break
    return out


def _render(parts: Sequence[str | int | None]) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part == ITEM:  # pragma: no cover - item paths are resolved before they get here
            raise ValueError("unresolved item path")
        else:
            out += f".{part}" if out else str(part)
    return out


#: A compiled evidence function: adds to ``found`` (by path, the first value kept) the values
#: that make its condition true of a fact's ``values``, the current list ``item`` being at
#: path ``at``.
_Collect = Callable[[Mapping[str, Any], Any, FactPath, dict[FactPath, Any]], None]
_Lookup = Callable[[Mapping[str, Any], Any], Any]

_MISSING = object()


def compile_evidence(
    condition: Condition,
) -> Callable[[Mapping[str, Any]], list[tuple[FactPath, Any]]]:
    """``language.evaluate.evidence(condition, values)`` as a closure made once: the same
    ``(path in the fact, value)`` pairs in the same order, without walking the tree on every
    call (``tests/test_fast_paths.py`` checks the two agree)."""
    collect = _collector(condition)

    def evidence(values: Mapping[str, Any]) -> list[tuple[FactPath, Any]]:
        found: dict[FactPath, Any] = {}
        collect(values, None, (), found)
        return list(found.items())

    return evidence


#: Where the evidence of a condition is the same fields on every fact: each field's path in
#: the fact and how it is read (a fact's values and the current item, always None here).
Reads = tuple[tuple[FactPath, _Lookup], ...]


def static_reads(condition: Condition) -> Reads | None:
    """The fields ``compile_evidence(condition)`` reads on every fact it holds on, in its order,
    where that is always the same fields (an ``and`` of tests of a fact's own fields, or one
    such test); None for a condition whose evidence depends on the fact (``or``, ``not``,
    lists and items). ``[(path, read(values, None)) for path, read in reads]`` is then its
    evidence (``tests/test_fast_paths.py`` checks the two agree)."""
    leaves: list[tuple[str, ...]] = []
    parts = condition.operands if isinstance(condition, And) else (condition,)
    for part in parts:
        match part:
            case Compare(left=leaf) | OneOf(field=leaf) | IsNull(field=leaf):
                if leaf.path[0] == ITEM:
                    return None
                leaves.append(leaf.path)
            case _:
                return None
    return tuple((path, _lookup(path)) for path in dict.fromkeys(leaves))


def _lookup(path: tuple[str, ...]) -> _Lookup:
    """Reads ``path`` as the reference evaluator does: ``None`` if missing or not an object."""
    root, rest = path[0], path[1:]
    if root != ITEM and len(rest) == 1:
        (name,) = rest

        def field(values: Mapping[str, Any], item: Any) -> Any:
            found = values.get(root, _MISSING)
            if type(found) is dict or isinstance(found, Mapping):
                return found.get(name)
            return None

        return field

    def deep(values: Mapping[str, Any], item: Any) -> Any:
        current: Any = item if root == ITEM else values.get(root, _MISSING)
        for name in rest:
            if not isinstance(current, Mapping):
                return None
            current = current.get(name)
        return None if current is _MISSING else current

    return deep


def _where(path: tuple[str, ...]) -> Callable[[FactPath], FactPath]:
    """The path of a read in the fact: as it is, or under the current item's path ``at``."""
    if path[0] == ITEM:
        rest = path[1:]
        return lambda at: (*at, *rest)
    return lambda at: path


def _collector(condition: Condition) -> _Collect:
    match condition:
        case And(operands=operands):
            parts = tuple(_collector(operand) for operand in operands)

            def every(
                values: Mapping[str, Any], item: Any, at: FactPath, found: dict[FactPath, Any]
            ) -> None:
                for part in parts:
                    part(values, item, at, found)

            return every
        case Or(operands=operands):
            tested = tuple(
                (compile_condition(operand), _collector(operand)) for operand in operands
            )

            def holding(
                values: Mapping[str, Any], item: Any, at: FactPath, found: dict[FactPath, Any]
            ) -> None:
                for holds, part in tested:
                    if holds(values, item):
                        part(values, item, at, found)

            return holding
        case Not(operand=operand):
            # Every value read inside (see ``_evaluate._evidence``): item paths only inside an
            # any()/all() body.
            reads = tuple(
                (read.path[0] == ITEM, _where(read.path), _lookup(read.path))
                for read in operands_of(operand)
            )

            def negated(
                values: Mapping[str, Any], item: Any, at: FactPath, found: dict[FactPath, Any]
            ) -> None:
                for of_item, where, lookup in reads:
                    if not of_item or at:
                        found.setdefault(where(at), lookup(values, item))

            return negated
        case Quantified(quantifier=quantifier, field=field, body=body):
            lookup, where = _lookup(field.path), _where(field.path)
            holds, inner = compile_condition(body), _collector(body)
            for_all = quantifier == "all"

            def quantified(
                values: Mapping[str, Any], item: Any, at: FactPath, found: dict[FactPath, Any]
            ) -> None:
                elements = lookup(values, item) or []
                base = where(at)
                if for_all and not elements:
                    found.setdefault(base, elements)
                for index, element in enumerate(elements):
                    if holds(values, element):
                        inner(values, element, (*base, index), found)

            return quantified
        case Contains(field=field, value=value):
            lookup, where = _lookup(field.path), _where(field.path)

            def contains(
                values: Mapping[str, Any], item: Any, at: FactPath, found: dict[FactPath, Any]
            ) -> None:
                elements = lookup(values, item) or []
                for index, element in enumerate(elements):
                    if element == value:
                        found.setdefault((*where(at), index), element)

            return contains
        case Compare(left=leaf) | OneOf(field=leaf) | IsNull(field=leaf):
            lookup, where = _lookup(leaf.path), _where(leaf.path)
            if leaf.path[0] != ITEM:
                path = leaf.path

                def own(
                    values: Mapping[str, Any], item: Any, at: FactPath, found: dict[FactPath, Any]
                ) -> None:
                    if path not in found:
                        found[path] = lookup(values, item)

                return own

            def read(
                values: Mapping[str, Any], item: Any, at: FactPath, found: dict[FactPath, Any]
            ) -> None:
                found.setdefault(where(at), lookup(values, item))

            return read
        case _:
            assert_never(condition)
