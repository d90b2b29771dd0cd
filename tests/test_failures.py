"""What the command line gives when the machine or the input fails it: a full disk, a limits
file that asks for more memory than there is, text that is not text (a lone surrogate). The
crash-prone ones in a subprocess, as a user meets them: a clear message and an exit code, never
a traceback, and nothing written that is not UTF-8."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mentor_rules.cli import example_document

FULL = Path("/dev/full")


def mentor_rules(
    *args: str, stdout: Any = subprocess.PIPE, **options: Any
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mentor_rules", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        check=False,
        **options,
    )


@pytest.mark.skipif(not FULL.exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "args",
    [
        ("advise", "--engine", "python"),
        ("advise", "--json", "--engine", "python"),
        ("advise", "--jsonl", "--engine", "python"),
        ("advise", "--jsonl", "--jobs", "2", "--engine", "python"),
        ("catalogue",),
    ],
)
def test_a_full_disk_is_reported_with_exit_5_not_a_traceback(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    """Found by a hostile review: ``OSError: No space left on device`` and exit 1."""
    path = tmp_path / "situations.jsonl"
    path.write_text((json.dumps(example_document()) + "\n") * 40, encoding="utf-8")
    batch = tmp_path / "situations.json"
    batch.write_text(json.dumps([example_document()] * 40), encoding="utf-8")
    files = [] if args[0] != "advise" else [str(path if "--jsonl" in args else batch)]
    with FULL.open("w", encoding="utf-8") as full:
        done = mentor_rules(*args, *files, stdout=full)
    assert done.stderr == "mentor-rules: cannot write the output: No space left on device\n"
    assert done.returncode == 5


@pytest.mark.parametrize("jsonl", [False, True])
def test_a_huge_max_document_bytes_reads_no_more_than_the_input_holds(
    tmp_path: Path, jsonl: bool
) -> None:
    """Found by a hostile review: the reader set aside ``max_document_bytes`` at once, a
    ``MemoryError`` for a limit of 100 TB."""
    limits = tmp_path / "limits.json"
    limits.write_text(json.dumps({"max_document_bytes": 10**14}), encoding="utf-8")
    situation = tmp_path / "situation.json"
    situation.write_text(json.dumps(example_document()), encoding="utf-8")
    mode = ["--jsonl"] if jsonl else ["--json"]
    done = mentor_rules(
        "advise", *mode, "--engine", "python", "--limits", str(limits), str(situation)
    )
    assert done.stderr == (
        "mentor-rules: 1 of 1 situations advised; none invalid\n" if jsonl else ""
    )
    assert done.returncode == 0
    advised = json.loads(done.stdout.splitlines()[0] if jsonl else done.stdout)
    assert "advice" in advised if jsonl else "candidates" in advised  # one: the advice itself


# --------------------------------------------------------------------------- lone surrogates

SURROGATES = ["\\ud800", "\\udc80"]  # as JSON writes them: six characters each


@pytest.mark.parametrize("locale", ["C.UTF-8", "C"])
def test_a_lone_surrogate_in_a_line_is_an_error_line_and_the_batch_goes_on(
    tmp_path: Path, locale: str
) -> None:
    """Found by a hostile review: the writer crashed on it (UnicodeEncodeError), losing every
    later line; under a C locale ``\\udc80`` went out as a raw byte, not UTF-8."""
    good = json.dumps(example_document())
    bad = [good.replace('"Dana Reyes"', f'"Dana{half}"') for half in SURROGATES]
    assert all(half in line for half, line in zip(SURROGATES, bad, strict=True))
    path = tmp_path / "situations.jsonl"
    path.write_text("\n".join([good, *bad, good]) + "\n", encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mentor_rules",
            "advise",
            "--jsonl",
            "--engine",
            "python",
            str(path),
        ],
        capture_output=True,
        timeout=120,
        check=False,
        env={**os.environ, "LC_ALL": locale, "PYTHONIOENCODING": ""},
    )
    lines = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]
    assert [sorted(line) for line in lines] == [
        ["advice", "line"],
        ["error", "line"],
        ["error", "line"],
        ["advice", "line"],
    ]
    for line, half in zip(lines[1:3], ("D800", "DC80"), strict=True):
        [problem] = line["error"]
        assert problem["path"].startswith("candidates[")
        assert problem["path"].endswith("].name")
        assert f"a lone surrogate, U+{half}, at character 4" in problem["message"]
    assert done.returncode == 3
    assert b"Traceback" not in done.stderr


def test_a_situation_made_in_python_with_a_lone_surrogate_is_refused() -> None:
    from mentor_rules import Candidate, Mentee, Relation, Situation, SituationError

    with pytest.raises(SituationError) as caught:
        Situation(
            mentee=Mentee(ideas=("calm\udfff",)),
            candidates=(Candidate(name="Ann", relation=Relation.PEER),),
        )
    assert [p.path for p in caught.value.problems] == ["ideas[0]"]  # where, in the Mentee
    with pytest.raises(SituationError) as caught:
        Candidate(name="\ud800Ann", relation=Relation.PEER)
    assert [p.path for p in caught.value.problems] == ["name"]


def test_a_rule_document_or_a_limits_file_with_a_lone_surrogate_is_refused(
    tmp_path: Path,
) -> None:
    from mentor_rules import RuleError, rules_from_documents

    document = {
        "id": "fuzzed",
        "title": "t",
        "about": "candidate",
        "kind": "consider",
        "when": 'candidate.relation == "peer"',
        "message": "hello \ud800",
        "because": "b",
        "source": {"section": "S", "paragraph": 1},
    }
    with pytest.raises(RuleError) as caught:
        rules_from_documents([document], require_examples=False)
    assert [p.field for p in caught.value.problems] == ["message"]
    limits = tmp_path / "limits.json"
    limits.write_text('{"max_text\\ud800": 5}', encoding="utf-8")
    done = mentor_rules("advise", "--limits", str(limits))
    assert done.returncode == 2
    assert "a key is not valid text: a lone surrogate, U+D800" in done.stderr
