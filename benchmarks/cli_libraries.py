"""What importing a command-line library costs beside argparse: the evidence behind keeping
argparse for ``mentor-rules`` (issue 17, item 9; docs/performance.md, "The command line's
library").

Each case is a fresh interpreter, the rounds interleaved (one run of each per round), and each
figure the median wall time of its runs; the difference over ``python -c pass`` is what the
import adds. A library not installed in the interpreter given is left out (``--python`` for
another interpreter, such as a virtual environment holding typer)::

    python benchmarks/cli_libraries.py                      # 20 rounds
    python benchmarks/cli_libraries.py --python /tmp/venv/bin/python --rounds 30
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

CASES = {
    "python -c pass": "pass",
    "import argparse": "import argparse",
    "import click": "import click",
    "import typer (brings rich)": "import typer",
    "mentor-rules' parser, built": "from mentor_rules.cli import _parser; _parser()",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=sys.executable, help="the interpreter to time")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    cases = {}
    for label, code in CASES.items():
        found = subprocess.run([args.python, "-c", code], capture_output=True, check=False)
        if found.returncode == 0:
            cases[label] = code
        else:
            print(f"{label}: not available in {args.python}, left out")
    times: dict[str, list[float]] = {label: [] for label in cases}
    for _ in range(args.rounds):
        for label, code in cases.items():
            start = time.perf_counter()
            subprocess.run([args.python, "-c", code], check=True)
            times[label].append((time.perf_counter() - start) * 1000)
    base = statistics.median(times["python -c pass"])
    for label, runs in times.items():
        median = statistics.median(runs)
        print(f"{label:32} {median:7.1f} ms  (+{median - base:6.1f} ms over python -c pass)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
