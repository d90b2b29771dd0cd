"""Where a value a rule read from a fact stands in the input document: evidence paths.

Plain fields map one to one (``candidate.relation`` of the third candidate is
``candidates[2].relation``); derived fields map to the input values they were made from, and
what rules concluded maps to nothing (the concluding rule's own evidence shows why), except
``fits_goals`` and ``unmet_goal_scopes``, which point at the goals.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from ._expr import ITEM
from ._facts import Fact
from ._model import Mentee, Situation
from ._schema import FactPath
from ._text import stems_echo, text_key, word_stems

__all__ = ["input_evidence"]

#: Conclusion fields with no place in the input.
_NOT_INPUT = frozenset({"concluded", "concluded_kinds", "candidates_concluded"})


def input_evidence(
    situation: Situation, fact: Fact, path: FactPath, value: Any
) -> Iterator[tuple[str, Any]]:
    """Where a value read from ``fact`` at ``path`` stands in the input document."""
    root, rest = path[0], path[1:]
    name = rest[0] if rest else None
    mentee = situation.mentee
    if name in _NOT_INPUT:
        return
    if root == "mentee":
        if name == "aimed_industry":
            yield _aimed(mentee, "target_industry", "industry")
        elif name == "aimed_job":
            yield _aimed(mentee, "target_job", "job")
        elif name == "unmet_goal_scopes":
            unmet = set(value) if isinstance(value, list) else {value}
            for n, goal in enumerate(mentee.goals):
                if goal.scope.value in unmet:
                    yield f"mentee.goals[{n}]", _goal(situation, n)
        else:
            yield _render(("mentee", *rest)), value
    elif root == "candidate":
        yield from _candidate_evidence(situation, fact, rest, value)
    elif root == "past_mentor":
        yield _render(("mentee", "past_mentors", fact.position, *rest)), value
    elif root == "role" and name == "filled":
        yield "mentee.support_roles", [r.value for r in mentee.support_roles]


def _aimed(mentee: Mentee, target: str, current: str) -> tuple[str, Any]:
    field = target if getattr(mentee, target) is not None else current
    return f"mentee.{field}", getattr(mentee, field)


def _goal(situation: Situation, index: int) -> dict[str, Any]:
    goal = situation.mentee.goals[index]
    return {"kind": goal.kind.value, "scope": goal.scope.value, "detail": goal.detail}


def _candidate_evidence(
    situation: Situation, fact: Fact, rest: FactPath, value: Any
) -> Iterator[tuple[str, Any]]:
    assert fact.position is not None
    at = f"candidates[{fact.position}]"
    candidate, mentee = situation.candidates[fact.position], situation.mentee
    match rest[0]:
        case "echoes_worked" | "echoes_did_not_work":
            yield from _echo_evidence(situation, fact, rest, value)
        case "fits_goals":
            for n in value if isinstance(value, list) else [value]:
                yield f"mentee.goals[{n}]", _goal(situation, n)
        case "industry_match":
            yield f"{at}.industry", candidate.industry
            yield _aimed(mentee, "target_industry", "industry")
        case "job_match":
            aimed = _aimed(mentee, "target_job", "job")
            key = None if aimed[1] is None else text_key(aimed[1])
            held = [n for n, job in enumerate(candidate.jobs) if text_key(job) == key]
            if held:
                for n in held:
                    yield f"{at}.jobs[{n}]", candidate.jobs[n]
            else:
                yield f"{at}.jobs", list(candidate.jobs)
            yield aimed
        case "longer_at_company":
            yield f"{at}.years_at_company", candidate.years_at_company
            yield "mentee.months_at_company", mentee.months_at_company
        case _:
            yield _render(("candidates", fact.position, *rest)), value


def _echo_evidence(
    situation: Situation, fact: Fact, rest: FactPath, value: Any
) -> Iterator[tuple[str, Any]]:
    assert fact.position is not None
    candidate = situation.candidates[fact.position]
    source = "worked" if rest[0] == "echoes_worked" else "did_not_work"
    echoed = value if isinstance(value, list) else [value]
    if not echoed:  # an empty echo list: the traits and past mentors show there was no echo
        yield f"candidates[{fact.position}].traits", list(candidate.traits)
        return
    shown = set(echoed)
    for index, trait in enumerate(candidate.traits):
        if trait in shown:
            yield f"candidates[{fact.position}].traits[{index}]", trait
    stems = {word_stems(trait) for trait in shown}  # each text stemmed once, not once a pair
    for m, past in enumerate(situation.mentee.past_mentors):
        for index, text in enumerate(getattr(past, source)):
            theirs = word_stems(text)
            if any(stems_echo(mine, theirs) for mine in stems):
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
