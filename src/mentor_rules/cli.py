"""The ``mentor-rules`` command line: advise, check rules, print the example or the catalogue.

Exit codes: 0 success; 1 a rule's example failed (``check``); 2 the command line was wrong;
3 a situation or a rule file is invalid; 4 the engine asked for cannot run here; 141 the
reader of standard output went away before it was all written (``mentor-rules advise | head``).
"""

from __future__ import annotations

import argparse
import json
import os
import stat
import sys
from collections.abc import Sequence
from importlib import resources
from typing import Any, TextIO

import attrs
from attrs import frozen

from . import __version__
from ._advisor import Advisor
from ._catalogue import catalogue
from ._documents import advice_to_dict, converter, over_limit, parse_json, shape_problems
from ._engines import ENGINES, EngineName
from ._errors import EngineError, Problem, RuleError, RuleProblem, SituationError
from ._examples import ExampleResult, check_examples
from ._limits import Limits
from ._output import Advice
from ._ruleset import RuleSet, load_rules, shipped_rules

__all__ = ["main"]

# 2, a wrong command line, is argparse's own exit code. 141 is what a shell reports for a
# program killed by SIGPIPE (128 + 13), as the usual tools are when their reader goes away.
EXIT_OK, EXIT_EXAMPLES_FAILED, EXIT_INVALID, EXIT_ENGINE, EXIT_BROKEN_PIPE = 0, 1, 3, 4, 141


def example_document() -> dict[str, Any]:
    """The built-in example situation, as a JSON document."""
    text = resources.files("mentor_rules").joinpath("example.json").read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code.

    When standard output is a pipe whose reader has gone (``mentor-rules advise | head -1``),
    the rest of the output is dropped without a traceback, and the exit code is 141.
    """
    try:
        try:
            return _main(argv)
        finally:
            sys.stdout.flush()  # here rather than at exit, so that a closed pipe is caught below
    except BrokenPipeError:
        _drop_standard_output()
        return EXIT_BROKEN_PIPE


def _drop_standard_output() -> None:
    """Point standard output at the null device: what is left in its buffer is flushed there
    at exit, instead of failing again on the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
    except OSError:  # pragma: no cover - no null device
        return
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):  # pragma: no cover - not a real descriptor
        pass
    finally:
        os.close(devnull)


def _main(argv: Sequence[str] | None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        rules = load_rules(*args.rules) if getattr(args, "rules", None) else shipped_rules()
        code: int = args.run(args, rules, sys.stdout)
        return code
    except RuleError as error:
        _report_rule_error(error, getattr(args, "json", False))
        return EXIT_INVALID
    except EngineError as error:
        print(f"mentor-rules: {error}", file=sys.stderr)
        return EXIT_ENGINE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mentor-rules",
        description="Career-mentoring advice from a declarative rule set, with reasons.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    advise = commands.add_parser(
        "advise",
        help="advise on situations (JSON files, or standard input; none: the built-in example)",
        description="Each FILE holds one situation (a JSON object) or a batch (a JSON list). "
        "'-' reads standard input. With no FILE, standard input is read when it is a file or "
        "a pipe ('mentor-rules advise < situation.json'); otherwise (a terminal, /dev/null) "
        "the built-in example is used. Every situation is reported, valid or not; the exit "
        "code is 3 if any was invalid. With --json, the output is a list with one "
        "{source, advice} or {source, error} per situation.",
    )
    advise.add_argument("files", nargs="*", metavar="FILE")
    advise.add_argument("--json", action="store_true", help="print the advice as JSON")
    advise.add_argument(
        "--limits",
        type=_limits_file,
        default=Limits(),
        metavar="FILE",
        help="a JSON object with limits to use instead of the defaults, such as "
        '{"max_candidates": 200}: max_candidates, max_items, max_text, max_depth, '
        "max_document_bytes (see docs/limits.md)",
    )
    _add_rules_option(advise)
    _add_engine_option(advise)
    advise.set_defaults(run=_advise)

    check = commands.add_parser(
        "check",
        help="check rule files and run every rule's examples",
        description="Loads the rules (the shipped ones, or --rules) and runs each rule's "
        "examples. Prints nothing and exits 0 when all pass.",
    )
    check.add_argument("--json", action="store_true", help="print the results as JSON")
    check.add_argument("-v", "--verbose", action="store_true", help="list passing examples too")
    _add_rules_option(check)
    _add_engine_option(check)
    check.set_defaults(run=_check)

    example = commands.add_parser("example", help="print the built-in example situation")
    example.set_defaults(run=lambda args, rules, out: _print_json(example_document(), out))

    listing = commands.add_parser("catalogue", help="print the rule catalogue as Markdown")
    _add_rules_option(listing)
    listing.set_defaults(run=_catalogue)
    return parser


def _add_rules_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rules",
        action="append",
        metavar="PATH",
        help="a rule file or directory of *.toml rules, instead of the shipped rule set "
        "(repeatable)",
    )


def _add_engine_option(parser: argparse.ArgumentParser) -> None:
    described = "; ".join(f"{name}: {entry.description}" for name, entry in ENGINES.items())
    parser.add_argument(
        "--engine",
        choices=("auto", *ENGINES),
        default="auto",
        help=f"auto (the default): the first of these that can run here; {described}",
    )


def _catalogue(args: argparse.Namespace, rules: RuleSet, out: TextIO) -> int:
    out.write(catalogue(rules))
    return EXIT_OK


def _limits_file(path: str) -> Limits:
    """The limits of ``--limits FILE``; what is wrong with the file is a command-line error."""
    try:
        with open(path, "rb") as handle:
            document = parse_json(handle.read(_LIMITS_FILE_BYTES))
    except OSError as exc:
        raise argparse.ArgumentTypeError(f"{path}: cannot read the file: {exc}") from None
    except SituationError as error:
        raise argparse.ArgumentTypeError(f"{path}: {error.problems[0]}") from None
    if not isinstance(document, dict):
        raise argparse.ArgumentTypeError(f"{path}: expected a JSON object of limits")
    for problem in shape_problems(document, None):
        raise argparse.ArgumentTypeError(f"{path}: {problem}")
    names = [field.name for field in attrs.fields(Limits)]
    for name in document:
        if name not in names:
            known = ", ".join(names)
            raise argparse.ArgumentTypeError(f"{path}: unknown limit {name!r}; limits are {known}")
    try:
        return Limits(**document)
    except (TypeError, ValueError) as exc:
        raise argparse.ArgumentTypeError(f"{path}: {exc}") from None


#: More than any limits file needs: five names and numbers.
_LIMITS_FILE_BYTES = 64 * 1024


def _print_json(document: object, out: TextIO) -> int:
    # In pieces, not as one string: one large write to a pipe whose reader has gone can come
    # back short without an error, and the run would end as if it had all been read.
    json.dump(document, out, indent=2, ensure_ascii=False)
    out.write("\n")
    return EXIT_OK


# --------------------------------------------------------------------------- advise


def _advise(args: argparse.Namespace, rules: RuleSet, out: TextIO) -> int:
    engine: EngineName = args.engine
    limits: Limits = args.limits
    advisor = Advisor(rules, engine=engine, limits=limits)
    sources = args.files or (["-"] if _standard_input_given() else ["<example>"])
    situations = []
    for source in sources:
        read = _read(source, limits)
        if not read and not args.json:
            print(f"{source}: nothing to advise on (an empty batch)", file=sys.stderr)
        situations.extend(read)
    readable = [document for _, document in situations if not isinstance(document, Exception)]
    outcomes = iter(advisor.advise_many(readable))  # in the order of the readable ones
    results: list[dict[str, Any]] = []
    for label, document in situations:
        advice: Advice | None
        error: SituationError | None
        if isinstance(document, SituationError):
            advice, error = None, document
        else:
            outcome = next(outcomes)
            advice, error = outcome.advice, outcome.error
        if error is not None:
            results.append({"source": label, "error": converter.unstructure(error.problems)})
            if not args.json:
                print(f"{label}: {error}", file=sys.stderr)
        elif advice is not None and args.json:
            results.append({"source": label, "advice": advice_to_dict(advice)})
        elif advice is not None:
            results.append({"source": label})
            out.write(_report(label, document, advice, advisor.engine))
    if args.json:
        _print_json(results, out)
    return EXIT_INVALID if any("error" in r for r in results) else EXIT_OK


def _standard_input_given() -> bool:
    """Whether standard input comes from a file or a pipe, so that ``advise`` with no FILE
    reads it: not a terminal, nor a device such as /dev/null, nor closed or missing."""
    try:
        mode = os.fstat(sys.stdin.fileno()).st_mode
    except (AttributeError, OSError, ValueError):  # None, closed, or no descriptor (a test's)
        return False
    return stat.S_ISREG(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


def _read(source: str, limits: Limits) -> list[tuple[str, Any]]:
    """``(label, document)`` pairs; a document that cannot be read is a SituationError."""
    if source == "<example>":
        return [("built-in example", example_document())]
    most = limits.max_document_bytes
    try:
        if source == "-":
            stream = getattr(sys.stdin, "buffer", sys.stdin)
            data = stream.read(most + 1)
            size = None
        else:
            with open(source, "rb") as handle:
                data = handle.read(most + 1)
                size = os.fstat(handle.fileno()).st_size
        if isinstance(data, str):  # a standard input without bytes (replaced in Python)
            data = data.encode("utf-8")
        if len(data) > most:
            shown = size if size is not None and size > most else None
            raise SituationError([Problem("", over_limit(limits, "max_document_bytes", shown))])
        document = parse_json(data, limits)
    except OSError as exc:
        return [(source, SituationError([Problem("", f"cannot read the file: {exc}")]))]
    except SituationError as error:
        return [(source, error)]
    if isinstance(document, list):
        return [(f"{source}[{index}]", item) for index, item in enumerate(document)]
    return [(source, document)]


_VERDICT_WORDS = {
    "ready_to_ask": "ready to ask",
    "explore": "explore",
    "weak_fit": "weak fit",
    "avoid": "avoid",
}


def _report(label: str, document: Any, advice: Advice, engine: str) -> str:
    name = (document.get("mentee") or {}).get("name") if isinstance(document, dict) else None
    lines = [f"Mentoring advice for {name or 'you'} ({label}; engine: {engine})", ""]
    if advice.next_steps:
        lines.append("Next steps")
        lines.extend(f"  {n}. {step.text}" for n, step in enumerate(advice.next_steps, 1))
        lines.append("")
    if advice.candidates:
        lines.append("Candidates, best first")
        width = max(len(c.name) for c in advice.candidates)
        for c in advice.candidates:
            lines.append(
                f"  {c.name:<{width}}  {_VERDICT_WORDS[c.verdict.value]:<12} "
                f"score {c.score:>4}   {', '.join(c.rules) or '-'}"
            )
        lines.append("")
    lines.append("Why")
    for r in advice.recommendations:
        about = "" if r.about == "mentee" else f" ({r.subject})"
        lines.append(f"  [{r.kind.value}] {r.rule}{about}")
        lines.append(f"    {r.message}")
        lines.append(f"    because: {r.because}")
        evidence = "; ".join(
            f"{e.path} = {json.dumps(e.value, ensure_ascii=False)}" for e in r.evidence
        )
        lines.append(f"    evidence: {evidence or '-'}")
        lines.append(f"    source: {r.source}")
    return "\n".join(lines) + "\n\n"


# --------------------------------------------------------------------------- check


def _check(args: argparse.Namespace, rules: RuleSet, out: TextIO) -> int:
    engine: EngineName = args.engine
    results = check_examples(Advisor(rules, engine=engine))
    failed = [r for r in results if not r.passed]
    if args.json:
        report = _CheckReport(len(rules), len(results), tuple(map(_FailedExample.of, failed)))
        _print_json(converter.unstructure(report), out)
    else:
        for r in results if args.verbose else failed:
            status = "ok  " if r.passed else "FAIL"
            out.write(f"{status} {r.file} rule {r.rule!r} examples[{r.index}] ({r.description})")
            out.write(
                "\n"
                if r.passed
                else f": expected it to fire for {list(r.expected)}, it fired for "
                f"{list(r.actual)}\n"
            )
        if args.verbose or failed:
            out.write(f"{len(results) - len(failed)} passed, {len(failed)} failed\n")
    return EXIT_EXAMPLES_FAILED if failed else EXIT_OK


@frozen
class _FailedExample:
    """A failed example as ``check --json`` prints it (``example`` is its index)."""

    file: str
    rule: str
    example: int
    description: str
    expected: tuple[str, ...]
    actual: tuple[str, ...]

    @classmethod
    def of(cls, result: ExampleResult) -> _FailedExample:
        return cls(
            result.file,
            result.rule,
            result.index,
            result.description,
            result.expected,
            result.actual,
        )


@frozen
class _CheckReport:
    """What ``check --json`` prints."""

    rules: int
    examples: int
    failed: tuple[_FailedExample, ...]


@frozen
class _RuleErrorReport:
    """What a command given ``--json`` prints for invalid rules."""

    errors: tuple[RuleProblem, ...]


def _report_rule_error(error: RuleError, as_json: bool) -> None:
    if as_json:
        _print_json(converter.unstructure(_RuleErrorReport(error.problems)), sys.stdout)
    else:
        print(f"mentor-rules: {error}", file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
