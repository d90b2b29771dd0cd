"""What the command line gives when the machine fails it: a full disk, a limits file that asks
for more memory than there is, a pack that loops on itself. Each in a subprocess, as a user
meets it: a clear message and an exit code, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mentor_rules.cli import example_document

FULL = Path("/dev/full")


def mentor_rules(*args: str, stdout: Any = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mentor_rules", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        check=False,
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
    assert done.stderr == ""
    assert done.returncode == 0
    advised = json.loads(done.stdout.splitlines()[0] if jsonl else done.stdout)
    assert "advice" in (advised if jsonl else advised[0])
