"""JSON Lines in, JSON Lines out: what ``mentor-rules advise --jsonl`` reads and writes.

Each line of the input is one situation; each output line is ``{"line": n, "advice": {...}}``
or ``{"line": n, "error": [problems]}`` (``n`` 1-based). A blank line (nothing but white space)
is skipped: no output line, no error, though it is counted in the line numbers. A line is read
no further than the ``max_document_bytes`` limit, so that one huge line cannot fill memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any

from .._errors import Problem, SituationError
from ..model.documents import advice_to_dict, converter, over_limit, parse_json
from ..model.output import Advice
from .escape import json_text

if TYPE_CHECKING:
    from ..advice.advisor import Advisor

__all__ = ["advise_each", "advise_lines", "outcome_document", "read_lines"]

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
    documents: list[Any] = []
    unread: dict[int, SituationError] = {}
    for position, (_, data) in enumerate(chunk):
        try:
            if data is None:
                limit = over_limit(advisor.limits, "max_document_bytes", None)
                raise SituationError([Problem("", limit)])
            documents.append(parse_json(data, advisor.limits))
        except SituationError as error:
            unread[position] = error
            documents.append(None)
    lines = []
    for (number, _), outcome in zip(chunk, advise_each(advisor, documents, unread), strict=True):
        text = json_text({"line": number, **outcome_document(outcome)})
        lines.append((number, text, isinstance(outcome, Advice)))
    return lines


def advise_each(
    advisor: Advisor, documents: Sequence[Any], unread: Mapping[int, SituationError]
) -> list[Advice | SituationError]:
    """The advice of each of ``documents``, or the error that stopped it, in order: those at
    the positions in ``unread`` could not be read and keep their error; the others are advised
    together, as one chunk."""
    readable = [document for n, document in enumerate(documents) if n not in unread]
    advised = iter(advisor._advise_chunk(readable))
    return [unread[n] if n in unread else next(advised) for n in range(len(documents))]


def outcome_document(outcome: Advice | SituationError) -> dict[str, Any]:
    """``{"advice": {...}}`` or ``{"error": [problems]}``: one result, as JSON-like data."""
    if isinstance(outcome, Advice):
        return {"advice": advice_to_dict(outcome)}
    problems: list[dict[str, Any]] = converter.unstructure(outcome.problems)
    return {"error": problems}
