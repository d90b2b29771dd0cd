"""The hot path's fast ways against the plain definitions they stand for."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentor_rules import (
    Advisor,
    CoachingRole,
    GoalScope,
    Limits,
    Relation,
    RuleSet,
    Situation,
    SituationError,
    shipped_rules,
    situation_from_dict,
)
from mentor_rules.advice.build import (
    AdviceBuilder,
    _plan_steps,
    _steps,
    candidate_verdicts,
    candidate_verdicts_reference,
    compile_template,
    render,
)
from mentor_rules.advice.evidence import (
    compile_evidence,
    input_evidence,
    input_evidence_for,
    static_reads,
)
from mentor_rules.engines.python import compile_matcher, group_tests, match_reference
from mentor_rules.facts.build import FEW_NOTES, Concluding, Fact, FactBuilder, _notes, echoed
from mentor_rules.language.evaluate import evidence, holds
from mentor_rules.language.expr import Not, parse_condition
from mentor_rules.model.documents import (
    _compiled_check,
    check_limits,
    check_limits_reference,
    converter,
    shape_problems,
    situation_to_dict,
)
from mentor_rules.model.text import echoes
from mentor_rules.model.vocabulary import CONCLUSIONS, Conclusion, roots_for
from mentor_rules.rules import ruleset as _ruleset
from mentor_rules.testing import rule_packs, situations, texts

RULES = shipped_rules()


def _reference_documents(situation: Situation) -> dict[str, list[dict[str, Any]]]:
    """Every field a fact can hold, made the plain way: the converter, and derived fields
    spelled out from their definitions."""
    mentee = situation.mentee
    aimed_industry = mentee.industry if mentee.target_industry is None else mentee.target_industry
    aimed_job = mentee.job if mentee.target_job is None else mentee.target_job
    worked = [text for past in mentee.past_mentors for text in past.worked]
    did_not_work = [text for past in mentee.past_mentors for text in past.did_not_work]
    candidates = []
    for candidate in situation.candidates:
        document = converter.unstructure(candidate)
        document["echoes_worked"] = echoed(candidate.traits, worked)
        document["echoes_did_not_work"] = echoed(candidate.traits, did_not_work)
        document["industry_match"] = (
            None
            if aimed_industry is None or candidate.industry is None
            else RULES.short_forms.match(candidate.industry, aimed_industry) is not None
        )
        document["job_match"] = (
            None
            if aimed_job is None or not candidate.jobs
            else any(RULES.short_forms.match(job, aimed_job) for job in candidate.jobs)
        )
        document["longer_at_company"] = (
            None
            if candidate.years_at_company is None or mentee.months_at_company is None
            else candidate.years_at_company * 12 > mentee.months_at_company
        )
        candidates.append(document)
    return {
        "mentee": [
            {
                **converter.unstructure(mentee),
                "aimed_industry": aimed_industry,
                "aimed_job": aimed_job,
            }
        ],
        "candidate": candidates,
        "past_mentor": [converter.unstructure(past) for past in mentee.past_mentors],
    }


@settings(max_examples=30)
@given(situations())
def test_facts_hold_the_fields_read_as_the_converter_and_definitions_make_them(
    situation: Situation,
) -> None:
    reads = RULES.reads()
    expected = _reference_documents(situation)
    for fact in FactBuilder(reads, RULES.short_forms).build(situation):
        if fact.about == "role":
            continue
        position = fact.position or 0
        whole = expected[fact.about][position]
        assert fact.values[fact.about] == {
            name: value for name, value in whole.items() if name in reads[fact.about]
        }
        assert fact.values["mentee"] == {
            name: value for name, value in expected["mentee"][0].items() if name in reads["mentee"]
        }


@given(st.lists(texts(), max_size=2 * FEW_NOTES), st.lists(texts(), min_size=1, max_size=4))
def test_a_few_notes_compared_one_by_one_echo_as_the_definition_says(
    notes: list[str], traits: list[str]
) -> None:
    """The notes of a situation, compared with each trait when few, else indexed: either way
    a trait echoes them when it echoes one of them."""
    found = _notes(notes)
    assert bool(found) == bool(notes)
    for trait in traits:
        assert found.echoed(trait) == any(echoes(trait, note) for note in notes)


def _with_conclusions(
    facts: Sequence[Fact],
    situation: Situation,
    rules: RuleSet,
    fired: Iterable[tuple[str, int]],
    reads: Mapping[str, frozenset[str]],
) -> tuple[Fact, ...]:
    """The reference :class:`Concluding` stands for: ``facts`` with the conclusion fields the
    rules read, every fact remade from ``fired`` (``(rule id, index of the fact)`` pairs of the
    layers evaluated so far), each field spelled out from its definition in
    ``docs/conditions.md``."""
    by_fact: dict[int, list[Any]] = {}
    for rule_id, index in fired:
        by_fact.setdefault(index, []).append(rules[rule_id])
    goals = situation.mentee.goals
    fits = {
        index: [
            n
            for n, goal in enumerate(goals)
            if goal.scope in {rule.fits for rule in by_fact.get(index, ())}
        ]
        for index, fact in enumerate(facts)
        if fact.about == "candidate"
    }
    fitted = {n for found in fits.values() for n in found}
    candidate_rules = sorted(
        {rule.id for index, fact in enumerate(facts) if fact.about == "candidate"
         for rule in by_fact.get(index, ())}
    )  # fmt: skip

    def concluded(index: int, about: str) -> dict[str, Any]:
        mine = by_fact.get(index, ())
        every = {
            Conclusion.CONCLUDED: sorted(rule.id for rule in mine),
            Conclusion.CONCLUDED_KINDS: sorted({rule.kind.value for rule in mine}),
            Conclusion.CANDIDATES_CONCLUDED: candidate_rules,
            Conclusion.FITS_GOALS: fits.get(index),
            Conclusion.UNMET_GOAL_SCOPES: list(
                dict.fromkeys(g.scope.value for n, g in enumerate(goals) if n not in fitted)
            ),
        }
        assert set(every) == set(Conclusion), "a conclusion field has no reference here"
        wanted = CONCLUSIONS[about] & reads.get(about, frozenset())  # type: ignore[index]
        return {str(name): every[name] for name in wanted}

    mentee = {**facts[0].values["mentee"], **concluded(0, "mentee")}
    out = [Fact("mentee", "mentee", None, {"mentee": mentee})]
    for index, fact in enumerate(facts[1:], start=1):
        document = {**fact.values[fact.about], **concluded(index, fact.about)}
        values: dict[str, Any] = {"mentee": mentee, fact.about: document}
        out.append(Fact(fact.about, fact.subject, fact.position, values))
    return tuple(out)


def _layered(advisor: Advisor, situation: Situation) -> None:
    """Each layer's facts, remade by ``Concluding``, are ``_with_conclusions`` over all facts:
    all of them when all are asked for, those about the layer's subjects when only those are
    (as the advisor asks)."""
    reads = advisor.rules.reads()
    base = FactBuilder(reads, advisor.rules.short_forms).build(situation)
    evaluation = advisor._evaluate(situation)
    fired: set[tuple[str, int]] = set()
    every = Concluding(FactBuilder(reads, advisor.rules.short_forms), situation)
    some = Concluding(FactBuilder(reads, advisor.rules.short_forms), situation)
    layers = zip(advisor._layers, evaluation.layers, strict=True)
    for (layer, _), (_, seen) in layers:
        expected = _with_conclusions(base, situation, advisor.rules, fired, reads)
        abouts = {rule.about for rule in layer}
        assert every.facts() == expected
        for made in (seen, some.facts(abouts)):
            assert len(made) == len(expected)
            for fact, wanted in zip(made, expected, strict=True):
                assert (fact.about, fact.subject, fact.position) == (
                    wanted.about,
                    wanted.subject,
                    wanted.position,
                )
                if fact.about in abouts:
                    assert fact == wanted
        ids = {rule.id for rule in layer}
        for rule, fact in evaluation.matched:
            if rule.id in ids:
                index = next(n for n, f in enumerate(seen) if f is fact)
                fired.add((rule.id, index))
                every.add(rule, index)
                some.add(rule, index)


@settings(max_examples=30)
@given(situations())
def test_each_layer_sees_the_conclusions_of_the_layers_below(situation: Situation) -> None:
    _layered(Advisor(RULES, engine="python"), situation)


@settings(max_examples=15)
@given(rule_packs(), situations())
def test_each_layer_sees_the_conclusions_with_generated_rules(
    rules: RuleSet, situation: Situation
) -> None:
    _layered(Advisor(rules, engine="python"), situation)


@settings(max_examples=60)
@given(
    situations(),
    st.builds(
        Limits,
        max_candidates=st.integers(1, 4),
        max_items=st.integers(1, 4),
        max_text=st.integers(1, 30),
        max_depth=st.integers(1, 6),
    ),
)
def test_check_limits_refuses_exactly_what_the_document_walk_finds(
    situation: Situation, limits: Limits
) -> None:
    problems = shape_problems(situation_to_dict(situation), limits)
    if problems:
        with pytest.raises(SituationError) as raised:
            check_limits(situation, limits)
        assert list(raised.value.problems) == problems
    else:
        check_limits(situation, limits)


@settings(max_examples=25)
@given(rule_packs(max_rules=4), situations())
def test_compiled_evidence_is_the_reference_evidence(rules: RuleSet, situation: Situation) -> None:
    """On every fact of every layer where a rule's conditions hold, the compiled evidence gives
    the reference evaluator's pairs, in its order."""
    layers = Advisor(rules, engine="python")._evaluate(situation).layers
    for rule in rules:
        for condition in rule.conditions():
            compiled = compile_evidence(condition)
            for _, facts in layers:
                for fact in facts:
                    if fact.about == rule.about and holds(condition, fact.values):
                        assert compiled(fact.values) == evidence(condition, fact.values)


@settings(max_examples=25)
@given(rule_packs(max_rules=4), situations())
def test_the_python_engine_tests_an_unless_only_where_its_rule_fires(
    rules: RuleSet, situation: Situation
) -> None:
    """Its firings are every test that holds on a fact of its subject, except an unless on a
    fact where its rule does not hold."""
    layers = Advisor(rules, engine="python")._evaluate(situation).layers
    advisor = Advisor(rules, engine="python")
    for (layer, _), (engine, facts) in zip(advisor._layers, layers, strict=True):
        tests = _ruleset.tests_of(layer)
        conditions = {test.name: test.condition for test in tests}
        expected = {
            (test.name, index)
            for test in tests
            for index, fact in enumerate(facts)
            if fact.about == test.about
            and holds(test.condition, fact.values)
            and (
                not test.name.endswith(_ruleset.UNLESS)
                or holds(conditions[test.name.removesuffix(_ruleset.UNLESS)], fact.values)
            )
        }
        assert engine.match(facts) == expected


def test_every_conclusion_field_is_made_for_every_subject_that_carries_it() -> None:
    """A conclusion field added to ``Conclusion`` and ``CONCLUSIONS`` is made by ``Concluding``
    (mypy names ``Concluding._value``; this names a subject left without it)."""
    situation = situation_from_dict(
        {
            "candidates": [{"name": "Dana", "relation": "peer"}],
            "mentee": {"past_mentors": [{"setting": "school"}]},
        }
    )
    reads: dict[str, frozenset[str]] = {
        about: frozenset(map(str, names)) for about, names in CONCLUSIONS.items()
    }
    facts = Concluding(FactBuilder(reads), situation).facts()
    assert {fact.about for fact in facts} == set(CONCLUSIONS)
    for fact in facts:
        assert set(fact.values[fact.about]) >= CONCLUSIONS[fact.about], fact.about


def _templates_agree(rules: RuleSet, situation: Situation, slots: Mapping[str, str]) -> None:
    """Every template of every rule (message, step item, step text), compiled, writes what
    ``render`` writes on every fact of its subject in every layer."""
    layers = Advisor(rules, engine="python")._evaluate(situation).layers
    for rule in rules:
        step = rule.step
        templates = [rule.message]
        templates += [] if step is None else [t for t in (step.text, step.item) if t is not None]
        for template in templates:
            compiled = compile_template(template, rule.words)
            for _, facts in layers:
                for fact in facts:
                    if fact.about == rule.about:
                        expected = render(template, fact.values, rule.words, slots)
                        assert compiled(fact.values, slots) == expected
                        assert compiled(fact.values, None) == render(
                            template, fact.values, rule.words
                        )


@settings(max_examples=30)
@given(situations(), st.dictionaries(st.sampled_from(["subjects", "others"]), st.text()))
def test_compiled_messages_are_the_rendered_ones(
    situation: Situation, slots: dict[str, str]
) -> None:
    _templates_agree(RULES, situation, slots)


@settings(max_examples=30)
@given(rule_packs(max_rules=4), situations())
def test_compiled_messages_are_the_rendered_ones_with_generated_rules(
    rules: RuleSet, situation: Situation
) -> None:
    _templates_agree(rules, situation, {"subjects": "a, b and c", "others": "b and c"})


def _parts(situation: Situation) -> list[Any]:
    """Every attrs instance of ``situation``: itself, the mentee, its goals and past mentors,
    the candidates."""
    mentee = situation.mentee
    return [situation, mentee, *mentee.goals, *mentee.past_mentors, *situation.candidates]


_ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(allow_nan=False),
    st.text(max_size=40),
    st.sampled_from([*Relation, *GoalScope, *CoachingRole]),
    st.lists(st.text(max_size=3), max_size=3).map(tuple),
    st.lists(st.text(max_size=3), max_size=3),
)


def _sizes(value: Any, found: dict[str, int]) -> None:
    """The longest text and the longest list in a document, into ``found``."""
    if isinstance(value, str):
        found["text"] = max(found["text"], len(value))
    elif isinstance(value, list):
        found["items"] = max(found["items"], len(value))
        for item in value:
            _sizes(item, found)
    elif isinstance(value, dict):
        for item in value.values():
            _sizes(item, found)


@st.composite
def _near_limits(draw: st.DrawFn, situation: Situation) -> Limits:
    """Limits that ``situation`` just meets or just breaks, or the defaults."""
    if draw(st.booleans()):
        return Limits()
    found = {"text": 0, "items": 0}
    _sizes(situation_to_dict(situation), found)
    near = st.integers(-1, 2)
    return Limits(
        max_candidates=max(1, len(situation.candidates) + draw(near)),
        max_items=max(1, found["items"] + draw(near)),
        max_text=max(1, found["text"] + draw(near), 27 + draw(near)),
        max_depth=5 + draw(near),
    )


@settings(max_examples=150)
@given(situations(), st.data())
def test_the_compiled_check_of_a_situation_is_the_reference(
    situation: Situation, data: st.DataObject
) -> None:
    """Under limits it just meets or breaks, and where one field (maybe) holds a value of any
    type, the compiled check passes a situation only when the reference passes it, and
    check_limits raises what the reference raises."""
    limits = data.draw(_near_limits(situation))
    if data.draw(st.booleans()):
        part = data.draw(st.sampled_from(_parts(situation)))
        name = data.draw(st.sampled_from([field.name for field in attrs.fields(type(part))]))
        size = limits.max_text + data.draw(st.integers(-1, 1))
        near = st.text(st.characters(codec="ascii"), min_size=size, max_size=size)
        value = st.sampled_from([_ANY_VALUE, near, near.map(lambda text: (text,))]).flatmap(
            lambda chosen: chosen
        )
        object.__setattr__(part, name, data.draw(value))

    def outcome(check: Any) -> list[Any] | None:
        try:
            check(situation, limits)
        except SituationError as error:
            return list(error.problems)
        return None

    expected = outcome(check_limits_reference)
    compiled = _compiled_check(limits)
    if compiled is not None and compiled(situation):
        assert expected is None
    assert outcome(check_limits) == expected


def _input_evidence_agrees(rules: RuleSet, situation: Situation) -> None:
    """For every value a firing's evidence reads, ``input_evidence_for`` (the branch chosen
    once per path) gives what ``input_evidence`` gives."""
    evaluation = Advisor(rules, engine="python")._evaluate(situation)
    for rule, fact in evaluation.matched:
        for path, value in compile_evidence(rule.condition)(fact.values):
            expected = list(input_evidence(situation, fact, path, value, rules.short_forms))
            made = input_evidence_for(path, rules.short_forms)(situation, fact, value)
            assert list(made) == expected, path


@settings(max_examples=40)
@given(situations())
def test_input_evidence_by_path_is_the_reference(situation: Situation) -> None:
    _input_evidence_agrees(RULES, situation)


@settings(max_examples=30)
@given(rule_packs(max_rules=4), situations())
def test_input_evidence_by_path_is_the_reference_with_generated_rules(
    rules: RuleSet, situation: Situation
) -> None:
    _input_evidence_agrees(rules, situation)


def _matched(tests: Any, values: Mapping[str, Any], index: int) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    compile_matcher(tests)(values, index, found.append)
    return found


@settings(max_examples=40)
@given(rule_packs(max_rules=6), situations(max_candidates=4))
def test_the_matchers_made_from_source_find_what_each_closure_finds(
    rules: RuleSet, situation: Situation
) -> None:
    """On every fact of every layer, the one function made per subject appends the firings
    the tests' closures, tried one by one, find, in their order (unless tests included)."""
    advisor = Advisor(rules, engine="python")
    layers = advisor._evaluate(situation).layers
    for (layer, _), (_, facts) in zip(advisor._layers, layers, strict=True):
        by_about = group_tests(_ruleset.tests_of(layer))
        for index, fact in enumerate(facts):
            tests = by_about.get(fact.about, [])
            assert _matched(tests, fact.values, index) == match_reference(tests, fact.values, index)


@pytest.mark.parametrize("depth", [0, 1, 29, 30, 31, 32, 300])
@pytest.mark.parametrize(
    "leaf", ["candidate.knows_culture", "any(x == 'a' for x in candidate.traits)"]
)
def test_a_matcher_calls_the_closure_of_a_part_nested_too_deep_to_write_out(
    depth: int, leaf: str
) -> None:
    """Conditions nested deeper than Python's parser takes (about 200) are matched too: past
    a depth, a part is its closure; below it, written out; and both mean the same."""
    condition: Any = parse_condition(leaf, roots_for("candidate"))
    for _ in range(depth):
        condition = Not(condition)
    tests = [("deep", condition, ("deep:unless", condition))]
    for culture in (None, True, False):
        values = {"candidate": {"knows_culture": culture, "traits": ["a"] if culture else []}}
        assert _matched(tests, values, 3) == match_reference(tests, values, 3)


@settings(max_examples=40)
@given(st.one_of(st.just(RULES), rule_packs(max_rules=6)), situations(max_candidates=6))
def test_the_verdicts_worked_out_in_one_pass_are_the_reference_ones(
    rules: RuleSet, situation: Situation
) -> None:
    """Each candidate's verdict (stage, its rule, score, rules, goals fitted) and the ranking,
    from the shipped and generated rules' firings, are the definition's."""
    matched = Advisor(rules, engine="python")._evaluate(situation).matched
    assert candidate_verdicts(situation, matched) == candidate_verdicts_reference(
        situation, matched
    )


@settings(max_examples=25)
@given(st.one_of(st.just(RULES), rule_packs(max_rules=6)), situations())
def test_evidence_read_from_fixed_fields_is_the_compiled_evidence(
    rules: RuleSet, situation: Situation
) -> None:
    """Where a condition's evidence is always the same fields (``static_reads``), reading
    them gives what the compiled evidence gives, in its order, on every fact it holds on."""
    layers = Advisor(rules, engine="python")._evaluate(situation).layers
    for rule in rules:
        reads = static_reads(rule.condition)
        if reads is None:
            continue
        compiled = compile_evidence(rule.condition)
        for _, facts in layers:
            for fact in facts:
                if fact.about == rule.about and holds(rule.condition, fact.values):
                    read = [(path, lookup(fact.values, None)) for path, lookup in reads]
                    assert read == compiled(fact.values)


def test_the_shipped_rules_evidence_is_mostly_read_from_fixed_fields() -> None:
    """The fast way is taken: most shipped rules test a fact's own fields, joined by ``and``."""
    fixed = [rule.id for rule in RULES if static_reads(rule.condition) is not None]
    assert len(fixed) > len(RULES.rules) / 2
    assert static_reads(RULES["ask-about-idea-history"].condition) is None  # an "or" inside


@settings(max_examples=40)
@given(st.one_of(st.just(RULES), rule_packs(max_rules=6)), situations(max_candidates=6))
def test_the_plan_made_from_the_ordered_recommendations_is_the_reference_plan(
    rules: RuleSet, situation: Situation
) -> None:
    """The steps made from the recommendations in their order (each rule's subjects already
    ranked) are the reference's, which sorts each rule's subjects itself."""
    evaluation = Advisor(rules, engine="python")._evaluate(situation)
    builder = AdviceBuilder(rules.short_forms)
    verdicts = candidate_verdicts(situation, evaluation.matched)
    rank = {verdict.name: position for position, verdict in enumerate(verdicts)}

    def subject_rank(fact: Fact) -> int:
        return rank[fact.subject] if fact.about == "candidate" else fact.position or 0

    planned = [(builder._plan(rule), fact) for rule, fact in evaluation.matched]
    planned.sort(key=lambda pair: (pair[0].order, subject_rank(pair[1])))
    recommendations = [builder._recommend(plan, situation, fact) for plan, fact in planned]
    by_name = {verdict.name: verdict for verdict in verdicts}
    ordered = [(plan.rule, fact) for plan, fact in planned]
    expected = _steps(ordered, recommendations, subject_rank, by_name, builder._plan)
    assert _plan_steps(planned, recommendations, by_name) == expected
    advice = Advisor(rules, engine="python").advise(situation)
    assert advice.next_steps == expected
