"""Start-up time: each command a fresh interpreter, side by side, against ``python -c pass``.

Run it from the repository root::

    python benchmarks/startup.py           # 30 runs of each command, about 30 seconds
    python benchmarks/startup.py --quick   # 8 runs of each, about 8 seconds

Every command is run as a subprocess, hyperfine-like: the rounds interleave the commands (one
run of each per round, in the order given), so a slow moment of the machine hits all of them
alike; each figure is the median wall time of its runs. The difference of each over
``python -c pass`` is what the library adds. The CPU time (user and system) of each run is
measured beside its wall time: on a busy machine a run waits for a core, which counts in its
wall time but not in its CPU time.

The targets, reported, not enforced (the exit status is 1 only when a command fails):

- issue 19 (4): ``mentor-rules advise FILE --format json`` on a small file adds at most 60 ms;
- issue 19 (5): the default text report on a 50-candidate situation takes at most 2x
  ``--format json`` on the same file (both whole processes, interleaved, fewer runs);
- "At scale" (3): the import with the shipped rules loaded (an ``Advisor``) adds at most 100 ms.

Each target is printed with its figure and whether it holds or misses. Two rows explain the
figures: the libraries the command cannot do without, imported alone (the floor under it), and,
unless ``--class-runs 0``, what making one class costs at import, by kind (attrs as the project
uses it, with the package's one shared ``__repr__``, and attrs' options, a plain ``__slots__``
class), side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

TARGET_MS = 100.0  # "At scale" target 3: an Advisor at most this much above `python -c pass`
TARGET_ADVISE_JSON_MS = 60.0  # issue 19: `advise FILE --format json` at most this much above
TARGET_REPORT_X = 2.0  # issue 19: the text report at most this many times --format json
REPORT_CANDIDATES = 50
SMALL_SITUATION = Path(__file__).resolve().parents[1] / "examples/situations/career-changer.json"

#: The environment of the measured commands: this one, but with Python writing its bytecode
#: cache (``.pyc``), as an installed package has it; with PYTHONDONTWRITEBYTECODE set, every
#: module without a ``.pyc`` would be compiled from source on every run.
ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

#: What ``mentor-rules advise FILE --format json`` cannot do without whatever the package does:
#: attrs (its model), argparse (its command line) and the standard modules it reads and writes
#: with, the rule cache's pickle included. Timed as a row of its own, the floor under the
#: command's figure. (``hashlib`` was in it until the rule cache's key stopped hashing files:
#: the command no longer imports it.)
FLOOR_MODULES = ("attrs", "argparse", "json", "pathlib", "pickle", "enum", "re")


@dataclass(frozen=True)
class Command:
    label: str
    argv: list[str]
    target_ms: float | None  # the most it may add over `python -c pass`, if it has a target
    env: dict[str, str]
    source: str | None = None  # the label of --source, None for the installed package


def commands(python: str, situation: Path, source: tuple[str, str] | None) -> list[Command]:
    """Every command measured, run with the installed package or, given ``source`` (a label
    and a ``src`` directory), with the package in that directory first on the path."""
    env = dict(ENVIRONMENT)
    suffix = ""
    if source is not None:
        env["PYTHONPATH"] = source[1]
        suffix = f" [{source[0]}]"
    made = [
        Command(f"import mentor_rules{suffix}", [python, "-c", "import mentor_rules"], None, env)
    ]
    for engine in ("python", "durable") if _durable_installed(python) else ("python",):
        code = f"import mentor_rules; mentor_rules.Advisor(engine={engine!r})"
        made.append(
            Command(f"Advisor(engine={engine!r}){suffix}", [python, "-c", code], TARGET_MS, env)
        )
    script = _console_script(python)
    argv = [script] if script else [python, "-m", "mentor_rules.cli"]
    made.append(
        Command(
            f"mentor-rules advise --format json{suffix}",
            [*argv, "advise", str(situation), "--format", "json"],
            TARGET_ADVISE_JSON_MS,
            env,
        )
    )
    labelled = None if source is None else source[0]
    return [replace(command, source=labelled) for command in made]


def _durable_installed(python: str) -> bool:
    code = "import mentor_rules, sys; sys.exit('durable' not in mentor_rules.available_engines())"
    return subprocess.run([python, "-c", code], check=False, env=ENVIRONMENT).returncode == 0


def _console_script(python: str) -> str | None:
    """The ``mentor-rules`` script beside ``python`` (a virtualenv's), else on the PATH."""
    beside = Path(python).parent / "mentor-rules"
    if beside.is_file():
        return str(beside)
    return shutil.which("mentor-rules")


class CommandFailed(Exception):
    """A measured command exited with an error."""


def run_once(command: Command) -> tuple[float, float]:
    """Seconds one run of ``argv`` takes: its wall time, and the CPU time (user and system) it
    used, which a busy machine inflates far less. Its output is discarded; raises
    :class:`CommandFailed` with its error output if it fails."""
    started = time.perf_counter()
    argv = command.argv
    process = subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=command.env
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        again = subprocess.run(argv, capture_output=True, text=True, check=False, env=command.env)
        raise CommandFailed(f"{' '.join(argv)} exited {process.returncode}\n{again.stderr}")
    return wall, usage.ru_utime + usage.ru_stime


def measure(measured: Sequence[Command], runs: int) -> list[list[tuple[float, float]]]:
    """Every command's (wall, CPU) times over ``runs`` interleaved rounds, after one warm-up
    round (which writes the ``.pyc`` files and fills the cache of the shipped rule set, as
    any earlier run would)."""
    for command in measured:
        run_once(command)
    times: list[list[tuple[float, float]]] = [[] for _ in measured]
    for _ in range(runs):
        for index, command in enumerate(measured):
            times[index].append(run_once(command))
    return times


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="8 runs of each command, not 30")
    parser.add_argument("--runs", type=int, help="runs of each command (overrides --quick)")
    parser.add_argument(
        "--python", default=sys.executable, help="the interpreter to time (default: this one)"
    )
    parser.add_argument(
        "--situation",
        type=Path,
        default=SMALL_SITUATION,
        help="the situation mentor-rules advise reads (default: examples/situations/"
        "career-changer.json)",
    )
    parser.add_argument(
        "--source",
        action="append",
        default=[],
        metavar="LABEL=DIR",
        help="also time the package in the src directory DIR (such as an export of another "
        "commit), put first on PYTHONPATH, labelled LABEL (repeatable)",
    )
    parser.add_argument(
        "--report-runs",
        type=int,
        help="runs of each command of the text report's target (default 5, 2 with --quick; "
        "0 leaves it out)",
    )
    parser.add_argument(
        "--class-runs",
        type=int,
        help="runs of each module of the class costs (default 10, 4 with --quick; 0 leaves "
        "them out)",
    )
    args = parser.parse_args(argv)
    runs = args.runs or (8 if args.quick else 30)
    if args.class_runs is None:
        args.class_runs = 4 if args.quick else 10
    if args.report_runs is None:
        args.report_runs = 2 if args.quick else 5
    sources: list[tuple[str, str] | None] = [None]
    for given in args.source:
        label, equals, directory = given.partition("=")
        if not equals:
            parser.error(f"--source: expected LABEL=DIR, got {given!r}")
        sources.append((label, str(Path(directory).resolve())))
    bare = Command("python -c pass", [args.python, "-c", "pass"], None, ENVIRONMENT)
    floor = Command(
        "the libraries alone (attrs, argparse...)",
        [args.python, "-c", f"import {', '.join(FLOOR_MODULES)}"],
        None,
        ENVIRONMENT,
    )
    measured = [bare, floor]
    for source in sources:
        measured.extend(commands(args.python, args.situation, source))
    print(
        f"start-up, {runs} runs each, interleaved; median wall time of a fresh process\n"
        f"python {platform.python_version()} ({args.python}), {platform.machine()}, "
        f"{os.cpu_count()} cores, {platform.platform()}"
    )
    try:
        times = measure(measured, runs)
    except CommandFailed as exc:
        print(f"failed: {exc}")
        return 1
    walls = [statistics.median(wall for wall, _ in t) * 1000 for t in times]
    cpus = [statistics.median(cpu for _, cpu in t) * 1000 for t in times]
    width = max(len(command.label) for command in measured)
    print(
        f"{'command':<{width}}  {'wall':>8}  {'over pass':>9}  {'cpu':>8}  {'over pass':>9}"
        "  target (wall, cpu)"
    )
    verdicts: dict[str, str] = {}
    for command, wall, cpu in zip(measured, walls, cpus, strict=True):
        over_wall, over_cpu = wall - walls[0], cpu - cpus[0]
        verdict = ""
        if command.target_ms is not None:
            most = command.target_ms
            verdict = f"<= {most:.0f} ms: " + ", ".join(
                f"{kind} {_met(over <= most)}"
                for kind, over in (("wall", over_wall), ("cpu", over_cpu))
            )
            if command.source is None:
                verdicts[command.label] = (
                    f"+{over_wall:.1f} ms wall, +{over_cpu:.1f} ms cpu; {verdict}"
                )
        print(
            f"{command.label:<{width}}  {wall:6.1f}ms  {over_wall:+7.1f}ms  {cpu:6.1f}ms  "
            f"{over_cpu:+7.1f}ms  {verdict}"
        )
    if args.class_runs:
        print()
        try:
            class_costs(args.python, args.class_runs)
        except CommandFailed as exc:
            print(f"failed: {exc}")
            return 1
    report = None
    if args.report_runs:
        print()
        try:
            report = report_ratio(args.python, args.report_runs)
        except CommandFailed as exc:
            print(f"failed: {exc}")
            return 1
    print(
        f"\n== targets (load average {_load()}; on a busy machine the wall times wait for a core,"
        " the cpu times do not)"
    )
    for label, verdict in verdicts.items():
        which = "issue 19 (4)" if "advise" in label else '"At scale" (3)'
        print(f"  {which} {label}: {verdict}")
    if report is None:
        print("  issue 19 (5) the text report: not measured (--report-runs 0)")
    else:
        print(
            f"  issue 19 (5) the text report, {REPORT_CANDIDATES} candidates, <= "
            f"{TARGET_REPORT_X:g}x --format json: {report[0]:.2f}x wall, {report[1]:.2f}x cpu"
            f"  {_met(report[0] <= TARGET_REPORT_X)} (wall), {_met(report[1] <= TARGET_REPORT_X)}"
            " (cpu)"
        )
    return 0


def _met(ok: bool) -> str:
    return "holds" if ok else "misses"


def _load() -> str:
    return ", ".join(f"{value:.2f}" for value in os.getloadavg()) + " (1, 5, 15 min)"


#: How many classes each generated module of :func:`class_costs` defines.
CLASSES = 60

#: The methods of a frozen class of four fields written as source (``{i}``: the class's number).
_METHODS = (
    "    def __init__(self, a, b, c=0, d=None):\n"
    "        _set(self, 'a', a); _set(self, 'b', b); _set(self, 'c', c); _set(self, 'd', d)\n"
    "    def __repr__(self):\n"
    "        return f'K{i}(a={{self.a!r}}, b={{self.b!r}}, c={{self.c!r}}, d={{self.d!r}})'\n"
    "    def __eq__(self, other):\n"
    "        if other.__class__ is not self.__class__:\n"
    "            return NotImplemented\n"
    "        return (self.a, self.b, self.c, self.d) == (other.a, other.b, other.c, other.d)\n"
    "    def __hash__(self):\n"
    "        return hash((K{i}, self.a, self.b, self.c, self.d))\n"
)

#: The ways of making a frozen class of four fields weighed by :func:`class_costs`: a label,
#: the module's head, and each class's source (``{i}`` its number). The plain class is what
#: "generated once" would write into a module: its methods are ordinary source, compiled into
#: the module's ``.pyc`` once, not generated and compiled again at every import as attrs does.
_CLASS_KINDS = {
    "attrs.frozen (slots, frozen), attrs' __repr__": (
        "import attrs\n",
        "@attrs.frozen\nclass K{i}:\n    a: int\n    b: str\n    c: int = 0\n"
        "    d: object = None\n",
    ),
    "attrs.frozen, one shared __repr__ (the project's)": (
        "import attrs\ndef _shared_repr(self):\n    return ''\n",
        "@attrs.frozen\nclass K{i}:\n    __repr__ = _shared_repr\n    a: int\n    b: str\n"
        "    c: int = 0\n    d: object = None\n",
    ),
    "attrs.frozen(slots=False)": (
        "import attrs\n",
        "@attrs.frozen(slots=False)\nclass K{i}:\n    a: int\n    b: str\n    c: int = 0\n"
        "    d: object = None\n",
    ),
    "attrs.define (slots, mutable)": (
        "import attrs\n",
        "@attrs.define\nclass K{i}:\n    a: int\n    b: str\n    c: int = 0\n"
        "    d: object = None\n",
    ),
    "attrs.frozen, its methods written in source": (
        "import attrs\n_set = object.__setattr__\n",
        "@attrs.frozen(init=False, repr=False, eq=False)\nclass K{i}:\n    a: int\n    b: str\n"
        "    c: int = 0\n    d: object = None\n" + _METHODS,
    ),
    "plain __slots__ class, generated once": (
        "import attrs\n_set = object.__setattr__\n",
        "class K{i}:\n"
        "    __slots__ = ('a', 'b', 'c', 'd')\n"
        "    def __setattr__(self, name, value):\n"
        "        raise attrs.exceptions.FrozenInstanceError()\n" + _METHODS,
    ),
}


def class_costs(python: str, runs: int) -> dict[str, float]:
    """What making one class costs at import, by kind (:data:`_CLASS_KINDS`): a module of
    :data:`CLASSES` classes of each kind imported by a fresh process (its ``.pyc`` written by a
    warm-up round), against a module that imports attrs alone, interleaved; the median CPU
    time over it, divided by the number of classes, in milliseconds. Prints each."""
    with tempfile.TemporaryDirectory() as directory:
        env = {**ENVIRONMENT, "PYTHONPATH": directory}
        made = [Command("import attrs", [python, "-c", "import attrs"], None, env)]
        for number, (label, (head, body)) in enumerate(_CLASS_KINDS.items()):
            source = head + "\n".join(body.format(i=i) for i in range(CLASSES))
            (Path(directory) / f"kind{number}.py").write_text(source)
            made.append(Command(label, [python, "-c", f"import kind{number}"], None, env))
        times = measure(made, runs)
    cpus = [statistics.median(cpu for _, cpu in t) * 1000 for t in times]
    print(f"one class of four fields made at import, {CLASSES} a module, {runs} runs each")
    costs = {}
    for command, cpu in zip(made[1:], cpus[1:], strict=True):
        costs[command.label] = (cpu - cpus[0]) / CLASSES
        print(f"  {command.label:<50}  {costs[command.label] * 1000:7.1f} us cpu a class")
    return costs


def report_ratio(python: str, runs: int) -> tuple[float, float]:
    """The text report over ``--format json`` on a generated situation of
    :data:`REPORT_CANDIDATES` candidates, each a whole ``mentor-rules advise`` process, the two
    interleaved: the ratios of their median wall and CPU times. Prints both figures."""
    from bench import situation  # the situations of bench.py (beside this script)

    from mentor_rules.model.documents import situation_to_dict

    document = situation_to_dict(situation(random.Random(19), REPORT_CANDIDATES))
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "situation.json"
        path.write_text(json.dumps(document))
        script = _console_script(python)
        argv = [script] if script else [python, "-m", "mentor_rules.cli"]
        pair = [
            Command(
                "advise --format json",
                [*argv, "advise", str(path), "--format", "json"],
                None,
                ENVIRONMENT,
            ),
            Command("advise (the text report)", [*argv, "advise", str(path)], None, ENVIRONMENT),
        ]
        times = measure(pair, runs)
    walls = [statistics.median(wall for wall, _ in t) * 1000 for t in times]
    cpus = [statistics.median(cpu for _, cpu in t) * 1000 for t in times]
    print(f"{REPORT_CANDIDATES} candidates, {runs} runs each, interleaved")
    for command, wall, cpu in zip(pair, walls, cpus, strict=True):
        print(f"  {command.label:<28}  {wall:8.1f}ms wall  {cpu:8.1f}ms cpu")
    return walls[1] / walls[0], cpus[1] / cpus[0]


if __name__ == "__main__":
    sys.exit(main())
