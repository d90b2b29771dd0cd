"""At scale, on one machine: streaming throughput with worker processes, memory of a long
stream, and how advising grows with candidates and rules.

Run it from the repository root::

    python benchmarks/scale.py           # the full run: several minutes on a 2-core box
    python benchmarks/scale.py --quick   # tiny sizes, a few seconds (what a test runs)

It prints each figure with its target and whether the target holds; it asserts nothing about
timings (the exit status is 1 only when a run fails or two runs disagree). The JSON Lines files
are generated from a fixed seed into a temporary directory, and each command-line run is a
fresh ``python -m mentor_rules.cli`` process.

(4) throughput: ``mentor-rules advise --jsonl --jobs 2`` against ``--jobs 1`` on the same file,
    run alternately, the best of each kept; target: at least 1.7 times the lines a second.
(5) memory: the peak resident memory of ``advise --jsonl`` on a long file against a short one
    (200,000 and 2,000 lines); target: at most 200 MB, and about the same (within 1.25 times).
(6) linear scaling: the time to advise one situation, per candidate, at 1,000 candidates
    against 10 (target: within 1.2 times), and with ten times the rules (the shipped rules and
    nine copies under new ids) against the shipped rules (target: at most 10 times), each
    engine, medians of interleaved rounds.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import attrs

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import _machine, situation  # beside this file (benchmarks is not a package)

from mentor_rules import (
    Advisor,
    Limits,
    RuleSet,
    Situation,
    available_engines,
    shipped_rules,
    situation_to_dict,
)

#: Distinct situations generated; longer files repeat them (generating is not what is measured).
_DISTINCT = 2_000


def _met(ok: bool) -> str:
    return "MET" if ok else "NOT MET"


def write_jsonl(path: Path, lines: int, seed: int, sizes: Sequence[int] = (1, 2, 3)) -> None:
    """``lines`` situations with one of ``sizes`` candidates, one a line, every 50th one
    invalid."""
    rng = random.Random(seed)
    pool = []
    for index in range(min(lines, _DISTINCT)):
        document = situation_to_dict(situation(rng, rng.choice(sizes)))
        if index % 50 == 49:
            document["mentee"]["months_at_company"] = "four"  # an invalid line, reported
        pool.append(json.dumps(document))
    with path.open("w", encoding="utf-8") as out:
        for index in range(lines):
            out.write(pool[index % len(pool)] + "\n")


def run_cli(path: Path, jobs: int) -> tuple[float, int, bytes]:
    """Wall time, peak resident memory and the output of ``mentor-rules advise --jsonl
    --jobs N FILE``. The memory is the sum of the peaks of the command and of each worker
    process it started, read from /proc while it runs (0 where there is no /proc)."""
    command = [sys.executable, "-m", "mentor_rules.cli", "advise", "--jsonl"]
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        process = subprocess.Popen([*command, "--jobs", str(jobs), str(path)], stdout=out)
        peaks: dict[int, int] = {}
        while process.poll() is None:
            for pid in (process.pid, *_children(process.pid)):
                peaks[pid] = max(peaks.get(pid, 0), _peak_rss(pid))
            time.sleep(0.05)
        elapsed = time.perf_counter() - start
        if process.returncode not in (0, 3):
            raise SystemExit(f"{' '.join(command)} --jobs {jobs} exited {process.returncode}")
        out.seek(0)
        return elapsed, sum(peaks.values()), out.read()


def _peak_rss(pid: int) -> int:
    """The peak resident memory of process ``pid`` (VmHWM), 0 if it is gone.

    Not ``wait4``'s ``ru_maxrss``: that counts the memory of this process, which the child
    shared between ``fork`` and ``exec``."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def _children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else ():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text(encoding="ascii", errors="replace")
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == parent:
                found.append(int(entry.name))
    return found


def throughput(directory: Path, lines: int, repeats: int, seed: int) -> bool:
    path = directory / "throughput.jsonl"
    write_jsonl(path, lines, seed)
    best: dict[int, float] = {1: float("inf"), 2: float("inf")}
    outputs: dict[int, bytes] = {}
    for _ in range(repeats):
        for jobs in (1, 2):
            elapsed, _, output = run_cli(path, jobs)
            best[jobs] = min(best[jobs], elapsed)
            outputs[jobs] = output
    same = outputs[1] == outputs[2]
    ratio = best[1] / best[2]
    print(f"\n(4) throughput, advise --jsonl on {lines:,} lines (best of {repeats}, alternated)")
    for jobs in (1, 2):
        print(f"    --jobs {jobs}: {best[jobs]:6.2f} s  {lines / best[jobs]:8,.0f} lines/s")
    print(f"    --jobs 2 / --jobs 1: {ratio:.2f}x   target >= 1.7x: {_met(ratio >= 1.7)}")
    print(f"    outputs byte-identical: {'yes' if same else 'NO'}")
    return same


def memory(directory: Path, long: int, short: int, jobs: int, seed: int) -> None:
    print(f"\n(5) peak resident memory, advise --jsonl --jobs {jobs} (the command + its workers)")
    peaks = {}
    for lines in (short, long):
        path = directory / f"memory-{lines}.jsonl"
        write_jsonl(path, lines, seed, sizes=(1,))
        elapsed, peak, output = run_cli(path, jobs)
        path.unlink()
        peaks[lines] = peak
        size = output.count(b"\n")
        print(
            f"    {lines:>9,} lines: {peak / 2**20:6.1f} MB peak  ({size:,} output lines, "
            f"{elapsed:.1f} s)"
        )
    ratio = peaks[long] / peaks[short]
    print(
        f"    long / short: {ratio:.2f}x   target at most 200 MB: "
        f"{_met(peaks[long] <= 200 * 2**20)}; about the same (<= 1.25x): {_met(ratio <= 1.25)}"
    )


def _median_time(call: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _interleaved(calls: dict[str, Callable[[], object]], rounds: int) -> dict[str, float]:
    """The median seconds of each call, their rounds interleaved so a slow moment of the
    machine falls on all alike."""
    for call in calls.values():  # warm up
        call()
    samples: dict[str, list[float]] = {label: [] for label in calls}
    for _ in range(rounds):
        for label, call in calls.items():
            samples[label].append(_median_time(call, 1))
    return {label: statistics.median(times) for label, times in samples.items()}


def _advising(advisor: Advisor, situations: list[Situation]) -> Callable[[], object]:
    return lambda: [advisor.advise(s) for s in situations]


def copies(rules: RuleSet, times: int) -> RuleSet:
    """``rules`` and ``times - 1`` copies of each rule under a new id."""
    copied = [
        attrs.evolve(rule, id=f"{rule.id}-copy{n}") for n in range(1, times) for rule in rules
    ]
    return RuleSet((*rules, *copied), rules.parameters)


def scaling(few: int, many: int, rounds: int, seed: int) -> None:
    rng = random.Random(seed)
    small, large = situation(rng, few), situation(rng, many)
    some = [situation(rng, rng.choice([1, 3, 10])) for _ in range(20)]
    limits = Limits(max_candidates=max(many, Limits().max_candidates))
    shipped = shipped_rules()
    tenfold = copies(shipped, 10)
    print(f"\n(6) linear scaling (median of {rounds} interleaved rounds)")
    for engine in available_engines():
        advisor = Advisor(shipped, engine=engine, limits=limits)  # type: ignore[arg-type]
        bigger = Advisor(tenfold, engine=engine, limits=limits)  # type: ignore[arg-type]
        # Many small calls make one sample, so that each sample is long enough to time.
        repeat = max(1, many // few)
        timed = _interleaved(
            {
                "few": _advising(advisor, [small] * repeat),
                "many": _advising(advisor, [large]),
                "rules x1": _advising(advisor, some),
                "rules x10": _advising(bigger, some),
            },
            rounds,
        )
        per_few = timed["few"] / repeat / few
        per_many = timed["many"] / many
        ratio = per_many / per_few
        print(
            f"    {engine}: per candidate {per_few * 1e6:7.1f} us at {few}, "
            f"{per_many * 1e6:7.1f} us at {many:,}: {ratio:.2f}x   "
            f"target <= 1.2x: {_met(ratio <= 1.2)}"
        )
        rules_ratio = timed["rules x10"] / timed["rules x1"]
        print(
            f"    {engine}: {len(tenfold)} rules / {len(shipped)} rules: "
            f"{rules_ratio:.2f}x the time   target <= 10x: {_met(rules_ratio <= 10)}"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a few seconds")
    parser.add_argument("--seed", type=int, default=20240601, help="of the generated situations")
    args = parser.parse_args(argv)
    quick: bool = args.quick
    print("mentor-rules scale benchmark" + (" (--quick)" if quick else ""))
    print(_machine())
    with tempfile.TemporaryDirectory(prefix="mentor-rules-scale-") as temporary:
        directory = Path(temporary)
        same = throughput(directory, 60 if quick else 20_000, 1 if quick else 2, args.seed)
        memory(directory, 600 if quick else 200_000, 60 if quick else 2_000, 2, args.seed)
    scaling(10, 50 if quick else 1_000, 2 if quick else 7, args.seed)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
