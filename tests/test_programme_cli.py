"""``mentor-rules match``: the ERG cohort of examples/programme, its JSON held to the published
schemas, the report, suggestions, errors and exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from mentor_rules.cli import main
from mentor_rules.io.schemas import SCHEMAS

COHORT = Path(__file__).resolve().parents[1] / "examples" / "programme" / "erg-cohort.json"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def cohort() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(COHORT.read_text(encoding="utf-8"))
    return document


def test_the_example_cohort_is_what_its_script_writes_and_fits_the_schema(
    cohort: dict[str, Any],
) -> None:
    import runpy

    made = runpy.run_path(str(COHORT.with_name("make_cohort.py")))["cohort"]()
    assert made == cohort
    Draft202012Validator(SCHEMAS["programme"]()).validate(cohort)
    assert len(cohort["mentees"]) == 40
    assert len(cohort["mentors"]) == 15


@pytest.mark.parametrize("objective", ["fit", "participation", "fair", "stable"])
def test_match_json_fits_the_result_schema_and_keeps_the_places(
    capsys: pytest.CaptureFixture[str], cohort: dict[str, Any], objective: str
) -> None:
    code, out, _ = run(
        capsys, "match", str(COHORT), "--json", "--objective", objective, "--suggest", "3"
    )
    assert code == 0
    result = json.loads(out)
    Draft202012Validator(SCHEMAS["programme-result"]()).validate(result)
    places = {m["id"]: m["capacity"] for m in cohort["mentors"]}
    taken: dict[str, int] = {}
    for pair in result["assignment"]:
        taken[pair["mentor"]] = taken.get(pair["mentor"], 0) + 1
        assert pair["verdict"] != "avoid"
        assert pair["relation"] not in ("direct_manager", "skip_level")
    assert all(taken[m] <= places[m] for m in taken)
    matched = {p["mentee"] for p in result["assignment"]}
    assert matched.isdisjoint(u["mentee"] for u in result["unmatched"])
    assert len(matched) + len(result["unmatched"]) == 40
    assert result["summary"]["guarantee"] == ("stable" if objective == "stable" else "optimal")
    # The four who want logistics: no mentor in the pool knows it.
    (logistics,) = [g for g in result["uncovered_goals"] if g["subject"] == "logistics"]
    assert len(logistics["mentees"]) == 4
    assert (logistics["known_by"], logistics["kept_by"]) == ([], [])
    suggested: dict[str, int] = {}
    for entry in result["suggestions"]:
        assert len(entry["mentors"]) <= 3
        for m in entry["mentors"]:
            suggested[m] = suggested.get(m, 0) + 1
    existing = {e["mentor"] for e in cohort["existing"]}
    assert all(n <= places[m] - (m in existing) for m, n in suggested.items())


def test_participation_matches_at_least_as_many_as_fit(
    capsys: pytest.CaptureFixture[str],
) -> None:
    counts = {}
    for objective in ("fit", "participation"):
        _, out, _ = run(capsys, "match", str(COHORT), "--json", "--objective", objective)
        counts[objective] = json.loads(out)["summary"]["matched"]
    assert counts["participation"] >= counts["fit"]


def test_the_report_names_the_matched_the_unmatched_and_the_uncovered(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "match", str(COHORT))
    assert code == 0
    assert "Matched (" in out
    assert "Unmatched (" in out
    assert "want the logistics industry; no mentor in the pool knows it" in out
    code, out, _ = run(capsys, "match", str(COHORT), "--explain", "wen")
    assert code == 0
    assert "evidence: mentees[0]" in out
    assert "ranked higher" in out
    code, _, err = run(capsys, "match", str(COHORT), "--explain", "nobody")
    assert code == 2
    assert "no mentee 'nobody'" in err


def test_ids_reach_no_terminal_as_control_codes_nor_markup(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    evil = "e\x1b[31mvil<b>"
    document = {
        "people": [{"id": evil}, {"id": "m", "organisation": "other"}],
        "mentees": [{"id": evil}],
        "mentors": [{"id": "m", "capacity": 0}],
    }
    path = tmp_path / "p.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    for form in ("text", "markdown", "html"):
        code, out, _ = run(capsys, "match", str(path), "--format", form)
        assert code == 0
        assert "\x1b" not in out
        assert form == "text" or "<b>" not in out  # plain text is no markup


def test_an_invalid_programme_exits_3_naming_the_path(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, cohort: dict[str, Any]
) -> None:
    broken = json.loads(json.dumps(cohort))
    broken["mentors"][2]["capacity"] = -1
    path = tmp_path / "p.json"
    path.write_text(json.dumps(broken), encoding="utf-8")
    code, _, err = run(capsys, "match", str(path))
    assert code == 3
    assert "mentors[2].capacity: must be 0 or more, got -1" in err
    code, out, _ = run(capsys, "match", str(path), "--json")
    assert code == 3
    assert json.loads(out)["error"] == [
        {"path": "mentors[2].capacity", "message": "must be 0 or more, got -1"}
    ]
    # The published schema refuses it too.
    assert not Draft202012Validator(SCHEMAS["programme"]()).is_valid(broken)


def test_without_scipy_the_optimal_objectives_say_what_to_install_and_stable_runs(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "scipy.sparse.csgraph", None)
    code, _, err = run(capsys, "match", str(COHORT), "--objective", "fair")
    assert code == 4
    assert "pip install 'scipy>=1.11'" in err
    code, out, _ = run(capsys, "match", str(COHORT), "--objective", "stable", "--json")
    assert code == 0
    assert json.loads(out)["summary"]["guarantee"] == "stable"
