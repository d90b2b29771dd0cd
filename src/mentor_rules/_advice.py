"""Firings into advice: recommendations with messages and evidence, verdicts, ranking, steps."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ._evaluate import evidence as condition_evidence
from ._evidence import input_evidence
from ._expr import EnumType, ListType
from ._facts import Fact
from ._model import Situation
from ._output import Advice, CandidateVerdict, Evidence, Recommendation, Step, Verdict
from ._ruleset import Rule, RuleSet, Template
from ._schema import ABOUT, Kind, subject_types

__all__ = ["build_advice", "render"]

_KIND_ORDER = {kind: rank for rank, kind in enumerate(Kind)}
_ABOUT_ORDER = {about: rank for rank, about in enumerate(ABOUT)}
_VERDICT_ORDER = {verdict: rank for rank, verdict in enumerate(Verdict)}


def build_advice(
    rules: RuleSet,
    situation: Situation,
    facts: Sequence[Fact],
    firings: Iterable[tuple[str, int]],
) -> Advice:
    """The advice that ``firings`` (``(rule id, fact index)``) of ``facts`` amount to."""
    fired = sorted(firings)
    verdicts = _verdicts(rules, situation, facts, fired)
    rank = {verdict.name: position for position, verdict in enumerate(verdicts)}

    def subject_rank(fact: Fact) -> int:
        """Candidates by their ranking; roles and past mentors by position."""
        if fact.about == "candidate":
            return rank[fact.subject]
        return fact.position or 0

    advised = [
        (_recommend(rules[rule_id], situation, facts[index]), subject_rank(facts[index]))
        for rule_id, index in fired
    ]
    advised.sort(
        key=lambda pair: (
            _KIND_ORDER[pair[0].kind],
            pair[0].rule,
            _ABOUT_ORDER[pair[0].about],
            pair[1],
        )
    )
    steps = [
        Step(r.rule, r.subject, r.message)
        for r, _ in sorted(
            (pair for pair in advised if rules[pair[0].rule].step is not None),
            key=lambda pair: (
                pair[0].kind != Kind.PREREQUISITE,
                rules[pair[0].rule].step,
                pair[0].rule,
                pair[1],
            ),
        )
    ]
    return Advice(tuple(r for r, _ in advised), tuple(verdicts), tuple(steps))


def _verdicts(
    rules: RuleSet, situation: Situation, facts: Sequence[Fact], fired: Sequence[tuple[str, int]]
) -> list[CandidateVerdict]:
    by_candidate: dict[str, list[Rule]] = {c.name: [] for c in situation.candidates}
    for rule_id, index in fired:
        fact = facts[index]
        if fact.about == "candidate":
            by_candidate[fact.subject].append(rules[rule_id])
    verdicts = []
    for name, fired_rules in by_candidate.items():
        kinds = {rule.kind for rule in fired_rules}
        if Kind.AVOID in kinds:
            verdict = Verdict.AVOID
        elif Kind.READY in kinds:
            verdict = Verdict.READY_TO_ASK
        elif Kind.CONSIDER in kinds:
            verdict = Verdict.EXPLORE
        else:
            verdict = Verdict.WEAK_FIT
        score = sum(rule.weight for rule in fired_rules)
        ids = tuple(sorted(rule.id for rule in fired_rules))
        verdicts.append(CandidateVerdict(name, verdict, score, ids))
    verdicts.sort(key=lambda v: (_VERDICT_ORDER[v.verdict], -v.score, v.name))
    return verdicts


def _recommend(rule: Rule, situation: Situation, fact: Fact) -> Recommendation:
    found: dict[str, Evidence] = {}  # by path: a path in the input has one value
    for path, value in condition_evidence(rule.condition, fact.values):
        for where, shown in input_evidence(situation, fact, path, value):
            if where not in found:
                found[where] = Evidence(where, shown)
    return Recommendation(
        rule=rule.id,
        kind=rule.kind,
        about=rule.about,
        subject=fact.subject,
        message=render(rule.message, fact.values),
        because=rule.because,
        evidence=tuple(found.values()),
        source=rule.source,
    )


def render(template: Template, values: Mapping[str, Any]) -> str:
    """A message with its slots filled from a fact's values, in plain words."""
    out: list[str] = []
    for literal, path in template.parts:
        if path is None:
            out.append(literal)
            continue
        root, name = path
        value = values.get(root, {}).get(name)
        field_type = subject_types()[root].fields[name]  # type: ignore[index]
        out.append(_words(value, _is_enum(field_type)))
    return "".join(out)


def _is_enum(field_type: Any) -> bool:
    if isinstance(field_type, ListType):
        return _is_enum(field_type.item)
    return isinstance(field_type, EnumType)


def _words(value: Any, enum: bool) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        texts = sorted(_words(item, enum) for item in value)
        return ", ".join(texts) if texts else "none"
    text = str(value)
    return text.replace("_", " ") if enum else text
