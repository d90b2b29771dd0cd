"""Advice and explanations as a report a person reads: plain text, Markdown or HTML.

The first screen answers what a person asks first, from each candidate's stage: what matters
about them (the insights about the mentee), whom to ask, whom to keep getting to know, whom to
try out next, whom to avoid and why, the next three steps, and for each candidate on the way
(or not a fit), what would change that (the smallest change set of :func:`explain_candidate`),
or why nothing can. A caution about a candidate stands beside their name. The details (every
step, every candidate, every recommendation grouped by rule with its rationale once, evidence in
words, sources, held-back advice, every change set) come with ``details=True``.

A report is built once into a small neutral document (:class:`_Section` s of :class:`_Item` s)
and rendered by each format, so the three formats say the same things. Scores are left out: a
person reads stages, verdicts, goals fitted and the rules that applied, in their titles.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from attrs import frozen

from .._repr import attrs_repr
from ..advice.advisor import Advisor
from ..advice.explain import Change, ChangeSet, Explanation, NoChange, Unreached, WhyNot
from ..model.output import Advice, Recommendation, Step, Verdict
from ..model.situation import Situation
from ..model.text import MatchHow, TextMatch, name_key
from ..model.vocabulary import Kind, Stage
from ..model.words import (
    BECOME,
    STAGE_WORDS,
    VERDICT_RANK,
    VERDICT_WORDS,
    field_words,
    value_words,
)
from ..rules.ruleset import RuleSet
from . import escape

__all__ = [
    "FORMATS",
    "REPORT_BOUND",
    "REPORT_BUDGET",
    "REPORT_CSS",
    "SituationReport",
    "Style",
    "build_report",
    "explanation_text",
    "html_articles",
    "render",
    "visible",
]

#: The search bound for the report's "what would change it": smaller than the library's
#: default to keep the report quick (every set of up to 3 changes per candidate not ready).
REPORT_BOUND = 3
#: The most changed situations the searches of one report may advise, all candidates together
#: (each is one candidate alone where the rules allow it: ``docs/explanations.md``). A
#: candidate whose search would pass it is said to be not worked out.
REPORT_BUDGET = 600

Format = Literal["text", "markdown", "html"]
FORMATS: tuple[Format, ...] = ("text", "markdown", "html")


@frozen
class SituationReport:
    """One situation's advice, with an explanation for each candidate not ready to ask (best
    first), and what is needed to put them into words."""

    __repr__ = attrs_repr

    label: str
    situation: Situation
    advice: Advice
    rules: RuleSet
    engine: str
    explanations: tuple[Explanation, ...]
    budget: int = REPORT_BUDGET


def build_report(
    advisor: Advisor,
    situation: Situation,
    advice: Advice,
    label: str,
    *,
    bound: int = REPORT_BOUND,
    budget: int = REPORT_BUDGET,
) -> SituationReport:
    """The report on ``advice`` (the advisor's advice on ``situation``); explanations are
    computed for the candidates who are not ready to ask only, with ``bound``, best first, the
    searches of them all advising at most ``budget`` changed situations."""
    names = [v.name for v in advice.candidates if v.verdict != Verdict.READY_TO_ASK]
    explanations = advisor.explain_many(situation, names, bound=bound, budget=budget)
    return SituationReport(
        label, situation, advice, advisor.rules, advisor.engine, explanations, budget
    )


# --------------------------------------------------------------------------- the document


@frozen
class _Item:
    """One entry: an optional lead (a name, in bold where the format has it), its text, and
    lines under it (evidence)."""

    __repr__ = attrs_repr

    text: str
    lead: str = ""
    sub: tuple[str, ...] = ()


@frozen
class _Section:
    __repr__ = attrs_repr

    heading: str
    items: tuple[_Item, ...] = ()
    paragraphs: tuple[str, ...] = ()
    ordered: bool = False
    level: int = 2
    css: str = ""
    start: int = 1  # the number of an ordered list's first item


#: How many next steps the first screen shows; the details list the others.
_FIRST_STEPS = 3


@frozen
class _Document:
    __repr__ = attrs_repr

    title: str
    subtitle: str
    sections: tuple[_Section, ...]
    footer: str = ""


def _document(report: SituationReport, details: bool) -> _Document:
    advice = report.advice
    name = report.situation.mentee.name
    title = f"Mentoring advice for {name or 'you'}"
    stages = {v.name: v for v in advice.candidates}
    cautions = _cautions(advice)

    def stage_step(wanted: Stage) -> Step | None:
        """The step of the rule that set some candidate at ``wanted``."""
        for step in advice.next_steps:
            verdict = stages.get(step.subject)
            if verdict is not None and verdict.stage == wanted and step.rule == verdict.stage_rule:
                return step
        return None

    # Best placed first, as the advice ranks them: the plan orders its steps by rule, so two
    # people at this stage for different reasons would otherwise come in the rules' order.
    rank = {v.name: position for position, v in enumerate(advice.candidates)}
    getting = tuple(
        _whom(step, cautions)
        for step in sorted(advice.next_steps, key=lambda step: rank.get(step.subject, 0))
        if (v := stages.get(step.subject)) is not None
        and v.stage == Stage.GETTING_TO_KNOW
        and step.rule == v.stage_rule
    )
    shown = advice.next_steps[:_FIRST_STEPS]
    more = len(advice.next_steps) - len(shown)
    sections = []
    insights = tuple(
        _Item(r.message)
        for r in advice.recommendations
        if r.about == "mentee" and r.kind == Kind.INSIGHT
    )
    if insights:
        sections.append(_Section("For you", insights, css="insight"))
    ask, try_out = stage_step(Stage.READY_TO_ASK), stage_step(Stage.TO_TRY_OUT)
    sections += [
        _Section(
            "Whom to ask",
            (_whom(ask, cautions) if ask else _Item("nobody is ready to be asked yet"),),
            css="ask",
        ),
    ]
    if getting:
        sections.append(_Section("Whom to keep getting to know", getting, css="getting"))
    sections += [
        _Section(
            "Whom to try out next",
            (_whom(try_out, cautions) if try_out else _Item("nobody to try out now"),),
            css="try-out",
        ),
        _Section("Whom to avoid, and why", _avoid(advice), css="avoid"),
        _Section(
            "Next steps" + (f" (the first 3 of {len(advice.next_steps)})" if more else ""),
            tuple(_Item(step.text) for step in shown) or (_Item("none"),),
            ordered=True,
            css="steps",
        ),
    ]
    changing = _changes(report)
    if changing:
        sections.append(_Section("What would change it", changing, css="changes"))
    footer = ""
    if details:
        sections.extend(_details(report))
        footer = f"Source: {report.label}; engine: {report.engine}."
    subtitle = report.label
    return _Document(title, subtitle, tuple(sections), footer)


def _cautions(advice: Advice) -> dict[str, list[str]]:
    """The cautions about each candidate, in the advice's order."""
    said: dict[str, list[str]] = {}
    for r in advice.recommendations:
        if r.about == "candidate" and r.kind == Kind.CAUTION:
            said.setdefault(r.subject, []).append(r.message)
    return said


def _whom(step: Step, cautions: Mapping[str, Sequence[str]]) -> _Item:
    """A step about a candidate, with whom to turn to next and the cautions about each."""
    then = f" If not, next: {_join(step.others)}." if step.others else ""
    notes = tuple(
        f"Caution: {said}" for who in (step.subject, *step.others) for said in cautions.get(who, ())
    )
    return _Item(step.text + then, lead=step.subject, sub=notes)


def _avoid(advice: Advice) -> tuple[_Item, ...]:
    """Each candidate ruled out, with the reason that set the stage (and any other)."""
    said: dict[str, list[str]] = {}
    for r in advice.recommendations:
        if r.about == "candidate" and r.kind == Kind.AVOID:
            said.setdefault(r.subject, []).append(r.message)
    items = []
    for verdict in advice.candidates:
        if verdict.stage != Stage.RULED_OUT or verdict.name not in said:
            continue
        reasons = said[verdict.name]
        first = next(
            (
                r.message
                for r in advice.recommendations
                if r.subject == verdict.name and r.rule == verdict.stage_rule
            ),
            reasons[0],
        )
        items.append(_Item(" ".join([first, *(m for m in reasons if m != first)]), verdict.name))
    return tuple(items) or (_Item("nobody"),)


def _changes(report: SituationReport) -> tuple[_Item, ...]:
    """What would change it, for the first screen: each candidate on the way or not a fit (the
    ruled out stand above, with their reason), or one line when there are no goals."""
    if not report.situation.mentee.goals and report.explanations:
        return (
            _Item(
                "nothing about anyone until you have decided what you want from a mentor: "
                "that decides whom to try out first."
            ),
        )
    items = []
    for e in report.explanations:
        if e.stage == Stage.RULED_OUT:
            continue
        items.append(_change_item(e, report.budget))
    return tuple(items)


def _change_item(explanation: Explanation, budget: int) -> _Item:
    name = explanation.candidate
    lead = f"{name} ({STAGE_WORDS[explanation.stage]})"
    best = _smallest(explanation.what_would_change)
    if best is None:
        return _Item(_sentence(_nothing(explanation, budget)), lead)
    return _Item(f"to become {BECOME[best.reaches]}, {_changes_words(best.changes)}.", lead)


def _nothing(explanation: Explanation, budget: int) -> str:
    """Why no change set is proposed, in words: the reason always named."""
    unreached = explanation.unreached[0] if explanation.unreached else None
    return _unreached_words(explanation, unreached, budget)


def _unreached_words(explanation: Explanation, unreached: Unreached | None, budget: int) -> str:
    why = NoChange.OUT_OF_REACH if unreached is None else unreached.why
    reason = explanation.reason or "no rule says why"
    match why:
        case NoChange.NO_GOALS:
            return "nothing you can change about them until you decide what you want from a mentor"
        case NoChange.RULED_OUT | NoChange.NOT_A_FIT:
            return f"nothing you can change. {reason}"
        case NoChange.OUT_OF_REACH:
            target = Verdict.READY_TO_ASK if unreached is None else unreached.target
            return (
                f"nothing you can do within {explanation.bound} changes, or find out, makes "
                f"{explanation.candidate} {BECOME[target]}"
            )
        case NoChange.NOT_SEARCHED:
            return (
                f"not worked out: the report's budget of {budget} re-evaluations was spent on "
                "candidates ranked higher (mentor-rules explain works it out)"
            )


def _smallest(sets: Sequence[ChangeSet]) -> ChangeSet | None:
    """The change set with the fewest changes; of those, the one reaching the best verdict."""
    ranked = sorted(
        enumerate(sets),
        key=lambda pair: (len(pair[1].changes), VERDICT_RANK[pair[1].reaches], pair[0]),
    )
    return ranked[0][1] if ranked else None


def _changes_words(changes: Sequence[Change]) -> str:
    """Things to do first, then what has to turn out so: one sentence."""
    actions = [c.text for c in changes if c.kind == "action"]
    outcomes = [c.text for c in changes if c.kind == "outcome"]
    parts = [_join(actions)] if actions else []
    if outcomes:
        lead = "and it has to turn out that " if actions else "it has to turn out that "
        parts.append(lead + _join(outcomes))
    return ", ".join(parts)


def _sentence(text: str) -> str:
    """``text`` as a sentence: a capital first, a full stop at the end."""
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def _quote(text: str) -> str:
    return f"“{text}”"


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


# --------------------------------------------------------------------------- the details


def _details(report: SituationReport) -> list[_Section]:
    advice, rules, situation = report.advice, report.rules, report.situation
    goals = len(situation.mentee.goals)
    sections = []
    if len(advice.next_steps) > _FIRST_STEPS:  # the first ones are on the first screen
        sections.append(
            _Section(
                f"Details: the other next steps (from step {_FIRST_STEPS + 1})",
                tuple(_Item(step.text) for step in advice.next_steps[_FIRST_STEPS:]),
                ordered=True,
                css="all-steps",
                start=_FIRST_STEPS + 1,
            )
        )
    candidates = []
    for v in advice.candidates:
        fits = f"; fits {len(v.fits_goals)} of your {goals} goals" if goals else ""
        applied = "; ".join(_quote(rules[r].title) for r in v.rules) or "no rule applied"
        said = f"{_stage_words(v.stage, v.verdict)}{fits}. Rules: {applied}."
        candidates.append(_Item(said, v.name))
    if candidates:
        sections.append(_Section("Candidates, best first", tuple(candidates), css="candidates"))
    sections.append(
        _Section(
            "Why: every recommendation, by rule",
            paragraphs=(
                "Each rule's title, what kind of advice it is, its reason and where in "
                "the article it comes from; then what it says, and the input it rests on.",
            ),
            css="why",
        )
    )
    groups: dict[str, list[Recommendation]] = {}
    for r in advice.recommendations:
        groups.setdefault(r.rule, []).append(r)
    for rule_id, recommendations in groups.items():
        rule = rules[rule_id]
        first = recommendations[0]
        also = f"; see also {_join([str(s) for s in first.see_also])}" if first.see_also else ""
        sections.append(
            _Section(
                f"{rule.title} ({rule.kind.value})",
                tuple(
                    _Item(r.message, sub=(_evidence_line(r, situation),)) for r in recommendations
                ),
                paragraphs=(
                    f"Why: {' '.join(first.because.split())}",
                    f"Source: {first.source}{also}.",
                ),
                level=3,
                css="rule",
            )
        )
    if advice.suppressed:
        held = tuple(
            _Item(
                f"{_quote(rules[s.rule].title)} about {_subject(s.subject)}, held back by "
                + (_join([_quote(rules[b].title) for b in s.by]) or "what was said about others")
            )
            for s in advice.suppressed
        )
        sections.append(_Section("Advice held back", held, css="held-back"))
    changes = []
    for e in report.explanations:
        sets, seen = [], set()
        for c in e.what_would_change:  # a set that reaches a better verdict is said once
            key = frozenset((change.path, repr(change.value)) for change in c.changes)
            if key not in seen:
                seen.add(key)
                sets.append(f"to become {BECOME[c.reaches]}: {_changes_words(c.changes)}")
        notes = dict.fromkeys(_unreached_words(e, u, report.budget) for u in e.unreached)
        lead = _stage_words(e.stage, e.verdict)
        changes.append(_Item(lead, e.candidate, (*sets, *notes)))
    if changes:
        bound = report.explanations[0].bound
        sections.append(
            _Section(
                f"Every way to change it (sets of up to {bound} changes)",
                tuple(changes),
                css="all-changes",
            )
        )
    return sections


def _stage_words(stage: Stage, verdict: Verdict) -> str:
    """A stage, and its verdict where that says something more: ``to try out (worth
    exploring)``, ``ready to ask``."""
    said, more = STAGE_WORDS[stage], VERDICT_WORDS[verdict]
    return said if said == more else f"{said} ({more})"


def _subject(subject: str) -> str:
    return "you" if subject == "mentee" else subject.replace("_", " ")


def _evidence_line(r: Recommendation, situation: Situation) -> str:
    said = "; ".join(
        evidence_words(e.path, e.value, situation) + match_words(e.matched) for e in r.evidence
    )
    return f"Evidence: {said or 'what other rules concluded'}"


_PART = re.compile(r"([A-Za-z_]\w*)((?:\[\d+\])*)")


def evidence_words(path: str, value: Any, situation: Situation) -> str:
    """An evidence path and value in words: ``the chemistry with Mei Lin: mixed``."""
    parts = [(name, [int(n) for n in re.findall(r"\d+", idx)]) for name, idx in _PART.findall(path)]
    label = path
    if parts and parts[0][0] == "candidates" and parts[0][1]:
        position = parts[0][1][0]
        if position < len(situation.candidates):
            who = situation.candidates[position].name
            label = field_words("candidate", parts[1][0] if len(parts) > 1 else "", who)
    elif parts and parts[0][0] == "mentee" and len(parts) > 1:
        field, index = parts[1]
        mentors = situation.mentee.past_mentors
        if field == "past_mentors" and index and index[0] < len(mentors):
            setting = mentors[index[0]].setting.value.replace("_", " ")
            what = parts[2][0] if len(parts) > 2 else ""
            said = {"worked": ", what worked", "did_not_work": ", what did not work"}.get(what, "")
            label = f"your past mentor {index[0] + 1} ({setting}){said}"
        elif field == "goals" and index:
            label = f"your goal {index[0] + 1}"
        else:
            label = field_words("mentee", field, "you")
    return f"{label}: {value_words(value)}"


def match_words(matched: TextMatch | None) -> str:
    """How a candidate's industry or job matched yours, in words (empty when written alike):
    `` (“biotech” is a short form of “biotechnology”)``."""
    if matched is None or name_key(matched.text) == name_key(matched.other):
        return ""
    if matched.how == MatchHow.SAME:
        return f" (“{matched.text}” is “{matched.other}” written another way)"
    forms = "; ".join(f"“{f.short}” is a short form of “{f.long}”" for f in matched.short_forms)
    return f" ({forms})"


# --------------------------------------------------------------------------- rendering


def render(
    reports: Sequence[SituationReport],
    format: Format,
    *,
    details: bool = False,
    style: Style | None = None,
) -> str:
    """The reports in one text, Markdown document or self-contained HTML page; ``style`` is
    the text report's width and colour (default: 88 columns, no colour)."""
    documents = [_document(report, details) for report in reports]
    if format == "text":
        return "".join(_text(document, style or Style()) for document in documents)
    if format == "markdown":
        return visible("\n".join(_markdown(document) for document in documents))
    return visible(_html_page(documents))


def html_articles(reports: Sequence[SituationReport], *, details: bool = False) -> str:
    """The reports as HTML ``<article>`` s, for a page of one's own (``mentor-rules serve``'s):
    the body of :func:`render`'s page, to be styled with :data:`REPORT_CSS` inside an element of
    class ``mentor-rules-report``."""
    return visible("\n".join(_html(_document(report, details)) for report in reports))


#: ``text`` with every control code and bidirectional control but new lines and tabs shown as
#: ``[U+202E]`` (``io/escape.py``): for whole documents, whose line breaks are their own.
visible = escape.visible


@frozen
class Style:
    """How the text report is laid out: the width it wraps at, and whether headings, names
    and verdicts are in bold and colour (ANSI escapes, for a terminal)."""

    __repr__ = attrs_repr

    width: int = 88
    color: bool = False

    def wrap(self, text: str, first: str, rest: str) -> list[str]:
        """``text`` (input made safe first) wrapped at the width, without breaking words at
        hyphens; the indents are the first line's and the others'."""
        return textwrap.wrap(
            escape.terminal(text),
            max(self.width, len(rest) + 20),
            initial_indent=first,
            subsequent_indent=rest,
            break_on_hyphens=False,
        ) or [first.rstrip()]

    def paint(self, text: str, how: str) -> str:
        """``text`` in ``how`` (a key of :data:`_ANSI`) when colour is on."""
        return f"{_ANSI[how]}{text}{_ANSI['reset']}" if self.color and text else text

    def led(self, lead: str, text: str, first: str, rest: str, how: str = "bold") -> list[str]:
        """``lead: text`` wrapped, the lead painted where it is whole on the first line."""
        if not lead:
            return self.wrap(text, first, rest)
        lines = self.wrap(f"{lead}: {text}", first, rest)
        shown = first + escape.terminal(lead) + ":"
        if self.color and lines[0].startswith(shown):
            lines[0] = first + self.paint(shown[len(first) :], how) + lines[0][len(shown) :]
        return lines


#: The ANSI escapes of the text report's colours (SGR codes); only ever around generated text.
_ANSI = {
    "reset": "\x1b[0m",
    "bold": "\x1b[1m",
    "title": "\x1b[1;4m",
    "heading": "\x1b[1;34m",
    "ask": "\x1b[1;32m",
    "try-out": "\x1b[1;36m",
    "avoid": "\x1b[1;31m",
}


def _text(document: _Document, style: Style | None = None) -> str:
    style = style or Style()
    subtitle = f"({document.subtitle})"
    title = [style.paint(line, "title") for line in style.wrap(document.title, "", "  ")]
    lines = [*title, *style.wrap(subtitle, "", " "), ""]
    for section in document.sections:
        heading = style.wrap(section.heading, "", "  ")
        lines.extend(style.paint(line, "heading") for line in heading)
        how = section.css if section.css in _ANSI else "bold"
        for paragraph in section.paragraphs:
            lines.extend(style.wrap(paragraph, "  ", "  "))
        for n, item in enumerate(section.items, section.start):
            mark = f"{n}. " if section.ordered else ""
            rest = "  " + " " * len(mark) if section.ordered else "    "
            lines.extend(style.led(item.lead, item.text, f"  {mark}", rest, how))
            for sub in item.sub:
                lines.extend(style.wrap(sub, "      ", "        "))
        lines.append("")
    if document.footer:
        lines.extend(style.wrap(document.footer, "", ""))
    else:
        lines.extend(style.wrap(" ".join(_TEXT_HINT), "", ""))
    return "\n".join(lines) + "\n\n"


#: Where a reader of the text report finds more (not in Markdown or HTML, read away from the
#: command line).
_TEXT_HINT = (
    "More: --details adds every step and recommendation, with reasons, evidence and sources;",
    "mentor-rules explain FILE --candidate NAME says why someone is not better placed.",
)


_md = escape.markdown


def _markdown(document: _Document) -> str:
    lines = [f"# {_md(document.title)}", "", f"*{_md(document.subtitle)}*", ""]
    for section in document.sections:
        lines.extend([f"{'#' * section.level} {_md(section.heading)}", ""])
        for paragraph in section.paragraphs:
            lines.extend([_md(paragraph), ""])
        for n, item in enumerate(section.items, section.start):
            mark = f"{n}." if section.ordered else "-"
            lead = f"**{_md(item.lead)}**: " if item.lead else ""
            lines.append(f"{mark} {lead}{_md(item.text)}")
            indent = " " * (len(mark) + 1)
            lines.extend(f"{indent}- {_md(sub)}" for sub in item.sub)
        lines.append("")
    if document.footer:
        lines.extend([_md(document.footer), ""])
    return "\n".join(lines)


REPORT_CSS = """
.mentor-rules-report{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
 color:#1f2328;background:#fff;max-width:52rem;margin:0 auto;padding:1.5rem}
.mentor-rules-report h1{font-size:1.6rem;margin:0 0 .2rem}
.mentor-rules-report .subtitle{color:#59636e;margin:0 0 1.2rem}
.mentor-rules-report article+article{border-top:2px solid #d1d9e0;margin-top:2rem}
.mentor-rules-report h2{font-size:1.15rem;margin:1.4rem 0 .4rem;color:#0b3d6e}
.mentor-rules-report h3{font-size:1rem;margin:1.1rem 0 .3rem}
.mentor-rules-report section.ask,.mentor-rules-report section.try-out{
 background:#eef6ee;border-left:4px solid #2f7d32;padding:.2rem 1rem;margin:.6rem 0}
.mentor-rules-report section.try-out,.mentor-rules-report section.getting{
 background:#eef3fb;border-left:4px solid #2d5fa8;padding:.2rem 1rem;margin:.6rem 0}
.mentor-rules-report section.insight{background:#fdf6e3;border-left:4px solid #b58900;
 padding:.2rem 1rem;margin:.6rem 0}
.mentor-rules-report section.avoid{background:#fbefef;border-left:4px solid #b3261e;
 padding:.2rem 1rem;margin:.6rem 0}
.mentor-rules-report ul,.mentor-rules-report ol{padding-left:1.4rem;margin:.3rem 0}
.mentor-rules-report li{margin:.25rem 0}
.mentor-rules-report li ul{color:#59636e;font-size:.92rem;list-style:circle}
.mentor-rules-report .lead{font-weight:600}
.mentor-rules-report footer{color:#59636e;font-size:.9rem;margin-top:1.5rem}
.mentor-rules-report summary{cursor:pointer}
.mentor-rules-report summary>h2,.mentor-rules-report summary>h3{display:inline}
.mentor-rules-report details{margin:.6rem 0}
.mentor-rules-report nav.contents{font-size:.95rem}
"""


#: The sections of the details, shown collapsible in HTML.
_COLLAPSIBLE = frozenset({"all-steps", "candidates", "rule", "held-back", "all-changes"})


def _slug(text: str) -> str:
    """A heading as part of an id: lower-case ASCII words joined by ``-``."""
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))[:40] or "section"


def _html_page(documents: Sequence[_Document]) -> str:
    title = documents[0].title if len(documents) == 1 else "Mentoring advice"
    body = "\n".join(_html(document, n) for n, document in enumerate(documents, 1))
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape.html_text(title)}</title>\n<style>{REPORT_CSS}</style>\n</head>\n"
        f'<body>\n<main class="mentor-rules-report">\n{body}\n</main>\n</body>\n</html>\n'
    )


def _html(document: _Document, number: int = 1) -> str:
    """One report as an ``<article>``. With the details, it opens with a table of contents
    linking every section (each has an id, unique on the page), and the details are in
    ``<details>`` elements: the sections open, each rule's closed until clicked."""
    e, isolated = escape.html_text, escape.html_isolated
    out = [
        f'<article id="report-{number}">',
        f"<h1>{isolated(document.title)}</h1>",
        f'<p class="subtitle">{isolated(document.subtitle)}</p>',
    ]
    ids = [f"r{number}-{n}-{_slug(s.heading)}" for n, s in enumerate(document.sections, 1)]
    detailed = any(section.css in _COLLAPSIBLE for section in document.sections)
    if detailed:
        out.append('<nav class="contents"><h2>Contents</h2><ol>')
        for anchor, section in zip(ids, document.sections, strict=True):
            if section.level == 2:
                out.append(f'<li><a href="#{anchor}">{e(section.heading)}</a></li>')
        out.append("</ol></nav>")
    for anchor, section in zip(ids, document.sections, strict=True):
        css = f' class="{e(section.css)}"' if section.css else ""
        heading = f"<h{section.level}>{e(section.heading)}</h{section.level}>"
        if section.css in _COLLAPSIBLE:
            opened = " open" if section.level == 2 else ""
            out.append(f'<details id="{anchor}"{css}{opened}>')
            out.append(f"<summary>{heading}</summary>")
        else:
            out.append(f'<section id="{anchor}"{css}>')
            out.append(heading)
        out.extend(f"<p>{isolated(paragraph)}</p>" for paragraph in section.paragraphs)
        if section.items:
            tag = "ol" if section.ordered else "ul"
            start = f' start="{section.start}"' if section.ordered and section.start != 1 else ""
            out.append(f"<{tag}{start}>")
            for item in section.items:
                lead = f'<span class="lead">{isolated(item.lead)}</span>: ' if item.lead else ""
                sub = "".join(f"<li>{isolated(s)}</li>" for s in item.sub)
                text = isolated(item.text)
                out.append(f"<li>{lead}{text}{f'<ul>{sub}</ul>' if sub else ''}</li>")
            out.append(f"</{tag}>")
        out.append("</details>" if section.css in _COLLAPSIBLE else "</section>")
    if document.footer:
        out.append(f"<footer>{isolated(document.footer)}</footer>")
    out.append("</article>")
    return "\n".join(out)


# --------------------------------------------------------------------------- explain


def explanation_text(
    explanation: Explanation, rules: RuleSet, label: str, style: Style | None = None
) -> str:
    """An explanation in plain words: why the candidate is not better placed, what would
    change it; ``style`` as for :func:`render`."""
    style = style or Style()
    name = explanation.candidate
    stage = f"{STAGE_WORDS[explanation.stage]}, {VERDICT_WORDS[explanation.verdict]}"
    lines = [f"{name}: {stage} ({label})", ""]
    if not explanation.targets:
        lines.append(
            f"{name} is {VERDICT_WORDS[explanation.verdict]} already: nothing better to explain."
        )
        return _explanation_lines(lines, style)
    blocking = [w for w in explanation.why_not if w.blocks]
    if blocking:
        lines.append(f"What holds {name} back")
        for w in blocking:
            said = "; ".join(u.text for u in w.unmet)
            lines.extend(style.wrap(f"{_quote(w.title)}: {said}", "  ", "    "))
        lines.append("")
    for target in explanation.targets:
        missing = [w for w in explanation.why_not if w.gives == target and not w.blocks]
        if not missing:
            continue
        lines.append(f"Why {name} is not {BECOME[target]}")
        for w in missing:
            lines.extend(_why_not_lines(w, rules, style))
        lines.append("")
    lines.append(
        f"What would change it (sets of up to {explanation.bound} changes, smallest first)"
    )
    for target in explanation.targets:
        sets = [c for c in explanation.what_would_change if c.reaches == target]
        if not sets:
            continue
        lines.append(f"  to become {BECOME[target]}:")
        for n, change_set in enumerate(sets, 1):
            lines.extend(style.wrap(_changes_words(change_set.changes), f"    {n}. ", "       "))
    if explanation.unreached:
        notes = dict.fromkeys(_unreached_words(explanation, u, 0) for u in explanation.unreached)
        for note in notes:
            lines.extend(style.wrap(note, "  ", "    "))
    return _explanation_lines(lines, style)


def _explanation_lines(lines: list[str], style: Style) -> str:
    """The explanation's lines, input made safe, the headings (lines not indented) painted."""
    safe = []
    for line in lines:  # the lines not wrapped yet (headings) are, at the width
        indent = line[: len(line) - len(line.lstrip())]
        wrapped = len(line) > style.width
        safe.extend(style.wrap(line, indent, indent + "  ") if wrapped else [escape.terminal(line)])
    painted = (style.paint(line, "heading") if line[:1].strip() else line for line in safe)
    return "\n".join(painted) + "\n"


def _why_not_lines(w: WhyNot, rules: RuleSet, style: Style) -> list[str]:
    title = _quote(w.title)
    if w.vetoed_by:
        by = _join([_quote(rules[v].title) if v in rules.ids else v for v in w.vetoed_by])
        return style.wrap(f"{title} would apply, but {by} holds it back", "  ", "    ")
    if w.alternatives:
        lines = style.wrap(
            f"{title} did not apply; it needs one of these, and each falls short:", "  ", "    "
        )
        for alternative in w.alternatives:
            said = "; ".join(u.text for u in alternative) or "(this part holds)"
            lines.extend(style.wrap(said, "    - ", "      "))
        return lines
    lines = style.wrap(f"{title} did not apply:", "  ", "    ")
    for u in w.unmet:
        lines.extend(style.wrap(u.text, "    - ", "      "))
    return lines
