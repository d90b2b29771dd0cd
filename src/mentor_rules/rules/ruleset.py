"""The rule set's classes: :class:`Rule`, its examples, steps and message templates, and
:class:`RuleSet`, its layers and parameters.

Rule files are read into them by :mod:`.reader`, which a process whose shipped rule set comes
from the cache (:mod:`.cache`) never imports.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Literal

import attrs
from attrs import field, frozen

from .._errors import RuleError, RuleProblem
from .._repr import attrs_repr
from ..language.expr import (
    Condition,
    ParamSpec,
    ScalarType,
    fields_read,
    parse_condition,
)
from ..model.output import PackRef, RuleSetInfo
from ..model.situation import GoalScope, Situation
from ..model.text import ShortForms
from ..model.vocabulary import (
    ABOUT,
    About,
    Kind,
    Source,
    Stage,
    roots_for,
)
from .strata import stratify

__all__ = [
    "UNLESS",
    "Example",
    "Parameter",
    "PlanStep",
    "Rule",
    "RuleSet",
    "RuleWarning",
    "Template",
    "Test",
    "shipped_rules_dir",
    "tests_of",
]


_ID = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_MAX_WEIGHT = 100
_MAX_STEP = 1000


@frozen
class Template:
    """A message with ``{root.field}`` slots, split into literal text and field paths."""

    __repr__ = attrs_repr

    text: str
    parts: tuple[tuple[str, tuple[str, ...] | None], ...]

    def fields(self) -> Iterable[tuple[str, ...]]:
        return (path for _, path in self.parts if path is not None)


@frozen
class Example:
    """A situation and the subjects for which the rule must fire in it (none: must not fire).

    ``id`` is an optional name a pack may replace it by (else its number); ``pack`` names the
    pack that replaced it, whose parameter values it was written for (None: the rule's own)."""

    __repr__ = attrs_repr

    description: str
    situation: Situation
    fires_for: tuple[str, ...]
    id: str | None = None
    pack: str | None = None


Group = Literal["each", "best", "all"]


@frozen
class PlanStep:
    """Where a rule's advice stands in the plan, and how the subjects it fires for share steps.

    ``group`` is ``"each"`` (a step per subject), ``"best"`` (one step, for the best-ranked
    subject, naming the others in ranking order) or ``"all"`` (one step naming every subject).
    ``text`` is that one step's text when it names more than one subject (a lone subject's step
    is the rule's message); its ``{subjects}`` / ``{others}`` slots list each subject as
    ``item`` renders it.
    """

    __repr__ = attrs_repr

    order: int
    group: Group = "each"
    text: Template | None = None
    item: Template | None = None


@frozen
class Rule:
    """One piece of advice: when it applies, what it says, why, and where it comes from.

    ``unless`` is a second condition: where ``condition`` holds and ``unless`` does too, the
    rule does not fire and its advice is kept as *suppressed*. ``fits`` names the goal scope
    whose knowledge the rule's conclusion stands for. ``words`` are the phrases the message
    uses for enum values.
    """

    __repr__ = attrs_repr

    id: str
    title: str
    about: About
    kind: Kind
    when: str
    condition: Condition = field(repr=False)
    message: Template
    because: str
    source: Source
    weight: int
    step: PlanStep | None
    examples: tuple[Example, ...] = field(repr=False)
    file: str = field(eq=False)
    unless: Condition | None = field(default=None, repr=False)
    unless_text: str | None = None
    see_also: tuple[Source, ...] = ()
    fits: GoalScope | None = None
    #: The stage of the candidate's journey this rule firing puts them at (None: no stage).
    stage: Stage | None = None
    words: Mapping[str, str] = field(factory=dict, hash=False)
    #: The parameters its conditions read, with the values they were compiled with.
    parameters: tuple[tuple[str, int | float], ...] = ()
    #: The pack the rule comes from (``None`` for rules made in memory).
    pack: PackRef | None = field(default=None, eq=False)

    def conditions(self) -> tuple[Condition, ...]:
        """The rule's condition, and its ``unless`` where it has one."""
        return (self.condition,) if self.unless is None else (self.condition, self.unless)

    def templates(self) -> tuple[Template, ...]:
        """The message, and the plan step's texts where it has them."""
        step = () if self.step is None else (self.step.text, self.step.item)
        return (self.message, *(t for t in step if t is not None))

    def has_examples(self) -> bool:
        """Whether it has an example that fires and one that does not, as ``check`` needs."""
        fires = {bool(example.fires_for) for example in self.examples}
        return fires == {True, False}

    def _bound(self, values: Mapping[str, int | float], specs: Mapping[str, ParamSpec]) -> Rule:
        """The rule with its conditions compiled for parameter ``values`` (a parameter not in
        ``values`` keeps the value the rule was compiled with)."""
        wanted = tuple((name, values.get(name, old)) for name, old in self.parameters)
        if all(
            type(a) is type(b) and a == b
            for (_, a), (_, b) in zip(wanted, self.parameters, strict=True)
        ):
            return self
        roots = roots_for(self.about)
        specs = {**{n: (ScalarType("number"), v) for n, v in self.parameters}, **specs}
        return attrs.evolve(
            self,
            condition=parse_condition(self.when, roots, specs),
            unless=None
            if self.unless_text is None
            else parse_condition(self.unless_text, roots, specs),
            parameters=wanted,
        )


class RuleWarning(UserWarning):
    """A rule loads, but something about it needs attention (such as missing examples)."""


ParamType = Literal["int", "number"]


@frozen
class Parameter:
    """A named threshold conditions read as ``params.NAME``: its type, default and meaning."""

    __repr__ = attrs_repr

    name: str
    type: ParamType
    default: int | float
    description: str = ""

    def check(self, value: object) -> int | float:
        """``value`` if it fits the parameter's type; ``ValueError`` saying why otherwise."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"params.{self.name} is {self._describe()}, not {value!r}")
        if self.type == "int" and not isinstance(value, int):
            raise ValueError(f"params.{self.name} is an integer, not {value!r}")
        if (isinstance(value, float) and not value == value) or value in (
            float("inf"),
            float("-inf"),
        ):
            raise ValueError(f"params.{self.name} must be finite")
        return value

    def _describe(self) -> str:
        return ScalarType(self.type).describe()

    def spec(self, value: int | float) -> ParamSpec:
        return ScalarType(self.type), value


def _reused(rule: Rule, first: Rule) -> RuleProblem:
    return RuleProblem(rule.file, rule.id, "id", f"the id is already used in {first.file}")


def _in_id_order(rules: Iterable[Rule]) -> tuple[Rule, ...]:
    return tuple(sorted(rules, key=lambda rule: rule.id))


@frozen
class Test:
    """What an engine matches: a named condition about one kind of subject.

    A rule gives one test named by its id, and one more named ``<id>:unless`` where it has an
    ``unless`` condition; that one's ``unless_of`` is the rule's id (None for a rule's own
    test), so nobody takes the name apart.
    """

    __repr__ = attrs_repr

    name: str
    about: About
    condition: Condition = field(repr=False)
    unless_of: str | None = None


UNLESS = ":unless"  # never in a rule id, which has no ':'


def tests_of(rules: Iterable[Rule]) -> tuple[Test, ...]:
    """The tests an engine matches for ``rules``."""
    found = []
    for rule in rules:
        found.append(Test(rule.id, rule.about, rule.condition))
        if rule.unless is not None:
            found.append(Test(rule.id + UNLESS, rule.about, rule.unless, rule.id))
    return tuple(found)


def _by_name(parameters: Iterable[Parameter]) -> tuple[Parameter, ...]:
    return tuple(sorted(parameters, key=lambda p: p.name))


def _sorted_pairs(
    pairs: Iterable[tuple[str, int | float]] | Mapping[str, int | float],
) -> tuple[tuple[str, int | float], ...]:
    items = pairs.items() if isinstance(pairs, Mapping) else pairs
    return tuple(sorted(items))


def _packs_tuple(packs: Iterable[PackRef]) -> tuple[PackRef, ...]:
    return tuple(packs)


def _ids_tuple(ids: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(ids)))


@frozen
class RuleSet:
    """A checked set of rules with unique ids, kept in id order, and the parameters they read.

    ``parameters`` are declared with their defaults; ``overrides`` are the values a caller
    gave instead (only those that differ from the default are kept). The rules' conditions are
    always compiled for the values in force. ``packs`` are the packs composed, in order, and
    ``disabled`` the ids they took out. ``short_forms`` are the recognised short forms of
    industries and jobs (``[short_forms]`` of the packs' manifests). Instances are immutable:
    :meth:`extend`, :meth:`without` and :meth:`with_parameters` return new ones.
    """

    __repr__ = attrs_repr

    rules: tuple[Rule, ...] = field(converter=_in_id_order)
    parameters: tuple[Parameter, ...] = field(default=(), converter=_by_name)
    overrides: tuple[tuple[str, int | float], ...] = field(default=(), converter=_sorted_pairs)
    packs: tuple[PackRef, ...] = field(default=(), converter=_packs_tuple)
    disabled: tuple[str, ...] = field(default=(), converter=_ids_tuple)
    short_forms: ShortForms = field(factory=ShortForms)
    _by_id: dict[str, Rule] = field(init=False, repr=False, eq=False)

    _layers: tuple[tuple[Rule, ...], ...] = field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        problems = [
            _reused(after, before)
            for before, after in itertools.pairwise(self.rules)
            if before.id == after.id
        ]
        declared = {p.name: p for p in self.parameters}
        if len(declared) != len(self.parameters):
            problems.append(
                RuleProblem("<parameters>", None, None, "a parameter is declared twice")
            )
        overrides: dict[str, int | float] = {}
        for name, value in self.overrides:
            try:
                overrides[name] = _parameter(declared, name).check(value)
            except ValueError as exc:
                problems.append(RuleProblem("<parameters>", None, f"params.{name}", str(exc)))
        if problems:
            raise RuleError(problems)
        # Only real changes are kept, so that overriding with the default changes nothing.
        kept = tuple(
            (n, v)
            for n, v in sorted(overrides.items())
            if not (type(v) is type(declared[n].default) and v == declared[n].default)
        )
        object.__setattr__(self, "overrides", kept)
        values = self.parameter_values
        specs = {p.name: p.spec(values[p.name]) for p in self.parameters}
        rules = tuple(rule._bound(values, specs) for rule in self.rules)
        object.__setattr__(self, "rules", rules)
        object.__setattr__(self, "_by_id", {rule.id: rule for rule in self.rules})
        object.__setattr__(self, "_layers", stratify(self.rules, frozenset(self.disabled)))

    @property
    def parameter_values(self) -> dict[str, int | float]:
        """The value of every parameter in force: its default, or the override."""
        values = {p.name: p.default for p in self.parameters}
        values.update(self.overrides)
        return values

    @property
    def info(self) -> RuleSetInfo:
        """What advice records of the rule set that produced it."""
        return RuleSetInfo(self.packs, self.disabled, self.parameter_values)

    def with_parameters(self, values: Mapping[str, object]) -> RuleSet:
        """The rule set with parameter ``values`` in force (on top of earlier overrides).

        Raises :class:`RuleError` naming a parameter that is not declared or a value of the
        wrong type.
        """
        declared = {p.name: p for p in self.parameters}
        problems = []
        checked: dict[str, int | float] = dict(self.overrides)
        for name, value in values.items():
            try:
                checked[name] = _parameter(declared, name).check(value)
            except ValueError as exc:
                problems.append(RuleProblem("<parameters>", None, f"params.{name}", str(exc)))
        if problems:
            raise RuleError(problems)
        return attrs.evolve(self, overrides=tuple(checked.items()))

    def without(self, *ids: str) -> RuleSet:
        """The rule set without the rules ``ids``; their ids are kept in ``disabled``.

        Conditions that read a disabled rule's conclusions (``"x" in candidate.concluded``)
        read it as never concluded. Raises :class:`RuleError` for an id not in the set.
        """
        unknown = [i for i in ids if i not in self._by_id and i not in self.disabled]
        if unknown:
            raise RuleError(
                [
                    RuleProblem("<disable>", i, None, "no rule with this id to disable")
                    for i in unknown
                ]
            )
        return attrs.evolve(
            self,
            rules=tuple(r for r in self.rules if r.id not in ids),
            disabled=(*self.disabled, *ids),
        )

    def extend(self, *others: RuleSet) -> RuleSet:
        """This rule set with ``others`` added in turn.

        A rule of another set with an id already here overrides it; its disabled ids are
        taken out; its parameters are added (a parameter of the same name must keep its type,
        and takes the other set's default), and its short forms (each replacing one of the
        same short form); packs already composed are not added twice.
        """
        result = self
        for other in others:
            result = result._extended(other)
        return result

    def _extended(self, other: RuleSet) -> RuleSet:
        taken = {rule.id for rule in other.rules} | set(other.disabled)
        declared = {p.name: p for p in self.parameters}
        problems = []
        for parameter in other.parameters:
            known = declared.get(parameter.name)
            if known is not None and known.type != parameter.type:
                problems.append(
                    RuleProblem(
                        "<parameters>",
                        None,
                        f"params.{parameter.name}",
                        f"declared as {known.type} and as {parameter.type}: a pack may change "
                        "a parameter's default, not its type",
                    )
                )
            declared[parameter.name] = parameter
        if problems:
            raise RuleError(problems)
        rules = tuple(rule for rule in self.rules if rule.id not in taken) + other.rules
        present = {rule.id for rule in rules}
        return RuleSet(
            rules,
            tuple(declared.values()),
            {**dict(self.overrides), **dict(other.overrides)},
            (*self.packs, *(p for p in other.packs if p not in self.packs)),
            tuple(i for i in {*self.disabled, *other.disabled} if i not in present),
            self.short_forms.extended(other.short_forms),
        )

    @property
    def layers(self) -> tuple[tuple[Rule, ...], ...]:
        """The rules in the order of evaluation: each layer reads only what lower ones concluded."""
        return self._layers

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def __getitem__(self, rule_id: str) -> Rule:
        return self._by_id[rule_id]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(rule.id for rule in self.rules)

    def reads(self) -> dict[str, frozenset[str]]:
        """The top-level fields each subject root is read at, by conditions or messages."""
        found = {about: set(names) for about, names in fields_read(self.conditions()).items()}
        for rule in self.rules:
            found.setdefault(rule.about, set())
            for template in rule.templates():
                for path in template.fields():
                    if path[0] in ABOUT:
                        found.setdefault(path[0], set()).add(path[1])
        return {root: frozenset(names) for root, names in found.items() if root in ABOUT}

    def conditions(self) -> Iterator[Condition]:
        """Every condition the rules hold, ``unless`` conditions included."""
        return (condition for rule in self.rules for condition in rule.conditions())


def _parameter(declared: Mapping[str, Parameter], name: str) -> Parameter:
    found = declared.get(name)
    if found is None:
        known = ", ".join(sorted(declared)) or "none are declared"
        raise ValueError(f"unknown parameter {name!r}; parameters: {known}")
    return found


# --------------------------------------------------------------------------- where


def shipped_rules_dir() -> Path:
    # Beside this module, where the wheel puts them (a path, not importlib.resources: the
    # rules are read as files anyway, and importing importlib.resources took ~8 ms).
    packaged = Path(__file__).parent / "shipped"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[3] / "rules"  # src/ layout, not installed
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError("the shipped rules are missing from this installation")
