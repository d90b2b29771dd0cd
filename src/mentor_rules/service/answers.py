"""What a worker process of ``mentor-rules serve`` answers to one request, from the request's
body: the advice, an explanation or the page's report, or the error, as bytes ready to send.

Pure functions of an :class:`Advisor` and the bytes received, run in the worker processes of
:mod:`.workers`; the server process only moves bytes. The status codes: 200; 400 for a body
that is not JSON (or not UTF-8); 422 for JSON that is not a valid request (each problem with
its JSON path, as ``mentor-rules advise --json`` reports them).
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from typing import Any

from attrs import frozen

from .._errors import EngineError, Problem, SituationError, json_type, show
from .._repr import attrs_repr
from ..advice.advisor import Advisor
from ..advice.explain import explanation_to_dict
from ..io.report import build_report, html_articles
from ..model.documents import advice_to_dict, converter, parse_json, situation_from_dict
from ..model.limits import DEFAULT_BOUND, MAX_BOUND
from ..model.output import Verdict

__all__ = ["HTML", "JSON", "Answer", "Job", "Op", "answer", "error_body"]

JSON = "application/json"
HTML = "text/html; charset=utf-8"


class Op(enum.Enum):
    """What a request asks a worker for."""

    ADVISE = "advise"
    EXPLAIN = "explain"
    #: The page's report (HTML ``<article>``) on a situation the page's form built.
    REPORT = "report"
    #: Programme matching: a programme document -> the matching (docs/programme.md).
    MATCH = "match"


@frozen
class Job:
    """One request for a worker: what to do, on which body, and how to name the request in
    an error (``POST /v1/advise``)."""

    __repr__ = attrs_repr

    op: Op
    body: bytes
    source: str


@frozen
class Answer:
    """A worker's answer: the HTTP status, the body and its media type."""

    __repr__ = attrs_repr

    status: int
    body: bytes
    media_type: str = JSON


def error_body(source: str, problems: list[Problem]) -> bytes:
    """An error as ``mentor-rules advise --json`` prints one (the schema ``error``)."""
    document = {"source": source, "error": converter.unstructure(problems)}
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def _json(document: object) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


class _Unreadable(Exception):
    """The body is not JSON: 400, not 422."""

    def __init__(self, error: SituationError) -> None:
        super().__init__(str(error))
        self.error = error


def answer(advisor: Advisor, job: Job) -> Answer:
    """The answer to ``job``; a request that is not valid is an error answer, never raised."""
    try:
        try:
            document = parse_json(job.body, advisor.limits)
        except SituationError as error:
            raise _Unreadable(error) from None
        if job.op is Op.ADVISE:
            return Answer(200, _json(advice_to_dict(advisor.advise(document))))
        if job.op is Op.EXPLAIN:
            return Answer(200, _json(_explain(advisor, document)))
        if job.op is Op.MATCH:
            return Answer(200, _json(_match(advisor, document)))
        situation = situation_from_dict(document, advisor.limits)
        advice = advisor.advise(situation)
        report = build_report(advisor, situation, advice, "your answers on this page")
        return Answer(200, html_articles([report]).encode("utf-8"), HTML)
    except _Unreadable as unreadable:
        return Answer(400, error_body(job.source, list(unreadable.error.problems)))
    except SituationError as error:
        return Answer(422, error_body(job.source, list(error.problems)))
    except EngineError as error:  # what the request needs cannot run here (a missing solver)
        return Answer(503, error_body(job.source, [Problem("", str(error))]))


def _match(advisor: Advisor, document: object) -> dict[str, Any]:
    """The matching of a programme document, as ``mentor-rules match --json`` prints it. Its
    modules (and the solver's) are imported on the first match a worker makes."""
    from ..io.programme_report import match_to_dict
    from ..programme.document import programme_from_dict
    from ..programme.match import match

    if not isinstance(document, Mapping):
        raise SituationError([Problem("", f"expected an object, got {json_type(document)}")])
    return match_to_dict(match(programme_from_dict(document), advisor))


#: The fields of an explain request (the schema ``explain-request``).
_EXPLAIN_FIELDS = ("situation", "candidate", "target", "bound")


def _explain(advisor: Advisor, document: object) -> dict[str, Any]:
    """The explanation an explain request asks for; every problem of the request at once,
    with paths into the request (``situation.candidates[2].relation``, ``candidate``)."""
    if not isinstance(document, Mapping):
        raise SituationError([Problem("", f"expected an object, got {json_type(document)}")])
    problems = [
        Problem(key, f"unknown field; the fields here are {', '.join(_EXPLAIN_FIELDS)}")
        for key in document
        if key not in _EXPLAIN_FIELDS
    ]
    for key in ("situation", "candidate"):
        if key not in document:
            problems.append(Problem(key, "required"))
    candidate = document.get("candidate")
    if "candidate" in document and not isinstance(candidate, str):
        problems.append(Problem("candidate", f"expected a string, got {json_type(candidate)}"))
    target = document.get("target")
    verdicts = [verdict.value for verdict in Verdict]
    if target is not None and target not in verdicts:
        problems.append(
            Problem("target", f"expected one of {', '.join(verdicts)}, got {show(target)}")
        )
    bound = document.get("bound", DEFAULT_BOUND)
    if type(bound) is not int or not 0 <= bound <= MAX_BOUND:
        problems.append(
            Problem("bound", f"expected a whole number from 0 to {MAX_BOUND}, got {show(bound)}")
        )
    situation = None
    if "situation" in document:
        try:
            situation = situation_from_dict(document["situation"], advisor.limits)
        except SituationError as error:
            problems.extend(
                Problem(f"situation.{p.path}" if p.path else "situation", p.message)
                for p in error.problems
            )
    if situation is not None and isinstance(candidate, str):
        names = [c.name for c in situation.candidates]
        if candidate not in names:
            listed = ", ".join(map(repr, names)) or "none"
            problems.append(
                Problem(
                    "candidate", f"no candidate called {candidate!r}; the candidates are: {listed}"
                )
            )
    if problems or situation is None or not isinstance(candidate, str):
        raise SituationError(problems)
    explanation = advisor.explain(situation, candidate, target, bound=bound)
    return explanation_to_dict(explanation)
