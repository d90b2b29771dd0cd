"""The ``mentor-rules`` command line: advise, explain, check rules, print the example or the
catalogue.

Exit codes: 0 success; 1 a rule's example failed (``check``); 2 the command line was wrong
(for ``explain``, also a candidate name the situation does not hold); 3 a situation or a rule
file is invalid; 4 the engine asked for cannot run here.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from importlib import resources
from typing import Any, TextIO

from attrs import frozen

from . import __version__
from ._advisor import Advisor
from ._catalogue import catalogue, catalogue_data
from ._documents import advice_to_dict, converter, situation_from_dict
from ._engines import ENGINES, EngineName
from ._errors import EngineError, Problem, RuleError, RuleProblem, SituationError
from ._examples import ExampleResult, check_examples
from ._explain import DEFAULT_BOUND, explanation_to_dict
from ._lint import LintWarning, lint
from ._output import Advice, Verdict
from ._packs import load_pack
from ._report import FORMATS, SituationReport, build_report, explanation_text, render
from ._ruleset import RuleSet, shipped_rules
from ._schemas import rules_schema

__all__ = ["main"]

# 2, a wrong command line, is argparse's own exit code.
EXIT_OK, EXIT_EXAMPLES_FAILED, EXIT_USAGE, EXIT_INVALID, EXIT_ENGINE = 0, 1, 2, 3, 4


def example_document() -> dict[str, Any]:
    """The built-in example situation, as a JSON document."""
    text = resources.files("mentor_rules").joinpath("example.json").read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        rules = _rule_set(args) if hasattr(args, "rules") else RuleSet(())
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
        help="advise on situations (JSON files; none: the built-in example)",
        description="Each FILE holds one situation (a JSON object) or a batch (a JSON list). "
        "'-' reads standard input. With no FILE, the built-in example is used. Every "
        "situation is reported, valid or not; the exit code is 3 if any was invalid. With "
        "--format json (or --json), the output is a list with one {source, advice} or "
        "{source, error} per situation.",
    )
    advise.add_argument("files", nargs="*", metavar="FILE")
    _add_format_options(advise)
    _add_rules_option(advise)
    _add_engine_option(advise)
    advise.set_defaults(run=_advise)

    _add_explain_command(commands)

    check = commands.add_parser(
        "check",
        help="check rule files and run every rule's examples",
        description="Loads the rules (the shipped ones, or --rules) and runs each rule's "
        "examples. Prints nothing and exits 0 when all pass.",
    )
    check.add_argument("--json", action="store_true", help="print the results as JSON")
    check.add_argument("-v", "--verbose", action="store_true", help="list passing examples too")
    check.add_argument(
        "--validate-only",
        action="store_true",
        help="load and validate the rules, without running their examples",
    )
    check.add_argument(
        "--rule",
        action="append",
        default=[],
        metavar="ID",
        help="run only this rule's examples (repeatable)",
    )
    check.add_argument(
        "--lint",
        action="store_true",
        help="also report conditions that never or always hold, rules with the same "
        "condition and parameters no rule reads",
    )
    check.add_argument(
        "--strict", action="store_true", help="with --lint: exit 1 when the lint finds anything"
    )
    _add_rules_option(check)
    _add_engine_option(check)
    check.set_defaults(run=_check)

    example = commands.add_parser("example", help="print the built-in example situation")
    example.set_defaults(run=lambda args, rules, out: _print_json(example_document(), out))

    listing = commands.add_parser("catalogue", help="print the rule catalogue as Markdown")
    listing.add_argument("--json", action="store_true", help="print the catalogue as JSON")
    _add_rules_option(listing)
    listing.set_defaults(run=_catalogue)

    schema = commands.add_parser(
        "schema", help="print the JSON Schema of a document mentor-rules reads"
    )
    schema.add_argument(
        "what", choices=("rules",), help="rules: a rule file and a pack's manifest (pack.toml)"
    )
    schema.set_defaults(run=lambda args, rules, out: _print_json(rules_schema(), out))
    return parser


class _FormatAction(argparse.Action):
    """``--format``: the format, and ``json`` set with it (what error reports look at)."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        namespace.format = values
        namespace.json = values == "json"


def _add_format_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=(*FORMATS, "json"),
        default="text",
        action=_FormatAction,
        help="text (the default): a report to read; markdown: for notes and tickets; html: a "
        "self-contained page; json: the advice as data",
    )
    parser.add_argument(
        "--json", action="store_true", help="print the advice as JSON (--format json)"
    )
    parser.add_argument(
        "--details",
        action="store_true",
        help="add every step, candidate and recommendation with its reasons, evidence and "
        "source to the report",
    )


def _add_rules_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rules",
        action="append",
        default=[],
        metavar="PATH",
        help="a rule pack (a directory of *.toml rules, with an optional pack.toml) or a rule "
        "file, added to the shipped rule set: a rule with a shipped rule's id overrides it "
        "(repeatable, composed in order)",
    )
    parser.add_argument(
        "--no-shipped",
        action="store_true",
        help="start from no rules instead of the shipped rule set",
    )
    parser.add_argument(
        "--disable",
        action="append",
        default=[],
        metavar="ID",
        help="leave out the rule with this id (repeatable)",
    )
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        type=_param,
        help="set a parameter the rules read as params.NAME (repeatable)",
    )


def _param(text: str) -> tuple[str, int | float]:
    name, equals, value = text.partition("=")
    if not equals or not name.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    try:
        number: int | float = int(value)
    except ValueError:
        try:
            number = float(value)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{name.strip()}: expected a number, got {value!r}"
            ) from None
    return name.strip(), number


def _rule_set(args: argparse.Namespace) -> RuleSet:
    """The rule set the options name: shipped (or none), the packs added, ids left out,
    parameters set."""
    rules = RuleSet(()) if args.no_shipped else shipped_rules()
    for path in args.rules:
        rules = load_pack(path, onto=rules)
    if args.disable:
        rules = rules.without(*args.disable)
    if args.param:
        rules = rules.with_parameters(dict(args.param))
    return rules


def _add_engine_option(parser: argparse.ArgumentParser) -> None:
    described = "; ".join(f"{name}: {entry.description}" for name, entry in ENGINES.items())
    parser.add_argument(
        "--engine",
        choices=("auto", *ENGINES),
        default="auto",
        help=f"auto (the default): the first of these that can run here; {described}",
    )


def _catalogue(args: argparse.Namespace, rules: RuleSet, out: TextIO) -> int:
    if args.json:
        return _print_json(catalogue_data(rules), out)
    out.write(catalogue(rules))
    return EXIT_OK


def _print_json(document: object, out: TextIO) -> int:
    out.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK


# --------------------------------------------------------------------------- advise


def _advise(args: argparse.Namespace, rules: RuleSet, out: TextIO) -> int:
    engine: EngineName = args.engine
    advisor = Advisor(rules, engine=engine)
    situations = [item for source in args.files or ["<example>"] for item in _read(source)]
    readable = [document for _, document in situations if not isinstance(document, Exception)]
    outcomes = iter(advisor.advise_many(readable))  # in the order of the readable ones
    results: list[dict[str, Any]] = []
    reports: list[SituationReport] = []
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
            reports.append(build_report(advisor, situation_from_dict(document), advice, label))
    if args.json:
        _print_json(results, out)
    elif reports:
        out.write(render(reports, args.format, details=args.details))
    return EXIT_INVALID if any("error" in r for r in results) else EXIT_OK


def _read(source: str) -> list[tuple[str, Any]]:
    """``(label, document)`` pairs; a document that cannot be read is a SituationError."""
    if source == "<example>":
        return [("built-in example", example_document())]
    try:
        if source == "-":
            text = sys.stdin.read()
        else:
            with open(source, encoding="utf-8") as handle:
                text = handle.read()
        document = json.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        return [(source, SituationError([Problem("", f"cannot read the file: {exc}")]))]
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        return [(source, SituationError([Problem("", f"not valid JSON ({where}): {exc.msg}")]))]
    if isinstance(document, list):
        return [(f"{source}[{index}]", item) for index, item in enumerate(document)]
    return [(source, document)]


# --------------------------------------------------------------------------- explain


def _add_explain_command(commands: Any) -> None:
    explain = commands.add_parser(
        "explain",
        help="why a candidate is not better placed, and what would change it",
        description="FILE holds one situation ('-' reads standard input; with no FILE, the "
        "built-in example). Prints, for the candidate called NAME, every rule that would "
        "have placed them better and the conditions it missed, then the smallest sets of "
        "changes that would. Exit code 2 if no candidate is called NAME (the names are "
        "listed), 3 if the situation is invalid.",
    )
    explain.add_argument("file", nargs="?", metavar="FILE")
    explain.add_argument("--candidate", required=True, metavar="NAME", help="whom to explain")
    explain.add_argument(
        "--target",
        choices=[v.value for v in Verdict],
        help="the verdict to explain (default: the next better one, and ready_to_ask)",
    )
    explain.add_argument(
        "--bound",
        type=_bound,
        default=DEFAULT_BOUND,
        metavar="N",
        help=f"the most changes a proposed set may hold (default {DEFAULT_BOUND})",
    )
    explain.add_argument("--json", action="store_true", help="print the explanation as JSON")
    _add_rules_option(explain)
    _add_engine_option(explain)
    explain.set_defaults(run=_explain)


def _bound(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 10:
        raise argparse.ArgumentTypeError(f"expected a whole number from 0 to 10, got {text!r}")
    return value


def _explain(args: argparse.Namespace, rules: RuleSet, out: TextIO) -> int:
    engine: EngineName = args.engine
    advisor = Advisor(rules, engine=engine)
    read = _read(args.file or "<example>")
    label = read[0][0] if len(read) == 1 else args.file
    error: SituationError | None = None
    if len(read) != 1:
        why = f"explain takes one situation; this file holds a batch of {len(read)}"
        error = SituationError([Problem("", why)])
    elif isinstance(read[0][1], SituationError):
        error = read[0][1]
    else:
        try:
            situation = situation_from_dict(read[0][1])
        except SituationError as invalid:
            error = invalid
    if error is not None:
        if args.json:
            _print_json({"source": label, "error": converter.unstructure(error.problems)}, out)
        else:
            print(f"{label}: {error}", file=sys.stderr)
        return EXIT_INVALID
    names = [candidate.name for candidate in situation.candidates]
    if args.candidate not in names:
        listed = ", ".join(map(repr, names)) or "none"
        print(
            f"mentor-rules explain: no candidate called {args.candidate!r} in {label}; "
            f"the candidates are: {listed}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    explanation = advisor.explain(situation, args.candidate, args.target, bound=args.bound)
    if args.json:
        return _print_json({"source": label, "explanation": explanation_to_dict(explanation)}, out)
    out.write(explanation_text(explanation, rules, label))
    return EXIT_OK


# --------------------------------------------------------------------------- check


def _check(args: argparse.Namespace, rules: RuleSet, out: TextIO) -> int:
    engine: EngineName = args.engine
    unknown = [rule_id for rule_id in args.rule if rule_id not in rules.ids]
    if unknown:
        raise RuleError(
            [RuleProblem("--rule", rule_id, None, "no rule with this id") for rule_id in unknown]
        )
    chosen = tuple(rules[rule_id] for rule_id in args.rule) or rules.rules
    found = lint(rules) if args.lint else []
    lint_failed = bool(found) and args.strict
    if args.validate_only:
        results: list[ExampleResult] = []
        missing: list[str] = []
    else:
        results = check_examples(Advisor(rules, engine=engine), chosen)
        missing = [rule.id for rule in chosen if not rule.has_examples()]
    failed = [r for r in results if not r.passed]
    if args.json:
        report = _CheckReport(
            len(rules),
            len(results),
            tuple(map(_FailedExample.of, failed)),
            tuple(missing),
            tuple(_Finding.of(w) for w in found),
        )
        _print_json(converter.unstructure(report), out)
        return EXIT_EXAMPLES_FAILED if failed or missing or lint_failed else EXIT_OK
    for warning in found:
        print(f"warning: {warning}", file=sys.stderr)
    for rule_id in missing:
        rule = rules[rule_id]
        out.write(
            f"FAIL {rule.file} rule {rule_id!r}: needs at least one example that fires "
            "(fires_for = [...]) and one that does not (fires_for = [])\n"
        )
    for r in results if args.verbose else failed:
        status = "ok  " if r.passed else "FAIL"
        out.write(f"{status} {r.file} rule {r.rule!r} examples[{r.index}] ({r.description})")
        out.write(
            "\n"
            if r.passed
            else f": expected it to fire for {list(r.expected)}, it fired for {list(r.actual)}\n"
        )
    if args.verbose or failed:
        out.write(f"{len(results) - len(failed)} passed, {len(failed)} failed\n")
    return EXIT_EXAMPLES_FAILED if failed or missing or lint_failed else EXIT_OK


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
class _Finding:
    """A lint finding as ``check --json --lint`` prints it."""

    check: str
    rule: str | None
    file: str | None
    message: str

    @classmethod
    def of(cls, warning: LintWarning) -> _Finding:
        return cls(warning.check, warning.rule, warning.file, warning.message)


@frozen
class _CheckReport:
    """What ``check --json`` prints."""

    rules: int
    examples: int
    failed: tuple[_FailedExample, ...]
    without_examples: tuple[str, ...] = ()
    lint: tuple[_Finding, ...] = ()


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
