"""Why a candidate is not better placed, and what would change it.

*Why not*: for each verdict better than the candidate's, every rule of a stage that gives it
and did not fire, with each failing condition (the actual input value and what was needed, in
plain words), or the rules that set the candidate's stage when it is ruled out or not a fit. It
reads the same compiled conditions the engines match, on the facts each layer saw, so it holds
for any rule pack on either engine.

*What would change it*: the smallest sets of changes to the situation after which the advice
gives the candidate that verdict, found by trying every set of allowed changes up to a bound and
re-running the advice: each proposed set is sound (the advice was re-run with it), minimal (no
smaller set found does it) and the search is complete up to the bound. Only what a person can do
and the article endorses is proposed: more conversations (an *action*), and finding out what is
not known yet (an *outcome*): the chemistry while it is unknown or mixed, whether they are
willing while nobody asked, whether they know the company's culture while that is unknown
(never for someone outside the company). Never asking again after a no, hoping poor chemistry
turns good, writing or changing goals so a candidate fits, or moving anyone in the company; and
with no goals nothing at all: deciding what you want comes first.

The changes touch one candidate. Where no candidate rule reads what was concluded about others
(the shipped rules), each changed situation is re-advised with that candidate alone, and every
set is evaluated in one batch: an explanation costs about one advice of a small situation per
set tried (at most 28 sets for a bound of 3), not one advice of the whole situation.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from enum import StrEnum
from typing import Any, Literal, assert_never

import attrs
from attrs import frozen

from .._repr import attrs_repr
from ..facts.build import Fact
from ..language.evaluate import evidence, holds
from ..language.expr import (
    ITEM,
    NEGATED,
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
    fields_read,
)
from ..model.documents import converter
from ..model.limits import DEFAULT_BOUND
from ..model.output import Advice, Verdict
from ..model.situation import Candidate, Chemistry, Relation, Situation, Willingness
from ..model.text import name_key
from ..model.vocabulary import CONCLUSIONS, Stage
from ..model.words import VERDICT_RANK, field_words, value_words
from ..rules.ruleset import RuleSet
from .evidence import input_evidence

__all__ = [
    "Change",
    "ChangeSet",
    "Explanation",
    "NoChange",
    "Unmet",
    "Unreached",
    "WhyNot",
    "explain_candidate",
    "explanation_to_dict",
]

#: The stages whose rules give each verdict a candidate can be moved up to.
_STAGES_OF = {
    Verdict.READY_TO_ASK: frozenset({Stage.READY_TO_ASK}),
    Verdict.EXPLORE: frozenset({Stage.TO_TRY_OUT, Stage.GETTING_TO_KNOW}),
}
#: Stages that hold a candidate back: the rules that set them are shown as what blocks.
_HOLDING = frozenset({Stage.RULED_OUT, Stage.NOT_A_FIT})


@frozen
class Unmet:
    """One condition as it stands: where in the input (``candidates[2].chemistry``), the value
    there, and in plain words what it is and what was needed."""

    __repr__ = attrs_repr

    path: str
    value: Any
    text: str


@frozen
class WhyNot:
    """A rule that would have given ``gives`` and did not; or, where ``blocks`` is true, a rule
    that fired and holds the candidate back (it set them at a stage of ruled out or not a fit).

    ``unmet`` are its failing conditions (for a blocking rule: the values that made it fire);
    an ``or`` gives one tuple per alternative in ``alternatives``. ``vetoed_by`` names the
    rules whose conclusions held it back where its own condition held (its ``unless``).
    """

    __repr__ = attrs_repr

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

    __repr__ = attrs_repr

    path: str
    value: Any
    kind: Literal["action", "outcome"]
    text: str


@frozen
class ChangeSet:
    """Changes that, all made, give the candidate the verdict ``reaches`` (or a better one)."""

    __repr__ = attrs_repr

    reaches: Verdict
    changes: tuple[Change, ...]


class NoChange(StrEnum):
    """Why no change set reaches a verdict."""

    #: The mentee has no goals: nothing is searched; deciding what you want comes first.
    NO_GOALS = "no_goals"
    #: Ruled out (``Unreached.rules`` says by what), and no allowed change lifts it.
    RULED_OUT = "ruled_out"
    #: Knows none of what the goals need, and nothing that could turn out changes that.
    NOT_A_FIT = "not_a_fit"
    #: No set of allowed changes within the bound reaches the verdict.
    OUT_OF_REACH = "out_of_reach"
    #: Not searched: the budget of evaluations given ran out.
    NOT_SEARCHED = "not_searched"


@frozen
class Unreached:
    """A verdict no change set reaches: ``why``, and the rules that hold the candidate back
    (the rule that set the candidate's stage, for ``ruled_out`` and ``not_a_fit``)."""

    __repr__ = attrs_repr

    target: Verdict
    why: NoChange
    rules: tuple[str, ...] = ()


@frozen
class Explanation:
    """Why a candidate stands where they do, and what would move them up.

    ``stage`` is the candidate's stage, ``stage_rule`` the rule that set it and ``reason`` its
    message for this candidate (empty where no rule set it). ``targets`` are the verdicts
    explained (by default the next better one and ``ready_to_ask``); ``unreached`` says, for
    each target no change set within ``bound`` reaches, why. ``evaluations`` counts the
    situations the search advised.
    """

    __repr__ = attrs_repr

    candidate: str
    verdict: Verdict
    targets: tuple[Verdict, ...]
    why_not: tuple[WhyNot, ...]
    what_would_change: tuple[ChangeSet, ...]
    bound: int
    stage: Stage = Stage.NOT_A_FIT
    stage_rule: str | None = None
    reason: str = ""
    unreached: tuple[Unreached, ...] = ()
    evaluations: int = 0


#: The verdict about the candidate of a name in each of a batch of situations.
VerdictsOf = Callable[[Sequence[Situation], str], Sequence[Verdict]]
Layers = Sequence[tuple[Any, Sequence[Fact]]]


def explain_candidate(
    rules: RuleSet,
    verdicts_of: VerdictsOf,
    situation: Situation,
    advice: Advice,
    layers: Layers,
    name: str,
    target: Verdict | None = None,
    bound: int = DEFAULT_BOUND,
    budget: int | None = None,
) -> Explanation:
    """The explanation for the candidate called ``name`` (see :class:`Explanation`).

    ``advice`` is the advice on ``situation`` and ``layers`` the facts each layer's engine
    matched for it; ``verdicts_of`` gives the candidate's verdict in each of a batch of
    situations (the changed ones), as their advice would. ``budget``,
    where given, is the most situations the search may advise: past it, nothing is searched and
    the targets are ``not_searched``.
    """
    key = name_key(name)  # names are unique ignoring case and runs of white space
    position = next(
        (n for n, c in enumerate(situation.candidates) if name_key(c.name) == key), None
    )
    if position is None:
        raise KeyError(name)
    name = situation.candidates[position].name  # as written in the situation
    verdict = advice.for_candidate(name)
    targets = _targets(verdict.verdict, target)
    listed: dict[tuple[str, Verdict, bool], WhyNot] = {}
    for goal in targets:  # a blocking rule holds the candidate back from every target: once
        for found in _why_not(rules, situation, advice, layers, position, goal):
            listed.setdefault((found.rule, found.gives, found.blocks), found)
    why_not = tuple(listed.values())
    reason = next(
        (
            r.message
            for r in advice.recommendations
            if r.subject == name and r.about == "candidate" and r.rule == verdict.stage_rule
        ),
        "",
    )
    holding = () if verdict.stage_rule is None else (verdict.stage_rule,)
    changes: list[ChangeSet] = []
    unreached: list[Unreached] = []
    evaluations = 0
    if not targets:
        pass
    elif not situation.mentee.goals:
        unreached = [Unreached(goal, NoChange.NO_GOALS) for goal in targets]
    else:
        picks = _sets(_options(situation, position), bound)
        if budget is not None and len(picks) > budget:
            unreached = [Unreached(goal, NoChange.NOT_SEARCHED) for goal in targets]
        else:
            reached = _evaluate(rules, verdicts_of, situation, position, picks)
            evaluations = len(picks)
            for goal in targets:
                reaching = _minimal(picks, reached, goal)
                changes.extend(reaching)
                if not reaching:
                    why = {
                        Stage.RULED_OUT: NoChange.RULED_OUT,
                        Stage.NOT_A_FIT: NoChange.NOT_A_FIT,
                    }.get(verdict.stage, NoChange.OUT_OF_REACH)
                    rules_held = holding if why != NoChange.OUT_OF_REACH else ()
                    unreached.append(Unreached(goal, why, rules_held))
    return Explanation(
        name,
        verdict.verdict,
        targets,
        why_not,
        tuple(changes),
        bound,
        verdict.stage,
        verdict.stage_rule,
        reason,
        tuple(unreached),
        evaluations,
    )


def _targets(verdict: Verdict, target: Verdict | None) -> tuple[Verdict, ...]:
    if target is not None:
        return (target,) if VERDICT_RANK[target] < VERDICT_RANK[verdict] else ()
    better = [v for v in Verdict if VERDICT_RANK[v] < VERDICT_RANK[verdict]]
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
    for rule_id in sorted(fired):  # what holds the candidate back
        rule = rules[rule_id]
        if rule.stage in _HOLDING:
            fact = _fact(layers, layer_of[rule.id], position)
            shown = tuple(_shown(situation, fact, rule.condition))
            yield WhyNot(rule.id, rule.title, Verdict.AVOID, blocks=True, unmet=shown)
    stages = _STAGES_OF.get(target)
    if stages is None:
        return
    for rule in rules:
        if rule.about != "candidate" or rule.stage not in stages or rule.id in fired:
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
            yield Unmet(where, shown, f"{_field_words(fact, path)} is {value_words(value)}")


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
        case Compare(left=read):
            found = _lookup(values, read.path)
            is_count = isinstance(read, Count)
            yield read.path, ([] if found is None and is_count else found)
        case (
            OneOf(field=Field(path=path))
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
        case _:
            assert_never(condition)


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


def _words(fact: Fact, condition: Condition, path: Any, value: Any) -> str:
    """What failed, in plain words: what the value is, and what it needed to be."""
    field = _field_words(fact, path)
    negated = False
    while isinstance(condition, Not):
        condition, negated = condition.operand, not negated
    match condition:
        case Compare(left=Count(), op=op, value=wanted):
            said = NEGATED[op] if negated else op
            count = len(value or ())
            return f"{field}: {count}; it needs to be {_OP_WORDS[said] or 'exactly '}{wanted}"
        case Compare():
            said = NEGATED[condition.op] if negated else condition.op
            need = f"{_OP_WORDS[said]}{value_words(condition.value)}"
            return f"{field} is {value_words(value)}; it needs to be {need}"
        case OneOf(values=allowed):
            listed = " or ".join(value_words(v) for v in allowed)
            need = f"other than {listed}" if negated else listed
            return f"{field} is {value_words(value)}; it needs to be {need}"
        case Contains(field=Field(path=(_, "concluded")), value=wanted):
            had = "has applied" if negated else "has not applied"
            return f"“{wanted}” {had} to {fact.subject}"
        case Contains(field=Field(path=(_, "concluded_kinds")), value=wanted):
            if negated:
                return f"there is {value_words(wanted)} advice about {fact.subject}"
            return f"there is no {value_words(wanted)} advice about {fact.subject} yet"
        case Contains(value=wanted):
            need = "not to include" if negated else "to include"
            return f"{field} is {value_words(value)}; it needs {need} {value_words(wanted)}"
        case IsNull():
            need = "unknown" if not negated else "known"
            return f"{field} is {value_words(value)}; it needs to be {need}"
        case Quantified(quantifier="any"):
            return f"none of {field} ({value_words(value)}) is what the rule looks for"
        case Quantified():
            return f"not all of {field} ({value_words(value)}) are what the rule looks for"
        case And() | Or():  # taken apart before they get here; said as the value they read
            return f"{field} is {value_words(value)}"
        case Not():  # pragma: no cover - unwrapped above
            raise AssertionError("a negation is unwrapped before it is put in words")
        case _:
            assert_never(condition)


def _field_words(fact: Fact, path: Any) -> str:
    root, rest = path[0], [p for p in path[1:] if isinstance(p, str)]
    return field_words(root, rest[0] if rest else "", fact.subject)


# --------------------------------------------------------------------------- what would change


Dimension = Literal["conversations", "chemistry", "willing", "knows_culture"]


@frozen
class _Option:
    """One way to change one thing about the candidate: the change, and the field's new value."""

    __repr__ = attrs_repr

    dimension: Dimension
    change: Change
    value: Any = attrs.field(eq=False, repr=False)


def _options(situation: Situation, position: int) -> list[_Option]:
    """Every change the search may make about this candidate, by dimension: only what a person
    can do, or find out while it is not known (see the module's documentation)."""
    candidate = situation.candidates[position]
    name = candidate.name
    at = f"candidates[{position}]"
    options: list[_Option] = []
    for talks in (1, 2, 3):
        if candidate.conversations < talks:
            more = talks - candidate.conversations
            text = (
                f"talk with {name}" if candidate.conversations == 0 and talks == 1 else
                f"have {more} more conversation{'s' if more > 1 else ''} with {name} "
                f"({talks} in all)"
            )  # fmt: skip
            change = Change(f"{at}.conversations", talks, "action", text)
            options.append(_Option("conversations", change, talks))
    if candidate.chemistry in (Chemistry.UNKNOWN, Chemistry.MIXED):
        text = f"the chemistry with {name} is good"
        change = Change(f"{at}.chemistry", "good", "outcome", text)
        options.append(_Option("chemistry", change, Chemistry.GOOD))
    if candidate.willing == Willingness.UNKNOWN:
        change = Change(f"{at}.willing", "yes", "outcome", f"{name} says yes when you ask")
        options.append(_Option("willing", change, Willingness.YES))
    if candidate.knows_culture is None and candidate.relation != Relation.OUTSIDE:
        text = f"talking with {name} shows they know the company's culture"
        change = Change(f"{at}.knows_culture", True, "outcome", text)
        options.append(_Option("knows_culture", change, True))
    return options


def _sets(options: Sequence[_Option], bound: int) -> list[tuple[_Option, ...]]:
    """Every set of up to ``bound`` options, one per dimension at most, smallest first."""
    by_dimension: dict[Dimension, list[_Option]] = {}
    for option in options:
        by_dimension.setdefault(option.dimension, []).append(option)
    dimensions = sorted(by_dimension)
    found: list[tuple[_Option, ...]] = []
    for size in range(1, min(bound, len(dimensions)) + 1):
        for chosen in itertools.combinations(dimensions, size):
            found.extend(itertools.product(*(by_dimension[d] for d in chosen)))
    return found


def candidates_are_independent(rules: RuleSet) -> bool:
    """Whether a candidate's verdict depends only on the mentee and that candidate: no
    candidate rule reads what was concluded about the mentee (and so about others)."""
    conditions = [c for rule in rules if rule.about == "candidate" for c in rule.conditions()]
    return not fields_read(conditions).get("mentee", frozenset()) & CONCLUSIONS["mentee"]


def _evaluate(
    rules: RuleSet,
    verdicts_of: VerdictsOf,
    situation: Situation,
    position: int,
    picks: Sequence[tuple[_Option, ...]],
) -> list[Verdict]:
    """The candidate's verdict after each set of changes, from one batch of advice."""
    alone = candidates_are_independent(rules)
    changed = []
    for chosen in picks:
        updates = {pick.dimension: pick.value for pick in chosen}
        candidate: Candidate = attrs.evolve(situation.candidates[position], **updates)
        people = (candidate,) if alone else (
            *situation.candidates[:position], candidate, *situation.candidates[position + 1 :]
        )  # fmt: skip
        changed.append(attrs.evolve(situation, candidates=people))
    name = situation.candidates[position].name
    return list(verdicts_of(changed, name))


def _minimal(
    picks: Sequence[tuple[_Option, ...]], reached: Sequence[Verdict], target: Verdict
) -> list[ChangeSet]:
    """The sets (smallest first) after which the verdict is ``target`` or better, and that
    contain no smaller such set."""
    found: list[tuple[_Option, ...]] = []
    for chosen, verdict in zip(picks, reached, strict=True):
        if VERDICT_RANK[verdict] > VERDICT_RANK[target]:
            continue
        if any(_covers(done, chosen) for done in found):
            continue  # a smaller set already does it: this one is not minimal
        found.append(chosen)
    return [ChangeSet(target, tuple(pick.change for pick in chosen)) for chosen in found]


def _covers(done: Sequence[_Option], picks: Sequence[_Option]) -> bool:
    """Whether an earlier solution is contained in ``picks`` (so ``picks`` is not minimal).

    A solution with fewer conversations is contained in one with more of them: talking more
    than needed is not a smaller change.
    """
    mine = {p.dimension: p.value for p in picks}
    for option in done:
        if option.dimension not in mine:
            return False
        if option.dimension == "conversations":
            if option.value > mine["conversations"]:
                return False
        elif mine[option.dimension] != option.value:
            return False
    return True


def explanation_to_dict(explanation: Explanation) -> dict[str, Any]:
    """An explanation as plain JSON-compatible data."""
    document: dict[str, Any] = converter.unstructure(explanation)
    return document
