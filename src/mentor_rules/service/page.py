"""The page of ``mentor-rules serve`` (``GET /`` and ``POST /``): a form in which a person
describes their situation, and the report on it.

Plain HTML, no script: the form posts back to ``/``, where :func:`situation_from_form` builds
the same situation document ``POST /v1/advise`` takes, and the page shows the report (from
:func:`~mentor_rules.io.report.html_articles`), the form as filled in, and that document.
Nothing is stored. Everything that came from the request is escaped, and control codes and
bidirectional overrides are shown as ``[U+202E]`` (:func:`~mentor_rules.io.report.visible`).
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from typing import Any

from attrs import frozen

from .._errors import Problem
from .._repr import attrs_repr
from ..io.report import REPORT_CSS, visible
from ..model.situation import (
    CareerMove,
    Chemistry,
    CoachingRole,
    GoalKind,
    GoalScope,
    Relation,
    Setting,
    Willingness,
)

__all__ = ["GOAL_ROWS", "PEOPLE_ROWS", "Form", "page", "situation_from_form"]

#: Rows of the form: goals, and people at first ("Add another person" adds one a time).
GOAL_ROWS = 3
PEOPLE_ROWS = 3

Fields = Mapping[str, Sequence[str]]


def _e(text: object) -> str:
    """Text from the request, safe in HTML text and in a quoted attribute."""
    return visible(html.escape(str(text), quote=True))


def _words(value: str) -> str:
    return value.replace("_", " ")


_CAREER = {
    CareerMove.NONE: "staying where I am",
    CareerMove.ADVANCE: "moving up where I am",
    CareerMove.CHANGE: "changing career",
    CareerMove.JOB_SEARCH: "looking for a new job",
}
_RELATION = {
    Relation.DIRECT_MANAGER: "my manager",
    Relation.SKIP_LEVEL: "my manager's manager",
    Relation.SENIOR: "someone senior at my company",
    Relation.PEER: "a peer at my company",
    Relation.JUNIOR: "someone junior to me",
    Relation.OUTSIDE: "someone outside my company",
}
_GOAL_KIND = {
    GoalKind.QUESTIONS: "questions answered",
    GoalKind.ADVICE: "advice",
    GoalKind.NETWORKING: "networking help",
}
_SCOPE = {
    GoalScope.JOB: "my job",
    GoalScope.COMPANY: "my company",
    GoalScope.INDUSTRY: "my industry",
}
_CHEMISTRY = {
    Chemistry.UNKNOWN: "don't know yet",
    Chemistry.GOOD: "we get on well",
    Chemistry.MIXED: "mixed",
    Chemistry.POOR: "we don't get on",
}
_WILLING = {
    Willingness.UNKNOWN: "don't know",
    Willingness.YES: "yes",
    Willingness.NO: "no",
}
_KNOWS = {"": "don't know", "yes": "yes", "no": "no"}


@frozen
class Form:
    """A filled-in form read: the situation document it makes, what is wrong with it (paths
    into that document), how each of its paths reads to a person (``candidates[1]`` -> ``Person
    2``), and how many people rows to show."""

    __repr__ = attrs_repr

    document: dict[str, Any]
    problems: tuple[Problem, ...]
    places: dict[str, str]
    people_rows: int


def _one(fields: Fields, name: str) -> str:
    values = fields.get(name, ())
    return values[0].strip() if values else ""


def _list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _number(text: str, path: str, problems: list[Problem], whole: bool) -> int | float | None:
    """The number typed in a field ("" is none); a problem at ``path`` when it is not one."""
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if value != value or value in (float("inf"), float("-inf")) or (whole and value % 1):
        kind = "a whole number" if whole else "a number"
        problems.append(Problem(path, f"expected {kind}, got {text!r}"))
        return None
    return int(value) if value % 1 == 0 else value


def situation_from_form(fields: Fields, *, max_people: int) -> Form:
    """The situation document the page's form describes (empty rows left out), with the
    problems found in reading it (numbers that are not numbers); the document itself is
    checked where the advice is made, as ``POST /v1/advise`` checks it."""
    problems: list[Problem] = []
    places: dict[str, str] = {"mentee": "About you", "candidates": "People you might ask"}
    mentee: dict[str, Any] = {}
    for key in ("name", "job", "target_job", "industry"):
        if text := _one(fields, f"mentee.{key}"):
            mentee[key] = text
    months = _number(_one(fields, "mentee.months"), "mentee.months_at_company", problems, True)
    if months is not None:
        mentee["months_at_company"] = months
    if move := _one(fields, "mentee.career_move"):
        mentee["career_move"] = move
    for key in ("wants_to_innovate", "hired_for_fresh_perspective"):
        if _one(fields, f"mentee.{key}"):
            mentee[key] = True
    goals: list[dict[str, str]] = []
    for row in range(GOAL_ROWS):
        kind = _one(fields, f"goal{row}.kind")
        if not kind:
            continue
        places[f"mentee.goals[{len(goals)}]"] = f"What you want, row {row + 1}"
        goal = {"kind": kind, "scope": _one(fields, f"goal{row}.scope") or "job"}
        if detail := _one(fields, f"goal{row}.detail"):
            goal["detail"] = detail
        goals.append(goal)
    if goals:
        mentee["goals"] = goals
    roles = [role for role in fields.get("mentee.support_roles", ()) if role]
    if roles:
        mentee["support_roles"] = roles
    if setting := _one(fields, "past.setting"):
        places["mentee.past_mentors[0]"] = "Your past mentor"
        past: dict[str, Any] = {"setting": setting}
        for key in ("worked", "did_not_work"):
            if texts := _list(_one(fields, f"past.{key}")):
                past[key] = texts
        mentee["past_mentors"] = [past]
    people: list[dict[str, Any]] = []
    rows = _rows(fields, max_people)
    for row in range(rows):
        name = _one(fields, f"person{row}.name")
        if not name:
            continue
        path = f"candidates[{len(people)}]"
        places[path] = f"Person {row + 1} ({name})"
        person: dict[str, Any] = {
            "name": name,
            "relation": _one(fields, f"person{row}.relation") or "peer",
        }
        for key, whole in (("years_at_company", False), ("conversations", True)):
            got = _number(_one(fields, f"person{row}.{key}"), f"{path}.{key}", problems, whole)
            if got is not None:
                person[key] = got
        knows = _one(fields, f"person{row}.knows_culture")
        if knows in ("yes", "no"):
            person["knows_culture"] = knows == "yes"
        for key in ("chemistry", "willing"):
            if value := _one(fields, f"person{row}.{key}"):
                person[key] = value
        if traits := _list(_one(fields, f"person{row}.traits")):
            person["traits"] = traits
        people.append(person)
    more = bool(_one(fields, "more")) and rows < max_people
    document = {"mentee": mentee, "candidates": people}
    return Form(document, tuple(problems), places, rows + more)


def _rows(fields: Fields, max_people: int) -> int:
    """How many people rows the form held (at least :data:`PEOPLE_ROWS`)."""
    try:
        shown = int(_one(fields, "rows") or PEOPLE_ROWS)
    except ValueError:
        shown = PEOPLE_ROWS
    return max(PEOPLE_ROWS, min(shown, max_people))


def _where(path: str, places: Mapping[str, str]) -> str:
    """A problem's path as a person reads it: ``candidates[1].chemistry`` -> ``Person 2
    (Dana), chemistry``."""
    best = max(
        (p for p in places if path == p or path.startswith((p + ".", p + "["))), key=len, default=""
    )
    if not best:
        return path or "the form"
    rest = path[len(best) :].lstrip(".")
    return f"{places[best]}, {_words(rest)}" if rest else places[best]


# --------------------------------------------------------------------------- the page

_CSS = """
*{box-sizing:border-box}
body{margin:0;background:#fff;color:#1f2328;font:16px/1.5 system-ui,-apple-system,"Segoe UI",
 Roboto,sans-serif}
.page{max-width:52rem;margin:0 auto;padding:1rem}
.page h1{font-size:1.5rem;margin:.5rem 0}
.page a{color:#0b5cad}
fieldset{border:1px solid #8c959f;border-radius:6px;margin:1rem 0;padding:.5rem 1rem 1rem}
legend{font-weight:600;padding:0 .3rem}
.row{display:grid;grid-template-columns:1fr;gap:.5rem 1rem;align-items:end}
.row+.row{margin-top:.75rem;padding-top:.75rem;border-top:1px solid #d0d7de}
@media (min-width:40rem){.row{grid-template-columns:repeat(2,1fr)}}
@media (min-width:56rem){.row.three{grid-template-columns:repeat(3,1fr)}}
label{display:block;font-weight:500}
.hint{display:block;color:#57606a;font-weight:400;font-size:.9rem}
input[type=text],input[type=number],select{width:100%;font:inherit;padding:.45rem .5rem;
 border:1px solid #6e7781;border-radius:4px;background:#fff;color:#1f2328;min-height:2.75rem}
.check{display:flex;gap:.5rem;align-items:center;font-weight:400;min-height:2.75rem}
.check input{width:1.25rem;height:1.25rem}
:focus-visible{outline:3px solid #0b5cad;outline-offset:2px}
button{font:inherit;font-weight:600;padding:.6rem 1.2rem;border-radius:6px;min-height:2.75rem;
 border:2px solid #0b5cad;cursor:pointer}
button.primary{background:#0b5cad;color:#fff}
button.secondary{background:#fff;color:#0b5cad}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;margin:1rem 0}
.problems{border:2px solid #b3261e;background:#fbefef;border-radius:6px;padding:.5rem 1rem}
.person{border-color:#afb8c1}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f8fa;padding:.75rem;
 border-radius:6px;font-size:.85rem}
.mentor-rules-report{padding:0}
"""


def _options(choices: Mapping[Any, str], chosen: str, blank: str | None = None) -> str:
    out = [f'<option value="">{_e(blank)}</option>'] if blank is not None else []
    for value, words in choices.items():
        selected = " selected" if str(value) == chosen else ""
        out.append(f'<option value="{_e(value)}"{selected}>{_e(words)}</option>')
    return "".join(out)


def _text(name: str, label: str, fields: Fields, hint: str = "", kind: str = "text") -> str:
    extra = ' inputmode="decimal"' if kind == "number" else ""
    hinted = f'<span class="hint" id="{_e(name)}-hint">{_e(hint)}</span>' if hint else ""
    described = f' aria-describedby="{_e(name)}-hint"' if hint else ""
    return (
        f'<div><label for="{_e(name)}">{_e(label)}{hinted}</label>'
        f'<input type="text" id="{_e(name)}" name="{_e(name)}"{extra}{described} '
        f'value="{_e(_one(fields, name))}" autocomplete="off"></div>'
    )


def _select(
    name: str, label: str, choices: Mapping[Any, str], fields: Fields, blank: str | None = None
) -> str:
    return (
        f'<div><label for="{_e(name)}">{_e(label)}</label><select id="{_e(name)}" '
        f'name="{_e(name)}">{_options(choices, _one(fields, name), blank)}</select></div>'
    )


def _check(name: str, label: str, checked: bool, value: str = "yes", ident: str = "") -> str:
    ident = ident or name
    mark = " checked" if checked else ""
    return (
        f'<label class="check" for="{_e(ident)}"><input type="checkbox" id="{_e(ident)}" '
        f'name="{_e(name)}" value="{_e(value)}"{mark}> {_e(label)}</label>'
    )


def _form(fields: Fields, rows: int) -> str:
    roles = set(fields.get("mentee.support_roles", ()))
    about = [
        '<fieldset><legend>About you</legend><div class="row">',
        _text("mentee.name", "Your name", fields, "optional; shown in the report's heading"),
        _text("mentee.months", "Months at your company", fields, "a whole number", "number"),
        _text("mentee.job", "Your job now", fields),
        _text("mentee.target_job", "The job you are after", fields, "if another one"),
        _text("mentee.industry", "Your industry", fields),
        _select("mentee.career_move", "What you are doing with your career", _CAREER, fields),
        "</div>",
        _check(
            "mentee.wants_to_innovate",
            "I want to try something new at my company",
            bool(_one(fields, "mentee.wants_to_innovate")),
        ),
        _check(
            "mentee.hired_for_fresh_perspective",
            "I was hired to bring a fresh perspective",
            bool(_one(fields, "mentee.hired_for_fresh_perspective")),
        ),
        "</fieldset>",
        "<fieldset><legend>What you want from a mentor</legend>",
    ]
    for row in range(GOAL_ROWS):
        about += [
            '<div class="row three">',
            _select(f"goal{row}.kind", f"{row + 1}. I want", _GOAL_KIND, fields, "(nothing)"),
            _select(f"goal{row}.scope", "about", _SCOPE, fields),
            _text(f"goal{row}.detail", "in my words", fields),
            "</div>",
        ]
    about += [
        "</fieldset>",
        "<fieldset><legend>Whom you already have on your coaching team</legend>",
        *(
            _check(
                "mentee.support_roles",
                _words(role),
                role.value in roles,
                role.value,
                f"role-{role.value}",
            )
            for role in CoachingRole
        ),
        "</fieldset>",
        '<fieldset><legend>A past mentor</legend><div class="row three">',
        _select("past.setting", "Where", {s: _words(s) for s in Setting}, fields, "(none)"),
        _text("past.worked", "What worked", fields, "separated by commas"),
        _text("past.did_not_work", "What did not work", fields, "separated by commas"),
        "</div></fieldset>",
        "<h2>People you might ask</h2>",
    ]
    for row in range(rows):
        p = f"person{row}"
        about += [
            f'<fieldset class="person"><legend>Person {row + 1}</legend><div class="row three">',
            _text(f"{p}.name", "Name", fields),
            _select(f"{p}.relation", "Who they are to you", _RELATION, fields),
            _text(f"{p}.years_at_company", "Years at your company", fields, "", "number"),
            _select(f"{p}.knows_culture", "Knows your company's culture", _KNOWS, fields),
            _select(f"{p}.chemistry", "How you get on", _CHEMISTRY, fields),
            _text(f"{p}.conversations", "Conversations you have had", fields, "", "number"),
            _select(f"{p}.willing", "Willing to mentor you", _WILLING, fields),
            _text(f"{p}.traits", "What they are like", fields, "separated by commas"),
            "</div></fieldset>",
        ]
    about += [
        f'<input type="hidden" name="rows" value="{rows}">',
        '<div class="actions"><button class="primary" type="submit">Get advice</button>',
        '<button class="secondary" type="submit" name="more" value="1">Add another person'
        "</button></div>",
    ]
    return "\n".join(about)


def page(
    fields: Fields,
    rows: int,
    *,
    report: str = "",
    problems: Sequence[Problem] = (),
    places: Mapping[str, str] | None = None,
    document: Mapping[str, Any] | None = None,
    notice: str = "",
) -> str:
    """The page: what is wrong (if anything), the report (if any: HTML from the report's own
    escaping), the form filled in with ``fields``, and the situation document it made."""
    parts = [
        "<header><h1>Whom to ask to be your mentor</h1><p>Describe where you are and the people "
        "you might ask; the advice says whom to ask, whom to try out, whom to avoid and why, and "
        "what to do next. Nothing you enter is stored.</p></header>",
    ]
    if notice:
        parts.append(f'<div class="problems" role="alert"><p>{_e(notice)}</p></div>')
    if problems:
        said = "".join(
            f"<li>{_e(_where(p.path, places or {}))}: {_e(p.message)}</li>" for p in problems
        )
        parts.append(
            '<div class="problems" role="alert"><h2>Please check these answers</h2>'
            f"<ul>{said}</ul></div>"
        )
    if report:
        parts.append(
            f'<section class="mentor-rules-report" aria-label="Your advice">{report}</section>'
            '<p><a href="#situation-form">Change your answers</a></p>'
        )
    parts.append(
        '<form id="situation-form" method="post" accept-charset="utf-8">'
        f"{_form(fields, rows)}</form>"
    )
    if document is not None:
        shown = json.dumps(document, indent=2, ensure_ascii=False)
        parts.append(
            "<details><summary>The situation as JSON (what POST /v1/advise takes)</summary>"
            f"<pre>{_e(shown)}</pre></details>"
        )
    body = "\n".join(parts)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>Mentoring advice</title>\n"
        f"<style>{REPORT_CSS}{_CSS}</style>\n</head>\n"
        f'<body>\n<main class="page">\n{body}\n</main>\n</body>\n</html>\n'
    )
