"""JSON Lines in, JSON Lines out: what ``mentor-rules advise --jsonl`` reads and writes.

Each line of the input is one situation; each output line is ``{"line": n, "advice": {...}}``
or ``{"line": n, "error": [problems]}`` (``n`` 1-based). A blank line (nothing but white space)
is skipped: no output line, no error, though it is counted in the line numbers. A line is read
no further than the ``max_document_bytes`` limit, so that one huge line cannot fill memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import IO, TYPE_CHECKING, Any

from .._errors import Problem, SituationError
from ..model.documents import advice_to_dict, converter, over_limit, parse_json
from ..model.limits import Limits
from ..model.output import Advice
from .escape import json_text

if TYPE_CHECKING:
    from ..advice.advisor import Advisor

__all__ = ["advise_lines", "outcome_document", "outcomes", "read_document", "read_lines"]

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
    items: list[bytes | SituationError] = [
        _over_the_limit(advisor.limits) if data is None else data.removesuffix(b"\n")
        for _, data in chunk
    ]
    lines = []
    for (number, _), outcome in zip(chunk, outcomes(advisor, items), strict=True):
        text = json_text({"line": number, **outcome_document(outcome)})
        lines.append((number, text, isinstance(outcome, Advice)))
    return lines


def _over_the_limit(limits: Limits, size: int | None = None) -> SituationError:
    return SituationError([Problem("", over_limit(limits, "max_document_bytes", size))])


def read_document(text: str | bytes | bytearray, limits: Limits) -> Any:
    """JSON text read as ``mentor-rules advise`` reads a file: its size first, against
    ``limits.max_document_bytes``, then the JSON within the limits; ``SituationError``
    otherwise."""
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else bytes(text)
    if len(data) > limits.max_document_bytes:
        raise _over_the_limit(limits, len(data))
    return parse_json(data, limits)


def outcomes(advisor: Advisor, items: Sequence[object]) -> list[Advice | SituationError]:
    """The advice of each of ``items``, or the error that stopped it, in order: the one chunk
    reader of JSON Lines, worker processes and Dask partitions.

    An item is JSON text (``str`` or ``bytes``, read by :func:`read_document`), a
    :class:`SituationError` already found (kept as it is), or a situation (a JSON-form
    mapping or a :class:`Situation`; anything else is reported as not one). The readable
    ones are advised together, as one chunk.
    """
    documents: list[Any] = []
    unread: dict[int, SituationError] = {}
    for position, item in enumerate(items):
        if isinstance(item, str | bytes | bytearray):
            try:
                item = read_document(item, advisor.limits)
            except SituationError as error:
                item = error
        if isinstance(item, SituationError):
            unread[position] = item
        else:
            documents.append(item)
    advised = iter(advisor._advise_chunk(documents))
    return [unread[n] if n in unread else next(advised) for n in range(len(items))]


def outcome_document(outcome: Advice | SituationError) -> dict[str, Any]:
    """``{"advice": {...}}`` or ``{"error": [problems]}``: one result, as JSON-like data."""
    if isinstance(outcome, Advice):
        return {"advice": advice_to_dict(outcome)}
    problems: list[dict[str, Any]] = converter.unstructure(outcome.problems)
    return {"error": problems}
