"""The ``mentor-rules`` command line: advise, explain, match a programme, check rules, print
the example or the catalogue.

Exit codes: 0 success; 1 a rule's example failed (``check``); 2 the command line was wrong
(for ``explain``, also a candidate name the situation does not hold); 3 a situation or a rule
file is invalid; 4 the engine asked for cannot run here; 141 the reader of standard output
went away before it was all written (``mentor-rules advise | head``).
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import os
import re
import stat
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TextIO

import attrs

from ._errors import EngineError, Problem, RuleError, RuleProblem, SituationError
from ._version import __version__

# What every command needs; what only one needs (the report, the lint, the catalogue, the
# schemas) is imported by that command, to keep the start-up of the others short.
from .advice.advisor import Advisor
from .engines import ENGINES, EngineName
from .io import escape
from .io.streams import write_whole
from .model.documents import (
    advice_to_dict,
    converter,
    over_limit,
    parse_json,
    shape_problems,
    situation_from_dict,
)
from .model.limits import MAX_BOUND, Limits
from .model.output import Advice, Verdict
from .model.text import name_key
from .rules.cache import shipped_rules
from .rules.ruleset import RuleSet
from .scale.batch import CHUNK_SIZE, chunks, cpu_count, run_ordered

if TYPE_CHECKING:
    from .advice.examples import ExampleResult, MovedExample
    from .io.report import SituationReport, Style
    from .rules.lint import LintWarning

__all__ = ["main"]

#: What ``mentor-rules schema`` prints (``io.schemas.SCHEMAS``, imported only by that command;
#: a test keeps the two equal).
SCHEMA_NAMES = (
    "situation",
    "advice",
    "advice-batch",
    "advice-line",
    "error",
    "validation",
    "explanation",
    "explain-output",
    "explain-request",
    "check",
    "catalogue",
    "rule-errors",
    "rules-in-force",
    "health",
    "rule-file",
    "pack",
    "rules",
    "programme",
    "programme-result",
)

# 2, a wrong command line, is argparse's own exit code. 141 is what a shell reports for a
# program killed by SIGPIPE (128 + 13), as the usual tools are when their reader goes away.
#: The report formats of ``_report.FORMATS``, here so that the parser need not import the
#: report (a test keeps the two equal).
_REPORT_FORMATS = ("text", "markdown", "html")

EXIT_OK, EXIT_EXAMPLES_FAILED, EXIT_USAGE, EXIT_INVALID, EXIT_ENGINE, EXIT_BROKEN_PIPE = (
    0,
    1,
    2,
    3,
    4,
    141,
)
#: Reading the input or writing the output failed partway (a full disk, an I/O error).
EXIT_IO = 5
#: What writing the output can fail with, besides a closed pipe: reported, not a traceback.
_OUTPUT_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})
#: The most changes a set proposed by ``explain`` and by the report of ``advise`` may hold, by
#: default: the same for both (``io.report.REPORT_BOUND``; a test keeps them equal), smaller
#: than the library's ``DEFAULT_BOUND`` to keep the report quick.
BOUND = 3

#: The shell's code for a process ended by SIGINT (128 + 2).
EXIT_INTERRUPTED = 130


def example_document() -> dict[str, Any]:
    """The built-in example situation, as a JSON document."""
    text = (Path(__file__).parent / "example.json").read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code.

    When standard output is a pipe whose reader has gone (``mentor-rules advise | head -1``),
    the rest of the output is dropped without a traceback, and the exit code is 141; Ctrl-C
    ends it with 130, also without a traceback.
    """
    try:
        try:
            return _main(argv)
        finally:
            sys.stdout.flush()  # here rather than at exit, so that a closed pipe is caught below
    except _OutputError as error:
        print(f"mentor-rules: {escape.terminal(str(error))}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        _drop_standard_output()
        return EXIT_BROKEN_PIPE
    except OSError as error:
        if error.errno not in _OUTPUT_ERRORS:
            raise
        _drop_standard_output()
        print(f"mentor-rules: cannot write the output: {error.strerror}", file=sys.stderr)
        return EXIT_IO
    except KeyboardInterrupt:  # Ctrl-C: what was written stays written, and no traceback
        print("mentor-rules: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


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


class _UsageError(Exception):
    """A command line that cannot be done as given (a file that is not there): exit 2, with
    this message."""


def _main(argv: Sequence[str] | None) -> int:
    given = list(sys.argv[1:] if argv is None else argv)
    parser = _parser(_command_of(given))
    if not given:  # a bare ``mentor-rules``: what it can do, not an error
        parser.print_help(sys.stdout)
        return EXIT_OK
    args = parser.parse_args(given)
    if getattr(args, "strict", False) and not args.lint:
        parser.error("--strict goes with --lint (it makes the lint's findings fail the check)")
    with _Output(getattr(args, "output", None)) as output, warnings.catch_warnings():
        warnings.showwarning = _warning if not getattr(args, "quiet", False) else _no_warning
        code = _run(args, output.stream)
        output.keep = code == EXIT_OK or (code == EXIT_INVALID and _machine_output(args))
    return code


def _run(args: argparse.Namespace, out: TextIO) -> int:
    try:
        rules = _rule_set(args) if hasattr(args, "rules") else RuleSet(())
        code: int = args.run(args, rules, out)
        return code
    except RuleError as error:
        _report_rule_error(error, getattr(args, "json", False), out)
        return EXIT_INVALID
    except EngineError as error:
        _say(f"mentor-rules: {escape.terminal(str(error))}")
        return EXIT_ENGINE
    except _UsageError as error:
        _say(f"mentor-rules: {error}")
        return EXIT_USAGE


def _warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    """A warning (a RuleWarning: a rule loads but needs attention) as the command line says
    it: ``warning: ...``, without Python's file, line number and source line."""
    _say(f"warning: {escape.terminal(str(message))}")


def _no_warning(*args: Any, **kwargs: Any) -> None:
    """``-q``: warnings are not said."""


def _say(message: str) -> None:
    """A message on standard error (made safe by the caller)."""
    print(message, file=sys.stderr)


def _machine_output(args: argparse.Namespace) -> bool:
    """Whether the output is JSON that records every invalid situation in its place, so that
    it is worth keeping when some were invalid (exit 3)."""
    return bool(getattr(args, "json", False) or getattr(args, "jsonl", False))


class _Output:
    """Where a command writes: standard output, or with ``-o FILE`` a temporary file beside
    FILE that becomes FILE only if ``keep`` is set by the end (the command succeeded), so that
    a failed command never leaves an empty or half-written FILE; it is removed otherwise."""

    def __init__(self, path: str | None) -> None:
        self._path = path
        self._temporary: str | None = None
        self.stream: TextIO = sys.stdout
        self.keep = False

    def __enter__(self) -> _Output:
        if self._path is None:
            return self
        target = Path(self._path)
        if target.is_dir():
            raise _OutputError(f"{self._path}: is a folder; -o takes a file name")
        import tempfile  # here: only -o writes a file

        try:
            handle, name = tempfile.mkstemp(
                prefix=f".{target.name}.", suffix=".part", dir=target.parent
            )
        except OSError as exc:
            raise _OutputError(f"{self._path}: cannot write there: {exc.strerror}") from None
        self._temporary = name
        self.stream = open(handle, "w", encoding="utf-8", newline="\n")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._temporary is None:
            return
        try:
            self.stream.close()
            if self.keep and exc[0] is None:
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(self._temporary, 0o666 & ~umask)  # as an ordinary new file would be
                os.replace(self._temporary, str(self._path))
                self._temporary = None
        finally:
            if self._temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(self._temporary)


class _OutputError(Exception):
    """``-o FILE`` names a place that cannot be written."""


def _columns() -> int:
    """The terminal's width, as ``shutil.get_terminal_size().columns`` gives it (``COLUMNS``,
    else standard output's terminal, else 80), without importing ``shutil``."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class _Formatter(argparse.HelpFormatter):
    """argparse's help formatter, its width found without importing ``shutil``.

    argparse makes a formatter for every option added (to check its metavar), and its own
    imports ``shutil`` for the terminal's width, which brings ``bz2`` and ``lzma``: about 3 ms
    of every command's start on the loaded machine, for help most commands never print. The
    width is the same (``_columns`` less 2, as argparse has it)."""

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        super().__init__(
            prog, indent_increment, max_help_position, _columns() - 2 if width is None else width
        )


class _Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` writing its help with :class:`_Formatter`; its subparsers are of
    this class too (argparse makes them of the parent's class)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)


def _parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser. Given the ``command`` asked for (one of :data:`_COMMANDS`),
    only that command's subparser is built: building all of them (every option's help through
    ``gettext``) was the largest part of a short command's time after the imports. The whole
    parser is built otherwise, for help on the commands, an unknown command and
    ``completion``, which writes every command's options."""
    parser = _Parser(
        prog="mentor-rules",
        description="Career-mentoring advice from a declarative rule set, with reasons.",
    )
    parser.add_argument("-V", "--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = _common_options()
    whole = command not in _COMMANDS or command == "completion"
    for name, add in _COMMANDS.items():
        if whole or name == command:
            add(commands, common)
    return parser


def _command_of(given: Sequence[str]) -> str | None:
    """The command a command line asks for: its first word, unless that is an option."""
    return given[0] if given and not given[0].startswith("-") else None


def _add_advise_command(commands: Any, common: argparse.ArgumentParser) -> None:
    advise = commands.add_parser(
        "advise",
        parents=[common],
        help="advise on situations (JSON files, or standard input; none: the built-in example)",
        description="Each FILE holds one situation (a JSON object) or a batch (a JSON list). "
        "'-' reads standard input. With no FILE, standard input is read when it is a file or "
        "a pipe ('mentor-rules advise < situation.json'); otherwise (a terminal, /dev/null) "
        "the built-in example is used. Every situation is reported, valid or not; the exit "
        "code is 3 if any was invalid. With --format json (or --json), one situation gives "
        "its advice document (or an error document), a batch a list with one {source, advice} "
        "or {source, error} per situation (docs/output.md). A batch ends with a summary on "
        "standard error.",
    )
    advise.add_argument("files", nargs="*", metavar="FILE")
    _add_format_options(advise, _REPORT_OR_JSON, _REPORT_HELP, "the advice")
    advise.add_argument(
        "--details",
        action="store_true",
        help="add every step, candidate and recommendation with its reasons, evidence and "
        "source to the report",
    )
    advise.add_argument(
        "--limits",
        type=_limits_file,
        default=Limits(),
        metavar="FILE",
        help="a JSON object with limits to use instead of the defaults, such as "
        '{"max_candidates": 200}: max_candidates, max_items, max_text, max_depth, '
        "max_document_bytes (see docs/limits.md)",
    )
    advise.add_argument(
        "--jsonl",
        action="store_true",
        help="read JSON Lines (one situation a line, from FILE or standard input) and write one "
        'JSON line for each, in order: {"line": n, "advice": {...}} or {"line": n, "error": '
        "[...]}; blank lines are skipped; memory stays the same whatever the input's length",
    )
    _add_jobs_option(
        advise,
        None,
        "with --jsonl: advise in N worker processes, output still in input order (default "
        "1: in this process; 0 or auto: one for each CPU this process may use)",
    )
    advise.add_argument(
        "--bound",
        type=_bound,
        default=BOUND,
        metavar="N",
        help=f"the report's 'what would change it': sets of up to N changes (default {BOUND})",
    )
    advise.add_argument(
        "--validate-only",
        action="store_true",
        help="only check that each situation is valid input (exit 3 if not), without advising",
    )
    _add_advisor_options(advise, _advise)


def _add_check_command(commands: Any, common: argparse.ArgumentParser) -> None:
    check = commands.add_parser(
        "check",
        parents=[common],
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
    _add_advisor_options(check, _check)


def _add_example_command(commands: Any, common: argparse.ArgumentParser) -> None:
    example = commands.add_parser(
        "example", parents=[common], help="print the built-in example situation"
    )
    example.set_defaults(run=lambda args, rules, out: _print_json(example_document(), out))


def _add_catalogue_command(commands: Any, common: argparse.ArgumentParser) -> None:
    listing = commands.add_parser(
        "catalogue", parents=[common], help="print the rule catalogue as Markdown"
    )
    listing.add_argument("--json", action="store_true", help="print the catalogue as JSON")
    _add_rules_option(listing)
    listing.set_defaults(run=_catalogue)


def _add_schema_command(commands: Any, common: argparse.ArgumentParser) -> None:
    schema = commands.add_parser(
        "schema",
        parents=[common],
        help="print the JSON Schema of a document mentor-rules reads or writes",
        description="Print a JSON Schema (draft 2020-12); docs/schema/ holds each but rules. "
        "With no NAME, list the schemas and what each describes.",
    )
    schema.add_argument("what", nargs="?", choices=SCHEMA_NAMES, metavar="NAME")
    schema.set_defaults(run=_schema)


def _add_completion_command(commands: Any, common: argparse.ArgumentParser) -> None:
    completion = commands.add_parser(
        "completion",
        parents=[common],
        help="print a shell completion script (bash; zsh through bashcompinit)",
        description="Print a bash completion script for mentor-rules. Load it with "
        "'source <(mentor-rules completion bash)', or save it in "
        "~/.local/share/bash-completion/completions/mentor-rules.",
    )
    completion.add_argument("shell", choices=("bash",))
    completion.set_defaults(run=lambda args, rules, out: _completion(_parser(), out))


def _common_options() -> argparse.ArgumentParser:
    """The options every command takes: where the output goes, quiet, colour."""
    common = _Parser(add_help=False)
    common.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write the output to FILE, only if the command succeeds (for JSON output, also "
        "when some situations were invalid: each is in it); otherwise FILE is left as it was",
    )
    common.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress bar, summary or warnings on standard error (errors are still said)",
    )
    common.add_argument(
        "--color",
        "--colour",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour and bold in text output: auto (the default) on a terminal unless NO_COLOR "
        "is set or TERM is dumb; always; never",
    )
    return common


def _schema(args: argparse.Namespace, rules: RuleSet, out: TextIO) -> int:
    from .io.schemas import SCHEMAS, describe

    if args.what is None:
        width = max(map(len, SCHEMAS))
        for name in SCHEMAS:
            out.write(f"{name:<{width}}  {describe(name)}\n")
        return EXIT_OK
    return _print_json(SCHEMAS[args.what](), out)


def _completion(parser: argparse.ArgumentParser, out: TextIO) -> int:
    """A bash completion script made from the parser: commands, their options and choices."""
    commands: dict[str, list[str]] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                words = [o for a in sub._actions for o in a.option_strings]
                words += [
                    str(c)
                    for a in sub._actions
                    if a.choices and not a.option_strings
                    for c in a.choices
                ]
                commands[name] = words
    cases = "".join(
        f'        {name}) words="{" ".join(words)}" ;;\n' for name, words in commands.items()
    )
    out.write(_COMPLETION.replace("@COMMANDS@", " ".join(commands)).replace("@CASES@", cases))
    return EXIT_OK


_COMPLETION = """# bash completion for mentor-rules (mentor-rules completion bash)
_mentor_rules() {
    local cur=${COMP_WORDS[COMP_CWORD]} command=${COMP_WORDS[1]} words
    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "@COMMANDS@ --help --version -V" -- "$cur"))
        return
    fi
    case "$command" in
@CASES@        *) words="" ;;
    esac
    if [[ "$cur" == -* ]]; then
        COMPREPLY=($(compgen -W "$words" -- "$cur"))
    else
        COMPREPLY=($(compgen -f -W "$words" -- "$cur"))
    fi
}
complete -o filenames -F _mentor_rules mentor-rules
"""


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


#: What ``--format`` offers a command that writes the report: its formats, and JSON.
_REPORT_OR_JSON = (*_REPORT_FORMATS, "json")

#: What each format of the report is for, in ``--format``'s help.
_REPORT_HELP = (
    "text (the default): a report to read; markdown: for notes and tickets; html: a "
    "self-contained page"
)


def _add_format_options(
    parser: argparse.ArgumentParser, formats: tuple[str, ...], described: str, what: str
) -> None:
    """``--format`` (one of ``formats``, ``json`` the last, ``text`` the default; ``described``
    says what each is for) and ``--json``, the same as ``--format json``: the options of every
    command that writes either text to read or ``what`` as data."""
    parser.add_argument(
        "--format",
        choices=formats,
        default="text",
        action=_FormatAction,
        help=f"{described}; json: {what} as data",
    )
    parser.add_argument("--json", action="store_true", help=f"print {what} as JSON (--format json)")


def _add_jobs_option(parser: argparse.ArgumentParser, default: int | None, what: str) -> None:
    """``--jobs N``: ``what`` in N processes; 0 or ``auto``, one for each CPU
    (:func:`_processes`)."""
    parser.add_argument("--jobs", type=_jobs, default=default, metavar="N", help=what)


def _processes(jobs: int | None) -> int:
    """The processes ``--jobs`` (or ``serve --workers``) asks for: 0 is one for each CPU this
    process may use; not given, one."""
    return cpu_count() if jobs == 0 else jobs or 1


def _add_advisor_options(parser: argparse.ArgumentParser, run: Callable[..., int]) -> None:
    """The options of a command that advises (the rule set and the engine), and ``run``, the
    function that does it: what ``advise``, ``explain``, ``check``, ``match`` and ``serve``
    share."""
    _add_rules_option(parser)
    _add_engine_option(parser)
    parser.set_defaults(run=run)


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
    parameters set. ``args.written_for`` is set to the parameter values in force when each
    pack was loaded (by pack name): what its rules' examples were written for."""
    rules = RuleSet(()) if args.no_shipped else shipped_rules()
    written_for = {pack.name: rules.parameter_values for pack in rules.packs}
    if args.rules:
        from .rules.packs import load_pack  # here: only packs need it

        for path in args.rules:
            rules = load_pack(path, onto=rules)
            for pack in rules.packs:
                written_for.setdefault(pack.name, rules.parameter_values)
    args.written_for = written_for
    if args.disable:
        unknown = [rule_id for rule_id in args.disable if rule_id not in rules.ids]
        if unknown:
            raise RuleError([_no_rule("--disable", rule_id, rules) for rule_id in unknown])
        rules = rules.without(*args.disable)
    if args.param:
        declared = [p.name for p in rules.parameters]
        unknown = [name for name, _ in args.param if name not in declared]
        if unknown:
            raise RuleError([_no_parameter(name, declared) for name in unknown])
        rules = rules.with_parameters(dict(args.param))
    return rules


def _no_rule(option: str, rule_id: str, rules: RuleSet) -> RuleProblem:
    """``option`` names a rule id the rule set does not hold: the closest ids, or all."""
    import difflib  # here: only a wrong command line needs it

    ids = sorted(rules.ids)
    close = difflib.get_close_matches(rule_id, ids, n=3)
    said = f"did you mean {_either(close)}?" if close else f"the rule ids are {', '.join(ids)}"
    return RuleProblem(option, rule_id, None, f"no rule with this id; {said}")


def _no_parameter(name: str, declared: Sequence[str]) -> RuleProblem:
    import difflib  # here: only a wrong command line needs it

    close = difflib.get_close_matches(name, declared, n=3)
    said = (
        f"did you mean {_either(close)}?"
        if close
        else f"the parameters are {', '.join(declared) or 'none'}"
    )
    return RuleProblem("--param", None, f"params.{name}", f"no such parameter; {said}")


def _either(names: Sequence[str]) -> str:
    quoted = [repr(name) for name in names]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


def _add_engine_option(parser: argparse.ArgumentParser) -> None:
    described = "; ".join(f"{name}: {entry.description}" for name, entry in ENGINES.items())
    parser.add_argument(
        "--engine",
        choices=("auto", *ENGINES),
        default="auto",
        help=f"auto (the default): the first of these that can run here; {described}",
    )


def _catalogue(args: argparse.Namespace, rules: RuleSet, out: TextIO) -> int:
    from .io.catalogue import catalogue
    from .rules.catalogue import catalogue_data

    shipped = frozenset() if args.no_shipped else frozenset(shipped_rules().ids)
    overriding = frozenset(
        rule.id
        for rule in rules
        if rule.id in shipped and rule.pack is not None and rule.pack.name != "shipped"
    )
    if args.json:
        return _print_json(catalogue_data(rules, overriding), out)
    out.write(catalogue(rules, overriding))
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


def _write(text: str, out: TextIO) -> None:
    """``text`` in full: a write to a pipe whose reader has gone raises (BrokenPipeError), and
    one that this process is stopped in and continued is completed (``write_whole``)."""
    write_whole(out, text)


def _print_json(document: object, out: TextIO) -> int:
    """``document`` as indented JSON, nothing a terminal acts on left raw (``escape``)."""
    _write(escape.json_text(document, indent=2) + "\n", out)
    return EXIT_OK


def _style(args: argparse.Namespace, out: TextIO) -> Style:
    """The text report's width and colour for ``out``: the terminal's width (88 when not a
    terminal); colour as ``--color`` says, on a terminal by default, unless NO_COLOR is set
    (to anything but the empty string) or TERM is ``dumb``."""
    import shutil

    from .io.report import Style

    terminal = _terminal(out)
    width = shutil.get_terminal_size((88, 24)).columns if terminal else 88
    choice = getattr(args, "color", "auto")
    if choice == "auto":
        color = terminal and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
    else:
        color = choice == "always"
    return Style(width=max(width, 20), color=color)


def _error_text(error: SituationError | RuleError) -> str:
    """The error's message with every problem made safe for a terminal, one a line."""
    if isinstance(error, SituationError):
        one = several = f"invalid {error.document}"
    else:
        one, several = "invalid rule", "invalid rules"
    shown = [escape.terminal(str(problem)) for problem in error.problems]
    if len(shown) == 1:
        return f"{one}: {shown[0]}"
    return f"{several} ({len(shown)} problems):" + "".join(f"\n  {line}" for line in shown)


# --------------------------------------------------------------------------- advise


def _advise(args: argparse.Namespace, rules: RuleSet, out: TextIO) -> int:
    if args.jsonl:
        return _advise_jsonl(args, rules, out)
    if args.jobs is not None:
        _say("mentor-rules advise: --jobs goes with --jsonl")
        return EXIT_USAGE
    engine: EngineName = args.engine
    limits: Limits = args.limits
    advisor = Advisor(rules, engine=engine, limits=limits)
    sources = args.files or (["-"] if _standard_input_given() else ["<example>"])
    situations = []
    one = len(sources) == 1
    for source in sources:
        read, batch = _read_source(source, limits)
        one = one and not batch
        if not read and not args.json:
            _say(f"{escape.terminal(_label(source))}: nothing to advise on (an empty batch)")
        situations.extend(read)
    if args.validate_only:
        return _validate(args, advisor, situations, one, out)
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
            results.append(_error_document(label, error))
            if not args.json:
                _say(f"{escape.terminal(label)}: {_error_text(error)}")
        elif advice is not None and args.json:
            results.append({"source": label, "advice": advice_to_dict(advice)})
        elif advice is not None:
            results.append({"source": label})
            from .io.report import build_report

            situation = situation_from_dict(document, limits)
            reports.append(build_report(advisor, situation, advice, label, bound=args.bound))
    if args.json:
        # One situation: its advice document (or its error document); a batch: the list.
        _print_json(results[0].get("advice", results[0]) if one and results else results, out)
    elif reports:
        from .io.report import render

        _write(render(reports, args.format, details=args.details, style=_style(args, out)), out)
    if not one and not args.quiet:
        _summary([r["source"] for r in results if "error" in r], len(results), "situations")
    return EXIT_INVALID if any("error" in r for r in results) else EXIT_OK


def _validate(
    args: argparse.Namespace,
    advisor: Advisor,
    situations: list[tuple[str, Any]],
    one: bool,
    out: TextIO,
) -> int:
    """``advise --validate-only``: each situation read and checked, none advised."""
    results: list[dict[str, Any]] = []
    for label, document in situations:
        error = document if isinstance(document, SituationError) else None
        if error is None:
            try:
                situation_from_dict(document, advisor.limits)
            except SituationError as invalid:
                error = invalid
        if error is None:
            results.append({"source": label, "valid": True})
            if not args.json:
                out.write(f"{escape.terminal(label)}: valid\n")
        else:
            results.append(_error_document(label, error))
            if not args.json:
                _say(f"{escape.terminal(label)}: {_error_text(error)}")
    if args.json:
        _print_json(results[0] if one and results else results, out)
    if not one and not args.quiet:
        places = [r["source"] for r in results if "error" in r]
        _summary(places, len(results), "situations", "valid")
    return EXIT_INVALID if any("error" in r for r in results) else EXIT_OK


def _error_document(label: str, error: SituationError) -> dict[str, Any]:
    """The error document of an invalid input (the ``error`` schema): where it came from, and
    every problem with its path."""
    return {"source": label, "error": converter.unstructure(error.problems)}


def _summary(
    places: Sequence[object],
    total: int,
    what: str,
    done: str = "advised",
    *,
    invalid: int | None = None,
) -> None:
    """The one line a batch ends with on standard error: how many were advised, how many
    were invalid (``invalid``, or as many as ``places``), and the first few ``places``."""
    count = len(places) if invalid is None else invalid
    if not total:
        return
    first = ", ".join(escape.terminal(str(where)) for where in places[:_SHOWN_INVALID])
    more = ", ..." if count > _SHOWN_INVALID else ""
    said = f"; {count:,} invalid ({first}{more})" if count else "; none invalid"
    _say(f"mentor-rules: {total - count:,} of {total:,} {what} {done}{said}")


#: How many invalid places the summary of a batch names.
_SHOWN_INVALID = 5


def _label(source: str) -> str:
    """How a source is named in messages, reports and JSON: standard input by name, not
    ``-``."""
    return "standard input" if source == "-" else source


def _advise_jsonl(args: argparse.Namespace, rules: RuleSet, out: TextIO) -> int:
    """``advise --jsonl``: one output line for each situation line, in order, as they are done;
    the exit code, 3 if any line was invalid, once every line is written."""
    wrong = (
        "one FILE at most"
        if len(args.files) > 1
        else "--details is for reports"
        if args.details
        else f"--format {args.format} is for reports"
        if args.format not in ("text", "json")
        else None
    )
    if wrong is not None:
        _say(f"mentor-rules advise: with --jsonl, {wrong}")
        return EXIT_USAGE
    if args.validate_only:
        _say("mentor-rules advise: --validate-only reads JSON documents, not --jsonl")
        return EXIT_USAGE
    from .io.jsonl import advise_lines, read_lines  # here: only --jsonl reads lines

    limits: Limits = args.limits
    advisor = Advisor(rules, engine=args.engine, limits=limits)
    workers = _processes(args.jobs)
    source = args.files[0] if args.files else "-"
    label = escape.terminal(_label(source))
    try:
        opened = _input(source)
    except FileNotFoundError:
        raise _UsageError(f"{label}: no such file") from None
    except OSError as exc:
        _say(f"mentor-rules: {label}: cannot read the file: {exc.strerror or exc}")
        return EXIT_INVALID
    written = last = 0
    invalid: list[int] = []
    shown = not args.quiet and _terminal(sys.stderr) and not _terminal(out)
    with opened as stream, _Progress(shown, _lines_in(stream) if shown else None) as progress:
        work = chunks(read_lines(stream, limits.max_document_bytes), CHUNK_SIZE)
        results = run_ordered(advisor, advisor.maker(), work, advise_lines, workers=workers)
        with contextlib.closing(results):  # stops the workers however the loop ends
            writing = False
            try:
                for done in results:
                    writing = True
                    # Each chunk as it is done (a reader downstream need not wait), whole even
                    # if this process is stopped and continued as it writes (write_whole).
                    write_whole(out, "".join(f"{text}\n" for _, text, _ in done))
                    invalid.extend(number for number, _, ok in done if not ok)
                    writing = False
                    last = done[-1][0] if done else last
                    written += len(done)
                    progress.reached(last)
            except EngineError as error:
                where = f"after line {last}" if last else "before the first line"
                raise EngineError(
                    f"{error}; the output stops {where} of {_label(source)}: advise the lines "
                    "after it again"
                ) from error
            except OSError as error:  # reading the input, partway (not writing: see main)
                if writing:
                    raise
                where = f"after line {last}" if last else "before the first line"
                print(
                    f"mentor-rules: {label}: cannot read on: {error}; the output stops {where}",
                    file=sys.stderr,
                )
                return EXIT_IO
    if not written:
        _say(f"{label}: nothing to advise on (no JSON lines)")
    elif not args.quiet:
        places = [f"line {n}" for n in invalid[:_SHOWN_INVALID]]
        _summary(places, written, "situations", invalid=len(invalid))
    return EXIT_INVALID if invalid else EXIT_OK


def _lines_in(stream: IO[Any]) -> int | None:
    """The number of lines of ``stream`` when it is a regular file (counted in blocks, then
    read again from the start), for the progress bar's total; None for a pipe."""
    try:
        if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
            return None
        start = stream.tell()
        count, block, last = 0, b"", b"\n"
        while block := stream.read(1 << 20):
            count += block.count(b"\n")
            last = block[-1:]
        stream.seek(start)
    except (AttributeError, OSError, ValueError):
        return None
    return count + (last != b"\n")


def _input(source: str) -> contextlib.AbstractContextManager[IO[Any]]:
    """What ``source`` names, to read: standard input (left open after) for ``-``, else the
    file, opened."""
    if source == "-":
        return contextlib.nullcontext(getattr(sys.stdin, "buffer", sys.stdin))
    return open(source, "rb")


class _Progress:
    """A progress bar on standard error (tqdm), in lines of the input, with the total and the
    time left when the input is a file. Shown only when standard error is a terminal and the
    output is not (its lines would break the bar up), and not with ``-q``. It starts at the
    first results, once any worker processes are running, and without tqdm's monitor thread: a
    process forked while another thread runs may inherit a lock held for ever."""

    def __init__(self, shown: bool, total: int | None) -> None:
        self._shown = shown
        self._total = total
        self._at = 0
        self._bar: Any = None

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.close()

    def reached(self, line: int) -> None:
        """The input is done up to ``line`` (blank lines included)."""
        if not self._shown or line <= self._at:
            return
        if self._bar is None:
            from tqdm import tqdm  # only when a bar is shown: it takes time to import

            tqdm.monitor_interval = 0  # no monitor thread: this command owns its process
            self._bar = tqdm(unit=" lines", total=self._total, file=sys.stderr, mininterval=0.5)
        self._bar.update(line - self._at)
        self._at = line


def _terminal(stream: TextIO | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or closed
        return False


def _jobs(text: str) -> int:
    """``--jobs``: a number of processes, 0 or ``auto`` for the number of CPUs."""
    if text == "auto":
        return 0
    try:
        jobs = int(text)
    except ValueError:
        jobs = -1
    if jobs < 0:
        raise argparse.ArgumentTypeError(f"expected a number of processes or 'auto', got {text!r}")
    return jobs


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
    return _read_source(source, limits)[0]


def _read_source(source: str, limits: Limits) -> tuple[list[tuple[str, Any]], bool]:
    """``(label, document)`` pairs, and whether the source held a batch (a JSON list); a
    document that cannot be read is a SituationError. A file that is not there, or a folder,
    is a command-line error (:class:`_UsageError`)."""
    if source == "<example>":
        return [("built-in example", example_document())], False
    label = _label(source)
    most = limits.max_document_bytes
    data: Any = b""
    try:
        if source == "-":
            data = _read_at_most(getattr(sys.stdin, "buffer", sys.stdin), most)
            size = None
        else:
            with open(source, "rb") as handle:
                data = _read_at_most(handle, most)
                size = os.fstat(handle.fileno()).st_size
        if len(data) > most:
            shown = size if size is not None and size > most else None
            raise SituationError([Problem("", over_limit(limits, "max_document_bytes", shown))])
        document = parse_json(data, limits)
    except FileNotFoundError:
        raise _UsageError(f"{escape.terminal(source)}: no such file") from None
    except IsADirectoryError:
        raise _UsageError(f"{escape.terminal(source)}: is a folder, not a JSON file") from None
    except OSError as exc:
        why = f"cannot read the file: {exc.strerror or exc}"
        return [(label, SituationError([Problem("", why)]))], False
    except SituationError as error:
        return [(label, _with_format_hint(error, data))], False
    if isinstance(document, list):
        return [(f"{label}[{index}]", item) for index, item in enumerate(document)], True
    return [(label, document)], False


def _with_format_hint(error: SituationError, data: bytes) -> SituationError:
    """``error`` with what to do when the text is another format than JSON: YAML, or JSON
    Lines given without ``--jsonl``."""
    problem = error.problems[0]
    if len(error.problems) != 1 or not problem.message.startswith("not valid JSON"):
        return error
    text = data.decode("utf-8", "replace")
    lines = [line for line in text.splitlines() if line.strip()]
    hint = None
    if len(lines) > 1 and "Extra data" in problem.message and _is_json(lines[0]):
        hint = "several JSON documents, one a line (JSON Lines): add --jsonl"
    elif lines and _YAML_LINE.match(lines[0]) and not lines[0].lstrip().startswith(("{", "[")):
        hint = "this looks like YAML: mentor-rules reads JSON (convert it, e.g. yq -o=json)"
    if hint is None:
        return error
    return SituationError([Problem(problem.path, f"{hint}; {problem.message}")], error.document)


def _is_json(line: str) -> bool:
    try:
        json.loads(line)
    except ValueError:
        return False
    return True


#: The first line of a YAML document: ``---``, a comment, ``key: value``, or ``- item``.
_YAML_LINE = re.compile(r"^\s*(---|#|- |[\w\"' -]+:(\s|$))")


def _read_at_most(stream: IO[Any], most: int) -> bytes:
    """At most ``most + 1`` bytes of ``stream``, read in pieces: ``read(most + 1)`` would set
    aside that much memory first, however little the stream holds (a ``MemoryError`` for a
    limits file's huge ``max_document_bytes``)."""
    pieces: list[bytes] = []
    size = 0
    while size <= most:
        piece = stream.read(min(_PIECE, most + 1 - size))
        if not piece:
            break
        if isinstance(piece, str):  # a standard input without bytes (replaced in Python)
            piece = piece.encode("utf-8")
        pieces.append(piece)
        size += len(piece)
    return b"".join(pieces)


#: What :func:`_read_at_most` reads at a time.
_PIECE = 1 << 20


# --------------------------------------------------------------------------- serve


def _add_serve_command(commands: Any) -> None:
    serve = commands.add_parser(
        "serve",
        help="serve the advice over HTTP: a REST API and a page (the serve extra)",
        description="A REST API (POST /v1/advise, POST /v1/explain, POST /v1/match, GET "
        "/v1/schema/NAME, GET "
        "/v1/rules, GET /health, GET /openapi.json) and a page with a form (GET /), on "
        "127.0.0.1 unless --host says otherwise; see docs/serve.md. Needs the serve extra: "
        "pip install '.[serve]' in a checkout. Stops on Ctrl-C or SIGTERM.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="the address to listen on")
    serve.add_argument(
        "--port", type=_port, default=8080, help="the port (default 8080; 0: a free one)"
    )
    serve.add_argument(
        "--workers",
        type=_jobs,
        default=1,
        metavar="N",
        help="worker processes that advise, each with its rule set loaded once (default 1; "
        "0 or auto: one for each CPU this process may use)",
    )
    serve.add_argument(
        "--timeout",
        type=_seconds,
        default=None,
        metavar="SECONDS",
        help="the time bound of a request, waiting for a worker included; a worker still "
        "working then is stopped and replaced, and the answer is 503 (default 10)",
    )
    serve.add_argument(
        "--limits",
        type=_limits_file,
        default=Limits(),
        metavar="FILE",
        help="a JSON object of limits, as for advise; max_document_bytes bounds a request's body",
    )
    serve.add_argument(
        "--cors-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="an origin whose pages may call the API from a browser, such as "
        "https://intranet.example.com (repeatable; none by default: no CORS headers)",
    )
    serve.add_argument(
        "--access-log", action="store_true", help="log each request (method, path, status)"
    )
    _add_advisor_options(serve, _serve)


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 0 to 65535, got {text!r}")
    return int(text)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError(
            f"expected seconds, more than 0 and at most 3600, got {text!r}"
        )
    return value


def _serve(args: argparse.Namespace, rules: RuleSet, out: TextIO) -> int:
    try:
        from .service.app import DEFAULT_TIMEOUT, Settings, serve
    except ImportError as exc:
        print(
            f"mentor-rules serve: needs the serve extra ({exc}): pip install '.[serve]' in a "
            "checkout of mentor-rules",
            file=sys.stderr,
        )
        return EXIT_ENGINE
    settings = Settings(
        rules=rules,
        engine=args.engine,
        limits=args.limits,
        workers=_processes(args.workers),
        timeout=DEFAULT_TIMEOUT if args.timeout is None else args.timeout,
        cors_origins=tuple(args.cors_origin),
    )
    try:
        serve(settings, host=args.host, port=args.port, access_log=args.access_log)
    except OSError as exc:
        print(
            f"mentor-rules serve: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr
        )
        return EXIT_USAGE
    return EXIT_OK


# --------------------------------------------------------------------------- explain


def _add_explain_command(commands: Any, common: argparse.ArgumentParser) -> None:
    explain = commands.add_parser(
        "explain",
        parents=[common],
        help="why a candidate is not better placed, and what would change it",
        description="FILE holds one situation ('-' reads standard input; with no FILE, the "
        "built-in example). Prints, for the candidate called NAME, every rule that would "
        "have placed them better and the conditions it missed, then the smallest sets of "
        "changes that would. NAME is matched ignoring case and runs of white space, as "
        "names are everywhere. Exit code 2 if no candidate is called NAME (the names are "
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
        default=BOUND,
        metavar="N",
        help=f"the most changes a proposed set may hold (default {BOUND}, as in the report "
        "of advise)",
    )
    _add_format_options(explain, ("text", "json"), "text (the default): to read", "the explanation")
    _add_advisor_options(explain, _explain)


def _bound(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= MAX_BOUND:
        raise argparse.ArgumentTypeError(
            f"expected a whole number from 0 to {MAX_BOUND}, got {text!r}"
        )
    return value


def _explain(args: argparse.Namespace, rules: RuleSet, out: TextIO) -> int:
    engine: EngineName = args.engine
    advisor = Advisor(rules, engine=engine)
    read = _read(args.file or "<example>", advisor.limits)
    label = read[0][0] if len(read) == 1 else args.file
    error: SituationError | None = None
    if len(read) != 1:
        why = f"explain takes one situation; this file holds a batch of {len(read)}"
        error = SituationError([Problem("", why)])
    elif isinstance(read[0][1], SituationError):
        error = read[0][1]
    else:
        try:
            situation = situation_from_dict(read[0][1], advisor.limits)
        except SituationError as invalid:
            error = invalid
    if error is not None:
        if args.json:
            _print_json(_error_document(label, error), out)
        else:
            _say(f"{escape.terminal(label)}: {_error_text(error)}")
        return EXIT_INVALID
    names = [candidate.name for candidate in situation.candidates]
    wanted = name_key(args.candidate)
    name = next((n for n in names if name_key(n) == wanted), None)
    if name is None:
        listed = ", ".join(map(repr, names)) or "none"
        keys = {name_key(n): n for n in names}
        import difflib  # here: only a name not found needs it

        close = [keys[k] for k in difflib.get_close_matches(wanted, list(keys), n=1)]
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        _say(
            escape.terminal(
                f"mentor-rules explain: no candidate called {args.candidate!r} in {label}{hint}; "
                f"the candidates are: {listed}"
            )
        )
        return EXIT_USAGE
    explanation = advisor.explain(situation, name, args.target, bound=args.bound)
    if args.json:
        from .advice.explain import explanation_to_dict

        return _print_json({"source": label, "explanation": explanation_to_dict(explanation)}, out)
    from .io.report import explanation_text

    out.write(explanation_text(explanation, rules, label, _style(args, out)))
    return EXIT_OK


# --------------------------------------------------------------------------- match


def _add_match_command(commands: Any, common: argparse.ArgumentParser) -> None:
    match = commands.add_parser(
        "match",
        parents=[common],
        help="match a programme's mentees to its mentors, and explain every pair",
        description="FILE holds one programme (docs/programme.md; '-' reads standard input). "
        "Weighs every allowed pair with the rules, matches by the objective (the programme's "
        "settings, or --objective) and prints who is matched with whom and why, who is not "
        "and what would change it. Exit code 3 if the programme is invalid, 4 if the solver "
        "(scipy, the programme extra) is missing.",
    )
    match.add_argument("file", metavar="FILE")
    match.add_argument(
        "--objective",
        choices=("fit", "participation", "fair", "stable"),
        help="what to optimise (default: the programme's settings, else fit)",
    )
    match.add_argument(
        "--suggest",
        type=_positive_count,
        metavar="N",
        help="also suggest the N best mentors for each mentee, each mentor at most as often "
        "as they have places (self-matching programmes)",
    )
    match.add_argument("--explain", metavar="ID", help="show one mentee's part, with evidence")
    _add_format_options(match, _REPORT_OR_JSON, _REPORT_HELP, "the result")
    _add_jobs_option(match, 1, "weigh the pairs in N processes (0 or auto: one per CPU; default 1)")
    _add_advisor_options(match, _match)


def _positive_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, got {text!r}")
    return value


#: A programme file may be larger than a situation: 10,000 mentees and more.
_PROGRAMME_BYTES = 512 * 2**20


def _match(args: argparse.Namespace, rules: RuleSet, out: TextIO) -> int:
    from .io.programme_report import match_to_dict, programme_report
    from .programme.document import Objective, programme_from_dict
    from .programme.match import match, suggest

    label = args.file
    try:
        with _input(args.file) as handle:
            data = handle.read(_PROGRAMME_BYTES + 1)
        if isinstance(data, str):
            data = data.encode("utf-8")
        if len(data) > _PROGRAMME_BYTES:
            raise SituationError([Problem("", "the file is larger than 512 MB")], "programme")
        programme = programme_from_dict(parse_json(data))
    except OSError as exc:
        print(f"{label}: cannot read the file: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except SituationError as error:
        if args.json:
            _print_json(_error_document(label, error), out)
        else:
            print(f"{label}: {SituationError(error.problems, 'programme')}", file=sys.stderr)
        return EXIT_INVALID
    if args.objective is not None:
        settings = attrs.evolve(programme.settings, objective=Objective(args.objective))
        programme = attrs.evolve(programme, settings=settings)
    if args.explain is not None and args.explain not in {m.id for m in programme.mentees}:
        print(f"mentor-rules match: no mentee {args.explain!r} in {label}", file=sys.stderr)
        return EXIT_USAGE
    engine: EngineName = args.engine
    jobs = _processes(args.jobs)
    result = match(programme, Advisor(rules, engine=engine), jobs=jobs)
    suggestions = None if args.suggest is None else suggest(result, programme, args.suggest)
    if args.json:
        return _print_json(match_to_dict(result, suggestions), out)
    _write(programme_report(result, programme, args.format, explain=args.explain), out)
    return EXIT_OK


# --------------------------------------------------------------------------- check


def _check(args: argparse.Namespace, rules: RuleSet, out: TextIO) -> int:
    from .advice.examples import check_examples_as_written
    from .rules.lint import lint

    engine: EngineName = args.engine
    unknown = [rule_id for rule_id in args.rule if rule_id not in rules.ids]
    if unknown:
        raise RuleError([_no_rule("--rule", rule_id, rules) for rule_id in unknown])
    chosen = tuple(rules[rule_id] for rule_id in args.rule) or rules.rules
    found = lint(rules) if args.lint else []
    lint_failed = bool(found) and args.strict
    moved: list[MovedExample] = []
    if args.validate_only:
        results: list[ExampleResult] = []
        missing: list[str] = []
    else:
        advisor = Advisor(rules, engine=engine)
        results, moved = check_examples_as_written(advisor, chosen, args.written_for)
        missing = [rule.id for rule in chosen if not rule.has_examples()]
    failed = [r for r in results if not r.passed]
    if args.json:
        report = _check_document(len(rules), results, failed, missing, found, moved)
        _print_json(report, out)
        return EXIT_EXAMPLES_FAILED if failed or missing or lint_failed else EXIT_OK
    if not args.quiet:
        for warning in found:
            _say(f"warning: {escape.terminal(str(warning))}")
        for example in moved:
            _say(f"note: {escape.terminal(str(example))}")
    paint = _style(args, out).paint
    for rule_id in missing:
        rule = rules[rule_id]
        out.write(
            f"{paint('FAIL', 'avoid')} {escape.terminal(rule.file)} rule {rule_id!r}: needs at "
            "least one example that fires (fires_for = [...]) and one that does not "
            "(fires_for = [])\n"
        )
    for r in results if args.verbose else failed:
        status = paint("ok  ", "ask") if r.passed else paint("FAIL", "avoid")
        said = escape.terminal(f"{r.file} rule {r.rule!r} examples[{r.index}] ({r.description})")
        out.write(f"{status} {said}")
        out.write(
            "\n"
            if r.passed
            else escape.terminal(
                f": expected it to fire for {list(r.expected)}, it fired for {list(r.actual)}"
            )
            + "\n"
        )
    if args.verbose or failed or missing:
        without = f", {len(missing)} without examples" if missing else ""
        out.write(f"{len(results) - len(failed)} passed, {len(failed)} failed{without}\n")
    return EXIT_EXAMPLES_FAILED if failed or missing or lint_failed else EXIT_OK


def _check_document(
    rules: int,
    results: Sequence[ExampleResult],
    failed: Sequence[ExampleResult],
    missing: Sequence[str],
    found: Sequence[LintWarning],
    moved: Sequence[MovedExample],
) -> dict[str, Any]:
    """What ``check --json`` prints (the ``check`` schema): a failed example by its index in
    ``example``, a lint finding and a moved example as their fields."""
    return {
        "rules": rules,
        "examples": len(results),
        "failed": [
            {
                "file": r.file,
                "rule": r.rule,
                "example": r.index,
                "description": r.description,
                "expected": list(r.expected),
                "actual": list(r.actual),
            }
            for r in failed
        ],
        "without_examples": list(missing),
        "lint": [
            {"check": w.check, "rule": w.rule, "file": w.file, "message": w.message} for w in found
        ],
        "moved": [
            {
                "file": m.file,
                "rule": m.rule,
                "example": m.index,
                "description": m.description,
                "parameters": dict(m.parameters),
                "expected": list(m.expected),
                "actual": list(m.actual),
            }
            for m in moved
        ],
    }


def _report_rule_error(error: RuleError, as_json: bool, out: TextIO) -> None:
    if as_json:
        _print_json({"errors": converter.unstructure(error.problems)}, out)
    else:
        _say(f"mentor-rules: {_error_text(error)}")


#: Every command, in the order ``mentor-rules --help`` lists them, and what adds its subparser.
_COMMANDS: dict[str, Callable[[Any, argparse.ArgumentParser], None]] = {
    "advise": _add_advise_command,
    "explain": _add_explain_command,
    "check": _add_check_command,
    "example": _add_example_command,
    "catalogue": _add_catalogue_command,
    "serve": lambda commands, common: _add_serve_command(commands),
    "schema": _add_schema_command,
    "match": _add_match_command,
    "completion": _add_completion_command,
}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
