"""Memory of a process whose evaluations are interrupted by its own signal handler.

A host program may end an evaluation early by raising from a signal handler (a request
timeout). This script does that ``--count`` times for each engine, with a timer that fires at
moments spread over the whole of ``advise`` (the example situation, its candidates four times
over), and prints how much the process's resident memory grew, in all and for each
interruption, beside the growth over as many evaluations that were not interrupted. Each
engine runs in a fresh interpreter. ``--source DIR`` measures another checkout's ``src``
(``/work/main/src``, say) side by side.

    .venv/bin/python benchmarks/interruptions.py --count 3000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import json, random, signal, sys
from mentor_rules import Advisor

class Timeout(Exception):
    pass

def alarm(*_):
    if armed:
        raise Timeout

armed = True

def resident_kib():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4

engine, count = sys.argv[1], int(sys.argv[2])
situation = json.loads(open(sys.argv[3]).read())
situation["candidates"] = [dict(c) for c in situation["candidates"] * 4]
for n, candidate in enumerate(situation["candidates"]):
    candidate["name"] = f"{candidate['name']} {n}"
advisor = Advisor(engine=engine)
for _ in range(200):  # warm: caches filled, the allocator settled
    advisor.advise(situation)
before = resident_kib()
for _ in range(count):
    advisor.advise(situation)
calm = resident_kib() - before
signal.signal(signal.SIGALRM, alarm)
moments = random.Random(16)
before = resident_kib()
interrupted = other = 0
while interrupted < count:
    try:
        signal.setitimer(signal.ITIMER_REAL, moments.uniform(0.00005, 0.004))
        advisor.advise(situation)
    except Timeout:
        interrupted += 1
    except Exception:  # the library's own exception where the host's should have come out
        other += 1
        interrupted += 1
    finally:
        armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        armed = True
print(json.dumps({"calm": calm, "grown": resident_kib() - before, "wrapped": other}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--source", action="append", default=[], metavar="DIR")
    args = parser.parse_args()
    sources = [str(ROOT / "src"), *args.source]
    example = str(ROOT / "src" / "mentor_rules" / "example.json")
    print(f"{args.count} interruptions by a signal handler's exception, each engine", flush=True)
    for source in sources:
        for engine in ("durable", "python"):
            done = subprocess.run(
                [sys.executable, "-c", PROBE, engine, str(args.count), example],
                capture_output=True,
                text=True,
                check=True,
                env={**os.environ, "PYTHONPATH": source},
            )
            found = json.loads(done.stdout)
            each = found["grown"] / args.count
            print(
                f"{source} {engine:>8}: grew {found['grown'] / 1024:7.1f} MiB "
                f"({each:6.1f} KiB an interruption; {found['calm'] / 1024:.1f} MiB over as many "
                f"evaluations not interrupted); wrapped as the library's: {found['wrapped']}",
                flush=True,
            )


if __name__ == "__main__":
    main()
