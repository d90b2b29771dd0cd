"""``advise --jsonl`` between pipes whose ends are stopped and continued (issue 16, item 3).

A shell pipeline ``producer | mentor-rules advise --jsonl | consumer`` where any of the three
is stopped (SIGSTOP, as Ctrl-Z or a debugger does) and continued (SIGCONT), again and again,
must give every output line whole and in order, and end as it would otherwise. Before, a
stop of the command while it wrote to a full pipe cut an output line short now and then
(Python's buffered writer dropped the rest of a write that came back short, the next line
ran on, and the exit code was 0): 4 runs in 4 lost lines here. docs/scale.md says what holds.

Each run starts three processes in a session of their own and ends them on every path.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mentor_rules.cli import example_document

#: Lines of the input: each gives an output line of about 26 KB, so the output fills a pipe
#: (64 KiB) every few lines and the command is often stopped in the middle of a write.
LINES = 200

#: Writes the input file to standard output in pieces of random sizes.
_PRODUCER = r"""
import os, random, sys
data = open(sys.argv[1], "rb").read()
rng = random.Random(int(sys.argv[2]))
at = 0
while at < len(data):
    at += os.write(1, data[at : at + rng.randint(1, 9000)])
"""

#: Copies standard input to a file in reads of random sizes.
_CONSUMER = r"""
import os, random, sys
rng = random.Random(int(sys.argv[2]))
with open(sys.argv[1], "wb") as out:
    while block := os.read(0, rng.randint(1, 20000)):
        out.write(block)
"""


def _input(path: Path) -> None:
    base = example_document()
    lines = []
    for number in range(LINES):
        document = json.loads(json.dumps(base))
        document["mentee"]["name"] = f"mentee {number} " + "x" * (number % 3 * 200)
        lines.append(json.dumps(document))
    lines.insert(LINES // 2, "{not json")  # an invalid line is reported in its place too
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@contextlib.contextmanager
def _stopping(pick: Callable[[], Callable[[int], None] | None], seed: int) -> Iterator[None]:
    """Stops and continues what ``pick`` names, again and again, until the block ends."""
    rng = random.Random(seed)
    done = threading.Event()

    def poke() -> None:
        while not done.is_set():
            send = pick()
            if send is not None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    send(signal.SIGSTOP)
                    time.sleep(rng.uniform(0, 0.02))
                    send(signal.SIGCONT)
            time.sleep(rng.uniform(0, 0.01))

    thread = threading.Thread(target=poke, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def _run(tmp_path: Path, jobs: int, targets: list[str], seed: int) -> tuple[int, bytes, str]:
    """One pipeline, with ``targets`` (of producer, command, group, consumer) stopped and
    continued at random: the command's exit code, the consumer's file and standard error."""
    source, sink = tmp_path / "in.jsonl", tmp_path / f"out{seed}.jsonl"
    if not source.exists():
        _input(source)
    rng = random.Random(seed)
    command = [sys.executable, "-m", "mentor_rules", "advise", "--jsonl", "-q"]
    if jobs > 1:
        command += ["--jobs", str(jobs)]
    started: list[subprocess.Popen[bytes]] = []
    try:
        producer = subprocess.Popen(
            [sys.executable, "-c", _PRODUCER, str(source), str(seed)],
            stdout=subprocess.PIPE,
            start_new_session=True,
        )
        started.append(producer)
        advise = subprocess.Popen(
            command,
            stdin=producer.stdout,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its worker processes too: "group" stops them all
        )
        started.append(advise)
        consumer = subprocess.Popen(
            [sys.executable, "-c", _CONSUMER, str(sink), str(seed)],
            stdin=advise.stdout,
            start_new_session=True,
        )
        started.append(consumer)
        assert producer.stdout is not None
        assert advise.stdout is not None
        producer.stdout.close()
        advise.stdout.close()
        senders: dict[str, Callable[[int], None]] = {
            "producer": producer.send_signal,
            "command": advise.send_signal,
            "group": lambda sig: os.killpg(advise.pid, sig),
            "consumer": consumer.send_signal,
        }
        with _stopping(lambda: senders[rng.choice(targets)], seed):
            producer.wait(timeout=120)
            code = advise.wait(timeout=120)
            consumer.wait(timeout=120)
        assert advise.stderr is not None
        return code, sink.read_bytes(), advise.stderr.read().decode()
    finally:
        for process in started:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGCONT)
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            for stream in (process.stdout, process.stderr):
                if stream is not None:
                    stream.close()


def _check(code: int, output: bytes, errors: str) -> None:
    assert code == 3, errors[-2000:]  # the invalid line, and nothing else wrong
    assert output.endswith(b"\n")
    lines = output.split(b"\n")[:-1]
    assert len(lines) == LINES + 1, f"{LINES + 1 - len(lines)} lines lost"
    documents = [json.loads(line) for line in lines]  # each line whole: JSON
    assert [d["line"] for d in documents] == list(range(1, LINES + 2))  # in order
    wrong = [d["line"] for d in documents if "advice" not in d]
    assert wrong == [LINES // 2 + 1]


@pytest.mark.parametrize(
    ("jobs", "targets"),
    [
        (1, ["command"]),
        (1, ["producer", "command", "consumer"]),
        (2, ["command", "group"]),
        (2, ["producer", "command", "group", "consumer"]),
    ],
)
def test_no_line_is_lost_or_cut_when_the_pipeline_is_stopped_and_continued(
    tmp_path: Path, jobs: int, targets: list[str]
) -> None:
    for seed in range(3):
        _check(*_run(tmp_path, jobs, targets, seed))
