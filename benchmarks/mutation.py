"""Mutation testing of the rule set: does the specification suite pin every shipped rule down?

Each mutant changes one thing in one rule file (a copy of ``rules/`` in a temporary directory):

- ``flip operator``: a comparison operator (``==``/``!=``, ``<``/``<=``/``>``/``>=`` to its
  neighbours) or ``in``/``not in``;
- ``threshold``: a number in the condition, plus or minus one;
- ``drop clause``: one operand of an ``and`` / ``or``;
- ``negate clause``: one operand of an ``and`` / ``or`` wrapped in ``not (...)``, or the whole
  condition when it has none;
- ``drop value``: one value of an ``in [...]`` list;
- ``swap value``: a quoted enum value replaced by another value of an enum;
- ``kind``: the rule's kind changed to each other kind;
- ``about``: the rule's subject (``about``) changed to each other subject.

Mutants the rule loader refuses (a kind not allowed for the subject, a condition naming fields
the new subject does not have, a value of the wrong enum) are *stillborn*: listed, not scored.
Every other mutant is run against the specification suite with ``MENTOR_RULES_RULES_DIR``
pointing at the mutated copy (``tests/conftest.py`` loads the rules from there) and the
``mutation`` Hypothesis profile (derandomized, so the score is reproducible)::

    pytest <tests/spec files> -x -q -p no:cacheprovider

A mutant is *killed* when that run fails. The rules' own examples are tests too
(``test_each_rule_passes_its_own_examples``), so two scores are reported: without them (the
properties alone) and with them. Each mutant is first run without the example tests; only a
survivor is then run on the example tests alone.

``tests/spec/test_strategies.py`` checks the Hypothesis strategies, which no rule change can
affect; it is left out unless ``--all-tests`` is given. The other files run in an order that
puts the per-rule promises first, so that a killed mutant stops early.

Usage::

    .venv/bin/python benchmarks/mutation.py [--jobs 2] [--only RULE_ID] [--limit N]
                                            [--markdown FILE] [--all-tests]
"""

from __future__ import annotations

import argparse
import ast
import copy
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

import mentor_rules
from mentor_rules import RuleError, load_rules

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rules"
SPEC = ROOT / "tests" / "spec"
EXAMPLE_TEST = "test_each_rule_passes_its_own_examples"
#: The spec files, the most decisive for a rule change first.
SPEC_ORDER = (
    "test_rule_promises.py",
    "test_plan.py",
    "test_verdicts.py",
    "test_evidence.py",
    "test_invariance.py",
    "test_documents.py",
    "test_differential.py",
)
KINDS = [kind.value for kind in mentor_rules.Kind]
ABOUTS = ["mentee", "candidate", "role", "past_mentor"]
ENUMS: tuple[type[StrEnum], ...] = (
    mentor_rules.CareerMove,
    mentor_rules.Chemistry,
    mentor_rules.CoachingRole,
    mentor_rules.GoalKind,
    mentor_rules.GoalScope,
    mentor_rules.Relation,
    mentor_rules.Setting,
    mentor_rules.Willingness,
)


def enum_neighbours(value: str) -> list[str]:
    """The other values of every enum that has ``value`` (``"unknown"`` is in two)."""
    found = {m.value for enum in ENUMS if value in enum.__members__.values() for m in enum}
    return sorted(found - {value})


_FLIPS: dict[type[ast.cmpop], list[type[ast.cmpop]]] = {
    ast.Eq: [ast.NotEq],
    ast.NotEq: [ast.Eq],
    ast.Lt: [ast.LtE, ast.GtE],
    ast.LtE: [ast.Lt, ast.Gt],
    ast.Gt: [ast.GtE, ast.LtE],
    ast.GtE: [ast.Gt, ast.Lt],
    ast.In: [ast.NotIn],
    ast.NotIn: [ast.In],
}


@dataclass
class Mutant:
    """One change to one rule file, and what became of it."""

    number: int
    rule: str
    file: str
    operator: str
    change: str
    when: str | None = None  # the new condition, for condition mutants
    kind: str | None = None
    about: str | None = None
    status: str = "pending"  # stillborn / killed / survived / error
    killed_by: str = ""
    by_examples: bool = False  # survived the properties, killed by the rule examples
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- making mutants


def _condition(text: str) -> ast.Expression:
    return ast.parse(f"({text.strip()}\n)", mode="eval")


def _nodes(tree: ast.AST) -> list[ast.AST]:
    return list(ast.walk(tree))


def _show(node: ast.AST) -> str:
    return ast.unparse(node)


def condition_mutants(text: str) -> Iterator[tuple[str, str, str]]:
    """Every ``(operator, change, new condition)`` of one condition text."""
    tree = _condition(text)
    count = len(_nodes(tree))

    def variants(
        test: Callable[[ast.AST], bool], apply: Callable[[ast.AST], Iterator[tuple[str, str]]]
    ) -> Iterator[tuple[str, str, str]]:
        for index in range(count):
            if not test(_nodes(tree)[index]):
                continue
            probe = _nodes(copy.deepcopy(tree))[index]
            for step, (operator, _) in enumerate(apply(probe)):
                mutated = copy.deepcopy(tree)
                node = _nodes(mutated)[index]
                for taken, (_, change) in enumerate(apply(node)):
                    if taken == step:
                        yield operator, change, ast.unparse(mutated.body)
                        break

    # The appliers mutate the node they are given in place, one variant per yielded step,
    # and describe the change; each variant is made on a fresh copy of the tree.

    def flip(node: ast.AST) -> Iterator[tuple[str, str]]:
        assert isinstance(node, ast.Compare)
        before = _show(node)
        for replacement in _FLIPS.get(type(node.ops[0]), []):
            node.ops = [replacement()]
            yield "flip operator", f"`{before}` → `{_show(node)}`"

    def threshold(node: ast.AST) -> Iterator[tuple[str, str]]:
        assert isinstance(node, ast.Constant)
        before = node.value
        assert isinstance(before, int | float)
        for delta in (1, -1):
            node.value = before + delta
            yield "threshold", f"`{before}` → `{node.value}`"

    def drop(node: ast.AST) -> Iterator[tuple[str, str]]:
        assert isinstance(node, ast.BoolOp)
        values = list(node.values)
        for index, value in enumerate(values):
            node.values = values[:index] + values[index + 1 :]
            yield "drop clause", f"drop `{_show(value)}`"

    def negate(node: ast.AST) -> Iterator[tuple[str, str]]:
        assert isinstance(node, ast.BoolOp)
        values = list(node.values)
        for index, value in enumerate(values):
            node.values = [*values[:index], ast.UnaryOp(ast.Not(), value), *values[index + 1 :]]
            yield "negate clause", f"`{_show(value)}` → `not ({_show(value)})`"

    def drop_value(node: ast.AST) -> Iterator[tuple[str, str]]:
        assert isinstance(node, ast.List)
        values = list(node.elts)
        for index, value in enumerate(values):
            node.elts = values[:index] + values[index + 1 :]
            yield "drop value", f"drop {_show(value)} from the list"

    def swap(node: ast.AST) -> Iterator[tuple[str, str]]:
        assert isinstance(node, ast.Constant)
        before = node.value
        assert isinstance(before, str)
        for other in enum_neighbours(before):
            node.value = other
            yield "swap value", f"`{before!r}` → `{other!r}`"

    def is_number(node: ast.AST) -> bool:
        return (
            isinstance(node, ast.Constant)
            and isinstance(node.value, int | float)
            and not isinstance(node.value, bool)
        )

    yield from variants(lambda n: isinstance(n, ast.Compare), flip)
    yield from variants(is_number, threshold)
    yield from variants(lambda n: isinstance(n, ast.BoolOp), drop)
    yield from variants(lambda n: isinstance(n, ast.BoolOp), negate)
    yield from variants(lambda n: isinstance(n, ast.List) and len(n.elts) > 1, drop_value)
    yield from variants(lambda n: isinstance(n, ast.Constant) and isinstance(n.value, str), swap)
    yield "negate clause", "negate the whole condition", f"not ({ast.unparse(tree.body)})"


def make_mutants(rules_dir: Path) -> list[Mutant]:
    mutants: list[Mutant] = []
    for path in sorted(rules_dir.glob("*.toml")):
        document = tomllib.loads(path.read_text(encoding="utf-8"))
        rule_id, when = document["id"], document["when"]
        seen = {ast.unparse(_condition(when).body)}
        for operator, change, new in condition_mutants(when):
            if new in seen:
                continue
            seen.add(new)
            mutants.append(Mutant(0, rule_id, path.name, operator, change, when=new))
        for kind in KINDS:
            if kind != document["kind"]:
                change = f"kind `{document['kind']}` → `{kind}`"
                mutants.append(Mutant(0, rule_id, path.name, "kind", change, kind=kind))
        for about in ABOUTS:
            if about != document["about"]:
                change = f"about `{document['about']}` → `{about}`"
                mutants.append(Mutant(0, rule_id, path.name, "about", change, about=about))
    for number, mutant in enumerate(mutants, start=1):
        mutant.number = number
    return mutants


_WHEN = re.compile(
    r"""^when\s*=\s*('''.*?'''|\"\"\".*?\"\"\"|'[^'\n]*'|"(?:[^"\\\n]|\\.)*")""", re.S | re.M
)


def mutated_text(text: str, mutant: Mutant) -> str:
    """The rule file's text with the mutant's change made."""
    if mutant.when is not None:
        assert "'''" not in mutant.when
        text, found = _WHEN.subn(lambda _: f"when = '''\n{mutant.when}\n'''", text, count=1)
        assert found == 1, mutant
    if mutant.kind is not None:
        text = re.sub(r'^kind\s*=\s*"[^"]*"', f'kind = "{mutant.kind}"', text, count=1, flags=re.M)
    if mutant.about is not None:
        text = re.sub(
            r'^about\s*=\s*"[^"]*"', f'about = "{mutant.about}"', text, count=1, flags=re.M
        )
    document = tomllib.loads(text)
    if mutant.when is not None:
        assert document["when"].strip() == mutant.when
    return text


# --------------------------------------------------------------------------- running


def write_mutant(mutant: Mutant, rules_dir: Path, into: Path) -> None:
    shutil.copytree(rules_dir, into, dirs_exist_ok=True)
    target = into / mutant.file
    target.write_text(mutated_text(target.read_text(encoding="utf-8"), mutant), encoding="utf-8")


def pytest_command(files: list[Path], selection: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pytest",
        *map(str, files),
        "-x",
        "-q",
        "-p",
        "no:cacheprovider",
        "--no-cov",  # a mutant's run needs no coverage, and is quicker without
        "-k",
        selection,
    ]


def _first_failure(output: str) -> str:
    for line in output.splitlines():
        if line.startswith(("FAILED ", "ERROR ")):
            return line.split(" ", 1)[1].split(" - ")[0]
    return ""


def run_mutant(
    mutant: Mutant,
    rules_dir: Path,
    files: list[Path],
    profile: str,
    timeout: float,
    leave_out: str = "",
) -> Mutant:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=f"mutant-{mutant.number}-") as temp:
        directory = Path(temp) / "rules"
        write_mutant(mutant, rules_dir, directory)
        try:
            load_rules(directory)
        except RuleError as error:
            mutant.status = "stillborn"
            mutant.notes.append(str(error.problems[0].message))
            mutant.seconds = time.perf_counter() - started
            return mutant
        env = {
            **os.environ,
            "MENTOR_RULES_RULES_DIR": str(directory),
            "HYPOTHESIS_PROFILE": profile,
        }
        properties = f"not {EXAMPLE_TEST}" + (f" and not {leave_out}" if leave_out else "")
        for selection, by_examples in ((properties, False), (EXAMPLE_TEST, True)):
            try:
                done = subprocess.run(
                    pytest_command(files, selection),
                    cwd=ROOT,
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=timeout,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                mutant.status, mutant.killed_by = "killed", "timeout"
                mutant.by_examples = by_examples
                break
            if done.returncode == 1:
                mutant.status, mutant.killed_by = "killed", _first_failure(done.stdout)
                mutant.by_examples = by_examples
                break
            if done.returncode != 0:
                mutant.status = "error"
                mutant.notes.append(f"pytest exit {done.returncode}: {done.stdout[-500:]}")
                break
        else:
            mutant.status = "survived"
    mutant.seconds = time.perf_counter() - started
    return mutant


# --------------------------------------------------------------------------- reporting


def score(mutants: list[Mutant], *, with_examples: bool) -> tuple[int, int]:
    scored = [m for m in mutants if m.status in ("killed", "survived")]
    killed = [m for m in scored if m.status == "killed" and (with_examples or not m.by_examples)]
    return len(killed), len(scored)


def report(mutants: list[Mutant], seconds: float, jobs: int, profile: str) -> str:
    lines: list[str] = []
    without = score(mutants, with_examples=False)
    with_examples = score(mutants, with_examples=True)
    statuses = Counter(m.status for m in mutants)
    lines.append(
        f"Mutation run of {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: {len(mutants)} mutants, "
        f"{statuses['stillborn']} stillborn (refused by the rule loader, not scored), "
        f"{statuses['error']} errors; Hypothesis profile {profile!r}; {jobs} jobs; "
        f"{seconds / 60:.1f} minutes on {os.cpu_count()} cores, "
        f"CPython {platform.python_version()}, engines {mentor_rules.available_engines()}."
    )
    lines.append("")
    lines.append(
        f"- Kill score without the rule-example tests: {without[0]}/{without[1]} "
        f"= {100 * without[0] / max(without[1], 1):.1f}%"
    )
    lines.append(
        f"- Kill score with the rule-example tests: {with_examples[0]}/{with_examples[1]} "
        f"= {100 * with_examples[0] / max(with_examples[1], 1):.1f}%"
    )
    lines.append("")
    lines.append(
        "| operator | mutants | stillborn | killed (properties) | killed (examples only) "
        "| survived |"
    )
    lines.append("|---|---|---|---|---|---|")
    for operator in sorted({m.operator for m in mutants}):
        group = [m for m in mutants if m.operator == operator]
        count = Counter(
            "examples" if m.status == "killed" and m.by_examples else m.status for m in group
        )
        lines.append(
            f"| {operator} | {len(group)} | {count['stillborn']} | {count['killed']} "
            f"| {count['examples']} | {count['survived']} |"
        )
    survivors = [
        m for m in mutants if m.status == "survived" or (m.status == "killed" and m.by_examples)
    ]
    if survivors:
        lines.append("")
        lines.append("Mutants the properties do not kill:")
        lines.append("")
        for m in survivors:
            fate = "killed by its examples only" if m.status == "killed" else "survived"
            lines.append(f"- #{m.number} `{m.rule}` {m.operator}: {m.change} ({fate})")
    errors = [m for m in mutants if m.status == "error"]
    for m in errors:
        lines.append(f"- #{m.number} `{m.rule}` {m.operator}: {m.change}: ERROR {m.notes}")
    killers = Counter(m.killed_by.split("[")[0] for m in mutants if m.status == "killed")
    lines.append("")
    lines.append("Tests that killed the most mutants (first failure of each run):")
    lines.append("")
    for test, kills in killers.most_common(12):
        lines.append(f"- {kills}: `{test}`")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--rules", type=Path, default=RULES, help="the rule directory to mutate")
    parser.add_argument("--jobs", type=int, default=2, help="mutants run at once (default 2)")
    parser.add_argument("--profile", default="mutation", help="the Hypothesis profile")
    parser.add_argument("--only", action="append", help="only mutants of this rule id")
    parser.add_argument("--limit", type=int, help="run only the first N mutants")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per pytest run")
    parser.add_argument("--markdown", type=Path, help="also write the report to this file")
    parser.add_argument(
        "--all-tests", action="store_true", help="include tests/spec/test_strategies.py"
    )
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument(
        "--without-rule-promises",
        action="store_true",
        help="leave out test_rule_promises.py (but its rule-example test): how much do the "
        "general guarantees pin down alone?",
    )
    args = parser.parse_args(argv)

    # A snapshot of the rules, so that edits made during a long run cannot mix into it.
    snapshot_dir = tempfile.TemporaryDirectory(prefix="mutation-rules-")
    rules_dir = Path(snapshot_dir.name) / "rules"
    shutil.copytree(args.rules, rules_dir)
    load_rules(rules_dir)  # the unmutated rules must load
    mutants = make_mutants(rules_dir)
    if args.only:
        mutants = [m for m in mutants if m.rule in args.only]
    if args.limit:
        mutants = mutants[: args.limit]
    if args.list:
        for m in mutants:
            print(f"#{m.number} {m.rule} {m.operator}: {m.change}")
        return 0
    files = [SPEC / name for name in SPEC_ORDER]
    if args.all_tests:
        files.append(SPEC / "test_strategies.py")
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = [
            pool.submit(
                run_mutant,
                m,
                rules_dir,
                files,
                args.profile,
                args.timeout,
                "test_rule_promises" if args.without_rule_promises else "",
            )
            for m in mutants
        ]
        for future in futures:
            m = future.result()
            detail = m.killed_by if m.status == "killed" else "; ".join(m.notes)[:120]
            print(
                f"#{m.number:3} {m.status:9}{' (examples)' if m.by_examples else '':11} "
                f"{m.seconds:5.1f}s {m.rule} {m.operator}: {m.change}  {detail}",
                flush=True,
            )
    text = report(mutants, time.perf_counter() - started, args.jobs, args.profile)
    print()
    print(text)
    if args.markdown:
        args.markdown.write_text(text, encoding="utf-8")
    snapshot_dir.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
