"""A matched programme as JSON (``match_to_dict``, schema ``programme-result``) and as the
report a programme lead reads first: matched, unmatched with reasons and what would change it,
goals no mentor covers, places unused. Rendered in text, Markdown or HTML by the situation
report's renderers, so the three formats say the same things."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from ..model.documents import converter
from ..model.situation import GoalScope
from ..model.words import VERDICT_WORDS
from ..programme.document import Programme
from ..programme.match import (
    Assigned,
    ChangeKind,
    Matching,
    Reason,
    Uncovered,
    Unmatched,
    WhyNotMentor,
    WouldChange,
)
from .report import (
    Format,
    _Document,
    _html_page,
    _Item,
    _markdown,
    _Section,
    _text,
)

__all__ = ["match_to_dict", "programme_report"]


def _why(w: WhyNotMentor) -> dict[str, Any]:
    return {
        "mentor": w.mentor,
        "reason": w.reason.value,
        "detail": w.detail,
        "taken_by": list(w.taken_by),
        "fit_better": w.fit_better,
    }


def _change(c: WouldChange) -> dict[str, Any]:
    return {
        "kind": c.kind.value,
        "mentor": c.mentor,
        "goal": c.goal,
        "scope": None if c.scope is None else c.scope.value,
        "subject": c.subject,
    }


def _assigned(a: Assigned) -> dict[str, Any]:
    advice = a.advice
    return {
        "mentee": a.mentee,
        "mentor": a.mentor,
        "existing": a.existing,
        "rank": a.rank,
        "relation": None if advice is None else advice.relation.value,
        "verdict": None if advice is None else advice.verdict.value,
        "score": None if advice is None else advice.score,
        "goals_fitted": [] if advice is None else list(advice.fits_goals),
        "rules": [] if advice is None else list(advice.rules),
        "evidence": []
        if advice is None
        else [
            {
                "path": e.path,
                "value": converter.unstructure(e.value),
                "matched": converter.unstructure(e.matched),
            }
            for e in advice.evidence
        ],
        "ranked_higher": [_why(w) for w in a.higher],
    }


def _unmatched(u: Unmatched) -> dict[str, Any]:
    return {
        "mentee": u.mentee,
        "why": {
            "no_eligible_mentor": [
                {"reason": reason.value, "mentors": count} for reason, count in u.excluded
            ],
            "every_eligible_mentor_full": [_why(w) for w in u.full],
        },
        "what_would_change": [_change(c) for c in u.would_change],
    }


def match_to_dict(
    result: Matching, suggestions: Mapping[str, Sequence[str]] | None = None
) -> dict[str, Any]:
    """The JSON form of a matched programme (schema: ``mentor-rules schema programme-result``);
    with ``suggestions`` (mentee id -> mentor ids, best first) for suggestions mode."""
    s = result.summary
    out: dict[str, Any] = {
        "assignment": [_assigned(a) for a in result.assignment],
        "unmatched": [_unmatched(u) for u in result.unmatched],
        "mentors": [
            {
                "mentor": m.mentor,
                "places": m.places,
                "assigned": list(m.assigned),
                "unused": m.unused,
            }
            for m in result.mentors
        ],
        "uncovered_goals": [
            {
                "scope": g.scope.value,
                "subject": g.subject,
                "mentees": list(g.mentees),
                "known_by": list(g.known_by),
                "kept_by": [
                    {"reason": reason.value, "pairs": count} for reason, count in g.kept_by
                ],
            }
            for g in result.uncovered
        ],
        "summary": {
            "objective": s.objective.value,
            "guarantee": s.guarantee,
            "mentees": s.mentees,
            "matched": s.matched,
            "unmatched": s.unmatched,
            "pairs_evaluated": s.pairs_evaluated,
            "total_weight": s.total_weight,
        },
    }
    if suggestions is not None:
        out["suggestions"] = [
            {"mentee": mentee, "mentors": list(mentors)} for mentee, mentors in suggestions.items()
        ]
    return out


def _value(value: Any) -> str:
    """An evidence value as JSON, cleaned."""
    return _clean(json.dumps(converter.unstructure(value), ensure_ascii=False))


def _clean(text: str) -> str:
    """An id or text from the input with its control and format characters shown as escapes,
    so that none reaches a terminal as a control code (Markdown and HTML escape the rest)."""
    return "".join(f"\\u{ord(c):04x}" if unicodedata.category(c)[0] == "C" else c for c in text)


_REASON_WORDS = {
    Reason.EXCLUDED_RELATION: "relation excluded by the programme",
    Reason.BLOCKED: "blocked pair",
    Reason.NO_PLACES: "no places left",
    Reason.AVOID: "the advice says avoid",
    Reason.BELOW_LOWEST_VERDICT: "below the lowest verdict allowed",
    Reason.FULL: "full",
}


def _why_words(w: WhyNotMentor) -> str:
    words = f"{_clean(w.mentor)}: {_REASON_WORDS[w.reason]}"
    if w.reason == Reason.FULL:
        taken = ", ".join(_clean(t) for t in w.taken_by) or "nobody"
        mentor = _clean(w.mentor)
        better = (
            f"each fits {mentor} at least as well"
            if w.fit_better
            else f"not all fit {mentor} better: the total fit decided"
        )
        return f"{words} with {taken} ({better})"
    if w.detail:
        words += f" ({_clean(w.detail.replace('_', ' '))})"
    return words


def _change_words(c: WouldChange) -> str:
    if c.kind == ChangeKind.ONE_MORE_PLACE:
        return f"one more place with {_clean(c.mentor or '')} (confirmed by re-solving)"
    return f"a mentor who knows {_about(c.scope, c.subject)} (goal {c.goal})"


def _about(scope: GoalScope | None, subject: str | None) -> str:
    if scope == GoalScope.INDUSTRY:
        return f"the {_clean(subject)} industry" if subject else "their industry"
    if scope == GoalScope.JOB:
        return f"the {_clean(subject)} job" if subject else "their job"
    return "the company"


#: Full mentors named for an unmatched mentee on the first screen (all with --explain).
_FIRST_SCREEN = 3


def _uncovered_item(g: Uncovered) -> _Item:
    """A goal no eligible mentor fits: who wants it, and whether anyone in the pool knows it
    (then who, and what keeps them from these mentees) or a mentor must be found."""
    wanted = f"{len(g.mentees)} mentee(s) want {_about(g.scope, g.subject)}"
    mentees = ", ".join(_clean(m) for m in g.mentees)
    if not g.known_by:
        return _Item(f"{wanted}; no mentor in the pool knows it", sub=(mentees,))
    known = ", ".join(_clean(m) for m in g.known_by)
    kept = "; ".join(f"{_REASON_WORDS[reason]}: {count}" for reason, count in g.kept_by)
    return _Item(
        f"{wanted}; {len(g.known_by)} mentor(s) know it, none eligible for them",
        sub=(mentees, f"known by {known}", *([f"kept apart by {kept}"] if kept else [])),
    )


def _document(result: Matching, programme: Programme, explain: str | None) -> _Document:
    s = result.summary
    guarantee = (
        "a stable matching (no mentee and mentor would both rather have each other)"
        if s.guarantee == "stable"
        else "an optimal assignment"
    )
    sections: list[_Section] = []
    assignment = [a for a in result.assignment if explain is None or a.mentee == explain]
    unmatched = [u for u in result.unmatched if explain is None or u.mentee == explain]
    matched_items = []
    for a in assignment:
        advice = a.advice
        verdict = "" if advice is None else VERDICT_WORDS[advice.verdict]
        goals = "" if advice is None else f", fits {len(advice.fits_goals)} goal(s)"
        rank = "" if a.rank is None else f", their choice no. {a.rank}"
        existing = " (existing pair)" if a.existing else ""
        sub: tuple[str, ...] = ()
        if explain is not None and advice is not None:
            sub = (
                *(f"ranked higher, {_why_words(w)}" for w in a.higher),
                f"rules: {', '.join(advice.rules)}",
                *(f"evidence: {e.path} = {_value(e.value)}" for e in advice.evidence),
            )
        matched_items.append(
            _Item(f"{_clean(a.mentor)} ({verdict}{goals}{rank}){existing}", _clean(a.mentee), sub)
        )
    sections.append(_Section(f"Matched ({len(assignment)})", tuple(matched_items)))
    unmatched_items = []
    for u in unmatched:
        if u.excluded:
            why = "no eligible mentor: " + "; ".join(
                f"{_REASON_WORDS[reason]}: {count}" for reason, count in u.excluded
            )
        elif u.full:
            why = "every eligible mentor is full"
        else:
            why = "no mentor"
        shown = u.full if explain is not None else u.full[:_FIRST_SCREEN]
        more = len(u.full) - len(shown)
        sub = (
            *(_why_words(w) for w in shown),
            *([f"and {more} more"] if more else []),
            *(f"would change it: {_change_words(c)}" for c in u.would_change),
        )
        unmatched_items.append(_Item(why, _clean(u.mentee), sub))
    sections.append(_Section(f"Unmatched ({len(unmatched)})", tuple(unmatched_items)))
    if explain is None:
        uncovered = tuple(_uncovered_item(g) for g in result.uncovered)
        sections.append(_Section("Goals no mentor covers", uncovered))
        unused = tuple(
            _Item(f"{m.unused} of {m.places} place(s) unused", _clean(m.mentor))
            for m in result.mentors
            if m.unused > 0
        )
        sections.append(_Section("Places unused", unused))
    subtitle = (
        f"objective {s.objective.value}: {guarantee}; {s.matched} of {s.mentees} mentees "
        f"matched, {s.pairs_evaluated} pairs weighed"
    )
    footer = (
        "mentor-rules match FILE --explain ID shows one mentee's pair with its rules and "
        "evidence; --json gives every detail."
    )
    sections = [
        section if section.items else attrs.evolve(section, paragraphs=("none",))
        for section in sections
    ]
    return _Document("Programme matching", subtitle, tuple(sections), footer)


def programme_report(
    result: Matching, programme: Programme, format: Format = "text", *, explain: str | None = None
) -> str:
    """The programme lead's report (``explain``: one mentee's part only, with evidence)."""
    document = _document(result, programme, explain)
    if format == "text":
        return _text(document)
    if format == "markdown":
        return _markdown(document)
    return _html_page([document])
