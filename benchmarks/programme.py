"""Programme matching at scale: pairs weighed a second, solver time, end to end, memory.

Run it from the repository root::

    python benchmarks/programme.py            # 200 x 60 and 2,000 x 500
    python benchmarks/programme.py --big      # and 10,000 x 2,000 (many minutes)
    python benchmarks/programme.py --quick    # 60 x 20: a few seconds (what CI runs)
    python benchmarks/programme.py --jobs 2   # weigh the pairs in 2 processes
    python benchmarks/programme.py --size 10000x2000   # one size only
    python benchmarks/programme.py --quick --compare   # and weighing by whole advice, side by side

A generated programme (fixed seed): mentees and mentors spread over business units of about 30
mentors each, matching within a unit only (``outside`` excluded), so each mentee has 20 to 50
eligible mentors, as in issue 18's measurement. For each size it prints the time to read the
document (relations from the chart), the pairs weighed a second, each solver's time (fit:
scipy's sparse assignment, after importing scipy, timed apart; stable: deferred acceptance),
the evidence of the result's pairs, the explanations, the sum (what ``match`` does) and the peak
resident memory of the process and its workers, each target with its figure and whether it
holds. ``--compare`` also weighs the same situations by their whole advice (what ``match`` did
before it weighed verdicts only) and prints the ratio of the two, measured in the same run. It
asserts nothing about timings; it exits 1 only if a result breaks a place or a constraint, or
the two ways of weighing disagree.
"""

from __future__ import annotations

import argparse
import platform
import random
import resource
import sys
import time
from typing import Any

import attrs

from mentor_rules import Advisor
from mentor_rules.programme.document import Objective, Settings, programme_from_dict
from mentor_rules.programme.match import (
    CONFIRM_SOLVES,
    _evidenced,
    _explain,
    _grouped,
    _independent,
    _prober,
    _solve,
    _weigh,
)
from mentor_rules.programme.solve import _scipy
from mentor_rules.programme.weigh import PairWeigher

_UNIT = 30  # mentors in a business unit


def programme_document(mentees: int, mentors: int, seed: int = 18) -> dict[str, Any]:
    rng = random.Random(seed)
    units = max(1, mentors // _UNIT)
    industries = ["retail", "software", "logistics", "finance"]
    jobs = ["engineer", "buyer", "data scientist", "product manager", "designer"]
    people: list[dict[str, Any]] = []
    mentee_entries = []
    for n in range(mentees):
        pid = f"e{n}"
        people.append({"id": pid, "level": rng.randint(1, 4), "organisation": f"u{n % units}"})
        goals = [{"kind": "advice", "scope": rng.choice(["job", "company", "industry"])}]
        mentee_entries.append(
            {
                "id": pid,
                "months_at_company": rng.choice([2, 8, 20, 60]),
                "industry": rng.choice(industries),
                "target_job": rng.choice(jobs),
                "goals": goals,
            }
        )
    mentor_entries = []
    for n in range(mentors):
        pid = f"m{n}"
        people.append({"id": pid, "level": rng.randint(5, 9), "organisation": f"u{n % units}"})
        mentor_entries.append(
            {
                "id": pid,
                "capacity": rng.choice([2, 3, 3, 4]),
                "years_at_company": rng.choice([2.0, 6.0, 12.0]),
                "years_in_industry": rng.choice([3.0, 8.0, 15.0]),
                "industry": rng.choice(industries),
                "jobs": rng.sample(jobs, 2),
                "knows_culture": rng.random() < 0.7,
                "willing": rng.choice(["yes", "yes", "unknown"]),
            }
        )
    return {
        "settings": {"objective": "fit", "exclude_relations": ["direct_manager", "outside"]},
        "people": people,
        "mentees": mentee_entries,
        "mentors": mentor_entries,
    }


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def _holds(figure: float, target: float) -> str:
    return "holds" if figure <= target else "misses"


def _whole_advice(programme: Any, advisor: Advisor, jobs: int) -> tuple[float, dict[Any, Any]]:
    """The same pairs weighed as before: each situation's whole advice (recommendations, text,
    evidence, steps), by ``Advisor.advise_iter``. The seconds taken, and each pair's verdict."""
    weighed = _weigh(programme, advisor, 1)
    index = {m.id: n for n, m in enumerate(programme.mentors)}
    mentees = {m.id: n for n, m in enumerate(programme.mentees)}
    todo = sorted((mentees[e], index[m]) for e, m in weighed.advice)
    work = _grouped(todo, _independent(advisor, programme), advisor.limits.max_candidates)
    maker = PairWeigher(advisor, programme)
    start = time.perf_counter()
    verdicts = {}
    items = advisor.advise_iter((maker.situation(e, ms) for e, ms in work), workers=jobs)
    for (e, _), item in zip(work, items, strict=True):
        assert item.advice is not None
        for v in item.advice.candidates:
            verdicts[(programme.mentees[e].id, v.name)] = (v.verdict, v.score, v.fits_goals)
    return time.perf_counter() - start, verdicts


def run(
    mentees: int, mentors: int, jobs: int, target: float | None, engine: str, compare: bool
) -> bool:
    print(f"\n{mentees:,} mentees x {mentors:,} mentors, --jobs {jobs}")
    document = programme_document(mentees, mentors)
    start = time.perf_counter()
    programme = programme_from_dict(document)
    read = time.perf_counter() - start
    advisor = Advisor(engine="durable" if engine == "durable" else "python")
    start = time.perf_counter()
    weighed = _weigh(programme, advisor, jobs)
    weigh = time.perf_counter() - start
    pairs = len(weighed.advice)
    print(f"    read (relations from the chart): {read:8.2f} s")
    print(
        f"    weighed {pairs:,} pairs ({pairs / mentees:.0f} a mentee, engine "
        f"{advisor.engine}, verdicts only): {weigh:8.2f} s  {pairs / weigh:8,.0f} pairs/s"
    )
    ok = True
    if compare:
        whole, verdicts = _whole_advice(programme, advisor, jobs)
        ok &= verdicts == {
            key: (a.verdict, a.score, a.fits_goals) for key, a in weighed.advice.items()
        }
        print(
            f"    the same pairs weighed by their whole advice: {whole:8.2f} s  "
            f"{pairs / whole:8,.0f} pairs/s  (verdicts only: {whole / weigh:.2f} x faster; "
            f"same verdicts: {ok})"
        )
    start = time.perf_counter()
    _scipy()
    print(f"    import scipy (once a process): {time.perf_counter() - start:8.2f} s")
    solved = {}
    for objective in (Objective.FIT, Objective.STABLE):
        variant = attrs.evolve(programme, settings=Settings(objective=objective))
        start = time.perf_counter()
        chosen = _solve(variant, weighed.eligible, weighed.places)
        solved[objective] = (time.perf_counter() - start, chosen)
        used: dict[str, int] = {}
        for mentee, mentor in chosen.items():
            if mentor is None:
                continue
            ok &= (mentee, mentor) in weighed.eligible
            used[mentor] = used.get(mentor, 0) + 1
        ok &= all(n <= weighed.places[m] for m, n in used.items())
        matched = sum(m is not None for m in chosen.values())
        print(
            f"    solve {objective.value:>6}: {solved[objective][0]:8.2f} s  "
            f"{matched:,} matched of {mentees:,}"
        )
    start = time.perf_counter()
    weighed = _evidenced(programme, advisor, weighed, solved[Objective.FIT][1], jobs)
    evidence = time.perf_counter() - start
    print(f"    evidence of the result's pairs (each advised alone): {evidence:8.2f} s")
    start = time.perf_counter()
    result = _explain(programme, weighed, solved[Objective.FIT][1], _prober(programme, advisor))
    explain = time.perf_counter() - start
    print(
        f"    explain (fit; re-solves up to {CONFIRM_SOLVES} solves' worth of pairs; "
        f"{len(result.uncovered)} uncovered goal(s) probed): "
        f"{explain:8.2f} s"
    )
    whole_run = read + weigh + solved[Objective.FIT][0] + evidence + explain
    print(f"    end to end (read, weigh, solve fit, evidence, explain): {whole_run:8.2f} s")
    if target is not None:
        print(
            f"    target: end to end <= {target:.0f} s with --jobs {2 if target < 100 else 1}: "
            f"{whole_run:.1f} s, {_holds(whole_run, target)}"
            + ("" if jobs == (2 if target < 100 else 1) else f" (measured with --jobs {jobs})")
        )
    peak = _peak_mb()
    print(f"    target: peak resident memory <= 2048 MB: {peak:.0f} MB, {_holds(peak, 2048)}")
    ok &= len(result.assignment) + len(result.unmatched) == mentees
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="60 x 20 only")
    parser.add_argument("--big", action="store_true", help="also 10,000 x 2,000")
    parser.add_argument(
        "--size", metavar="NxM", help="one size only: N mentees x M mentors (e.g. 10000x2000)"
    )
    parser.add_argument("--jobs", type=int, default=1, help="processes weighing pairs")
    parser.add_argument(
        "--engine", choices=("python", "durable"), default="python", help="what match uses"
    )
    parser.add_argument(
        "--compare",
        action="store_true",
        help="also weigh the pairs by their whole advice (as before), side by side",
    )
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {platform.python_version()}, shared with other work")
    sizes: list[tuple[int, int, float | None]] = (
        [(60, 20, None)] if args.quick else [(200, 60, None), (2_000, 500, 60.0)]
    )
    if args.big:
        sizes.append((10_000, 2_000, 600.0))
    if args.size:
        mentees, _, mentors = args.size.partition("x")
        targets = {(2_000, 500): 60.0, (10_000, 2_000): 600.0}
        shape = (int(mentees), int(mentors))
        sizes = [(*shape, targets.get(shape))]
    ok = all(
        run(mentees, mentors, args.jobs, target, args.engine, args.compare)
        for mentees, mentors, target in sizes
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
