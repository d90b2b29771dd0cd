"""Writing the output of a command: whole, whatever happens to the process as it writes."""

from __future__ import annotations

import io
import os
from typing import TextIO

__all__ = ["write_whole"]


def write_whole(out: TextIO, text: str) -> None:
    """``text`` written to ``out`` in full, even when this process is stopped (SIGSTOP, Ctrl-Z)
    and continued while it writes to a pipe.

    A write to a full pipe that the process is stopped in comes back short (the bytes that fit
    before it stopped). Python's own buffered writer over a file descriptor then silently
    dropped the rest of a long write (CPython 3.11 to 3.13: one output line in a few of
    ``advise --jsonl`` cut short, the next line run on, exit code 0; a subclass of the same
    raw file, or ``os.write`` in a loop, lost nothing: ``tests/test_stop_continue.py``). So where
    ``out`` has a file descriptor, what it holds is flushed and ``text`` is written straight to
    the descriptor, as many times as it takes; elsewhere (a ``StringIO``) ``out.write``.
    """
    try:
        descriptor = out.fileno()
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        out.write(text)
        return
    out.flush()
    data = memoryview(text.encode(out.encoding or "utf-8", out.errors or "strict"))
    while data:
        data = data[os.write(descriptor, data) :]  # a signal: retried (PEP 475)
