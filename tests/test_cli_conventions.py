"""The command line as people expect it (issue 17): the terminal's width and colour, -o, -q,
-V, help, completion, messages that say what to do, names, packs and their examples, and a
published schema for every JSON document it writes, checked against what it writes."""

from __future__ import annotations

import argparse
import errno
import fcntl
import json
import os
import pty
import re
import select
import shutil
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from mentor_rules import Advisor, advise, shipped_rules
from mentor_rules.cli import BOUND, SCHEMA_NAMES, example_document
from mentor_rules.io.report import REPORT_BOUND
from mentor_rules.io.schemas import SCHEMAS

ROOT = Path(__file__).resolve().parents[1]
SGR = re.compile(r"\x1b\[[0-9;]*m")
GOOD = {"candidates": [{"name": "Ann", "relation": "skip_level", "years_at_company": 8}]}
BAD = {"candidates": [{"name": "Bo", "relation": "boss"}]}


def command(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """``mentor-rules ARGS`` in a fresh interpreter, standard input /dev/null unless given."""
    kwargs.setdefault("capture_output", True)
    if "input" not in kwargs:
        kwargs.setdefault("stdin", subprocess.DEVNULL)
    return subprocess.run(
        [sys.executable, "-m", "mentor_rules", *args], text=True, check=False, timeout=180, **kwargs
    )


def write(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- a real terminal


def in_terminal(args: list[str], columns: int, env: dict[str, str]) -> str:
    """What ``mentor-rules ARGS`` writes to a pseudo-terminal of ``columns`` columns."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    environment = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "NO_COLOR")}
    process = subprocess.Popen(
        [sys.executable, "-m", "mentor_rules", *args],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=subprocess.PIPE,
        env={**environment, "TERM": "xterm-256color", **env},
    )
    os.close(follower)
    chunks = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 1)
            if not ready:
                if process.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(leader, 65536)
            except OSError as exc:  # EIO: the terminal's other side has closed
                if exc.errno != errno.EIO:
                    raise
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        assert process.stderr is not None
        process.stderr.close()
        os.close(leader)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


@pytest.mark.parametrize("columns", [60, 120])
def test_the_report_wraps_at_the_terminal_s_width_in_colour(columns: int) -> None:
    shown = in_terminal(["advise", "--details"], columns, {})
    lines = [SGR.sub("", line) for line in shown.splitlines()]
    assert "Whom to ask" in lines
    assert max(map(len, lines)) <= columns
    assert max(map(len, lines)) > min(columns, 88) - 12  # it uses the width it has
    assert "\x1b[1;34mWhom to ask\x1b[0m" in shown  # headings, names and verdicts in colour
    assert "\x1b[1;31mDana Reyes:\x1b[0m" in shown
    said = " ".join(" ".join(lines).split())
    assert (
        "Dana Reyes: You probably won't want Dana Reyes" in said
    )  # no word broken by the wrapping


def test_no_color_and_color_never_leave_the_text_plain_and_a_pipe_gets_88_columns() -> None:
    plain = in_terminal(["advise"], 60, {"NO_COLOR": "1"})
    assert "\x1b" not in plain
    assert max(map(len, plain.splitlines())) <= 60
    assert "\x1b" not in in_terminal(["advise", "--color", "never"], 60, {})
    assert "\x1b" not in in_terminal(["advise"], 60, {"TERM": "dumb"})
    forced = in_terminal(["advise", "--color", "always"], 60, {"NO_COLOR": "1"})
    assert "\x1b[1m" in forced  # the flag wins over the variable, as NO_COLOR asks
    piped = command("advise", "--details")
    assert "\x1b" not in piped.stdout
    assert max(map(len, piped.stdout.splitlines())) == 88
    coloured = command("advise", "--color", "always").stdout
    assert "\x1b[1;34mWhom to ask\x1b[0m" in coloured
    assert SGR.sub("", coloured) == command("advise").stdout  # colour changes no word


def test_explain_and_check_take_the_width_and_colour_too() -> None:
    shown = in_terminal(["explain", "--candidate", "Tom Becker"], 60, {})
    assert max(len(SGR.sub("", line)) for line in shown.splitlines()) <= 60
    assert "\x1b[1;34m" in shown


# --------------------------------------------------------------------------- conventions


def test_help_version_and_python_m() -> None:
    bare = command()
    assert bare.returncode == 0
    assert bare.stdout.startswith("usage: mentor-rules")
    for command_name in ("advise", "explain", "check", "schema", "completion"):
        assert command_name in bare.stdout
    assert command("-V").stdout == command("--version").stdout
    assert re.fullmatch(r"mentor-rules \d+\.\d+\.\d+\S*\n", command("-V").stdout)
    installed = shutil.which("mentor-rules", path=str(Path(sys.executable).parent))
    assert installed is not None
    by_script = subprocess.run([installed, "-V"], capture_output=True, text=True, check=False)
    assert by_script.stdout == command("-V").stdout


def test_output_file_is_written_only_when_the_command_succeeds(tmp_path: Path) -> None:
    good, bad = write(tmp_path / "good.json", GOOD), write(tmp_path / "bad.json", BAD)
    page = tmp_path / "advice.html"
    done = command("advise", str(good), "--format", "html", "-o", str(page))
    assert done.returncode == 0
    assert done.stdout == ""
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    before = page.read_text(encoding="utf-8")
    failed = command("advise", str(bad), "--format", "html", "-o", str(page))
    assert failed.returncode == 3
    assert page.read_text(encoding="utf-8") == before  # left as it was
    fresh = tmp_path / "fresh.html"
    assert command("advise", str(bad), "--format", "html", "--output", str(fresh)).returncode == 3
    assert not fresh.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["advice.html", "bad.json", "good.json"]
    # JSON records each invalid situation in its place: kept with exit 3.
    batch = tmp_path / "batch.json"
    assert command("advise", str(good), str(bad), "--json", "-o", str(batch)).returncode == 3
    assert [sorted(r) for r in json.loads(batch.read_text())] == [
        ["advice", "source"],
        ["error", "source"],
    ]
    assert command("example", "-o", str(tmp_path)).returncode == 2  # a folder: said, not a crash
    mode = (tmp_path / "advice.html").stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    assert mode == 0o666 & ~umask  # as an ordinary new file, not the temporary file's 0600


def test_quiet_validate_only_and_the_batch_summary(tmp_path: Path) -> None:
    good, bad = write(tmp_path / "good.json", GOOD), write(tmp_path / "bad.json", [GOOD, BAD])
    done = command("advise", "--validate-only", str(good), str(bad))
    assert done.returncode == 3
    assert done.stdout == f"{good}: valid\n{bad}[0]: valid\n"
    assert done.stderr.splitlines()[-1] == (
        f"mentor-rules: 2 of 3 situations valid; 1 invalid ({bad}[1])"
    )
    as_json = command("advise", "--validate-only", "--json", str(good))
    assert json.loads(as_json.stdout) == {"source": str(good), "valid": True}
    quiet = command("advise", "-q", str(good), str(bad))
    assert quiet.returncode == 3
    assert quiet.stderr.count("\n") == 1  # the error only, no summary
    assert "invalid situation" in quiet.stderr


def test_completion_script_is_valid_bash_and_completes_commands_and_options() -> None:
    script = command("completion", "bash").stdout
    bash = shutil.which("bash")
    if bash is None:  # pragma: no cover - every CI image has bash
        pytest.skip("no bash")
    probe = (
        f"{script}\nCOMP_WORDS=(mentor-rules ex); COMP_CWORD=1; _mentor_rules; "
        'echo "${COMPREPLY[*]}"\n'
        'COMP_WORDS=(mentor-rules advise --va); COMP_CWORD=2; _mentor_rules; echo "${COMPREPLY[*]}"'
    )
    done = subprocess.run([bash, "-c", probe], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["explain example", "--validate-only"]


# --------------------------------------------------------------------------- messages


TWO_LINES = json.dumps(GOOD) + "\n" + json.dumps(GOOD) + "\n"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("mentee:\n  months_at_company: 3\n", "this looks like YAML: mentor-rules reads JSON"),
        ("---\ncandidates: []\n", "this looks like YAML"),
        (TWO_LINES, "one a line (JSON Lines): add --jsonl"),
    ],
)
def test_other_formats_are_named_with_what_to_do(tmp_path: Path, text: str, said: str) -> None:
    path = tmp_path / "in.json"
    path.write_text(text, encoding="utf-8")
    done = command("advise", str(path))
    assert done.returncode == 3
    assert said in done.stderr


def test_a_missing_file_is_a_usage_error_with_no_errno() -> None:
    for args in (["advise", "nothere.json"], ["advise", "--jsonl", "nothere.jsonl"]):
        done = command(*args)
        assert done.returncode == 2
        assert done.stderr.endswith(": no such file\n")
        assert "Errno" not in done.stderr


def test_names_are_matched_ignoring_case_and_spaces(tmp_path: Path) -> None:
    done = command("explain", "--candidate", "  mei   LIN ")
    assert done.returncode == 0
    assert done.stdout.startswith("Mei Lin: getting to know, worth exploring")
    typo = command("explain", "--candidate", "Mei Lyn")
    assert typo.returncode == 2
    assert "(did you mean 'Mei Lin'?)" in typo.stderr
    advice = advise(example_document())
    assert advice.for_candidate("priya  nair") is advice.for_candidate("Priya Nair")
    explained = Advisor(engine="python").explain(example_document(), "tom becker")
    assert explained.candidate == "Tom Becker"


def test_explain_takes_format_and_the_same_bound_as_the_report() -> None:
    assert BOUND == REPORT_BOUND
    by_format = command("explain", "--candidate", "Mei Lin", "--format", "json")
    assert json.loads(by_format.stdout)["explanation"]["bound"] == BOUND
    assert by_format.stdout == command("explain", "--candidate", "Mei Lin", "--json").stdout
    assert f"sets of up to {BOUND} changes" in command("advise", "--details").stdout
    assert "gives ready" not in command("explain", "--candidate", "Dana Reyes").stdout


# --------------------------------------------------------------------------- packs


def pack(tmp_path: Path, manifest: str, name: str = "tuned") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "pack.toml").write_text(manifest, encoding="utf-8")
    return folder


def test_a_tuned_parameter_moves_shipped_examples_as_information_not_failure(
    tmp_path: Path,
) -> None:
    tuned = pack(
        tmp_path,
        'name = "tuned"\nextends = ["shipped"]\n\n'
        "[parameters.conversations_before_asking]\ndefault = 3\n",
    )
    done = command("check", "--rules", str(tuned))
    assert done.returncode == 0, done.stdout
    assert done.stdout == ""
    assert "note: with conversations_before_asking = 3, ready-to-ask example 1" in done.stderr
    assert "no longer fires for Rita" in done.stderr
    report = json.loads(command("check", "--json", "--rules", str(tuned)).stdout)
    assert report["failed"] == []
    # keep-talking's examples move too (its threshold is the same parameter): ready-to-ask's first
    moved = next(m for m in report["moved"] if (m["rule"], m["example"]) == ("ready-to-ask", 0))
    assert moved["parameters"] == {"conversations_before_asking": 3}
    assert (moved["expected"], moved["actual"]) == (["Rita"], [])
    by_option = command("check", "--param", "conversations_before_asking=3")
    assert by_option.returncode == 0
    assert "no longer fires for Rita" in by_option.stderr
    assert command("check", "-q", "--param", "conversations_before_asking=3").stderr == ""


def test_pack_authors_get_did_you_mean_and_extends_as_one_string(tmp_path: Path) -> None:
    misspelled = pack(
        tmp_path,
        'name = "typo"\nextends = "shipped"\nversoin = "1"\n\n'
        "[parameters.conversations_before_askin]\ndefault = 3\n",
        "typo",
    )
    done = command("check", "--rules", str(misspelled))
    assert done.returncode == 3
    assert "versoin: unknown field; did you mean 'version'?" in done.stderr
    fixed = misspelled / "pack.toml"
    fixed.write_text(fixed.read_text().replace("versoin", "version"), encoding="utf-8")
    done = command("check", "--rules", str(misspelled))
    assert "did you mean 'conversations_before_asking'?" in done.stderr
    assert "a new parameter needs type" in done.stderr  # and what a new one would need
    disabled = command("advise", "--disable", "take-your-tiem")
    assert disabled.returncode == 3
    assert "did you mean 'take-your-time'?" in disabled.stderr
    param = command("advise", "--param", "newcomer_month=6")
    assert param.returncode == 3
    assert "did you mean 'newcomer_months'?" in param.stderr
    rule = command("check", "--rule", "ready-to-as")
    assert "did you mean 'ready-to-ask'?" in rule.stderr


def test_strict_without_lint_is_a_usage_error_and_warnings_have_no_python_source(
    tmp_path: Path,
) -> None:
    done = command("check", "--strict")
    assert done.returncode == 2
    assert "--strict goes with --lint" in done.stderr
    folder = tmp_path / "one"
    folder.mkdir()
    text = (ROOT / "rules" / "avoid-direct-manager.toml").read_text(encoding="utf-8")
    (folder / "no-examples.toml").write_text(
        text.split("[[examples]]")[0].replace("avoid-direct-manager", "no-examples"),
        encoding="utf-8",
    )
    warned = command("check", "--rules", str(folder))
    assert warned.returncode == 1
    warning = [line for line in warned.stderr.splitlines() if line.startswith("warning:")]
    assert warning
    assert "no-examples.toml" in warning[0]
    assert ".py:" not in warned.stderr
    assert "warnings.warn" not in warned.stderr
    assert "1 without examples" in warned.stdout  # the summary counts every FAIL line
    assert warned.stdout.count("FAIL") == 1


def test_catalogue_marks_the_rules_of_a_pack_and_those_overridden(tmp_path: Path) -> None:
    folder = pack(tmp_path, 'name = "acme"\nextends = "shipped"\n', "acme")
    text = (ROOT / "rules" / "avoid-direct-manager.toml").read_text(encoding="utf-8")
    (folder / "avoid-direct-manager.toml").write_text(text, encoding="utf-8")
    done = command("catalogue", "--rules", str(folder))
    assert "(pack *acme*, overrides the shipped rule)" in done.stdout
    data = json.loads(command("catalogue", "--json", "--rules", str(folder)).stdout)
    flagged = {r["id"]: (r["pack"], r["overrides"]) for r in data["rules"]}
    assert flagged["avoid-direct-manager"] == ("acme", True)
    assert flagged["ready-to-ask"] == ("shipped", False)


# --------------------------------------------------------------------------- the schemas


def validate(name: str, text: str) -> Any:
    document = json.loads(text)
    errors = [e.message for e in Draft202012Validator(SCHEMAS[name]()).iter_errors(document)]
    assert errors == [], (name, errors[:3])
    return document


def test_schema_lists_every_schema_and_the_names_agree() -> None:
    assert tuple(SCHEMAS) == SCHEMA_NAMES
    listed = command("schema").stdout.splitlines()
    assert [line.split()[0] for line in listed] == list(SCHEMA_NAMES)


def test_every_json_document_the_command_line_writes_fits_its_schema(tmp_path: Path) -> None:
    good, bad = write(tmp_path / "good.json", GOOD), write(tmp_path / "bad.json", BAD)
    lines = tmp_path / "in.jsonl"
    lines.write_text(f"{json.dumps(GOOD)}\n\n{json.dumps(BAD)}\n{{\n", encoding="utf-8")
    one = validate("advice", command("advise", "--json", str(good)).stdout)
    assert one["candidates"][0]["name"] == "Ann"
    validate("advice", command("advise", "--json").stdout)  # the built-in example
    validate("error", command("advise", "--json", str(bad)).stdout)
    batch = validate("advice-batch", command("advise", "--json", str(good), str(bad)).stdout)
    assert [sorted(r) for r in batch] == [["advice", "source"], ["error", "source"]]
    listed = write(tmp_path / "list.json", [GOOD, BAD])
    validate("advice-batch", command("advise", "--format", "json", str(listed)).stdout)
    for line in command("advise", "--jsonl", str(lines)).stdout.splitlines():
        validate("advice-line", line)
    validate("validation", command("advise", "--validate-only", "--json", str(good)).stdout)
    validate("validation", command("advise", "--validate-only", "--json", str(listed)).stdout)
    for name in ("Mei Lin", "Dana Reyes", "Priya Nair"):
        explained = command("explain", "--json", "--candidate", name).stdout
        validate("explanation", json.dumps(validate("explain-output", explained)["explanation"]))
    validate("explain-output", command("explain", "--json", str(bad), "--candidate", "Bo").stdout)
    validate("check", command("check", "--json", "--lint").stdout)
    tuned = pack(
        tmp_path, 'extends = "shipped"\n[parameters.conversations_before_asking]\ndefault = 3\n'
    )
    assert validate("check", command("check", "--json", "--rules", str(tuned)).stdout)["moved"]
    validate("catalogue", command("catalogue", "--json").stdout)
    validate("catalogue", command("catalogue", "--json", "--rules", str(tuned)).stdout)
    broken = tmp_path / "broken.toml"
    broken.write_text("id = 1\n", encoding="utf-8")
    for args in (["check", "--json"], ["advise", "--json"], ["catalogue", "--json"]):
        done = command(*args, "--rules", str(broken))
        assert done.returncode == 3
        validate("rule-errors", done.stdout)
    validate("situation", command("example").stdout)


# --------------------------------------------------------------------------- smaller things


def test_the_testing_docstring_example_imports_every_name_it_uses() -> None:
    import ast

    import mentor_rules.testing

    doc = mentor_rules.testing.__doc__ or ""
    example = doc.split("::\n", 1)[1].split("\nThe strategies", 1)[0]
    code = "\n".join(line[4:] for line in example.splitlines())
    tree = ast.parse(code)
    bound = {n.asname or n.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
             for n in node.names}  # fmt: skip
    bound |= {
        n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }
    bound |= {a.arg for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) for a in n.args.args}
    bound |= {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    assert used - bound == set()


def test_the_dask_example_of_scale_md_has_the_main_guard() -> None:
    text = (ROOT / "docs" / "scale.md").read_text(encoding="utf-8")
    example = text[text.index("**A bag of JSON Lines in, JSON Lines out.**") :]
    example = example[: example.index("```\n", example.index("```python") + 9)]
    assert 'if __name__ == "__main__":' in example
    assert example.index("__main__") < example.index("Client(")


def test_standard_input_is_named_in_the_report(tmp_path: Path) -> None:
    done = command("advise", input=json.dumps(GOOD))
    assert done.returncode == 0
    assert done.stdout.splitlines()[1] == "(standard input)"


REPLACEMENT = """
[[examples]]
rule = "ready-to-ask"
replaces = {replaces}
description = "good chemistry after three talks with a long-tenured senior"
fires_for = [{fires}]

[examples.situation.mentee]
months_at_company = 6
goals = [{{ kind = "advice", scope = "company" }}]

[[examples.situation.candidates]]
name = "Rita"
relation = "senior"
years_at_company = 8
conversations = 3
chemistry = "good"
"""
TUNED = (
    'name = "tuned"\nextends = "shipped"\n[parameters.conversations_before_asking]\ndefault = 3\n'
)


def test_a_pack_replaces_an_example_of_an_inherited_rule_by_its_number(tmp_path: Path) -> None:
    folder = pack(tmp_path, TUNED + REPLACEMENT.format(replaces=1, fires='"Rita"'))
    done = command("check", "--rules", str(folder))
    assert (done.returncode, done.stdout) == (0, "")
    assert "ready-to-ask example 1" not in done.stderr  # replaced: written for these values
    report = json.loads(command("check", "--json", "--rules", str(folder)).stdout)
    # one example replaced, none added: as many as the shipped rules carry
    assert report["examples"] == sum(len(rule.examples) for rule in shipped_rules())
    assert report["failed"] == []
    wrong = folder / "pack.toml"
    wrong.write_text(TUNED + REPLACEMENT.format(replaces=1, fires=""), encoding="utf-8")
    failed = command("check", "--rules", str(folder))
    assert failed.returncode == 1
    assert "(good chemistry after three talks with a long-tenured senior)" in failed.stdout
    wrong.write_text(TUNED + REPLACEMENT.format(replaces=9, fires=""), encoding="utf-8")
    bad = command("check", "--rules", str(folder))
    assert bad.returncode == 3
    assert "examples[0].replaces: no example 9: the rule has 3" in bad.stderr
    wrong.write_text(
        TUNED + REPLACEMENT.format(replaces=1, fires="").replace("ready-to-ask", "ready-to-asc"),
        encoding="utf-8",
    )
    assert "did you mean 'ready-to-ask'?" in command("check", "--rules", str(folder)).stderr


def test_the_objectives_offered_are_the_programme_s_objectives() -> None:
    """The command line and the programme's schema name the objectives without importing the
    programme floor (start-up), so a new `Objective` must be added to both: this names them."""
    from mentor_rules.cli import _parser
    from mentor_rules.programme.document import Objective

    objectives = [objective.value for objective in Objective]
    commands = next(
        action for action in _parser()._actions if isinstance(action, argparse._SubParsersAction)
    )
    match = next(
        action
        for action in commands.choices["match"]._actions
        if "--objective" in action.option_strings
    )
    assert list(match.choices or ()) == objectives
    found = []

    def enums(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("objective"), dict) and "enum" in node["objective"]:
                found.append(node["objective"]["enum"])
            for value in node.values():
                enums(value)
        elif isinstance(node, list):
            for value in node:
                enums(value)

    for name in ("programme", "programme-result"):
        enums(SCHEMAS[name]())
    assert found == [objectives, objectives]
