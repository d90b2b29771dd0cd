"""The solvers, on plain inputs: ids, ranked lists, weights and places.

:func:`stable_matching` is mentee-proposing deferred acceptance with capacities (no
dependency); :func:`optimal_assignment` is a maximum-weight assignment, each mentor's places
expanded into slots and solved by scipy's sparse bipartite matching (LAPJVsp), installed by the
``programme`` extra. Both take and give plain values so that they can be checked against
published instances and other implementations.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from typing import Any

from .._errors import EngineError

__all__ = ["SolverMissing", "optimal_assignment", "stable_matching"]


class SolverMissing(EngineError):
    """The optimal objectives need scipy, which is not installed."""


def _scipy() -> Any:
    try:
        import numpy as np
        from scipy.sparse import csr_array  # type: ignore[import-untyped]
        from scipy.sparse.csgraph import (  # type: ignore[import-untyped]
            min_weight_full_bipartite_matching,
        )
    except ImportError as exc:
        raise SolverMissing(
            "the optimal objectives (fit, participation, fair) need scipy: "
            "pip install 'scipy>=1.11' (in a checkout of mentor-rules: pip install '.[programme]'; "
            "the stable objective needs nothing more)"
        ) from exc
    return np, csr_array, min_weight_full_bipartite_matching


def _places(capacities: Mapping[str, int]) -> dict[str, int]:
    for mentor, places in capacities.items():
        if isinstance(places, bool) or not isinstance(places, int) or places < 0:
            raise ValueError(f"capacity of {mentor!r} must be a whole number >= 0, got {places!r}")
    return dict(capacities)


def _ranked(preferences: Mapping[str, Sequence[str]], side: str) -> dict[str, dict[str, int]]:
    ranks: dict[str, dict[str, int]] = {}
    for who, ranked in preferences.items():
        rank: dict[str, int] = {}
        for position, other in enumerate(ranked):
            if other in rank:
                raise ValueError(f"{side} {who!r} ranks {other!r} twice")
            rank[other] = position
        ranks[who] = rank
    return ranks


def stable_matching(
    mentee_preferences: Mapping[str, Sequence[str]],
    mentor_preferences: Mapping[str, Sequence[str]],
    capacities: Mapping[str, int],
) -> dict[str, str | None]:
    """The mentee-optimal stable matching: each mentee's mentor, or None.

    ``mentee_preferences`` maps each mentee to the mentors they accept, best first;
    ``mentor_preferences`` each mentor to the mentees they accept, best first; ``capacities``
    each mentor to their places. A pair is acceptable when each lists the other. Mentees
    propose in turn (deferred acceptance); a mentor over capacity lets go of the mentee they
    rank lowest. No acceptable pair then prefers each other to what they have, and every
    mentee has the best mentor they have in any stable matching. Raises ``ValueError`` for a
    mentor with no capacity given, a negative capacity or an id ranked twice.
    """
    places = _places(capacities)
    _ranked(mentee_preferences, "mentee")  # checked: no mentor ranked twice
    mentor_rank = _ranked(mentor_preferences, "mentor")
    for mentor in mentor_rank:
        if mentor not in places:
            raise ValueError(f"mentor {mentor!r} has preferences but no capacity")
    lists = {
        mentee: [m for m in ranked if mentee in mentor_rank.get(m, {}) and places.get(m, 0) > 0]
        for mentee, ranked in mentee_preferences.items()
    }
    held: dict[str, list[tuple[int, str]]] = {m: [] for m in places}  # max-heap by rank
    following = dict.fromkeys(lists, 0)
    free = sorted(lists, reverse=True)
    while free:
        mentee = free.pop()
        ranked = lists[mentee]
        if following[mentee] >= len(ranked):
            continue  # has asked every acceptable mentor: unmatched
        mentor = ranked[following[mentee]]
        following[mentee] += 1
        heap = held[mentor]
        heapq.heappush(heap, (-mentor_rank[mentor][mentee], mentee))
        if len(heap) > places[mentor]:
            _, dropped = heapq.heappop(heap)
            free.append(dropped)
    out: dict[str, str | None] = dict.fromkeys(mentee_preferences)
    for mentor, heap in held.items():
        for _, mentee in heap:
            out[mentee] = mentor
    return out


def optimal_assignment(
    weights: Mapping[tuple[str, str], int], capacities: Mapping[str, int]
) -> dict[str, str | None]:
    """An assignment of maximum total weight, then of most pairs: each mentee's mentor, or None.

    ``weights`` maps each allowed ``(mentee, mentor)`` pair to a whole number; ``capacities``
    each mentor to their places (a mentor missing from it has none). Every mentee named in
    ``weights`` is in the result. A pair of negative weight is never chosen. Each mentor's
    places become slots, and scipy's sparse minimum-weight full bipartite matching (LAPJVsp)
    solves the slots and one "unmatched" slot per mentee; raises :class:`SolverMissing` when
    scipy is not installed.
    """
    places = _places(capacities)
    mentees = sorted({mentee for mentee, _ in weights})
    out: dict[str, str | None] = dict.fromkeys(mentees)
    edges = [
        (mentee, mentor, weight)
        for (mentee, mentor), weight in weights.items()
        if places.get(mentor, 0) > 0 and weight >= 0
    ]
    for _, _, weight in edges:
        if isinstance(weight, bool) or not isinstance(weight, int):
            raise ValueError(f"weights must be whole numbers, got {weight!r}")
    if not edges:
        return out
    np, csr_array, solve = _scipy()
    row = {mentee: n for n, mentee in enumerate(mentees)}
    # A mentor's places, as many as could be used: no more than the mentees who may take them.
    takers: dict[str, int] = {}
    for _, mentor, _ in edges:
        takers[mentor] = takers.get(mentor, 0) + 1
    names = sorted(takers)
    column = {mentor: k for k, mentor in enumerate(names)}
    count = len(edges)
    # Built with numpy, edge by edge and then slot by slot: building it in Python took most of
    # the time of a solve (0.9 of 1.0 s at 2,000 x 500).
    edge_row = np.fromiter((row[e] for e, _, _ in edges), dtype=np.int64, count=count)
    edge_mentor = np.fromiter((column[m] for _, m, _ in edges), dtype=np.int64, count=count)
    edge_weight = np.fromiter((w for _, _, w in edges), dtype=np.float64, count=count)
    slots_of = np.array([min(places[m], takers[m]) for m in names], dtype=np.int64)
    first_slot = np.cumsum(slots_of) - slots_of
    # Total weight first, then pairs: each pair is worth weight * (n + 1) + 1, and n pairs at
    # most are made. Costs are positive (the sparse solver reads zeros as missing edges).
    scale = len(mentees) + 1
    top = max(weight for _, _, weight in edges) * scale + 2
    repeat = slots_of[edge_mentor]
    rows = np.repeat(edge_row, repeat)
    within = np.arange(int(repeat.sum()), dtype=np.int64) - np.repeat(
        np.cumsum(repeat) - repeat, repeat
    )
    cols = np.repeat(first_slot[edge_mentor], repeat) + within
    costs = np.repeat(top - (edge_weight * scale + 1), repeat)
    unmatched = int(slots_of.sum())
    spare = np.arange(len(mentees), dtype=np.int64)
    graph = csr_array(
        (
            np.concatenate([costs, np.full(len(mentees), float(top))]),
            (np.concatenate([rows, spare]), np.concatenate([cols, unmatched + spare])),
        ),
        shape=(len(mentees), unmatched + len(mentees)),
    )
    slot_mentor = np.repeat(np.arange(len(names)), slots_of)
    matched_rows, matched_cols = solve(graph)
    for r, c in zip(matched_rows.tolist(), matched_cols.tolist(), strict=True):
        if c < unmatched:
            out[mentees[r]] = names[int(slot_mentor[c])]
    return out
