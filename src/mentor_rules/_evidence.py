"""Where a value a rule read from a fact stands in the input document: evidence paths.

Plain fields map one to one (``candidate.relation`` of the third candidate is
``candidates[2].relation``); derived fields map to the input values they were made from.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from ._expr import ITEM
from ._facts import Fact
from ._model import Situation, name_key
from ._schema import FactPath

__all__ = ["input_evidence"]


def input_evidence(
    situation: Situation, fact: Fact, path: FactPath, value: Any
) -> Iterator[tuple[str, Any]]:
    """Where a value read from ``fact`` at ``path`` stands in the input document.

    Plain fields map one to one (``candidate.relation`` of the third candidate is
    ``candidates[2].relation``). Derived fields map to the input values they were made from;
    a subject's own name for a role maps to nothing, since it is not in the input.
    """
    root, rest = path[0], path[1:]
    if root == "mentee":
        yield _render(("mentee", *rest)), value
    elif root == "candidate":
        if rest and rest[0] in ("echoes_worked", "echoes_did_not_work"):
            yield from _echo_evidence(situation, fact, rest, value)
        else:
            yield _render(("candidates", fact.position, *rest)), value
    elif root == "past_mentor":
        yield _render(("mentee", "past_mentors", fact.position, *rest)), value
    elif root == "role" and rest and rest[0] == "filled":
        yield "mentee.support_roles", [r.value for r in situation.mentee.support_roles]


def _echo_evidence(
    situation: Situation, fact: Fact, rest: FactPath, value: Any
) -> Iterator[tuple[str, Any]]:
    assert fact.position is not None
    candidate = situation.candidates[fact.position]
    source = "worked" if rest[0] == "echoes_worked" else "did_not_work"
    echoed = value if isinstance(value, list) else [value]
    keys = {name_key(t) for t in echoed}
    if not keys:  # an empty echo list: the traits and past mentors show there was no echo
        yield f"candidates[{fact.position}].traits", list(candidate.traits)
        return
    for index, trait in enumerate(candidate.traits):
        if name_key(trait) in keys:
            yield f"candidates[{fact.position}].traits[{index}]", trait
    for m, past in enumerate(situation.mentee.past_mentors):
        for index, text in enumerate(getattr(past, source)):
            if name_key(text) in keys:
                yield f"mentee.past_mentors[{m}].{source}[{index}]", text


def _render(parts: Sequence[str | int | None]) -> str:
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part == ITEM:  # pragma: no cover - item paths are resolved before they get here
            raise ValueError("unresolved item path")
        else:
            out += f".{part}" if out else str(part)
    return out
