"""The HTML report in a real browser: headless Chromium renders it, and the page shows the
candidates and the steps.

One browser start takes the screenshot and dumps the DOM. Needs Debian's ``chromium`` on the
PATH (``.ci/run`` installs it where missing); skipped where it is absent.
"""

from __future__ import annotations

import html
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from mentor_rules import Advisor
from mentor_rules.cli import example_document
from mentor_rules.io.report import build_report, render
from mentor_rules.model.documents import situation_from_dict

CHROMIUM = shutil.which("chromium")
WIDTH, HEIGHT = 1200, 1600

pytestmark = [
    pytest.mark.chromium,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="chromium is not on the PATH: install Debian's chromium package "
        "(apt-get install chromium; .ci/run does) to render the HTML report",
    ),
]


def _png(path: Path) -> tuple[int, int, bytes]:
    """A PNG's width, height and its pixel rows as stored (filter byte, then the row)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, chunks, width, height = 8, [], 0, 0
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            chunks.append(body)
        position += 12 + length
    return width, height, zlib.decompress(b"".join(chunks))


def test_chromium_renders_the_candidates_and_the_steps(tmp_path: Path) -> None:
    assert CHROMIUM is not None
    document = example_document()
    advisor = Advisor()
    advice = advisor.advise(document)
    report = build_report(advisor, situation_from_dict(document), advice, "built-in example")
    page = tmp_path / "report.html"
    page.write_text(render([report], "html", details=True), encoding="utf-8")
    shot = tmp_path / "report.png"
    finished = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={shot}",
            "--dump-dom",
            f"--window-size={WIDTH},{HEIGHT}",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr[-2000:]
    # the DOM the browser built holds every candidate and every step
    dom = " ".join(html.unescape(finished.stdout).split())
    assert '<main class="mentor-rules-report">' in dom
    for verdict in advice.candidates:
        assert verdict.name in dom
    for step in advice.next_steps:
        assert " ".join(step.text.split()) in dom
    # and it painted them: a screenshot of the window's size, not of one colour
    assert shot.is_file()
    assert 20_000 < shot.stat().st_size < 20_000_000
    width, height, rows = _png(shot)
    assert (width, height) == (WIDTH, HEIGHT)
    assert len(set(rows)) > 16, "the screenshot is blank"
