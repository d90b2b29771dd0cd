"""JSON Lines in, JSON Lines out: what ``mentor-rules advise --jsonl`` reads and writes.

Each line of the input is one situation; each output line is ``{"line": n, "advice": {...}}``
or ``{"line": n, "error": [problems]}`` (``n`` 1-based). A blank line (nothing but white space)
is skipped: no output line, no error, though it is counted in the line numbers. A line is read
no further than the ``max_document_bytes`` limit, so that one huge line cannot fill memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

from ._documents import advice_to_dict, converter, over_limit, parse_json
from ._errors import Problem, SituationError
from ._output import Advice

if TYPE_CHECKING:
    from ._advisor import Advisor

__all__ = ["advise_lines", "read_lines"]

#: A line over the limit is skipped in pieces of this size.
_SKIP = 1 << 16

#: One line of input: its number, and its bytes (None for a line over the size limit).
Line = tuple[int, bytes | None]


def read_lines(stream: IO[bytes] | IO[str], most: int) -> Iterator[Line]:
    """``(line number, bytes)`` for each line of ``stream`` that is not blank, read lazily;
    a line of more than ``most`` bytes gives ``None`` in place of its bytes."""
    number = 0
    while True:
        line = _bytes(stream.readline(most + 1))
        if not line:
            return
        number += 1
        if len(line) > most and not line.endswith(b"\n"):
            while (rest := _bytes(stream.readline(_SKIP))) and not rest.endswith(b"\n"):
                pass
            yield number, None
        elif line.strip(b" \t\r\n"):  # JSON's whitespace only: a form feed is not blank
            yield number, line


def _bytes(line: bytes | str) -> bytes:
    # A standard input without bytes (replaced in Python, as in tests) gives text.
    return line.encode("utf-8") if isinstance(line, str) else line


def advise_lines(advisor: Advisor, chunk: list[Line]) -> list[tuple[int, str, bool]]:
    """For each input line of ``chunk``: its number, the output line (JSON text, without its
    newline), and whether it is advice (not an error). Runs in a worker process with
    ``--jobs``: text is cheaper to send back than advice."""
    outcomes: dict[int, Advice | SituationError] = {}
    readable: list[tuple[int, Any]] = []
    for number, data in chunk:
        try:
            if data is None:
                limit = over_limit(advisor.limits, "max_document_bytes", None)
                raise SituationError([Problem("", limit)])
            readable.append((number, parse_json(data, advisor.limits)))
        except SituationError as error:
            outcomes[number] = error
    advised = advisor._advise_chunk([document for _, document in readable])
    outcomes.update(zip((number for number, _ in readable), advised, strict=True))
    return [_output_line(number, outcomes[number]) for number, _ in chunk]


def _output_line(number: int, outcome: Advice | SituationError) -> tuple[int, str, bool]:
    if isinstance(outcome, Advice):
        document = {"line": number, "advice": advice_to_dict(outcome)}
    else:
        document = {"line": number, "error": converter.unstructure(outcome.problems)}
    return number, json.dumps(document, ensure_ascii=False), isinstance(outcome, Advice)
