"""Batches: ``Advisor._advise_chunk`` gives, item for item, what ``advise`` gives one by one.

The chunk's valid situations are evaluated together (one engine call per layer on the facts of
them all; on durable-rules, one session per engine ruleset unless the chunk outgrows a
session's bounds), so these properties check that nothing leaks from one situation to
another: not facts, not conclusions, not the flags worked out once per mentee.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mentor_rules import (
    Advice,
    Advisor,
    Limits,
    RuleSet,
    Situation,
    SituationError,
    available_engines,
    rules_from_documents,
)
from mentor_rules.testing import rule_packs, situation_documents, situations

from ._support import Engines, fewer_examples, noted

needs_durable = pytest.mark.skipif(
    "durable" not in available_engines(), reason="durable-rules is not installed here"
)

#: Documents that are not valid situations, each for its own reason.
_BROKEN: list[Any] = [
    {"mentee": {"months_at_company": "three"}},
    {"candidates": [{"name": "A"}]},
    {"candidates": [{"name": "A", "relation": "peer"}, {"name": " a ", "relation": "peer"}]},
    {"mentee": {"goals": [{"kind": "advice", "scope": "planet"}]}},
    {"nick": 1},
    [],
    None,
]

#: Small limits, so that some generated situations exceed them: a Situation object too is
#: then a SituationError in its place.
_LIMITS = Limits(max_candidates=4, max_items=3)


def _items() -> st.SearchStrategy[Any]:
    return st.one_of(
        situations(max_candidates=6),
        situation_documents(max_candidates=3),
        st.sampled_from(_BROKEN),
    )


def _outcome(advisor: Advisor, situation: Any) -> Advice | SituationError:
    try:
        return advisor.advise(situation)
    except SituationError as error:
        return error


def _same(got: Advice | SituationError, expected: Advice | SituationError) -> bool:
    if isinstance(expected, SituationError):
        return isinstance(got, SituationError) and got.problems == expected.problems
    return got == expected


@pytest.fixture(scope="module")
def limited(advisors: Engines) -> Engines:
    return tuple(
        Advisor(a.rules, engine=a.engine, limits=_LIMITS)  # type: ignore[arg-type]
        for a in advisors
    )


@given(st.lists(_items(), max_size=8))
def test_a_chunk_gets_what_advise_gives_item_by_item(limited: Engines, chunk: list[Any]) -> None:
    """Valid and invalid items, situations of different sizes, in any order: each item gets
    the advice (or the SituationError) that ``advise`` gives it alone, in its place."""
    for advisor in limited:
        with noted(advisor):
            got = advisor._advise_chunk(chunk)
            assert len(got) == len(chunk)
            for outcome, situation in zip(got, chunk, strict=True):
                assert _same(outcome, _outcome(advisor, situation))


@needs_durable
@fewer_examples(4)
@given(rule_packs(max_rules=5), st.lists(situations(max_candidates=4), min_size=2, max_size=5))
def test_a_chunk_gets_the_same_advice_on_both_engines_on_generated_rule_packs(
    pack: RuleSet, chunk: list[Situation]
) -> None:
    """Rule packs with every construct, layers of conclusions and flags worked out in Python:
    the durable engine's chunk equals the Python engine's advice one by one."""
    python = Advisor(pack, engine="python")
    durable = Advisor(pack, engine="durable")
    expected = [python.advise(situation) for situation in chunk]
    assert durable._advise_chunk(chunk) == expected
    assert python._advise_chunk(chunk) == expected


def _pack(*conditions: str) -> RuleSet:
    return rules_from_documents(
        [
            {
                "id": f"r{i}",
                "title": "t",
                "about": "candidate",
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


def _situation(goals: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "mentee": {"goals": goals},
        "candidates": [{"name": "A", "relation": "peer"}, {"name": "B", "relation": "senior"}],
    }


def test_what_is_worked_out_once_per_mentee_is_worked_out_for_each_mentee(
    advisor: Advisor,
) -> None:
    """A candidate rule's test of the mentee alone is worked out once per mentee (a shared
    flag on durable-rules): in a chunk, each situation's mentee gets its own answer."""
    pack = _pack(
        'candidate.relation == "peer" and len(mentee.goals) > 0',
        'candidate.relation == "senior" and any(g.scope == "company" for g in mentee.goals)',
    )
    chosen = Advisor(pack, engine=advisor.engine)  # type: ignore[arg-type]
    chunk = [
        _situation([]),
        _situation([{"kind": "advice", "scope": "company"}]),
        _situation([]),
        _situation([{"kind": "advice", "scope": "job"}]),
    ]
    got = chosen._advise_chunk(chunk)
    fired = [
        sorted((r.rule, r.subject) for r in advice.recommendations)
        for advice in got
        if isinstance(advice, Advice)
    ]
    assert fired == [[], [("r0", "A"), ("r1", "B")], [], [("r0", "A")]]
    assert got == [chosen.advise(situation) for situation in chunk]


def test_an_empty_chunk_and_a_chunk_of_errors(advisor: Advisor) -> None:
    assert advisor._advise_chunk([]) == []
    got = advisor._advise_chunk(_BROKEN)
    assert all(isinstance(outcome, SituationError) for outcome in got)
    assert [outcome.problems for outcome in got] == [  # type: ignore[union-attr]
        _outcome(advisor, document).problems  # type: ignore[union-attr]
        for document in _BROKEN
    ]


def _sessions_used(advisor: Advisor, chunk: list[Any]) -> tuple[list[Advice | SituationError], int]:
    """What ``_advise_chunk`` gives, and how many durable-rules sessions it opened."""
    engines: list[Any] = [engine for _, engine in advisor._layers]
    before = [next(engine._sessions) for engine in engines]
    got = advisor._advise_chunk(chunk)
    after = [next(engine._sessions) for engine in engines]
    return got, sum(b - a - 1 for a, b in zip(before, after, strict=True))


@needs_durable
def test_a_chunk_is_one_session_per_engine_ruleset_and_layer(
    durable_advisor: Advisor, python_advisor: Advisor
) -> None:
    from mentor_rules.engines import durable as _durable

    # 8 facts each (the mentee, 2 candidates, 5 roles): all within one session's bounds
    count = _durable._SESSION_FACTS // 8
    chunk: list[Any] = [_situation([{"kind": "advice", "scope": "company"}])] * count
    chunk.append({"nick": 1})
    engines: list[Any] = [engine for _, engine in durable_advisor._layers]
    parts = sum(len(engine._parts) for engine in engines)
    got, sessions = _sessions_used(durable_advisor, chunk)
    assert sessions == parts
    assert got[:count] == [python_advisor.advise(situation) for situation in chunk[:count]]
    _, sessions = _sessions_used(durable_advisor, chunk[:1])
    assert sessions == parts  # one situation: one session each, as before


@needs_durable
def test_a_chunk_past_a_sessions_bounds_is_shared_out_over_sessions(
    durable_advisor: Advisor, python_advisor: Advisor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past ``_SESSION_FACTS`` facts or ``_SESSION_BYTES`` of payload, a part's facts go to
    several sessions in turn, with the same answers."""
    from mentor_rules.engines import durable as _durable

    chunk = [_situation([{"kind": "advice", "scope": s}]) for s in ("company", "job")] * 5
    expected = [python_advisor.advise(situation) for situation in chunk]
    _, alone = _sessions_used(durable_advisor, chunk)
    monkeypatch.setattr(_durable, "_SESSION_FACTS", 4)
    got, split = _sessions_used(durable_advisor, chunk)
    assert got == expected
    assert split > alone
    monkeypatch.setattr(_durable, "_SESSION_FACTS", 1024)
    monkeypatch.setattr(_durable, "_SESSION_BYTES", 200)
    got, split = _sessions_used(durable_advisor, chunk)
    assert got == expected
    assert split > alone


def test_a_chunk_is_evaluated_in_groups_of_a_bounded_size(
    advisor: Advisor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A chunk's situations are evaluated a group of about ``GROUP_FACTS`` facts at a time
    (a larger situation alone), with the answers of ``advise``."""
    from mentor_rules.advice import advisor as _advisor

    monkeypatch.setattr(_advisor, "GROUP_FACTS", 12)
    small: dict[str, Any] = {"mentee": {}, "candidates": []}  # 6 facts: the mentee, 5 roles
    chunk: list[Any] = [small, small, _situation([]), {"nick": 1}, _situation([]), small]
    valid = [(i, advisor._checked(s)) for i, s in enumerate(chunk) if s != {"nick": 1}]
    groups = [[i for i, _ in group] for group in _advisor._groups(valid)]
    assert groups == [[0, 1], [2], [4], [5]]  # 6 + 6; 8 (2 candidates) alone; ...
    got = advisor._advise_chunk(chunk)
    assert all(_same(g, _outcome(advisor, s)) for g, s in zip(got, chunk, strict=True))
