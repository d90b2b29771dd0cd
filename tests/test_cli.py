"""The command line: reports, JSON, batches, rule checks and exit codes."""

from __future__ import annotations

import json
import sys
from importlib import metadata
from pathlib import Path

import pytest

from mentor_rules._engines import ENGINES
from mentor_rules.cli import main

RULE = Path(__file__).resolve().parents[1] / "rules" / "avoid-direct-manager.toml"


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
    assert "Dana Reyes: Don't ask Dana Reyes" in " ".join(out.split())


def test_advise_json_prints_the_advice_document(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "advise", "--json", "--engine", "python")
    (result,) = json.loads(out)
    assert result["source"] == "built-in example"
    document = result["advice"]
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
