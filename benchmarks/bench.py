"""Side-by-side timings of the hand-written baseline, both engines and the whole pipeline.

Run it from the repository root::

    python benchmarks/bench.py           # the full run, about 35 seconds on a 2-core box
    python benchmarks/bench.py --quick   # a smaller run, about 5 seconds
    python benchmarks/bench.py --repeats 5  # the targets measured five times, side by side

Every variant runs on the same generated situations (fixed seed): one mentee with goals, ideas
and past mentors, and 1, 10 or 50 candidates. Rounds interleave the variants, so a slow moment
of the machine hits all of them alike; each figure is the median of per-call times. See
``benchmarks/README.md`` for what each row means and for the figures of one run.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import random
import statistics
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterable, Mapping, Sequence
from importlib import metadata
from typing import Any

from baseline import firings as baseline_firings

from mentor_rules import (
    Advice,
    Advisor,
    Candidate,
    CareerMove,
    Chemistry,
    CoachingRole,
    Goal,
    GoalKind,
    GoalScope,
    Mentee,
    PastMentor,
    Relation,
    RuleSet,
    Setting,
    Situation,
    Willingness,
    available_engines,
    shipped_rules,
)
from mentor_rules.engines import EngineName
from mentor_rules.facts.build import Fact, FactBuilder
from mentor_rules.model.documents import (
    advice_to_dict,
    advice_to_dict_reference,
    situation_from_dict,
    situation_from_dict_reference,
    situation_to_dict,
)
from mentor_rules.scale.batch import CHUNK_SIZE

# --------------------------------------------------------------------------- targets

# The issues "Speed where users pay for it" (19) and "At scale", at 10 candidates, each a ratio
# of medians measured in this run:
TARGET_PYTHON_ADVISE_X = 8.0  # python advise / hand-written baseline
TARGET_PYTHON_MATCH_X = 3.0  # python match (facts + every layer) / hand-written baseline
TARGET_DURABLE_ADVISE_X = 1.2  # durable advise / python advise, or the default is the faster
TARGET_JSON_PATH_X = 1.2  # document -> advise -> document / advise on a Situation (default engine)
TARGET_DURABLE_MATCH_X = 1.5  # durable match / its bare C calls on the same payloads
TARGET_RSS_GROWTH_MB = 5.0  # over the durable evaluations of the memory check
THREADS = 8  # threads sharing one durable Advisor, which must give the sequential advice


def engine_names() -> tuple[EngineName, ...]:
    """The engines that run here, the Python one first."""
    return tuple(name for name in ("python", "durable") if name in available_engines())


# --------------------------------------------------------------------------- situations

_TRAITS = (
    "patient",
    "Patient",
    "  direct ",
    "busy",
    "hard to reach",
    "Hard  to reach",
    "generous with time",
    "well connected",
    "strict",
    "funny",
    "weekly check-ins",
    "blunt",
)
_IDEAS = ("a self-service analytics portal", "a guild for testers", "four-day sprints")
_NAMES = (
    "Dana",
    "Sam",
    "Rita",
    "Pat",
    "Lee",
    "Kim",
    "Olu",
    "Ari",
    "Jo",
    "Max",
)


def _years(rng: random.Random, high: float) -> float | None:
    return None if rng.random() < 0.2 else round(rng.uniform(0, high), 1)


def _candidate(rng: random.Random, index: int) -> Candidate:
    return Candidate(
        name=f"{_NAMES[index % len(_NAMES)]} {index:02d}",
        relation=rng.choice(list(Relation)),
        years_at_company=_years(rng, 15),
        years_in_industry=_years(rng, 30),
        knows_culture=rng.choice([None, True, False]),
        chemistry=rng.choice(list(Chemistry)),
        conversations=rng.choice([0, 0, 1, 2, 3, 6]),
        willing=rng.choice(list(Willingness)),
        traits=tuple(rng.sample(_TRAITS, rng.randint(0, 3))),
    )


def situation(rng: random.Random, candidates: int) -> Situation:
    """A mentee with goals, ideas and past mentors, and ``candidates`` candidates."""
    mentee = Mentee(
        months_at_company=rng.randint(0, 60),
        wants_to_innovate=rng.random() < 0.5,
        hired_for_fresh_perspective=rng.random() < 0.3,
        career_move=rng.choice(list(CareerMove)),
        goals=tuple(
            Goal(rng.choice(list(GoalKind)), rng.choice(list(GoalScope)))
            for _ in range(rng.randint(1, 3))
        ),
        ideas=tuple(rng.sample(_IDEAS, rng.randint(1, 2))),
        support_roles=tuple(rng.sample(list(CoachingRole), rng.randint(0, 3))),
        past_mentors=tuple(
            PastMentor(
                rng.choice(list(Setting)),
                worked=tuple(rng.sample(_TRAITS, rng.randint(1, 3))),
                did_not_work=tuple(rng.sample(_TRAITS, rng.randint(0, 2))),
            )
            for _ in range(rng.randint(1, 3))
        ),
    )
    return Situation(mentee, tuple(_candidate(rng, i) for i in range(candidates)))


# --------------------------------------------------------------------------- measuring

Variant = tuple[str, Callable[[int], object]]


def measure(variants: Sequence[Variant], count: int, rounds: int, warmup: int) -> dict[str, float]:
    """Median per-call time in microseconds of each variant, over ``count`` inputs x rounds.

    Each round runs every variant once on every input, the order of variants rotating from
    round to round, and times each call on its own with ``perf_counter_ns``.
    """
    for _ in range(warmup):
        for _, call in variants:
            for index in range(count):
                call(index)
    samples: dict[str, list[int]] = {label: [] for label, _ in variants}
    clock = time.perf_counter_ns
    gc.collect()
    for round_number in range(rounds):
        shift = round_number % len(variants)
        for label, call in [*variants[shift:], *variants[:shift]]:
            out = samples[label]
            for index in range(count):
                start = clock()
                call(index)
                out.append(clock() - start)
    return {label: statistics.median(times) / 1000 for label, times in samples.items()}


def _pairs(advisor: Advisor, situation_: Situation) -> set[tuple[str, str]]:
    """The (rule id, subject) pairs the advisor's layered evaluation fires."""
    return {(rule.id, fact.subject) for rule, fact in advisor._evaluate(situation_).matched}


def rss_bytes() -> int:
    """The resident set size of this process now (peak RSS where /proc is missing)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:  # pragma: no cover - not Linux
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _mb(size: float) -> str:
    return f"{size / 2**20:.1f} MB"


# --------------------------------------------------------------------------- the run


class Case:
    """The situations of one size, with what every variant needs prepared in advance."""

    def __init__(self, rules: RuleSet, size: int, count: int, seed: int) -> None:
        rng = random.Random(seed * 1000 + size)
        self.size = size
        self.situations = [situation(rng, size) for _ in range(count)]
        reads = rules.reads()
        self.facts = [FactBuilder(reads, rules.short_forms).build(s) for s in self.situations]
        # The same situations as JSON documents, as json.loads gives them to the library.
        self.documents = [json.loads(json.dumps(situation_to_dict(s))) for s in self.situations]


def default_engine() -> str:
    """The engine ``auto`` picks here (what ``Advisor()`` and the command line use)."""
    return Advisor(RuleSet(())).engine


def check_agreement(cases: Sequence[Case], advisors: Mapping[str, Advisor]) -> bool:
    """Whether the baseline and every engine fire the same (rule, subject) pairs everywhere."""
    for case in cases:
        for situation_ in case.situations:
            expected = baseline_firings(situation_)
            for advisor in advisors.values():
                if _pairs(advisor, situation_) != expected:
                    return False
    return True


def _advise_call(advisor: Advisor, sits: Sequence[Situation]) -> Callable[[int], object]:
    return lambda i: advisor.advise(sits[i])


def case_variants(rules: RuleSet, case: Case, advisors: Mapping[str, Advisor]) -> list[Variant]:
    """The rows of the timing table for one case, each a call on the case's ``i``-th input."""
    sits = case.situations
    reads, short_forms = rules.reads(), rules.short_forms
    python = advisors["python"]
    evaluations = [python._evaluate(s) for s in sits]
    advice = python._advice_builder  # the advisor's builder: each rule's message and evidence kept
    variants: list[Variant] = [
        ("(a) hand-written baseline", lambda i: baseline_firings(sits[i])),
        (
            "    build_facts (both engines)",
            lambda i: FactBuilder(reads, short_forms).build(sits[i]),
        ),
        ("(b) python engine: match", lambda i: python._evaluate(sits[i])),
    ]
    if "durable" in advisors:
        durable = advisors["durable"]
        variants.append(("(c) durable engine: match", lambda i: durable._evaluate(sits[i])))
    for name, advisor in advisors.items():
        variants.append((f"(d) advise, {name} engine", _advise_call(advisor, sits)))
    variants.append(
        (
            "    build_advice alone",
            lambda i: advice.build(sits[i], evaluations[i].matched, evaluations[i].suppressed),
        )
    )
    # The JSON path, with the default engine: what the command line, --jsonl, Dask and an app
    # do with a document; and each end of it, compiled and by the reference definition.
    docs = case.documents
    default = advisors[default_engine()]
    outs = [default.advise(s) for s in sits]
    variants += [
        (
            "(f) document -> advise -> document",
            lambda i: advice_to_dict(default.advise(docs[i])),
        ),
        ("    situation_from_dict", lambda i: situation_from_dict(docs[i])),
        ("    situation_from_dict_reference", lambda i: situation_from_dict_reference(docs[i])),
        ("    advice_to_dict", lambda i: advice_to_dict(outs[i])),
        ("    advice_to_dict_reference", lambda i: advice_to_dict_reference(outs[i])),
    ]
    return variants


def timing_table(
    rules: RuleSet,
    cases: Sequence[Case],
    advisors: Mapping[str, Advisor],
    rounds: Mapping[int, int],
) -> dict[int, dict[str, float]]:
    """Median microseconds of every row of the table, by number of candidates."""
    return {
        case.size: measure(
            case_variants(rules, case, advisors),
            len(case.situations),
            rounds[case.size],
            warmup=2,
        )
        for case in cases
    }


def print_table(results: dict[int, dict[str, float]], cases: Sequence[Case]) -> None:
    sizes = sorted(results)
    header = f"{'variant':<32}" + "".join(
        f"{f'{size} candidate' + ('s' if size > 1 else ''):>22}" for size in sizes
    )
    print(header)
    print(f"{'':<32}" + "".join(f"{'median us':>12}{'x base':>10}" for _ in sizes))
    labels = list(results[sizes[0]])
    for label in labels:
        row = f"{label:<32}"
        for size in sizes:
            median = results[size][label]
            base = results[size]["(a) hand-written baseline"]
            row += f"{median:>12.1f}{median / base:>9.1f}x"
        print(row)
    by_size = {case.size: case for case in cases}
    counts = []
    for size in sizes:
        case = by_size[size]
        fired = statistics.mean(len(baseline_firings(s)) for s in case.situations)
        counts.append(f"{len(case.facts[0])} facts, {fired:.0f} firings")
    print(f"{'per situation':<32}" + "".join(f"{count:>22}" for count in counts))


class _Skipped(Exception):
    """The durable engine's internals are not what the anatomy reads."""


def durable_anatomy(rules: RuleSet, case: Case, rounds: int) -> dict[str, float] | str:
    """Where the durable engine's match step spends its time, summed over its layers and their
    engine rulesets.

    Replays what ``DurableEngine.match`` does for each layer, step by step, through the
    engine's internals, on the facts each layer saw in a real evaluation: each part's payload
    written by ``_Part._payload``, the C calls alone on prebuilt payloads, and the C calls with
    each firing message read by ``_firings``. Returns the reason instead of figures if those
    internals changed, or if the replay does not fire what ``match`` fires.
    """
    try:
        import durable_rules_engine as c_engine

        from mentor_rules.engines import durable as _durable

        advisor = Advisor(rules, engine="durable")
        layered = [advisor._evaluate(s).layers for s in case.situations]
        engines: list[Any] = [engine for engine, _ in layered[0]]
        parts: list[Any] = [part for engine in engines for part in engine._parts]
        read_firings: Callable[[str], Iterable[tuple[str, int]]] = _durable._firings
        for part in parts:
            _ = part.handle, part.compiled.abouts, part._payload
    except (ImportError, AttributeError, TypeError, ValueError) as exc:
        return f"the durable engine's internals changed ({type(exc).__name__}: {exc})"

    Prepared = list[tuple[Any, str]]  # (engine ruleset handle, payload) of each part with facts

    def payloads(layers: Sequence[tuple[Any, Sequence[Fact]]]) -> Prepared:
        """What ``match`` writes, layer by layer: each part's payload of its subjects' facts."""
        out: Prepared = []
        for engine, facts in layers:
            for part in engine._parts:
                chosen = [(i, f) for i, f in enumerate(facts) if f.about in part.compiled.abouts]
                if chosen:
                    out.append((part.handle, part._payload(chosen, "x")))
        return out

    def run(prepared: Prepared, parse: bool) -> tuple[set[tuple[str, int]], int]:
        """The C calls of one evaluation; the firings read if ``parse``, and message bytes."""
        found: set[tuple[str, int]] = set()
        size = 0
        for handle, payload in prepared:
            _, state = c_engine.assert_facts(handle, payload)
            try:
                started = c_engine.start_action_for_state(handle, state)
                message = started[1] if started else None
                while message:
                    size += len(message)
                    if parse:
                        found.update(read_firings(message))
                    message = c_engine.complete_and_start_action(handle, state)
            finally:
                c_engine.delete_state(handle, "x")
        return found, size

    sits = case.situations
    try:
        prepared = [payloads(layers) for layers in layered]
        for index, layers in enumerate(layered):  # the replay must fire what match fires
            expected = {pair for engine, facts in layers for pair in engine.match(facts)}
            if run(prepared[index], parse=True)[0] != expected:
                raise _Skipped("the replay fires other rules than match()")
    except (AttributeError, TypeError, ValueError, KeyError, _Skipped) as exc:
        return f"the durable engine's internals changed ({type(exc).__name__}: {exc})"
    reads = rules.reads()
    evaluations = [advisor._evaluate(s) for s in sits]
    variants: list[Variant] = [
        ("build_facts", lambda i: FactBuilder(reads, rules.short_forms).build(sits[i])),
        ("evaluate (all layers), whole", lambda i: advisor._evaluate(sits[i])),
        ("  payload JSON written (_payload)", lambda i: payloads(layered[i])),
        ("  C calls only, nothing read", lambda i: run(prepared[i], parse=False)),
        ("  C calls + ids read (_firings)", lambda i: run(prepared[i], parse=True)),
        (
            "build_advice",
            lambda i: advisor._advice_builder.build(
                sits[i], evaluations[i].matched, evaluations[i].suppressed
            ),
        ),
    ]
    times = measure(variants, len(sits), rounds, warmup=2)
    times["layers"] = len(engines)
    times["engine rulesets (parts)"] = len(parts)
    times["payload bytes"] = statistics.mean(sum(len(p) for _, p in ps) for ps in prepared)
    times["firing messages bytes"] = statistics.mean(run(ps, parse=False)[1] for ps in prepared)
    return times


BATCH_CHUNK = CHUNK_SIZE  # situations per _advise_chunk call: what advise_iter and advise_many use


def batch_timings(
    rules: RuleSet, advisors: Mapping[str, Advisor], seed: int, sizes: Sequence[int], rounds: int
) -> dict[int, dict[str, float]]:
    """Per-situation time of ``advise`` one by one and of ``_advise_chunk`` over chunks of
    ``BATCH_CHUNK`` situations, each engine, by number of candidates; median over ``rounds``.

    Each call of a row advises ``BATCH_CHUNK`` situations (one chunk, or that many ``advise``
    calls), so the per-call median is divided by ``BATCH_CHUNK``. Both ways must give the same
    advice (checked first); a disagreement is reported as a NaN row.
    """
    out: dict[int, dict[str, float]] = {}
    for size in sizes:
        rng = random.Random(seed * 1000 + 7 * size)
        sits = [situation(rng, size) for _ in range(BATCH_CHUNK)]
        variants: list[Variant] = []
        for name, advisor in advisors.items():
            variants.append((f"advise one by one, {name}", _one_by_one(advisor, sits)))
            variants.append((f"_advise_chunk({BATCH_CHUNK}), {name}", _chunked(advisor, sits)))
        times = measure(variants, 1, rounds, warmup=1)
        for name, advisor in advisors.items():
            if advisor._advise_chunk(sits) != [advisor.advise(s) for s in sits]:
                times[f"_advise_chunk({BATCH_CHUNK}), {name}"] = math.nan
        out[size] = {label: value / BATCH_CHUNK for label, value in times.items()}
    return out


def _one_by_one(advisor: Advisor, sits: Sequence[Situation]) -> Callable[[int], object]:
    return lambda _: [advisor.advise(s) for s in sits]


def _chunked(advisor: Advisor, sits: Sequence[Situation]) -> Callable[[int], object]:
    return lambda _: advisor._advise_chunk(sits)


def print_batch_table(results: dict[int, dict[str, float]], advisors: Iterable[str]) -> None:
    sizes = sorted(results)
    print(f"{'us per situation':<32}" + "".join(f"{f'{n} candidates':>16}" for n in sizes))
    for label in results[sizes[0]]:
        print(f"{label:<32}" + "".join(f"{results[n][label]:>16.0f}" for n in sizes))
    for name in advisors:
        one, chunk = f"advise one by one, {name}", f"_advise_chunk({BATCH_CHUNK}), {name}"
        print(
            f"{f'ratio chunk / one by one, {name}':<32}"
            + "".join(f"{results[n][chunk] / results[n][one]:>15.2f}x" for n in sizes)
        )
    if "durable" in advisors and "python" in advisors:
        durable, python = (f"_advise_chunk({BATCH_CHUNK}), {n}" for n in ("durable", "python"))
        print(
            f"{'ratio durable / python, chunks':<32}"
            + "".join(f"{results[n][durable] / results[n][python]:>15.2f}x" for n in sizes)
        )


def memory_check(case: Case, evaluations: int) -> tuple[list[tuple[int, int]], dict[str, int]]:
    """RSS along ``evaluations`` durable evaluations, and tracemalloc's peak for one advise."""
    durable = Advisor(shipped_rules(), engine="durable")
    sits = case.situations
    for index in range(1000):  # warm the allocator up before the first reading
        durable._evaluate(sits[index % len(sits)])
    gc.collect()
    readings = [(0, rss_bytes())]
    step = max(1, evaluations // 5)
    for done in range(1, evaluations + 1):
        durable._evaluate(sits[done % len(sits)])
        if done % step == 0:
            readings.append((done, rss_bytes()))
    peaks: dict[str, int] = {}
    for name in engine_names():
        advisor = Advisor(engine=name)
        advisor.advise(case.situations[0])
        gc.collect()
        tracemalloc.start()
        tracemalloc.reset_peak()
        advisor.advise(case.situations[0])
        peaks[name] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return readings, peaks


def thread_check(case: Case, threads: int, per_thread: int) -> tuple[bool, float, float]:
    """Advice from ``threads`` threads sharing one durable Advisor vs a sequential run.

    Returns whether every advice equals the sequential one, and both throughputs (advise/s).
    """
    advisor = Advisor(engine="durable")
    sits = case.situations
    expected: list[Advice] = [advisor.advise(s) for s in sits]
    total = threads * per_thread

    start = time.perf_counter_ns()
    sequential_ok = all(
        advisor.advise(sits[n % len(sits)]) == expected[n % len(sits)] for n in range(total)
    )
    sequential = total / ((time.perf_counter_ns() - start) / 1e9)

    wrong = [0] * threads
    failures: list[BaseException] = []
    barrier = threading.Barrier(threads + 1)

    def work(number: int) -> None:
        barrier.wait()
        try:
            for j in range(per_thread):
                n = (number * per_thread + j) % len(sits)
                if advisor.advise(sits[n]) != expected[n]:
                    wrong[number] += 1
        except BaseException as exc:  # reported as a failure below
            failures.append(exc)

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    barrier.wait()
    start = time.perf_counter_ns()
    for worker in workers:
        worker.join()
    threaded = total / ((time.perf_counter_ns() - start) / 1e9)
    return sequential_ok and not any(wrong) and not failures, threaded, sequential


def _holds(ok: bool) -> str:
    return "holds" if ok else "misses"


#: The variants every ratio of issue 19's table reads, timed again in each repeat.
_TARGET_ROWS = (
    "(a) hand-written baseline",
    "(b) python engine: match",
    "(d) advise, python engine",
    "(d) advise, durable engine",
    "(f) document -> advise -> document",
)


def target_repeats(
    rules: RuleSet, case: Case, advisors: Mapping[str, Advisor], repeats: int, rounds: int
) -> list[dict[str, float]]:
    """The rows the targets read, at ``case``'s size, measured ``repeats`` times side by side
    (each repeat one interleaved :func:`measure`), so that each ratio is taken within one
    repeat and the repeats show how much it moves."""
    rows = [v for v in case_variants(rules, case, advisors) if v[0] in _TARGET_ROWS]
    return [measure(rows, len(case.situations), rounds, warmup=1) for _ in range(repeats)]


def default_engine_line(times: Sequence[Mapping[str, float]]) -> str:
    """Target 19.2, the default-engine decision: durable advise within 1.2x of python advise,
    or the default is the faster engine (the median of the repeats' ratios)."""
    said = (
        f"  19.2 default engine: durable advise <= {TARGET_DURABLE_ADVISE_X:g}x python advise,"
        " or the default is the faster:"
    )
    if "(d) advise, durable engine" not in times[0]:
        return f"{said} durable not available, the default is python  {_holds(True)}"
    ratios = [t["(d) advise, durable engine"] / t["(d) advise, python engine"] for t in times]
    ratio = statistics.median(ratios)
    default = default_engine()
    faster = "python" if ratio >= 1 else "durable"
    held = ratio <= TARGET_DURABLE_ADVISE_X or default == faster
    return (
        f"{said} durable/python {ratio:.2f}x {_spread(ratios)}; the default is {default},"
        f" the faster is {faster}  {_holds(held)}"
    )


def _spread(ratios: Sequence[float]) -> str:
    return "(repeats " + ", ".join(f"{r:.2f}" for r in ratios) + ")"


def target_lines(
    times: Sequence[Mapping[str, float]], anatomy: Mapping[str, float] | str
) -> list[str]:
    """The speed targets of issue 19's table (19.1 to 19.3; 19.4 and 19.5 are
    ``benchmarks/startup.py``'s) and of the issue "At scale", each the median over the repeats
    ``times`` (the rows at 10 candidates, measured side by side) of a ratio of two medians of
    one repeat; ``anatomy``: the durable path's figures, or why there are none. Each with
    whether it holds."""
    default = default_engine()

    def over(top: str, bottom: str) -> list[float]:
        return [t[top] / t[bottom] for t in times]

    base = "(a) hand-written baseline"
    ratios: list[tuple[str, str, list[float] | None, float, str]] = [
        (
            "19.1 (1a) advise, python engine",
            "the hand-written baseline",
            over("(d) advise, python engine", base),
            TARGET_PYTHON_ADVISE_X,
            "",
        ),
        (
            "(1b) match (facts + every layer), python engine",
            "the hand-written baseline",
            over("(b) python engine: match", base),
            TARGET_PYTHON_MATCH_X,
            "",
        ),
        (
            "19.3 document -> advise -> document",
            f"advise on a Situation ({default} engine, the default)",
            over("(f) document -> advise -> document", f"(d) advise, {default} engine"),
            TARGET_JSON_PATH_X,
            "",
        ),
    ]
    if isinstance(anatomy, str):
        ratios.append(
            (
                "(2b) match, durable engine",
                "its bare C calls",
                None,
                TARGET_DURABLE_MATCH_X,
                anatomy,
            )
        )
    else:
        ratios.append(
            (
                "(2b) match, durable engine",
                "its bare C calls on the same payloads",
                [anatomy["evaluate (all layers), whole"] / anatomy["  C calls only, nothing read"]],
                TARGET_DURABLE_MATCH_X,
                "",
            )
        )
    lines = []
    for label, against, found, target, missing in ratios:
        said = f"  {label} <= {target:g}x {against}:"
        if found is None:
            lines.append(f"{said} not measured ({missing})")
        else:
            ratio = statistics.median(found)
            spread = f" {_spread(found)}" if len(found) > 1 else ""
            lines.append(f"{said} {ratio:.2f}x{spread}  {_holds(ratio <= target)}")
    lines.insert(2, default_engine_line(times))  # after (1a) and (1b)
    return lines


def _load() -> str:
    """The load average over 1, 5 and 15 minutes, or "unknown"."""
    try:
        return ", ".join(f"{value:.2f}" for value in os.getloadavg()) + " (1, 5, 15 min)"
    except OSError:  # pragma: no cover - not available
        return "unknown"


def _machine() -> str:
    model = ""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:  # pragma: no cover - not Linux
        pass
    try:
        durable_version = metadata.version("durable_rules")
    except metadata.PackageNotFoundError:
        durable_version = "not installed"
    return "\n".join(
        [
            f"machine:  {platform.platform()}; {os.cpu_count()} CPUs"
            + (f"; {model}" if model else ""),
            f"python:   {platform.python_implementation()} {platform.python_version()}"
            f" ({sys.executable})",
            f"packages: durable-rules {durable_version}; engines available: "
            + ", ".join(available_engines()),
            f"load:     {_load()} at the start",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a smaller run (about 5 s)")
    parser.add_argument("--seed", type=int, default=20240601, help="situation generator seed")
    parser.add_argument(
        "--repeats",
        type=int,
        default=3,
        help="times the targets' rows are measured again, side by side (default 3)",
    )
    args = parser.parse_args(argv)

    quick: bool = args.quick
    count = 8 if quick else 20  # situations per size
    rounds = {1: 40, 10: 15, 50: 4} if quick else {1: 200, 10: 60, 50: 15}
    anatomy_rounds = 15 if quick else 60
    evaluations = 5_000 if quick else 50_000
    per_thread = 100 if quick else 500
    began = time.perf_counter()

    print("mentor-rules benchmark" + (" (--quick)" if quick else ""))
    print(_machine())
    rules = shipped_rules()
    print(f"rules:    {len(rules)} shipped rules; seed {args.seed}; {count} situations per size")
    print()

    advisors: dict[str, Advisor] = {n: Advisor(rules, engine=n) for n in engine_names()}
    cases = [Case(rules, size, count, args.seed) for size in (1, 10, 50)]
    agree = check_agreement(cases, advisors)
    print(
        "agreement: baseline vs "
        + " and ".join(advisors)
        + " engines on every situation: "
        + ("OK" if agree else "FAIL (the timings below do not compare like with like)")
    )
    print()

    print("== per-situation time (median of per-call times; x base = / hand-written baseline)")
    results = timing_table(rules, cases, advisors, rounds)
    print_table(results, cases)
    print(
        "(e) durable-rules through durable.lang / Host: not measured, it crashes"
        " (C4 in docs/engines.md)"
    )
    print()

    anatomy: dict[str, float] | str = "durable engine not available"
    if "durable" in advisors:
        print("== durable path, 10 candidates: where the time goes (median us per situation)")
        anatomy = durable_anatomy(rules, cases[1], anatomy_rounds)
        if isinstance(anatomy, str):
            print(f"  skipped: {anatomy}")
        else:
            for label, value in anatomy.items():
                if label.endswith("(parts)") or label == "layers":
                    print(f"  {label:<40}{value:>10.0f}")
                else:
                    unit = "" if "bytes" in label else " us"
                    print(f"  {label:<40}{value:>10.1f}{unit}")
        print()

    print(f"== batch: advise one by one vs _advise_chunk over chunks of {BATCH_CHUNK} situations")
    batch = batch_timings(rules, advisors, args.seed, (1, 10, 50), 3 if quick else 9)
    print_batch_table(batch, advisors)
    print()

    rss_growth = None
    threads_ok = None
    if "durable" in advisors:
        print(f"== memory: RSS along {evaluations:,} durable evaluations (match, 10 candidates)")
        readings, peaks = memory_check(cases[1], evaluations)
        for done, rss in readings:
            print(f"  after {done:>7,} evaluations: RSS {_mb(rss)}")
        rss_growth = readings[-1][1] - readings[0][1]
        print(f"  growth: {rss_growth / 2**20:+.2f} MB")
        for name, peak in peaks.items():
            print(f"  tracemalloc peak, one advise (10 candidates), {name}: {peak / 1024:.0f} KiB")
        print("  (tracemalloc sees Python's allocations only, not the C engine's own malloc)")
        print()

        print(
            f"== threads: {THREADS} threads x {per_thread} advise"
            " through one shared durable Advisor"
        )
        threads_ok, threaded, sequential = thread_check(cases[1], THREADS, per_thread)
        print(f"  same advice as the sequential run: {'OK' if threads_ok else 'FAIL'}")
        print(
            f"  throughput: {threaded:,.0f} advise/s threaded vs {sequential:,.0f} sequential"
            f" ({threaded / sequential:.2f}x; the C engine holds the GIL)"
        )
        print()

    repeats = max(1, args.repeats)
    print(
        f"== targets (10 candidates; each the median of {repeats} repeats of the targets' rows,"
        " interleaved, of a ratio of medians within one repeat)"
    )
    print("   (19.4 start-up and 19.5 the text report: benchmarks/startup.py)")
    again = target_repeats(rules, cases[1], advisors, repeats, max(5, rounds[10] // 2))
    for line in target_lines(again, anatomy):
        print(line)
    label = (
        f"  (m) RSS growth over {evaluations:,} durable evaluations < {TARGET_RSS_GROWTH_MB:g} MB:"
    )
    if rss_growth is None:
        print(f"{label} not measured (durable engine not available)")
    else:
        print(
            f"{label} {rss_growth / 2**20:+.2f} MB"
            f"  {_holds(rss_growth < TARGET_RSS_GROWTH_MB * 2**20)}"
        )
    label = f"  (t) {THREADS} threads give the sequential advice:"
    if threads_ok is None:
        print(f"{label} not measured (durable engine not available)")
    else:
        print(f"{label} {_holds(threads_ok)}")
    print(f"\ntotal bench time: {time.perf_counter() - began:.0f} s; load average now {_load()}")
    return 0 if agree and threads_ok is not False else 1


if __name__ == "__main__":
    sys.exit(main())
