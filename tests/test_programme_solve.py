"""The programme solvers on plain inputs, each checked against a second implementation: brute
force over every assignment on small instances, and the `matching` package's hospital-resident
solver for stable matchings (an oracle, like the second engine)."""

from __future__ import annotations

import itertools
import sys
import warnings
from collections.abc import Mapping, Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mentor_rules.programme import SolverMissing, optimal_assignment, stable_matching

Assignment = dict[str, str | None]


@st.composite
def weighted(draw: st.DrawFn) -> tuple[dict[tuple[str, str], int], dict[str, int]]:
    mentees = [f"e{n}" for n in range(draw(st.integers(1, 4)))]
    mentors = [f"m{n}" for n in range(draw(st.integers(1, 3)))]
    capacities = {m: draw(st.integers(0, 2)) for m in mentors}
    pairs = draw(st.sets(st.sampled_from([(e, m) for e in mentees for m in mentors]), min_size=1))
    weights = {pair: draw(st.integers(-3, 20)) for pair in sorted(pairs)}
    return weights, capacities


def _feasible(
    weights: Mapping[tuple[str, str], int], capacities: Mapping[str, int], got: Assignment
) -> bool:
    used: dict[str, int] = {}
    for mentee, mentor in got.items():
        if mentor is None:
            continue
        if (mentee, mentor) not in weights:
            return False
        used[mentor] = used.get(mentor, 0) + 1
    return all(used[m] <= capacities.get(m, 0) for m in used)


def _value(weights: Mapping[tuple[str, str], int], got: Assignment) -> tuple[int, int]:
    chosen = [(e, m) for e, m in got.items() if m is not None]
    return sum(weights[pair] for pair in chosen), len(chosen)


def _every_assignment(
    weights: Mapping[tuple[str, str], int], capacities: Mapping[str, int]
) -> list[Assignment]:
    mentees = sorted({e for e, _ in weights})
    options = [[None, *sorted(m for (x, m) in weights if x == e)] for e in mentees]
    out = []
    for choice in itertools.product(*options):
        got: Assignment = dict(zip(mentees, choice, strict=True))
        if _feasible(weights, capacities, got):
            out.append(got)
    return out


@given(weighted())
def test_the_optimal_assignment_is_the_best_of_every_feasible_one(
    instance: tuple[dict[tuple[str, str], int], dict[str, int]],
) -> None:
    weights, capacities = instance
    got = optimal_assignment(weights, capacities)
    assert set(got) == {e for e, _ in weights}
    assert _feasible(weights, capacities, got)
    best = max(_value(weights, a) for a in _every_assignment(weights, capacities))
    assert _value(weights, got) == best  # most weight, then most pairs


@given(weighted(), st.data())
def test_one_more_place_never_lowers_the_optimum(
    instance: tuple[dict[tuple[str, str], int], dict[str, int]], data: st.DataObject
) -> None:
    weights, capacities = instance
    mentor = data.draw(st.sampled_from(sorted(capacities)))
    before = _value(weights, optimal_assignment(weights, capacities))
    more = {**capacities, mentor: capacities[mentor] + 1}
    assert _value(weights, optimal_assignment(weights, more)) >= before


@given(weighted(), st.randoms(use_true_random=False))
def test_input_order_and_renaming_change_nothing(
    instance: tuple[dict[tuple[str, str], int], dict[str, int]], rng: object
) -> None:
    import random

    assert isinstance(rng, random.Random)
    weights, capacities = instance
    names = sorted({e for e, _ in weights} | set(capacities))
    renamed = dict(
        zip(names, rng.sample([f"z{n}" for n in range(len(names))], len(names)), strict=True)
    )
    items = list(weights.items())
    rng.shuffle(items)
    other = {(renamed[e], renamed[m]): w for (e, m), w in items}
    other_caps = {renamed[m]: c for m, c in reversed(list(capacities.items()))}
    first = _value(weights, optimal_assignment(weights, capacities))
    assert _value(other, optimal_assignment(other, other_caps)) == first


@st.composite
def ranked(
    draw: st.DrawFn,
) -> tuple[dict[str, list[str]], dict[str, list[str]], dict[str, int]]:
    mentees = [f"e{n}" for n in range(draw(st.integers(1, 5)))]
    mentors = [f"m{n}" for n in range(draw(st.integers(1, 3)))]
    mentee_lists = {
        e: draw(st.permutations(mentors).map(lambda p: p[: draw(st.integers(0, len(p)))]))
        for e in mentees
    }
    mentor_lists = {
        m: draw(st.permutations(mentees).map(lambda p: p[: draw(st.integers(0, len(p)))]))
        for m in mentors
    }
    capacities = {m: draw(st.integers(0, 2)) for m in mentors}
    return mentee_lists, mentor_lists, capacities


def _acceptable(
    e: str,
    m: str,
    mentee_lists: Mapping[str, Sequence[str]],
    mentor_lists: Mapping[str, Sequence[str]],
    capacities: Mapping[str, int],
) -> bool:
    return m in mentee_lists[e] and e in mentor_lists[m] and capacities[m] > 0


def _blocking_pairs(
    got: Assignment,
    mentee_lists: Mapping[str, Sequence[str]],
    mentor_lists: Mapping[str, Sequence[str]],
    capacities: Mapping[str, int],
) -> list[tuple[str, str]]:
    held: dict[str, list[str]] = {m: [] for m in mentor_lists}
    for e, m in got.items():
        if m is not None:
            held[m].append(e)
    out = []
    for e, prefs in mentee_lists.items():
        for m in prefs:
            if m == got[e]:
                break  # the rest are worse for e
            if not _acceptable(e, m, mentee_lists, mentor_lists, capacities):
                continue
            rank = mentor_lists[m].index
            if len(held[m]) < capacities[m] or any(rank(e) < rank(o) for o in held[m]):
                out.append((e, m))
    return out


def _all_matchings(
    mentee_lists: Mapping[str, Sequence[str]],
    mentor_lists: Mapping[str, Sequence[str]],
    capacities: Mapping[str, int],
) -> list[Assignment]:
    mentees = sorted(mentee_lists)
    options = [
        [
            None,
            *[
                m
                for m in mentee_lists[e]
                if _acceptable(e, m, mentee_lists, mentor_lists, capacities)
            ],
        ]
        for e in mentees
    ]
    out = []
    for choice in itertools.product(*options):
        got: Assignment = dict(zip(mentees, choice, strict=True))
        used: dict[str, int] = {}
        for m in choice:
            if m is not None:
                used[m] = used.get(m, 0) + 1
        if all(used[m] <= capacities[m] for m in used):
            out.append(got)
    return out


@given(ranked())
def test_the_stable_matching_is_stable_and_the_best_stable_one_for_every_mentee(
    instance: tuple[dict[str, list[str]], dict[str, list[str]], dict[str, int]],
) -> None:
    mentee_lists, mentor_lists, capacities = instance
    got = stable_matching(mentee_lists, mentor_lists, capacities)
    assert set(got) == set(mentee_lists)
    for e, m in got.items():
        assert m is None or _acceptable(e, m, mentee_lists, mentor_lists, capacities)
    assert _blocking_pairs(got, mentee_lists, mentor_lists, capacities) == []

    def position(e: str, m: str | None) -> int:
        return len(mentee_lists[e]) if m is None else mentee_lists[e].index(m)

    for other in _all_matchings(mentee_lists, mentor_lists, capacities):
        if not _blocking_pairs(other, mentee_lists, mentor_lists, capacities):
            assert all(position(e, got[e]) <= position(e, other[e]) for e in got)


@given(ranked())
def test_the_stable_matching_is_the_matching_package_s(
    instance: tuple[dict[str, list[str]], dict[str, list[str]], dict[str, int]],
) -> None:
    games = pytest.importorskip("matching.games")
    mentee_lists, mentor_lists, capacities = instance
    # The oracle wants every ranking mutual, and no player without a place or a list.
    open_ = {m for m, c in capacities.items() if c > 0}
    residents = {
        e: [m for m in p if m in open_ and e in mentor_lists[m]] for e, p in mentee_lists.items()
    }
    residents = {e: p for e, p in residents.items() if p}
    hospitals = {
        m: [e for e in mentor_lists[m] if e in residents and m in residents[e]] for m in open_
    }
    hospitals = {m: p for m, p in hospitals.items() if p}
    got = stable_matching(mentee_lists, mentor_lists, capacities)
    if not residents:
        assert all(m is None for m in got.values())
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the oracle's notes on players it leaves out
        game = games.HospitalResident.create_from_dictionaries(
            residents, hospitals, {m: capacities[m] for m in hospitals}
        )
    solved = game.solve(optimal="resident")
    oracle: Assignment = dict.fromkeys(mentee_lists)
    for hospital, held in solved.items():
        for resident in held:
            oracle[resident.name] = hospital.name
    assert got == oracle


def test_plain_inputs_are_checked() -> None:
    with pytest.raises(ValueError, match="capacity of 'm'"):
        optimal_assignment({("e", "m"): 1}, {"m": -1})
    with pytest.raises(ValueError, match="ranks 'm' twice"):
        stable_matching({"e": ["m", "m"]}, {"m": ["e"]}, {"m": 1})
    with pytest.raises(ValueError, match="no capacity"):
        stable_matching({"e": ["m"]}, {"m": ["e"]}, {})


def test_a_missing_solver_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "scipy.sparse.csgraph", None)
    with pytest.raises(SolverMissing, match=r"pip install 'scipy>=1\.11'"):
        optimal_assignment({("e", "m"): 1}, {"m": 1})
    # Deferred acceptance needs nothing.
    assert stable_matching({"e": ["m"]}, {"m": ["e"]}, {"m": 1}) == {"e": "m"}
