"""The command line: reports, JSON, batches, rule checks and exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from mentor_rules import Limits
from mentor_rules.cli import main
from mentor_rules.engines import ENGINES

RULE = Path(__file__).resolve().parents[1] / "rules" / "avoid-direct-manager.toml"


@pytest.fixture(autouse=True)
def no_standard_input(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Standard input as at a terminal or in CI, whatever runs the tests (``pytest -s < x``
    would otherwise be read by ``advise`` with no FILE)."""
    with open(os.devnull, encoding="utf-8") as null:
        monkeypatch.setattr(sys, "stdin", null)
        yield


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_advise_without_a_file_reports_on_the_built_in_example(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "advise")
    assert code == 0
    assert out.startswith("Mentoring advice for Alex")
    assert "Next steps" in out
    assert "Whom to avoid, and why" in out
    assert "Dana Reyes: You probably won't want Dana Reyes" in " ".join(out.split())


def test_advise_json_prints_the_advice_document(capsys: pytest.CaptureFixture[str]) -> None:
    """One situation gives its advice document itself, as the advice schema describes."""
    code, out, _ = run(capsys, "advise", "--json", "--engine", "python")
    document = json.loads(out)
    assert code == 0
    assert {"recommendations", "candidates", "next_steps"} <= set(document)
    assert document["candidates"][-1]["verdict"] == "avoid"


def test_a_batch_reports_every_item_good_or_bad(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    batch = tmp_path / "batch.json"
    batch.write_text(
        json.dumps(
            [
                {"candidates": [{"name": "A", "relation": "peer"}]},
                {"candidates": [{"name": "B", "relation": "boss"}]},
                {},
            ]
        ),
        encoding="utf-8",
    )
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    code, out, _ = run(capsys, "advise", "--json", str(batch), str(broken))
    results = json.loads(out)
    assert code == 3
    assert [r["source"] for r in results] == [
        f"{batch}[0]",
        f"{batch}[1]",
        f"{batch}[2]",
        str(broken),
    ]
    assert "advice" in results[0]
    assert "advice" in results[2]
    assert results[1]["error"] == [
        {
            "path": "candidates[0].relation",
            "message": results[1]["error"][0]["message"],
        }
    ]
    assert "not valid JSON" in results[3]["error"][0]["message"]


def test_an_invalid_situation_is_reported_on_stderr_with_its_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"mentee": {"months_at_company": "soon"}}', encoding="utf-8")
    code, _, err = run(capsys, "advise", str(bad))
    assert code == 3
    assert "mentee.months_at_company" in err


def test_check_is_silent_and_succeeds_on_the_shipped_rules(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(capsys, "check") == (0, "", "")


def test_check_fails_with_code_1_when_an_example_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = tmp_path / RULE.name
    wrong.write_text(
        RULE.read_text(encoding="utf-8").replace('fires_for = ["Dana"]', 'fires_for = ["Nobody"]')
    )
    code, out, _ = run(capsys, "check", "--no-shipped", "--rules", str(wrong))
    assert code == 1
    assert "FAIL" in out
    assert "avoid-direct-manager" in out
    assert "Nobody" in out
    assert out.rstrip().endswith("1 passed, 1 failed")


def test_invalid_rules_exit_3_with_file_and_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / RULE.name
    bad.write_text(RULE.read_text(encoding="utf-8").replace('"direct_manager"\'', '"boss"\''))
    code, out, _ = run(capsys, "check", "--json", "--rules", str(bad))
    (problem,) = json.loads(out)["errors"]
    assert code == 3
    assert problem["file"] == str(bad)
    assert problem["rule"] == "avoid-direct-manager"
    assert problem["field"] == "when"


def test_example_prints_a_situation_that_advise_accepts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(capsys, "example")
    situation = tmp_path / "example.json"
    situation.write_text(out, encoding="utf-8")
    code, _, _ = run(capsys, "advise", str(situation))
    assert code == 0


def test_bad_arguments_exit_2() -> None:
    with pytest.raises(SystemExit) as caught:
        main(["advise", "--engine", "drools"])
    assert caught.value.code == 2


def test_the_durable_engine_where_it_is_not_installed_exits_4(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "durable_rules_engine", None)  # import fails: not found
    code, out, err = run(capsys, "advise", "--engine", "durable")
    assert code == 4
    assert out == ""
    assert "not installed" in err
    assert "--engine python" in err  # the spelling this user needs, and the Python one
    assert 'engine="python"' in err
    assert run(capsys, "advise")[0] == 0  # auto falls back to the Python engine


def test_the_engine_choices_are_auto_and_the_registered_engines(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["advise", "--help"])
    assert caught.value.code == 0
    assert "--engine {" + ",".join(("auto", *ENGINES)) + "}" in capsys.readouterr().out


def test_version_prints_the_installed_version_and_exits_0(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out == f"mentor-rules {metadata.version('mentor-rules')}\n"


def test_check_json_lists_each_failed_example_with_its_documented_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = tmp_path / "avoid-direct-manager.toml"
    wrong.write_text(
        RULE.read_text(encoding="utf-8").replace('fires_for = ["Dana"]', 'fires_for = ["Nobody"]')
    )
    code, out, _ = run(capsys, "check", "--json", "--no-shipped", "--rules", str(wrong))
    report = json.loads(out)
    assert code == 1
    assert report == {
        "moved": [],
        "rules": 1,
        "examples": 2,
        "failed": [
            {
                "file": str(wrong),
                "rule": "avoid-direct-manager",
                "example": 0,
                "description": report["failed"][0]["description"],
                "expected": ["Nobody"],
                "actual": ["Dana"],
            }
        ],
        "without_examples": [],
        "lint": [],
    }
    code, out, _ = run(capsys, "check", "--json")
    assert (code, json.loads(out)["failed"]) == (0, [])


def test_rule_problems_in_json_have_every_documented_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('id = "x"\ntitle = \n', encoding="utf-8")
    code, out, err = run(capsys, "advise", "--json", "--rules", str(broken))
    assert (code, err) == (3, "")
    assert json.loads(out) == {
        "errors": [
            {
                "file": str(broken),
                "rule": None,
                "field": None,
                "line": 2,
                "column": 9,
                "message": json.loads(out)["errors"][0]["message"],
            }
        ]
    }


# --------------------------------------------------------------------------- reading files


def command(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """``mentor-rules ARGS`` in a fresh interpreter."""
    kwargs.setdefault("capture_output", True)
    return subprocess.run(
        [sys.executable, "-m", "mentor_rules", *args],
        text=True,
        check=False,
        timeout=120,
        **kwargs,
    )


GOOD = {"candidates": [{"name": "Ann", "relation": "skip_level", "years_at_company": 8}]}


def test_files_nested_too_deeply_or_with_huge_numbers_are_reported_and_the_others_advised(
    tmp_path: Path,
) -> None:
    """They ended the run with a traceback and exit code 1, and the good files were lost."""
    files = {
        "good.json": json.dumps(GOOD),
        "deep.json": '{"mentee": ' + "[" * 5000 + "]" * 5000 + "}",
        "deep-objects.json": '{"a": ' * 995 + "1" + "}" * 995,
        "digits.json": '{"mentee": {"months_at_company": ' + "9" * 5000 + "}}",
        "last.json": json.dumps(GOOD),
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    done = command("advise", *files, cwd=tmp_path)
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout.count("Mentoring advice for you") == 2  # good.json and last.json
    # Where the depth is found depends on the Python: 3.11's JSON reader gives up on the whole
    # document (the path is the document's), 3.13's reads it, and the limit names the place.
    deep, deep_objects, digits, summary = done.stderr.splitlines()
    assert summary == (
        "mentor-rules: 2 of 5 situations advised; 3 invalid (deep.json, deep-objects.json, "
        "digits.json)"
    )
    too_deep = "nested too deeply: at most 16 levels (limit max_depth)"
    assert deep.startswith("deep.json: invalid situation: ")
    assert deep.endswith(too_deep)
    assert deep_objects.startswith("deep-objects.json: invalid situation: ")
    assert deep_objects.endswith(too_deep)
    assert digits == (
        "digits.json: invalid situation: <document>: a number with too many digits (5000; at "
        "most 4300)"
    )
    as_json = command("advise", "--json", *files, cwd=tmp_path)
    results = json.loads(as_json.stdout)
    assert as_json.returncode == 3
    assert ["advice" in r for r in results] == [True, False, False, False, True]


def test_a_document_deep_enough_to_read_is_still_refused_at_the_depth_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text('{"mentee": {"goals": ' + "[" * 900 + "]" * 900 + "}}", encoding="utf-8")
    code, _, err = run(capsys, "advise", str(deep))
    assert code == 3
    assert f"mentee.goals{'[0]' * 14}: nested too deeply" in err


def test_a_key_repeated_in_an_object_is_refused_with_its_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Python's reader keeps the last value silently; a repeated key is almost always a
    mistake of whoever wrote the file."""
    repeated = tmp_path / "repeated.json"
    repeated.write_text(
        '[{"candidates": [{"name": "A", "relation": "peer"},'
        ' {"name": "B", "relation": "peer", "name": "C"}]},'
        ' {"mentee": {"goals": [], "goals": []}, "mentee": {}}]',
        encoding="utf-8",
    )
    code, out, err = run(capsys, "advise", str(repeated))
    assert (code, out) == (3, "")
    assert err.splitlines() == [
        f"{repeated}[0]: invalid situation: candidates[1]: duplicate key 'name'",
        f"{repeated}[1]: invalid situation: <document>: duplicate key 'mentee'",
        f"mentor-rules: 0 of 2 situations advised; 2 invalid ({repeated}[0], {repeated}[1])",
    ]


def test_a_file_over_the_size_limit_is_refused_and_one_at_it_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    most = Limits().max_document_bytes
    at_limit, over = tmp_path / "at.json", tmp_path / "over.json"
    at_limit.write_bytes(b"{}" + b" " * (most - 2))
    over.write_bytes(b"{}" + b" " * (most - 1))
    code, out, _ = run(capsys, "advise", "--json", str(at_limit), str(over))
    results = json.loads(out)
    assert code == 3
    assert "advice" in results[0]
    assert results[1]["error"] == [
        {
            "path": "",
            "message": f"at most {most} bytes (limit max_document_bytes), got {most + 1}",
        }
    ]


def test_limits_from_a_file_replace_the_defaults(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    limits = tmp_path / "limits.json"
    limits.write_text('{"max_candidates": 1, "max_text": 600}', encoding="utf-8")
    situation = tmp_path / "situation.json"
    people = [{"name": "n" * 600, "relation": "peer"}, {"name": "B", "relation": "peer"}]
    situation.write_text(json.dumps({"candidates": people}), encoding="utf-8")
    code, _, err = run(capsys, "advise", "--limits", str(limits), str(situation))
    assert code == 3
    assert err == (
        f"{situation}: invalid situation: candidates: at most 1 candidates (limit "
        "max_candidates), got 2\n"
    )
    situation.write_text(json.dumps({"candidates": people[:1]}), encoding="utf-8")
    assert run(capsys, "advise", "--limits", str(limits), str(situation))[0] == 0
    assert run(capsys, "advise", str(situation))[0] == 3  # 600 characters: over the default


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"max_items": 0}', "max_items must be a positive integer, got 0"),
        ('{"max_items": "3"}', "max_items must be a positive integer, got '3'"),
        ('{"max_itemz": 3}', "unknown limit 'max_itemz'; limits are max_candidates, max_items"),
        ('{"max_items": 3, "max_items": 4}', "<document>: duplicate key 'max_items'"),
        ("[3]", "expected a JSON object of limits"),
        ("{", "<document>: not valid JSON (line 1, column 2)"),
    ],
)
def test_a_wrong_limits_file_is_a_wrong_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    limits = tmp_path / "limits.json"
    limits.write_text(text, encoding="utf-8")
    with pytest.raises(SystemExit) as caught:
        main(["advise", "--limits", str(limits)])
    assert caught.value.code == 2
    assert f"error: argument --limits: {limits}: {message}" in capsys.readouterr().err


# --------------------------------------------------------------------------- standard input


def test_advise_reads_standard_input_when_it_is_a_file_or_a_pipe(tmp_path: Path) -> None:
    """It advised on the built-in example, silently, whatever came in."""
    situation = tmp_path / "situation.json"
    situation.write_text(json.dumps(GOOD), encoding="utf-8")
    with situation.open(encoding="utf-8") as redirected:
        from_file = command("advise", "--json", stdin=redirected)
    from_pipe = command("advise", "--json", input=json.dumps(GOOD))
    expected = json.loads(from_file.stdout)
    assert from_file.returncode == from_pipe.returncode == 0
    assert json.loads(from_pipe.stdout) == expected
    assert [c["name"] for c in expected["candidates"]] == ["Ann"]
    empty = command("advise", input="")
    assert empty.returncode == 3
    assert empty.stderr == (
        "standard input: invalid situation: <document>: no JSON: the input is empty\n"
    )


def test_advise_uses_the_built_in_example_when_standard_input_is_a_terminal_or_null(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "advise")  # standard input is the null device (the fixture)
    assert code == 0
    assert out.startswith("Mentoring advice for Alex\n(built-in example)")
    nothing = command("advise", stdin=subprocess.DEVNULL)
    assert nothing.returncode == 0
    assert nothing.stdout.startswith("Mentoring advice for Alex\n(built-in example)")


def test_an_empty_batch_says_there_is_nothing_to_advise_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.json"
    empty.write_text("[]", encoding="utf-8")
    assert run(capsys, "advise", str(empty)) == (
        0,
        "",
        f"{empty}: nothing to advise on (an empty batch)\n",
    )
    assert run(capsys, "advise", "--json", str(empty)) == (0, "[]\n", "")


# --------------------------------------------------------------------------- output


def test_a_reader_that_stops_early_ends_the_run_quietly_with_141(tmp_path: Path) -> None:
    """`mentor-rules advise | head -1` ended with a BrokenPipeError traceback."""
    from mentor_rules.cli import example_document

    # More than a pipe holds (64 KiB) either way: 40 reports of about 3 KB, 200 advice as JSON
    for extra, count in (([], 40), (["--json"], 200)):
        batch = tmp_path / f"batch{count}.json"
        batch.write_text(json.dumps([example_document()] * count), encoding="utf-8")
        with subprocess.Popen(
            [sys.executable, "-m", "mentor_rules", "advise", *extra, str(batch)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ) as process:
            assert process.stdout is not None
            assert process.stderr is not None
            first = process.stdout.readline()
            process.stdout.close()  # as `head -1` does once it has its line
            errors = process.stderr.read()
            code = process.wait(timeout=120)
        assert first
        assert errors == ""
        assert code == 141
