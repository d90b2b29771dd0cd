"""Properties of rule packs: disabling adds no advice, a parameter set to its default changes
nothing, the engines agree on composed packs with parameters, and the lint's verdicts hold on
generated situations."""

from __future__ import annotations

import pytest
from hypothesis import given, reject
from hypothesis import strategies as st

from mentor_rules import Advisor, RuleError, RuleSet, Situation, available_engines, shipped_rules
from mentor_rules.rules.lint import decide, lint
from mentor_rules.rules.strata import dependencies
from mentor_rules.testing import rule_packs, situations

from ._support import fewer_examples

SHIPPED = shipped_rules()
FULL = Advisor(SHIPPED, engine="python")

needs_durable = pytest.mark.skipif(
    "durable" not in available_engines(), reason="durable-rules is not installed here"
)


@st.composite
def parameter_values(draw: st.DrawFn, rules: RuleSet = SHIPPED) -> dict[str, int | float]:
    chosen = draw(st.lists(st.sampled_from(rules.parameters), unique=True))
    return {
        p.name: draw(st.integers(0, 40))
        if p.type == "int"
        else draw(st.integers(0, 40) | st.floats(0, 40, allow_nan=False))
        for p in chosen
    }


#: The shipped rules no other rule reads the conclusions of.
UNREAD = sorted(
    set(SHIPPED.ids) - {read for rule in SHIPPED for read in dependencies(rule, SHIPPED.rules)}
)


@given(st.sets(st.sampled_from(UNREAD)), situations())
def test_a_pack_that_only_disables_rules_adds_no_advice(
    disabled: set[str], situation: Situation
) -> None:
    """Disabling rules no other rule reads: whatever the smaller set advises, the full set
    advised too. (A rule that reads another's conclusions can change its answer when that one
    goes: disabling the avoid rules releases what their unless held back.)"""
    remaining = SHIPPED.without(*disabled)
    full = FULL.advise(situation)
    fewer = Advisor(remaining, engine="python").advise(situation)
    assert {(r.rule, r.subject) for r in fewer.recommendations} <= {
        (r.rule, r.subject) for r in full.recommendations
    }
    assert not {r.rule for r in fewer.recommendations} & disabled


@given(st.data(), situations())
def test_overriding_a_parameter_with_its_default_changes_nothing(
    data: st.DataObject, situation: Situation
) -> None:
    chosen = data.draw(st.lists(st.sampled_from(SHIPPED.parameters), unique=True))
    defaults = {p.name: p.default for p in chosen}
    assert Advisor(engine="python", parameters=defaults).advise(situation) == FULL.advise(situation)


@needs_durable
@fewer_examples(2)  # each example composes a pack and builds both engines on it
@given(
    st.sets(st.sampled_from(SHIPPED.ids), max_size=4),
    parameter_values(),
    rule_packs(max_rules=3),
    st.lists(situations(), min_size=1, max_size=3),
)
def test_the_engines_agree_on_composed_packs_with_parameters(
    disabled: set[str],
    values: dict[str, int | float],
    pack: RuleSet,
    cases: list[Situation],
) -> None:
    try:
        composed = SHIPPED.without(*disabled).extend(pack).with_parameters(values)
    except RuleError:  # the generated rules read conclusions in a cycle with shipped ones
        reject()
    python = Advisor(composed, engine="python")
    durable = Advisor(composed, engine="durable")
    for situation in cases:
        assert durable.advise(situation) == python.advise(situation)


# A quarter of the profile's examples: deciding a generated condition searches its values
# (about 30 ms a rule), and this test alone took a third of CI's run at the full number.
@fewer_examples(4)
@given(rule_packs(), st.lists(situations(), min_size=1, max_size=3))
def test_what_the_lint_decides_holds_on_generated_situations(
    pack: RuleSet, cases: list[Situation]
) -> None:
    """A rule whose condition never holds never fires nor is held back; one whose condition
    always holds fires, or is held back, for every subject it is about; one the lint finds
    always vetoed never gives its advice."""
    advisor = Advisor(pack, engine="python")
    vetoed = {w.rule for w in lint(pack) if w.check == "always-vetoed"}
    decided = {rule.id: decide(rule.condition) for rule in pack}
    for situation in cases:
        advice = advisor.advise(situation)
        reached = {(r.rule, r.subject) for r in advice.recommendations} | {
            (s.rule, s.subject) for s in advice.suppressed
        }
        assert not vetoed & {r.rule for r in advice.recommendations}
        for rule in pack:
            verdict = decided[rule.id]
            mine = {subject for rule_id, subject in reached if rule_id == rule.id}
            if verdict == "never":
                assert not mine, rule.when
            elif verdict == "always" and rule.about == "mentee":
                assert mine == {"mentee"}, rule.when
            elif verdict == "always" and rule.about == "candidate":
                assert mine == {c.name for c in situation.candidates}, rule.when
