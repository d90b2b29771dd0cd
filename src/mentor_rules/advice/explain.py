"""Why a candidate is not better placed, and what would change it.

*Why not*: for each verdict better than the candidate's, every rule that would give it and did
not fire, with each failing condition (the actual input value and what was needed, in plain
words), or the avoid rules that hold the candidate back. It reads the same compiled conditions
the engines match, on the facts each layer saw, so it holds for any rule pack on either engine.

*What would change it*: the smallest sets of changes to the situation after which the advice
gives the candidate that verdict, found by trying every set of allowed changes up to a bound and
re-running the advice: each proposed set is sound (the advice was re-run with it), minimal (no
smaller set found does it) and the search is complete up to the bound. Only what a person can do
(an *action*: write down a goal, talk again) or what may turn out so (an *outcome*: good
chemistry, a yes) is proposed; who manages whom, tenure and industries are never changed, and
goals are only proposed to someone who has none (what you want is not bent to fit a candidate).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Literal

import attrs
from attrs import frozen

from ..facts.build import Fact
from ..language.evaluate import evidence, holds
from ..language.expr import (
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
)
from ..model.documents import converter
from ..model.limits import DEFAULT_BOUND
from ..model.output import Advice, Verdict
from ..model.situation import Chemistry, Goal, GoalKind, GoalScope, Situation, Willingness
from ..model.text import name_key
from ..model.vocabulary import Kind
from ..rules.ruleset import RuleSet
from .evidence import input_evidence

__all__ = [
    "Change",
    "ChangeSet",
    "Explanation",
    "Unmet",
    "WhyNot",
    "explain_candidate",
    "explanation_to_dict",
]

_RANK = {verdict: rank for rank, verdict in enumerate(Verdict)}  # smaller is better
#: The kind of rule that gives each verdict.
_GIVES = {Verdict.READY_TO_ASK: Kind.READY, Verdict.EXPLORE: Kind.CONSIDER}


@frozen
class Unmet:
    """One condition as it stands: where in the input (``candidates[2].chemistry``), the value
    there, and in plain words what it is and what was needed."""

    path: str
    value: Any
    text: str


@frozen
class WhyNot:
    """A rule that would have given ``gives`` and did not; or, where ``blocks`` is true, an
    avoid rule that fired and holds the candidate back.

    ``unmet`` are its failing conditions (for a blocking rule: the values that made it fire);
    an ``or`` gives one tuple per alternative in ``alternatives``. ``vetoed_by`` names the
    rules whose conclusions held it back where its own condition held (its ``unless``).
    """

    rule: str
    title: str
    gives: Verdict
    blocks: bool = False
    unmet: tuple[Unmet, ...] = ()
    alternatives: tuple[tuple[Unmet, ...], ...] = ()
    vetoed_by: tuple[str, ...] = ()


@frozen
class Change:
    """One change to the situation: the new JSON ``value`` at ``path``."""

    path: str
    value: Any
    kind: Literal["action", "outcome"]
    text: str


@frozen
class ChangeSet:
    """Changes that, all made, give the candidate the verdict ``reaches`` (or a better one)."""

    reaches: Verdict
    changes: tuple[Change, ...]


@frozen
class Explanation:
    """Why a candidate stands where they do, and what would move them up.

    ``targets`` are the verdicts explained (by default the next better one and
    ``ready_to_ask``); ``notes`` say, for a target nothing within ``bound`` changes reaches,
    why.
    """

    candidate: str
    verdict: Verdict
    targets: tuple[Verdict, ...]
    why_not: tuple[WhyNot, ...]
    what_would_change: tuple[ChangeSet, ...]
    bound: int
    notes: tuple[str, ...] = ()


Advise = Callable[[Situation], Advice]
Layers = Sequence[tuple[Any, Sequence[Fact]]]


def explain_candidate(
    rules: RuleSet,
    advise: Advise,
    layers_of: Callable[[Situation], Layers],
    situation: Situation,
    name: str,
    target: Verdict | None = None,
    bound: int = DEFAULT_BOUND,
) -> Explanation:
    """The explanation for the candidate called ``name``, ignoring case and runs of white
    space (see :class:`Explanation`)."""
    key = name_key(name)
    position = next(
        (n for n, c in enumerate(situation.candidates) if name_key(c.name) == key), None
    )
    if position is None:
        raise KeyError(name)
    name = situation.candidates[position].name  # as written in the situation
    advice = advise(situation)
    verdict = advice.for_candidate(name).verdict
    targets = _targets(verdict, target)
    layers = layers_of(situation)
    listed: dict[tuple[str, Verdict, bool], WhyNot] = {}
    for goal in targets:  # a blocking rule holds the candidate back from every target: once
        for found in _why_not(rules, situation, advice, layers, position, goal):
            listed.setdefault((found.rule, found.gives, found.blocks), found)
    why_not = tuple(listed.values())
    changes: list[ChangeSet] = []
    notes: list[str] = []
    for goal in targets:
        reaching = _search(advise, situation, position, goal, bound)
        changes.extend(reaching)
        if not reaching:
            notes.append(_why_nothing(why_not, goal, bound, name))
    return Explanation(name, verdict, targets, why_not, tuple(changes), bound, tuple(notes))


def _targets(verdict: Verdict, target: Verdict | None) -> tuple[Verdict, ...]:
    if target is not None:
        return (target,) if _RANK[target] < _RANK[verdict] else ()
    better = [v for v in Verdict if _RANK[v] < _RANK[verdict]]
    if not better:
        return ()
    chosen = {better[-1], Verdict.READY_TO_ASK}  # the next better one, and the best
    return tuple(v for v in Verdict if v in chosen)


# --------------------------------------------------------------------------- why not


def _why_not(
    rules: RuleSet,
    situation: Situation,
    advice: Advice,
    layers: Layers,
    position: int,
    target: Verdict,
) -> Iterator[WhyNot]:
    name = situation.candidates[position].name
    layer_of = {rule.id: n for n, layer in enumerate(rules.layers) for rule in layer}
    fired = {r.rule for r in advice.recommendations if r.subject == name and r.about == "candidate"}
    held = {s.rule: s.by for s in advice.suppressed if s.subject == name}
    if target == Verdict.WEAK_FIT or Kind.AVOID in {rules[r].kind for r in fired}:
        for rule_id in sorted(fired):  # what holds the candidate back
            rule = rules[rule_id]
            if rule.kind == Kind.AVOID:
                fact = _fact(layers, layer_of[rule.id], position)
                shown = tuple(_shown(situation, fact, rule.condition))
                yield WhyNot(rule.id, rule.title, Verdict.AVOID, blocks=True, unmet=shown)
    kind = _GIVES.get(target)
    if kind is None:
        return
    for rule in rules:
        if rule.about != "candidate" or rule.kind != kind or rule.id in fired:
            continue
        if rule.id in held:
            yield WhyNot(rule.id, rule.title, target, vetoed_by=held[rule.id])
            continue
        fact = _fact(layers, layer_of[rule.id], position)
        unmet, alternatives = _failing(situation, fact, rule.condition)
        yield WhyNot(rule.id, rule.title, target, unmet=unmet, alternatives=alternatives)


def _fact(layers: Layers, layer: int, position: int) -> Fact:
    facts = layers[min(layer, len(layers) - 1)][1]
    return next(f for f in facts if f.about == "candidate" and f.position == position)


def _failing(
    situation: Situation, fact: Fact, condition: Condition
) -> tuple[tuple[Unmet, ...], tuple[tuple[Unmet, ...], ...]]:
    """The failing parts of ``condition``: the and-ed ones, or each alternative of an or."""
    if isinstance(condition, Or) and not holds(condition, fact.values):
        return (), tuple(tuple(_unmet(situation, fact, operand)) for operand in condition.operands)
    return tuple(_unmet(situation, fact, condition)), ()


def _unmet(situation: Situation, fact: Fact, condition: Condition) -> Iterator[Unmet]:
    if holds(condition, fact.values):
        return
    if isinstance(condition, And):
        for operand in condition.operands:
            yield from _unmet(situation, fact, operand)
        return
    for path, value in _read(condition, fact.values):
        for where, shown in _where(situation, fact, path, value):
            yield Unmet(where, shown, _words(fact, condition, path, value))
        break  # the first value the condition reads says it


def _shown(situation: Situation, fact: Fact, condition: Condition) -> Iterator[Unmet]:
    """The values that made a fired condition hold, in words."""
    for path, value in evidence(condition, fact.values):
        for where, shown in _where(situation, fact, path, value):
            yield Unmet(where, shown, f"{_field_words(fact, path)} is {_value_words(value)}")


def _where(
    situation: Situation, fact: Fact, path: tuple[str | int, ...], value: Any
) -> Iterator[tuple[str, Any]]:
    found = [(e.path, e.value) for e in input_evidence(situation, fact, path, value)]
    if not found:  # a conclusion: not in the input
        found = [("", value)]
    yield from found[:1]


def _read(condition: Condition, values: Mapping[str, Any]) -> Iterator[tuple[Any, Any]]:
    """The (path, value) pairs a failing condition read, first the one that says most."""
    match condition:
        case Compare(left=Count(path=path)):
            found = _lookup(values, path)
            yield path, found if found is not None else []
        case (
            Compare(left=Field(path=path))
            | OneOf(field=Field(path=path))
            | IsNull(field=Field(path=path))
            | Contains(field=Field(path=path))
            | Quantified(field=Field(path=path))
        ):
            yield path, _lookup(values, path)
        case Not(operand=operand):
            yield from _read(operand, values)
        case And(operands=operands) | Or(operands=operands):
            for operand in operands:
                yield from _read(operand, values)


def _lookup(values: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    if path[0] == ITEM:
        return None
    current: Any = values.get(path[0])
    for name in path[1:]:
        current = current.get(name) if isinstance(current, Mapping) else None
    return current


_OP_WORDS = {
    "==": "",
    "!=": "other than ",
    "<": "less than ",
    ">": "more than ",
    "<=": "at most ",
    ">=": "at least ",
}
_NOT_OP = {"==": "!=", "!=": "==", "<": ">=", ">=": "<", ">": "<=", "<=": ">"}


def _words(fact: Fact, condition: Condition, path: Any, value: Any) -> str:
    """What failed, in plain words: what the value is, and what it needed to be."""
    field = _field_words(fact, path)
    negated = False
    while isinstance(condition, Not):
        condition, negated = condition.operand, not negated
    match condition:
        case Compare(left=Count(), op=op, value=wanted):
            said = _NOT_OP[op] if negated else str(op)
            count = len(value or ())
            return f"{field}: {count}; it needs to be {_OP_WORDS[said] or 'exactly '}{wanted}"
        case Compare(op=op, value=wanted):
            said = _NOT_OP[op] if negated else str(op)
            need = f"{_OP_WORDS[said]}{_value_words(wanted)}"
            return f"{field} is {_value_words(value)}; it needs to be {need}"
        case OneOf(values=allowed):
            listed = " or ".join(_value_words(v) for v in allowed)
            need = f"other than {listed}" if negated else listed
            return f"{field} is {_value_words(value)}; it needs to be {need}"
        case Contains(field=Field(path=(_, "concluded")), value=wanted):
            had = "has applied" if negated else "has not applied"
            return f"“{wanted}” {had} to {fact.subject}"
        case Contains(field=Field(path=(_, "concluded_kinds")), value=wanted):
            if negated:
                return f"there is {_value_words(wanted)} advice about {fact.subject}"
            return f"there is no {_value_words(wanted)} advice about {fact.subject} yet"
        case Contains(value=wanted):
            need = "not to include" if negated else "to include"
            return f"{field} is {_value_words(value)}; it needs {need} {_value_words(wanted)}"
        case IsNull():
            need = "unknown" if not negated else "known"
            return f"{field} is {_value_words(value)}; it needs to be {need}"
        case Quantified(quantifier="any"):
            return f"none of {field} ({_value_words(value)}) is what the rule looks for"
        case Quantified():
            return f"not all of {field} ({_value_words(value)}) are what the rule looks for"
        case _:  # pragma: no cover - and/or are taken apart before they get here
            return f"{field} is {_value_words(value)}"


def _field_words(fact: Fact, path: Any) -> str:
    root, rest = path[0], [p for p in path[1:] if isinstance(p, str)]
    name = rest[0] if rest else ""
    subject = fact.subject
    special = _FIELD_WORDS.get((root, name))
    if special is not None:
        return special.format(name=subject)
    words = name.replace("_", " ")
    return f"your {words}" if root == "mentee" else f"{subject}'s {words}"


_FIELD_WORDS: dict[tuple[str, str], str] = {
    ("candidate", "chemistry"): "the chemistry with {name}",
    ("candidate", "conversations"): "the number of conversations with {name}",
    ("candidate", "willing"): "whether {name} is willing",
    ("candidate", "knows_culture"): "whether {name} knows the culture",
    ("candidate", "relation"): "{name}'s relation to you",
    ("candidate", "fits_goals"): "the number of your goals {name} knows the ground for",
    ("candidate", "concluded"): "what the rules concluded about {name}",
    ("candidate", "concluded_kinds"): "the kinds of advice about {name}",
    ("candidate", "echoes_worked"): "the traits of {name} that echo what worked with your "
    "past mentors",
    ("candidate", "echoes_did_not_work"): "the traits of {name} that echo what did not work "
    "with your past mentors",
    ("candidate", "traits"): "{name}'s traits",
    ("candidate", "jobs"): "the jobs {name} has held",
    ("candidate", "years_at_company"): "{name}'s years at the company",
    ("candidate", "years_in_industry"): "{name}'s years in the industry",
    ("candidate", "industry_match"): "whether {name}'s industry is the one you aim at",
    ("candidate", "job_match"): "whether {name} has done the job you aim at",
    ("candidate", "longer_at_company"): "whether {name} has been at the company longer than you",
    ("mentee", "goals"): "the number of goals you have written down",
}


def _value_words(value: Any) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "none" if not value else ", ".join(_value_words(v) for v in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{k} {_value_words(v)}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:g}"
    return str(value).replace("_", " ")


# --------------------------------------------------------------------------- what would change


@frozen
class _Option:
    """One way to change one thing (a dimension): the change, and how to apply it."""

    dimension: str
    change: Change
    apply: Callable[[Situation], Situation] = attrs.field(eq=False, repr=False)


def _options(situation: Situation, position: int) -> list[_Option]:
    """Every change the search may make about this candidate, by dimension."""
    candidate = situation.candidates[position]
    name = candidate.name
    at = f"candidates[{position}]"
    options: list[_Option] = []

    def with_candidate(**changes: Any) -> Callable[[Situation], Situation]:
        def apply(s: Situation) -> Situation:
            people = list(s.candidates)
            people[position] = attrs.evolve(people[position], **changes)
            return attrs.evolve(s, candidates=tuple(people))

        return apply

    # A goal is proposed only to someone who has none yet: what you want from a mentor comes
    # first, and is not something to change so that a candidate fits it.
    for scope in GoalScope if not situation.mentee.goals else ():
        goal = Goal(GoalKind.ADVICE, scope)

        def add(s: Situation, goal: Goal = goal) -> Situation:
            return attrs.evolve(s, mentee=attrs.evolve(s.mentee, goals=(*s.mentee.goals, goal)))

        goals = [*({"kind": g.kind.value, "scope": g.scope.value, "detail": g.detail}
                   for g in situation.mentee.goals),
                 {"kind": "advice", "scope": scope.value, "detail": ""}]  # fmt: skip
        text = f"write down what you want from a mentor about {_SCOPE_WORDS[scope]}"
        change = Change("mentee.goals", goals, "action", text)
        options.append(_Option(f"goal:{scope.value}", change, add))
    for talks in (1, 2, 3):
        if candidate.conversations < talks:
            more = talks - candidate.conversations
            text = (
                f"talk with {name}" if candidate.conversations == 0 and talks == 1 else
                f"have {more} more conversation{'s' if more > 1 else ''} with {name} "
                f"({talks} in all)"
            )  # fmt: skip
            options.append(
                _Option(
                    "conversations",
                    Change(f"{at}.conversations", talks, "action", text),
                    with_candidate(conversations=talks),
                )
            )
    if candidate.chemistry != Chemistry.GOOD:
        options.append(
            _Option(
                "chemistry",
                Change(f"{at}.chemistry", "good", "outcome", f"the chemistry with {name} is good"),
                with_candidate(chemistry=Chemistry.GOOD),
            )
        )
    if candidate.willing != Willingness.YES:
        options.append(
            _Option(
                "willing",
                Change(f"{at}.willing", "yes", "outcome", f"{name} says yes when you ask"),
                with_candidate(willing=Willingness.YES),
            )
        )
    if candidate.knows_culture is None:
        options.append(
            _Option(
                "knows_culture",
                Change(
                    f"{at}.knows_culture",
                    True,
                    "outcome",
                    f"talking with {name} shows they know the company's culture",
                ),
                with_candidate(knows_culture=True),
            )
        )
    return options


_SCOPE_WORDS = {
    GoalScope.COMPANY: "the company",
    GoalScope.INDUSTRY: "your industry",
    GoalScope.JOB: "the job",
}


def _search(
    advise: Advise, situation: Situation, position: int, target: Verdict, bound: int
) -> list[ChangeSet]:
    """Every minimal set of up to ``bound`` changes after which the candidate's verdict is
    ``target`` or better, smallest first."""
    name = situation.candidates[position].name
    by_dimension: dict[str, list[_Option]] = {}
    for option in _options(situation, position):
        by_dimension.setdefault(option.dimension, []).append(option)
    dimensions = sorted(by_dimension)
    found: list[tuple[frozenset[str], ChangeSet]] = []
    for size in range(1, min(bound, len(dimensions)) + 1):
        for chosen in itertools.combinations(dimensions, size):
            for picks in itertools.product(*(by_dimension[d] for d in chosen)):
                key = frozenset(f"{p.dimension}={p.change.value!r}" for p in picks)
                if any(_covers(done, picks) for done, _ in found):
                    continue  # a smaller set already does it: this one is not minimal
                changed = situation
                for pick in picks:
                    changed = pick.apply(changed)
                verdict = advise(changed).for_candidate(name).verdict
                if _RANK[verdict] <= _RANK[target]:
                    changes = tuple(pick.change for pick in picks)
                    found.append((key, ChangeSet(target, changes)))
    return [change_set for _, change_set in found]


def _covers(done: frozenset[str], picks: Sequence[_Option]) -> bool:
    """Whether an earlier solution is contained in ``picks`` (so ``picks`` is not minimal).

    A solution with fewer conversations is contained in one with more of them: talking more
    than needed is not a smaller change.
    """
    mine = {p.dimension: p.change.value for p in picks}
    for item in done:
        dimension, _, value = item.partition("=")
        if dimension not in mine:
            return False
        if dimension == "conversations":
            if int(value) > int(mine[dimension]):
                return False
        elif repr(mine[dimension]) != value:
            return False
    return True


def _why_nothing(why_not: Sequence[WhyNot], target: Verdict, bound: int, name: str) -> str:
    blocking = list(dict.fromkeys(w.rule for w in why_not if w.blocks))
    become = _BECOMES[target]
    if blocking:
        return (
            f"{name} stays held back by {', '.join(blocking)}, which no change you can make "
            f"lifts; nothing within {bound} changes makes them {become}"
        )
    return (
        f"no set of up to {bound} changes you can make, or outcomes you can hope for, makes "
        f"{name} {become}"
    )


#: A verdict as what a candidate becomes, in prose (never the enum's value).
_BECOMES = {
    Verdict.READY_TO_ASK: "someone to ask",
    Verdict.EXPLORE: "worth exploring",
    Verdict.WEAK_FIT: "a weak fit",
    Verdict.AVOID: "someone to avoid",
}


def explanation_to_dict(explanation: Explanation) -> dict[str, Any]:
    """An explanation as plain JSON-compatible data."""
    document: dict[str, Any] = converter.unstructure(explanation)
    return document
