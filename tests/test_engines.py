"""The engines: durable-rules embedded safely, and equal to the Python reference."""

from __future__ import annotations

import importlib.abc
import json
import sys
import threading
from pathlib import Path
from typing import Any, get_args

import pytest
from hypothesis import given

from mentor_rules import Advisor, EngineError, available_engines, rules_from_documents
from mentor_rules.engines import ENGINES, EngineName, make_engine
from mentor_rules.engines.python import compile_condition
from mentor_rules.language.evaluate import holds
from mentor_rules.testing import rule_packs
from mentor_rules.testing import situations as generated_situations

DOCS = Path(__file__).resolve().parents[1] / "docs"

needs_durable = pytest.mark.skipif(
    "durable" not in available_engines(), reason="durable-rules is not installed here"
)


def pack(*conditions: str, about: str = "candidate") -> Any:
    return rules_from_documents(
        [
            {
                "id": f"r{i}",
                "title": "t",
                "about": about,
                "kind": "insight",
                "when": text,
                "message": "m",
                "because": "b",
                "source": {"section": "s", "paragraph": 1},
            }
            for i, text in enumerate(conditions)
        ],
        require_examples=False,
    )


def test_unknown_engine_names_are_refused() -> None:
    with pytest.raises(EngineError) as caught:
        make_engine(pack("candidate.knows_culture"), "drools")  # type: ignore[arg-type]
    assert str(caught.value) == "unknown engine 'drools'; expected 'auto', 'python' or 'durable'"


def test_python_is_always_available() -> None:
    assert "python" in available_engines()
    assert Advisor(engine="python").engine == "python"


def test_the_registry_is_the_one_list_of_engines() -> None:
    assert set(get_args(EngineName)) == {"auto", *ENGINES}
    assert available_engines() == tuple(
        name for name, entry in ENGINES.items() if entry.unavailable() is None
    )
    for name in available_engines():
        assert Advisor(engine=name).engine == name  # type: ignore[arg-type]


def test_auto_is_the_first_engine_that_can_run_here() -> None:
    assert Advisor().engine == available_engines()[0]


class _Broken(importlib.abc.MetaPathFinder):
    """Makes ``import durable_rules_engine`` fail with the given error."""

    def __init__(self, error: ImportError) -> None:
        self.error = error

    def find_spec(self, name: str, path: object, target: object = None) -> None:
        if name == "durable_rules_engine":
            raise self.error


def _break_durable(monkeypatch: pytest.MonkeyPatch, error: ImportError) -> None:
    monkeypatch.delitem(sys.modules, "durable_rules_engine", raising=False)
    monkeypatch.setattr(sys, "meta_path", [_Broken(error), *sys.meta_path])


def test_durable_not_installed_says_so_and_how_to_use_python_instead(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _break_durable(
        monkeypatch,
        ModuleNotFoundError("No module named 'durable_rules_engine'", name="durable_rules_engine"),
    )
    assert available_engines() == ("python",)
    assert Advisor().engine == "python"
    with pytest.raises(EngineError) as caught:
        Advisor(engine="durable")
    assert str(caught.value) == (
        "the durable engine needs durable-rules, which is not installed here (it builds on "
        'CPython 3.11 and 3.12 only, with a C compiler); use engine="python" or "auto" '
        "(on the command line: --engine python)"
    )


def test_the_docs_quote_the_engine_messages_as_they_are(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(EngineError) as unknown:
        make_engine(pack("candidate.knows_culture"), "drools")  # type: ignore[arg-type]
    monkeypatch.setitem(sys.modules, "durable_rules_engine", None)
    with pytest.raises(EngineError) as missing:
        make_engine(pack("candidate.knows_culture"), "durable")
    for doc in ("engines.md", "errors.md"):
        text = (DOCS / doc).read_text(encoding="utf-8")
        assert str(unknown.value) in text, doc
        assert str(missing.value) in text, doc


@pytest.mark.parametrize(
    "error",
    [
        ImportError("durable_rules_engine.so: undefined symbol: PyEval_CallObject"),
        ModuleNotFoundError("No module named 'a_dependency'", name="a_dependency"),
    ],
    ids=["undefined-symbol", "a-missing-dependency"],
)
def test_durable_installed_but_failing_to_import_says_so_with_the_import_error(
    monkeypatch: pytest.MonkeyPatch, error: ImportError
) -> None:
    _break_durable(monkeypatch, error)
    assert available_engines() == ("python",)
    assert Advisor().engine == "python"
    with pytest.raises(EngineError) as caught:
        Advisor(engine="durable")
    message = str(caught.value)
    assert "installed here but failed to import" in message
    assert "not installed" not in message
    assert f"({type(error).__name__}: {error})" in message
    assert 'engine="python"' in message
    assert "--engine python" in message


def test_auto_picks_the_python_engine_even_where_durable_rules_is_installed() -> None:
    """The default goes to the faster engine (docs/engines.md, "Which engine is the default")."""
    assert Advisor().engine == "python"
    assert available_engines()[0] == "python"


@needs_durable
def test_raw_durable_misjudges_an_or_inside_an_item_test() -> None:
    """Bug C6, kept as a canary: if a durable-rules release fixes it, this test says so.

    ``any(g.scope == "industry" or g.kind == "questions")`` on one goal (questions, company)
    is true, but the stock engine only keeps the result of the last property it looked at.
    """
    import durable_rules_engine as engine

    definition = {
        "r": {
            "all": [
                {
                    "m": {
                        "$iany": {
                            "goals": {"$or": [{"$i.scope": "industry"}, {"$i.kind": "questions"}]}
                        }
                    }
                }
            ]
        },
        "state": {"all": [{"m": {"$s": 1}}]},
    }
    handle = engine.create_ruleset("c6-canary", json.dumps(definition))
    try:
        fact = {"id": "1", "sid": "c6", "goals": [{"kind": "questions", "scope": "company"}]}
        _, state = engine.assert_facts(handle, json.dumps([fact]))
        fired: list[str] = []
        result = engine.start_action_for_state(handle, state)
        message = result[1] if result else None
        while message:
            fired.extend(name for name in json.loads(message) if name != "state")
            message = engine.complete_and_start_action(handle, state)
        engine.delete_state(handle, "c6")
    finally:
        engine.delete_ruleset(handle)
    assert fired == [], "durable-rules now handles 'or' inside item tests: see docs/engines.md"


ITEM_CONDITIONS = (
    'any(g.scope == "industry" or g.kind == "questions" for g in mentee.goals)',
    'all(g.scope == "industry" or g.kind == "questions" for g in mentee.goals)',
    'not any(g.scope == "industry" and g.kind == "advice" for g in mentee.goals)',
    'all(g.scope in ["job", "company"] for g in mentee.goals)',
    'any(t in ["calm", "kind"] for t in candidate.traits)',
    'all(t in ["calm", "kind"] for t in candidate.traits)',
    'any("calm" in p.worked or p.setting == "school" for p in mentee.past_mentors)',
    'any(g.scope == "job" and candidate.knows_culture for g in mentee.goals)',
    'all(g.scope == "job" or candidate.relation == "peer" for g in mentee.goals)',
)


def situations() -> list[dict[str, Any]]:
    goals = [
        [],
        [{"kind": "questions", "scope": "company"}],
        [{"kind": "advice", "scope": "industry"}],
        [{"kind": "advice", "scope": "industry"}, {"kind": "questions", "scope": "job"}],
        [{"kind": "networking", "scope": "job"}, {"kind": "advice", "scope": "company"}],
    ]
    out = []
    for g in goals:
        for traits, culture in (([], None), (["calm"], True), (["rude", "kind"], False)):
            out.append(
                {
                    "mentee": {
                        "goals": g,
                        "past_mentors": [{"setting": "school", "worked": traits}],
                    },
                    "candidates": [
                        {
                            "name": "Ann",
                            "relation": "peer",
                            "traits": traits,
                            "knows_culture": culture,
                        },
                        {"name": "Bo", "relation": "senior", "traits": traits[::-1]},
                    ],
                }
            )
    return out


@needs_durable
@pytest.mark.parametrize("condition", ITEM_CONDITIONS)
def test_durable_agrees_with_python_on_item_tests(condition: str) -> None:
    rules = pack(condition)
    durable, python = Advisor(rules, engine="durable"), Advisor(rules, engine="python")
    for situation in situations():
        assert durable.advise(situation) == python.advise(situation), situation


@needs_durable
def test_an_evaluation_starts_no_threads_and_sessions_are_freed() -> None:
    advisor = Advisor(engine="durable")
    before = threading.active_count()
    empty: dict[str, Any] = {}  # nothing about candidates fires: the crash-prone case
    for _ in range(3000):  # far past the engine's 1024 live sessions per rule set
        advisor.advise(empty)
    assert threading.active_count() == before


@needs_durable
def test_threads_sharing_one_advisor_get_the_sequential_answers() -> None:
    advisor = Advisor(engine="durable")
    cases = situations()
    expected = [advisor.advise(s) for s in cases]
    failures: list[int] = []

    def work() -> None:
        for _ in range(20):
            for index, situation in enumerate(cases):
                if advisor.advise(situation) != expected[index]:
                    failures.append(index)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


@needs_durable
def test_many_rule_sets_can_live_and_die() -> None:
    for _ in range(200):
        Advisor(pack('candidate.relation == "peer"'), engine="durable").advise(
            {"candidates": [{"name": "A", "relation": "peer"}]}
        )


@needs_durable
@pytest.mark.parametrize(
    "conditions",
    [
        # 300 rules whose first tests all hold on one fact: past the engine's stack of 64
        [f"candidate.conversations != {-i - 1}" for i in range(300)],
        [
            f'candidate.conversations != {i + 50} and candidate.relation == "senior"'
            for i in range(100)
        ],
        # one rule with 70 alternatives (in [...]), and one that expands into 2**8 of them
        [f"candidate.conversations in {list(range(70))}"],
        [
            " and ".join(
                f"(candidate.conversations != {i} or candidate.knows_culture)" for i in range(8)
            )
        ],
        # 201 quantifiers that have to be worked out in Python, one per rule
        [
            f'all(g.scope == "job" or g.kind == "advice" or g.detail == "{i}" '
            "for g in mentee.goals)"
            for i in range(201)
        ],
        # an or of 14 ands: more and/or groups than the engine holds in one rule
        [
            " or ".join(
                f'(candidate.conversations == {i} and candidate.relation == "peer")'
                for i in range(14)
            )
        ],
        # 12 rules of 21 such quantifiers each: 252 flags, more than one fact can carry
        [
            " and ".join(
                f'all(g.scope == "job" or g.detail == "{r}.{i}" for g in mentee.goals)'
                for i in range(21)
            )
            for r in range(12)
        ],
        # numbers past what the engine compares exactly: worked out in Python
        [
            "candidate.conversations < 100000000000000000000",
            "candidate.conversations in [3, 100000000000000000001]",
            "candidate.years_at_company > -1e300",
        ],
    ],
    ids=[
        "many-rules",
        "many-failing-rules",
        "wide-or",
        "exponential-and-or",
        "many-flags",
        "many-groups",
        "many-flags-per-rule",
        "huge-numbers",
    ],
)
def test_large_rule_packs_run_on_durable_without_crashing(conditions: list[str]) -> None:
    rules = pack(*conditions)
    situation = {
        "mentee": {"goals": [{"kind": "advice", "scope": "job"}]},
        "candidates": [
            {"name": "A", "relation": "peer", "conversations": 3},
            {"name": "B", "relation": "senior", "knows_culture": True},
        ],
    }
    durable = Advisor(rules, engine="durable").advise(situation)
    assert durable == Advisor(rules, engine="python").advise(situation)
    assert durable.recommendations


@given(rule_packs(max_rules=4), generated_situations(max_candidates=3))
def test_the_python_engines_closures_mean_what_the_reference_evaluator_says(
    pack: Any, situation: Any
) -> None:
    """Every compiled condition (``when`` and ``unless``) holds on a fact exactly when the tree
    walker says it does, on the facts of every layer, conclusions included."""
    layers = Advisor(pack, engine="python")._evaluate(situation).layers
    for rule in pack:
        for condition in rule.conditions():
            compiled = compile_condition(condition)
            for _, facts in layers:
                for fact in facts:
                    if fact.about == rule.about:
                        assert compiled(fact.values, None) == holds(condition, fact.values)
