"""Every recommendation names a rule of the set, says something, and its evidence is true."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mentor_rules import (
    Advice,
    Advisor,
    CoachingRole,
    Rule,
    RuleSet,
    Situation,
    available_engines,
    situation_to_dict,
)
from mentor_rules.rules.strata import dependencies
from mentor_rules.testing import rule_packs, situations

from ._support import (
    MISSING,
    Engines,
    fewer_examples,
    noted,
    path_tokens,
    resolve,
    spec_situations,
)

_ALONE: dict[tuple[tuple[tuple[str | None, ...], ...], str], Advisor] = {}


def _single_rule_advisor(rule: Rule, rules: RuleSet, engine: str) -> Advisor:
    """An advisor with ``rule`` and the rules whose conclusions it reads, directly or not
    (cached: what fires depends on those rules only)."""
    needed, todo = {rule.id}, [rule]
    while todo:
        for other in dependencies(todo.pop(), rules.rules):
            if other not in needed:
                needed.add(other)
                todo.append(rules[other])
    chosen = tuple(rules[r] for r in sorted(needed))
    key = (tuple((r.id, r.about, r.kind, r.when, r.unless_text, r.fits) for r in chosen), engine)
    if key not in _ALONE:
        if len(_ALONE) > 500:
            _ALONE.clear()
        _ALONE[key] = Advisor(RuleSet(chosen), engine=engine)  # type: ignore[arg-type]
    return _ALONE[key]


def _subjects(situation: Situation, about: str) -> set[str]:
    if about == "mentee":
        return {"mentee"}
    if about == "candidate":
        return {c.name for c in situation.candidates}
    if about == "role":
        return {role.value for role in CoachingRole}
    return {
        f"past mentor {position} ({p.setting.value.replace('_', ' ')})"
        for position, p in enumerate(situation.mentee.past_mentors, start=1)
    }


def check_recommendations(
    advice: Advice, situation: Situation, rules: RuleSet, recheck_engine: str
) -> None:
    """The checks of guarantee 4 on one piece of advice (see the tests below)."""
    document = situation_to_dict(situation)
    for recommendation in advice.recommendations:
        rule = rules[recommendation.rule]  # KeyError: a rule that is not in the set
        assert (recommendation.kind, recommendation.about) == (rule.kind, rule.about)
        assert (recommendation.because, recommendation.source) == (rule.because, rule.source)
        assert recommendation.message.strip()
        assert recommendation.because.strip()
        assert recommendation.subject in _subjects(situation, rule.about)
        for evidence in recommendation.evidence:
            found = resolve(document, evidence.path)
            assert found is not MISSING, f"{evidence.path} is not in the input"
            assert found == evidence.value, evidence.path
            assert type(found) is type(evidence.value), evidence.path
            tokens = path_tokens(evidence.path)
            if rule.about == "candidate" and tokens[0] == "candidates":
                # Evidence about one candidate never points at another.
                assert document["candidates"][tokens[1]]["name"] == recommendation.subject
        # The condition holds on the input: the rule alone (with the rules it reads the
        # conclusions of), on another engine, on facts built for it alone, fires for the same
        # subject.
        alone = _single_rule_advisor(rule, rules, recheck_engine).advise(situation)
        assert recommendation.subject in {r.subject for r in alone.recommendations}


def _other_engine(advisor: Advisor) -> str:
    if advisor.engine == "python" and "durable" in available_engines():
        return "durable"
    return "python"


@given(spec_situations())
def test_every_recommendation_names_its_rule_and_shows_true_evidence(
    advisors: Engines, situation: Situation
) -> None:
    """Each recommendation names a rule of the set with its kind, subject type, reason and
    source; its message and reason are not empty; its subject is in the input; each evidence
    path resolves in the input document (``situation_to_dict`` form) to the very value shown;
    evidence about a candidate points at that candidate; and re-evaluating the rule alone on
    another engine fires it for the same subject. The shipped rules always show evidence."""
    for advisor in advisors:
        with noted(advisor):
            advice = advisor.advise(situation)
            check_recommendations(advice, situation, advisor.rules, _other_engine(advisor))
            for recommendation in advice.recommendations:
                assert recommendation.evidence, recommendation.rule


@fewer_examples(2)
@given(
    rule_packs(),
    st.lists(situations(), min_size=1, max_size=3),
    st.sampled_from(available_engines()),
)
def test_the_evidence_of_generated_rule_packs_is_true(
    pack: RuleSet, cases: list[Situation], engine: str
) -> None:
    """The same checks on generated rule packs, whose conditions use every construct."""
    advisor = Advisor(pack, engine=engine)  # type: ignore[arg-type]
    for situation in cases:
        advice = advisor.advise(situation)
        check_recommendations(advice, situation, pack, "python")


#: The documented order of kinds in the advice.
KIND_ORDER = ("prerequisite", "insight", "avoid", "caution", "action", "consider", "ready")


@given(spec_situations())
def test_recommendations_are_listed_by_kind_then_rule_then_subject(
    advisors: Engines, situation: Situation
) -> None:
    """Kinds in the documented order, then rule id, then subject: candidates in their ranking
    order, roles in their fixed order, past mentors by position."""
    for advisor in advisors:
        with noted(advisor):
            advice = advisor.advise(situation)
            keys = [
                (KIND_ORDER.index(r.kind.value), r.rule, _subject_rank(advice, r.about, r.subject))
                for r in advice.recommendations
            ]
            assert keys == sorted(keys)


def _subject_rank(advice: Advice, about: str, subject: str) -> int:
    if about == "candidate":
        return [v.name for v in advice.candidates].index(subject)
    if about == "role":
        return [role.value for role in CoachingRole].index(subject)
    if about == "past_mentor":
        return int(subject.split()[2])
    return 0
