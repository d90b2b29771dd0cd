"""Firings into advice: recommendations with messages and evidence, verdicts, ranking, steps."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from attrs import frozen

from .._repr import attrs_repr
from ..facts.build import Fact
from ..language.expr import EnumType, FactPath, FieldType, ListType, NullableType, ScalarType
from ..model.output import (
    Advice,
    CandidateVerdict,
    Evidence,
    Provenance,
    Recommendation,
    RuleSetInfo,
    Step,
    Suppressed,
    Verdict,
    verdict_of,
)
from ..model.situation import Situation
from ..model.text import ShortForms
from ..model.vocabulary import ABOUT, Kind, Stage, subject_types
from ..rules.ruleset import Rule, Template
from .evidence import InputEvidence, compile_evidence, input_evidence_for, static_reads

__all__ = [
    "AdviceBuilder",
    "Match",
    "build_advice",
    "candidate_verdict",
    "candidate_verdicts",
    "candidate_verdicts_reference",
    "compile_template",
    "render",
]

#: A rule that fired, with the fact it fired on (as its layer saw it).
Match = tuple[Rule, Fact]

_KIND_ORDER = {kind: rank for rank, kind in enumerate(Kind)}
_ABOUT_ORDER = {about: rank for rank, about in enumerate(ABOUT)}
#: Stages in the order candidates are ranked: the furthest along first.
_STAGE_RANK = {
    stage: rank
    for rank, stage in enumerate(
        (
            Stage.READY_TO_ASK,
            Stage.GETTING_TO_KNOW,
            Stage.TO_TRY_OUT,
            Stage.NOT_A_FIT,
            Stage.RULED_OUT,
        )
    )
}
#: Stages in the order one is chosen when rules of several fire for a candidate.
_STAGE_PRECEDENCE = {stage: rank for rank, stage in enumerate(Stage)}
_TEXT = ScalarType("str")


def build_advice(
    situation: Situation,
    matched: Sequence[Match],
    suppressed: Sequence[Suppressed] = (),
    short_forms: ShortForms | None = None,
) -> Advice:
    """The advice that the rules in ``matched`` amount to, firing on their facts (industries
    and jobs matched with ``short_forms``, the rule set's)."""
    return AdviceBuilder(short_forms).build(situation, matched, suppressed)


@frozen
class _RulePlan:
    """What turning one rule's firing into a recommendation and a step needs, worked out
    once: its evidence function, and its message, step item and step text compiled
    (:func:`compile_template`, each :func:`render` made once)."""

    __repr__ = attrs_repr

    rule: Rule
    evidence: Callable[[Mapping[str, Any]], list[tuple[FactPath, Any]]]
    message: Rendered
    step_item: Rendered | None
    step_text: Rendered | None
    #: Its part of the order of recommendations: kind, id, subject.
    order: tuple[int, str, int]
    #: Where its evidence is always the same fields (:func:`static_reads`): how each is read,
    #: and where its values stand in the input; else None (``evidence`` says).
    reads: tuple[tuple[Callable[[Mapping[str, Any], Any], Any], InputEvidence], ...] | None


class AdviceBuilder:
    """:func:`build_advice`, with each rule's evidence function made on its first firing and
    kept: an ``Advisor`` keeps one builder for its rule set (and its ``short_forms``)."""

    def __init__(self, short_forms: ShortForms | None = None) -> None:
        self._short_forms = ShortForms() if short_forms is None else short_forms
        self._plans: dict[str, _RulePlan] = {}
        self._inputs: dict[FactPath, InputEvidence] = {}  # a few per field the rules read

    def build(
        self,
        situation: Situation,
        matched: Sequence[Match],
        suppressed: Sequence[Suppressed] = (),
        rule_set: RuleSetInfo | None = None,
        produced_by: Provenance | None = None,
    ) -> Advice:
        """The advice that the rules in ``matched`` amount to (see :func:`build_advice`),
        made by the rule set ``rule_set`` (the default :class:`RuleSetInfo` if None), and
        ``produced_by`` what it says."""
        verdicts = candidate_verdicts(situation, matched)
        rank = {verdict.name: position for position, verdict in enumerate(verdicts)}

        def subject_rank(fact: Fact) -> int:
            """Candidates by their ranking; roles and past mentors by position."""
            if fact.about == "candidate":
                return rank[fact.subject]
            return fact.position or 0

        # By kind, rule and subject: each rule's part of the key worked out with its plan.
        planned = [(self._plan(rule), fact) for rule, fact in matched]
        planned.sort(key=lambda pair: (pair[0].order, subject_rank(pair[1])))
        recommendations = tuple([self._recommend(plan, situation, fact) for plan, fact in planned])
        verdict_of_name = {v.name: v for v in verdicts}
        steps = _plan_steps(planned, recommendations, verdict_of_name)
        order = sorted(suppressed, key=lambda s: (s.rule, rank.get(s.subject, 0), s.subject))
        if rule_set is None:
            rule_set = RuleSetInfo()
        return Advice(recommendations, tuple(verdicts), steps, tuple(order), rule_set, produced_by)

    def _recommend(self, plan: _RulePlan, situation: Situation, fact: Fact) -> Recommendation:
        rule, values = plan.rule, fact.values
        found: dict[str, Evidence] = {}  # by path: a path in the input has one value
        if plan.reads is not None:
            for read, to_input in plan.reads:
                for made in to_input(situation, fact, read(values, None)):
                    if made.path not in found:
                        found[made.path] = made
        else:
            for path, value in plan.evidence(values):
                for made in self._input(path)(situation, fact, value):
                    if made.path not in found:
                        found[made.path] = made
        # By position (rule, kind, about, subject, message, because, evidence, source,
        # see_also): an attrs init takes keywords at about twice the cost.
        return Recommendation(
            rule.id,
            rule.kind,
            rule.about,
            fact.subject,
            plan.message(values, None),
            rule.because,
            tuple(found.values()),
            rule.source,
            rule.see_also,
        )

    def _plan(self, rule: Rule) -> _RulePlan:
        plan = self._plans.get(rule.id)
        if plan is None or plan.rule is not rule:
            step, words = rule.step, rule.words
            reads = static_reads(rule.condition)
            plan = _RulePlan(
                rule,
                compile_evidence(rule.condition),
                compile_template(rule.message, words),
                None if step is None or step.item is None else compile_template(step.item, words),
                None if step is None or step.text is None else compile_template(step.text, words),
                (_KIND_ORDER[rule.kind], rule.id, _ABOUT_ORDER[rule.about]),
                None if reads is None else tuple((read, self._input(path)) for path, read in reads),
            )
            self._plans[rule.id] = plan
        return plan

    def _input(self, path: FactPath) -> InputEvidence:
        """Where the values read at ``path`` stand in the input, worked out once per path."""
        to_input = self._inputs.get(path)
        if to_input is None:
            to_input = self._inputs[path] = input_evidence_for(path, self._short_forms)
        return to_input


def stage_rule(fired: Sequence[Rule]) -> Rule | None:
    """The rule that sets a candidate's stage, of those that fired for them: the first stage in
    :class:`Stage` order; of two rules of one stage, the one of least weight (the strongest
    reason to rule someone out), then the first id."""
    staged = [rule for rule in fired if rule.stage is not None]
    if not staged:
        return None
    return min(staged, key=lambda r: (_STAGE_PRECEDENCE[r.stage], r.weight, r.id))  # type: ignore[index]


def knowledge(rules: Sequence[Rule], scopes_of_goals: Sequence[Any]) -> int:
    """How well a candidate knows what the goals need: the weights of the rules that fit a
    goal scope, once per goal of that scope."""
    return sum(rule.weight * scopes_of_goals.count(rule.fits) for rule in rules if rule.fits)


def candidate_verdict(situation: Situation, matched: Sequence[Match], name: str) -> Verdict:
    """The verdict about the candidate called ``name`` (as ``situation`` writes it) that the
    rules in ``matched`` amount to: what :func:`build_advice` says of them, without the rest
    of the advice (what a search of "what would change it" reads of each changed copy)."""
    return next(v.verdict for v in candidate_verdicts(situation, matched) if v.name == name)


def candidate_verdicts(situation: Situation, matched: Sequence[Match]) -> list[CandidateVerdict]:
    """Each candidate's verdict, best first, from the rules in ``matched``: what
    :func:`candidate_verdicts_reference` says, in one pass over each candidate's rules (its
    stage rule, score, knowledge and goal scopes together; ``tests/test_fast_paths.py`` checks
    the two agree)."""
    by_candidate: dict[str, list[Rule]] = {c.name: [] for c in situation.candidates}
    for rule, fact in matched:
        if fact.about == "candidate":
            by_candidate[fact.subject].append(rule)
    scopes_of_goals = [goal.scope for goal in situation.mentee.goals]
    goals_of_scope = Counter(scopes_of_goals)
    stage_precedence, not_a_fit = _STAGE_PRECEDENCE, Stage.NOT_A_FIT
    ranked = []
    for name, fired in by_candidate.items():
        if not fired:
            verdict = CandidateVerdict(name, _NOT_A_FIT, 0, (), (), not_a_fit, None)
            ranked.append(((_NOT_A_FIT_RANK, 0, 0, 0, name), verdict))
            continue
        setter: Rule | None = None
        best: tuple[int, int, str] | None = None
        score = known = 0
        scopes = set()
        for rule in fired:
            fits, weight = rule.fits, rule.weight
            if fits is None:
                score += weight
            else:
                weighed = weight * goals_of_scope[fits]
                score += weighed
                known += weighed
                scopes.add(fits)
            if rule.stage is not None:
                order = (stage_precedence[rule.stage], weight, rule.id)
                if best is None or order < best:
                    best, setter = order, rule
        stage = not_a_fit if setter is None else setter.stage
        assert stage is not None
        fits_goals = (
            tuple(n for n, scope in enumerate(scopes_of_goals) if scope in scopes) if scopes else ()
        )
        verdict = CandidateVerdict(
            name,
            _VERDICT_OF[stage],
            score,
            tuple(sorted([rule.id for rule in fired])),
            fits_goals,
            stage,
            None if setter is None else setter.id,
        )
        key = (_STAGE_RANK[stage], -len(fits_goals), -known, -score, name)
        ranked.append((key, verdict))
    ranked.sort(key=_first)
    return [verdict for _, verdict in ranked]


_VERDICT_OF = {stage: verdict_of(stage) for stage in Stage}
_NOT_A_FIT = verdict_of(Stage.NOT_A_FIT)
_NOT_A_FIT_RANK = _STAGE_RANK[Stage.NOT_A_FIT]


def _first(pair: tuple[Any, Any]) -> Any:
    return pair[0]


def candidate_verdicts_reference(
    situation: Situation, matched: Sequence[Match]
) -> list[CandidateVerdict]:
    """Each candidate's verdict, best first, from the rules in ``matched``: the definition
    (``docs/spec.md``), spelled out."""
    by_candidate: dict[str, list[Rule]] = {c.name: [] for c in situation.candidates}
    for rule, fact in matched:
        if fact.about == "candidate":
            by_candidate[fact.subject].append(rule)
    goals = situation.mentee.goals
    scopes_of_goals = [goal.scope for goal in goals]
    goals_of_scope = Counter(scopes_of_goals)
    ranked = []
    for name, fired in by_candidate.items():
        setter = stage_rule(fired)
        stage = Stage.NOT_A_FIT if setter is None else setter.stage
        assert stage is not None
        score = 0
        scopes = set()
        for rule in fired:
            if rule.fits is None:
                score += rule.weight
            else:
                score += rule.weight * goals_of_scope[rule.fits]
                scopes.add(rule.fits)
        fits = tuple(n for n, scope in enumerate(scopes_of_goals) if scope in scopes)
        ids = tuple(sorted(rule.id for rule in fired))
        verdict = CandidateVerdict(
            name,
            verdict_of(stage),
            score,
            ids,
            fits,
            stage,
            None if setter is None else setter.id,
        )
        key = (_STAGE_RANK[stage], -len(fits), -knowledge(fired, scopes_of_goals), -score, name)
        ranked.append((key, verdict))
    ranked.sort(key=lambda pair: pair[0])
    return [verdict for _, verdict in ranked]


def _plan_steps(
    planned: Sequence[tuple[_RulePlan, Fact]],
    recommendations: Sequence[Recommendation],
    verdicts: Mapping[str, CandidateVerdict],
) -> tuple[Step, ...]:
    """:func:`_steps` (the reference) for ``planned``, the firings in the order of their
    ``recommendations``: each rule's together, its subjects in ranking order, so that a rule's
    steps need no sorting; each rule's part of the order read from its plan
    (``tests/test_fast_paths.py`` checks the two agree)."""
    by_rule: dict[str, tuple[_RulePlan, list[tuple[Fact, Recommendation]]]] = {}
    cautions: dict[str, list[Step]] = {}
    caution, ruled_out = Kind.CAUTION, Stage.RULED_OUT
    for (plan, fact), recommendation in zip(planned, recommendations, strict=True):
        rule = plan.rule
        if rule.step is None:
            if rule.kind == caution:
                subject = recommendation.subject
                made = Step(rule.id, subject, recommendation.message)
                cautions.setdefault(subject, []).append(made)
            continue
        if rule.about == "candidate":
            verdict = verdicts[recommendation.subject]
            if rule.stage is not None:
                if rule.id != verdict.stage_rule:
                    continue
            elif verdict.stage == ruled_out:
                continue
        group = by_rule.get(rule.id)
        if group is None:
            by_rule[rule.id] = (plan, [(fact, recommendation)])
        else:
            group[1].append((fact, recommendation))
    steps: list[tuple[tuple[Any, ...], Step]] = []
    for plan, pairs in by_rule.values():
        rule = plan.rule
        step = rule.step
        assert step is not None
        order = (rule.kind != Kind.PREREQUISITE, step.order, rule.id)
        if step.group == "each" or len(pairs) == 1:
            for n, (_, r) in enumerate(pairs):
                steps.append(((*order, n), Step(rule.id, r.subject, r.message)))
            continue
        item, step_text = plan.step_item, plan.step_text
        assert item is not None  # a grouped step has both: the rule set's checks say so
        assert step_text is not None
        items = [item(fact.values, None) for fact, _ in pairs]
        slots = {"subjects": _join(items), "others": _join(items[1:])}
        text = step_text(pairs[0][0].values, slots)
        others = tuple(r.subject for _, r in pairs[1:])
        steps.append(((*order, 0), Step(rule.id, pairs[0][1].subject, text, others)))
    steps.sort(key=_first)
    out: list[Step] = []
    if not cautions:
        return tuple([made for _, made in steps])
    for _, made in steps:
        out.append(made)
        if made.subject in cautions:
            out.extend(cautions.pop(made.subject))
        for subject in made.others:
            if subject in cautions:
                out.extend(cautions.pop(subject))
    return tuple(out)


def _steps(
    ordered: Sequence[Match],
    recommendations: Sequence[Recommendation],
    subject_rank: Any,
    verdicts: Mapping[str, CandidateVerdict],
    plan_of: Callable[[Rule], _RulePlan],
) -> tuple[Step, ...]:
    """The plan: each rule's steps in order, grouped as its ``step`` says, and each caution
    about a subject right after the first step that names that subject (the reference of
    :func:`_plan_steps`).

    A candidate's step follows from their stage: only the rule that set it gives one (another
    rule of a stage that lost gives none), and a rule without a stage gives no step about
    someone ruled out."""
    by_rule: dict[str, list[tuple[Match, Recommendation]]] = {}
    cautions: dict[str, list[Step]] = {}
    for match, recommendation in zip(ordered, recommendations, strict=True):
        rule = match[0]
        if rule.step is not None and rule.about == "candidate":
            verdict = verdicts[recommendation.subject]
            if rule.stage is not None and rule.id != verdict.stage_rule:
                continue
            if rule.stage is None and verdict.stage == Stage.RULED_OUT:
                continue
        if rule.step is not None:
            by_rule.setdefault(rule.id, []).append((match, recommendation))
        elif rule.kind == Kind.CAUTION:
            step = Step(rule.id, recommendation.subject, recommendation.message)
            cautions.setdefault(recommendation.subject, []).append(step)
    planned: list[tuple[tuple[Any, ...], Step]] = []
    for pairs in by_rule.values():
        pairs.sort(key=lambda pair: subject_rank(pair[0][1]))
        rule = pairs[0][0][0]
        assert rule.step is not None
        order = (rule.kind != Kind.PREREQUISITE, rule.step.order, rule.id)
        if rule.step.group == "each" or len(pairs) == 1:
            for n, (_, r) in enumerate(pairs):
                planned.append(((*order, n), Step(rule.id, r.subject, r.message)))
            continue
        first = pairs[0][0][1]
        plan = plan_of(rule)
        item, step_text = plan.step_item, plan.step_text
        assert item is not None  # a grouped step has both: the rule set's checks say so
        assert step_text is not None
        items = [item(fact.values, None) for (_, fact), _ in pairs]
        slots = {"subjects": _join(items), "others": _join(items[1:])}
        text = step_text(first.values, slots)
        others = tuple(r.subject for _, r in pairs[1:])
        planned.append(((*order, 0), Step(rule.id, pairs[0][1].subject, text, others)))
    planned.sort(key=lambda pair: pair[0])
    steps: list[Step] = []
    for _, step in planned:
        steps.append(step)
        for subject in (step.subject, *step.others):
            steps.extend(cautions.pop(subject, ()))
    return tuple(steps)


def render(
    template: Template,
    values: Mapping[str, Any],
    words: Mapping[str, str] | None = None,
    slots: Mapping[str, str] | None = None,
) -> str:
    """A message with its slots filled from a fact's values, in plain words.

    Texts in lists are quoted (“like this”), lists read "a, b and c", enum values read as ``words``
    gives them (else as the value with spaces for underscores), unknown values as "unknown".
    """
    out: list[str] = []
    for literal, path in template.parts:
        if path is None:
            out.append(literal)
        elif len(path) == 1:
            out.append((slots or {}).get(path[0], ""))
        else:
            root, name = path
            value = values.get(root, {}).get(name)
            field_type = subject_types()[root].fields[name]  # type: ignore[index]
            out.append(_words(value, field_type, words or {}))
    return "".join(out)


def _words(value: Any, field_type: FieldType, words: Mapping[str, str]) -> str:
    if isinstance(field_type, NullableType):
        field_type = field_type.inner
    if value is None:
        return "unknown"
    if isinstance(field_type, ListType):
        # In text order, so the message does not depend on the order of the input's lists.
        items = sorted(
            f"“{item}”"
            if isinstance(item, str) and field_type.item == _TEXT
            else _words(item, field_type.item, words)
            for item in value
        )
        return _join(items) if items else "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(field_type, EnumType):
        return words.get(value, str(value).replace("_", " "))
    return str(value)


#: A template compiled: its text from a fact's values and the slots (None: no slots).
Rendered = Callable[[Mapping[str, Any], Mapping[str, str] | None], str]
_Words = Callable[[Any], str]
_EMPTY: Mapping[str, Any] = {}


def compile_template(template: Template, words: Mapping[str, str] | None = None) -> Rendered:
    """:func:`render` of ``template`` with ``words`` as a function made once: each slot's
    field type looked up, and its way to plain words chosen, when compiled rather than on
    every message (``tests/test_fast_paths.py`` checks the two agree)."""
    words = words or {}
    types = subject_types()
    # The template as a format string with a positional field for each slot, and what fills
    # each: a fact's field in plain words, or a slot's text.
    form: list[str] = []
    fills: list[Rendered] = []
    for literal, path in template.parts:
        if path is None:
            form.append(literal.replace("{", "{{").replace("}", "}}"))
            continue
        form.append(f"{{{len(fills)}}}")
        if len(path) == 1:
            fills.append(_slot(path[0]))
        else:
            root, name = path
            field_type = types[root].fields[name]  # type: ignore[index]
            fills.append(_field(root, name, _words_for(field_type, words)))
    text = "".join(form)
    if not fills:
        plain = text.replace("{{", "{").replace("}}", "}")
        return lambda values, slots: plain
    if len(fills) == 1:
        (fill,) = fills
        return lambda values, slots: text.format(fill(values, slots))
    return lambda values, slots: text.format(*[fill(values, slots) for fill in fills])


def _slot(name: str) -> Rendered:
    return lambda values, slots: (slots or _EMPTY).get(name, "")


def _field(root: str, name: str, to_words: _Words) -> Rendered:
    return lambda values, slots: to_words(values.get(root, _EMPTY).get(name))


def _words_for(field_type: FieldType, words: Mapping[str, str]) -> _Words:
    """:func:`_words` for values of ``field_type``, as a function made once."""
    if isinstance(field_type, NullableType):
        field_type = field_type.inner
    if isinstance(field_type, ListType):
        quoted = field_type.item == _TEXT
        item_words = _words_for(field_type.item, words)

        def listed(value: Any) -> str:
            if value is None:
                return "unknown"
            items = sorted(
                f"“{item}”" if quoted and isinstance(item, str) else item_words(item)
                for item in value
            )
            return _join(items) if items else "none"

        return listed
    enum = isinstance(field_type, EnumType)

    def scalar(value: Any) -> str:
        kind = type(value)
        if kind is str:  # the usual case: a text, or an enum's value
            return words.get(value, value.replace("_", " ")) if enum else value
        if value is None:
            return "unknown"
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, float):
            return f"{value:g}"
        if enum:
            return words.get(value, str(value).replace("_", " "))
        return str(value)

    return scalar


def _join(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``; ``a, x; b, y; and c, z`` for items with commas."""
    if len(items) <= 1:
        return "".join(items)
    if any("," in item for item in items):
        return "; ".join(items[:-1]) + "; and " + items[-1]
    return ", ".join(items[:-1]) + " and " + items[-1]
