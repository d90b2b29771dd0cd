"""Advice and explanations as a report a person reads: plain text, Markdown or HTML.

The first screen answers what a person asks first: whom to ask, whom to try out next, whom to
avoid and why, the next three steps, and for each candidate who is not ready to ask, what would
change that (the smallest change set of :func:`explain_candidate`). The details (every step,
every candidate, every recommendation grouped by rule with its rationale once, evidence in
words, sources, held-back advice, every change set) come with ``details=True``.

A report is built once into a small neutral document (:class:`_Section` s of :class:`_Item` s)
and rendered by each format, so the three formats say the same things. Scores are left out: a
person reads verdicts, goals fitted and the rules that applied, in their titles.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from attrs import frozen

from ..advice.advisor import Advisor
from ..advice.explain import Change, ChangeSet, Explanation, WhyNot
from ..model.output import Advice, Recommendation, Step, Verdict
from ..model.situation import Situation
from ..model.text import MatchHow, TextMatch, name_key
from ..model.vocabulary import Kind
from ..rules.ruleset import RuleSet
from . import escape

__all__ = [
    "FORMATS",
    "REPORT_BOUND",
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
#: The rule whose step says whom to try out next (the shipped rule set's; another rule pack
#: without it shows no one there).
TRY_OUT_RULE = "try-out-with-questions"

Format = Literal["text", "markdown", "html"]
FORMATS: tuple[Format, ...] = ("text", "markdown", "html")

_RANK = {verdict: rank for rank, verdict in enumerate(Verdict)}  # smaller is better
VERDICT_WORDS = {
    Verdict.READY_TO_ASK: "ready to ask",
    Verdict.EXPLORE: "worth exploring",
    Verdict.WEAK_FIT: "weak fit",
    Verdict.AVOID: "avoid",
}
#: What a candidate becomes on reaching a verdict.
_BECOME = {
    Verdict.READY_TO_ASK: "someone to ask",
    Verdict.EXPLORE: "worth exploring",
    Verdict.WEAK_FIT: "no longer ruled out",
    Verdict.AVOID: "someone to avoid",
}


@frozen
class SituationReport:
    """One situation's advice, with an explanation for each candidate not ready to ask (best
    first), and what is needed to put them into words."""

    label: str
    situation: Situation
    advice: Advice
    rules: RuleSet
    engine: str
    explanations: tuple[Explanation, ...]


def build_report(
    advisor: Advisor,
    situation: Situation,
    advice: Advice,
    label: str,
    *,
    bound: int = REPORT_BOUND,
) -> SituationReport:
    """The report on ``advice`` (the advisor's advice on ``situation``); explanations are
    computed for the candidates who are not ready to ask only, with ``bound``."""
    explanations = tuple(
        advisor.explain(situation, verdict.name, bound=bound)
        for verdict in advice.candidates
        if verdict.verdict != Verdict.READY_TO_ASK
    )
    return SituationReport(label, situation, advice, advisor.rules, advisor.engine, explanations)


# --------------------------------------------------------------------------- the document


@frozen
class _Item:
    """One entry: an optional lead (a name, in bold where the format has it), its text, and
    lines under it (evidence)."""

    text: str
    lead: str = ""
    sub: tuple[str, ...] = ()


@frozen
class _Section:
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
    title: str
    subtitle: str
    sections: tuple[_Section, ...]
    footer: str = ""


def _document(report: SituationReport, details: bool) -> _Document:
    advice, rules = report.advice, report.rules
    name = report.situation.mentee.name
    title = f"Mentoring advice for {name or 'you'}"
    ask = _step_of(advice, lambda step: rules[step.rule].kind == Kind.READY)
    try_out = _step_of(advice, lambda step: step.rule == TRY_OUT_RULE)
    shown = advice.next_steps[:_FIRST_STEPS]
    more = len(advice.next_steps) - len(shown)
    sections = [
        _Section("Whom to ask", (_whom(ask, "nobody is ready to be asked yet"),), css="ask"),
        _Section("Whom to try out next", (_whom(try_out, "nobody to try out now"),), css="try-out"),
        _Section("Whom to avoid, and why", _avoid(advice, rules), css="avoid"),
        _Section(
            "Next steps" + (f" (the first 3 of {len(advice.next_steps)})" if more else ""),
            tuple(_Item(step.text) for step in shown) or (_Item("none"),),
            ordered=True,
            css="steps",
        ),
    ]
    if report.explanations:
        sections.append(
            _Section(
                "What would change it",
                tuple(_change_item(e, rules) for e in report.explanations),
                css="changes",
            )
        )
    footer = ""
    if details:
        sections.extend(_details(report))
        footer = f"Source: {report.label}; engine: {report.engine}."
    subtitle = report.label
    return _Document(title, subtitle, tuple(sections), footer)


def _step_of(advice: Advice, wanted: Any) -> Step | None:
    return next((step for step in advice.next_steps if wanted(step)), None)


def _whom(step: Step | None, nobody: str) -> _Item:
    if step is None:
        return _Item(nobody)
    then = f" If not, next: {_join(step.others)}." if step.others else ""
    return _Item(
        step.text + then if not step.others else _first_sentence(step.text) + then,
        lead=step.subject,
    )


def _first_sentence(text: str) -> str:
    """A grouped step's text up to its first full stop (the rest names the others)."""
    head, dot, _ = text.partition(". ")
    return head + "." if dot else text


def _avoid(advice: Advice, rules: RuleSet) -> tuple[_Item, ...]:
    said: dict[str, list[str]] = {}
    for r in advice.recommendations:
        if r.about == "candidate" and rules[r.rule].kind == Kind.AVOID:
            said.setdefault(r.subject, []).append(r.message)
    ranked = [v.name for v in advice.candidates if v.name in said]
    return tuple(_Item(" ".join(said[name]), lead=name) for name in ranked) or (_Item("nobody"),)


def _change_item(explanation: Explanation, rules: RuleSet) -> _Item:
    name = explanation.candidate
    lead = f"{name} ({VERDICT_WORDS[explanation.verdict]})"
    best = _smallest(explanation.what_would_change)
    if best is None:
        note = explanation.notes[0] if explanation.notes else ""
        said = _sentence(_titled(note, explanation.why_not, rules))
        return _Item(f"nothing you can change. {said}".strip(), lead)
    return _Item(f"to become {_BECOME[best.reaches]}, {_changes_words(best.changes)}.", lead)


def _smallest(sets: Sequence[ChangeSet]) -> ChangeSet | None:
    """The change set with the fewest changes; of those, the one reaching the best verdict."""
    ranked = sorted(
        enumerate(sets), key=lambda pair: (len(pair[1].changes), _RANK[pair[1].reaches], pair[0])
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


def _titled(text: str, why_not: Iterable[WhyNot], rules: RuleSet) -> str:
    """``text`` with every rule id it names replaced by that rule's title, in quotes."""
    ids = {w.rule for w in why_not} | {v for w in why_not for v in w.vetoed_by}
    for rule_id in sorted(ids, key=len, reverse=True):
        if rule_id in rules.ids:
            text = re.sub(
                rf"(?<![\w-]){re.escape(rule_id)}(?![\w-])", _quote(rules[rule_id].title), text
            )

    return text


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
        candidates.append(_Item(f"{VERDICT_WORDS[v.verdict]}{fits}. Rules: {applied}.", v.name))
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
                sets.append(f"to become {_BECOME[c.reaches]}: {_changes_words(c.changes)}")
        notes = [_titled(note, e.why_not, rules) for note in e.notes]
        changes.append(_Item(f"{VERDICT_WORDS[e.verdict]}", e.candidate, (*sets, *notes)))
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


def _subject(subject: str) -> str:
    return "you" if subject == "mentee" else subject.replace("_", " ")


def _evidence_line(r: Recommendation, situation: Situation) -> str:
    said = "; ".join(
        evidence_words(e.path, e.value, situation) + match_words(e.matched) for e in r.evidence
    )
    return f"Evidence: {said or 'what other rules concluded'}"


_PART = re.compile(r"([A-Za-z_]\w*)((?:\[\d+\])*)")
_CANDIDATE_FIELDS = {
    "relation": "{name}'s relation to you",
    "years_at_company": "{name}'s years at the company",
    "years_in_industry": "{name}'s years in the industry",
    "knows_culture": "whether {name} knows the culture",
    "conversations": "your conversations with {name}",
    "willing": "whether {name} is willing",
}
_MENTEE_FIELDS = {
    "months_at_company": "your months at the company",
    "wants_to_innovate": "you want to do something new",
    "hired_for_fresh_perspective": "you were hired for a fresh perspective",
    "support_roles": "the roles of your coaching team you have",
    "target_job": "the job you aim at",
    "target_industry": "the industry you aim at",
}


def evidence_words(path: str, value: Any, situation: Situation) -> str:
    """An evidence path and value in words: ``Mei Lin's chemistry: mixed``."""
    parts = [(name, [int(n) for n in re.findall(r"\d+", idx)]) for name, idx in _PART.findall(path)]
    label = path
    if parts and parts[0][0] == "candidates" and parts[0][1]:
        position = parts[0][1][0]
        if position < len(situation.candidates):
            who = situation.candidates[position].name
            field = parts[1][0] if len(parts) > 1 else ""
            words = _CANDIDATE_FIELDS.get(field, "{name}'s " + field.replace("_", " "))
            label = words.replace("{name}", who)
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
            label = _MENTEE_FIELDS.get(field, f"your {field.replace('_', ' ')}")
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


_SCOPES = {"company": "the company", "industry": "your industry", "job": "the job"}


def value_words(value: Any) -> str:
    """An input value in words: a goal as its kind, scope and detail; lists joined."""
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        if value and all(isinstance(v, Mapping) and {"kind", "scope"} <= set(v) for v in value):
            return f"{len(value)} written down"  # the goals: each is in the plan and messages
        return "none" if not value else "; ".join(value_words(v) for v in value)
    if isinstance(value, Mapping):
        if {"kind", "scope"} <= set(value):
            scope = _SCOPES.get(str(value["scope"]), str(value["scope"]))
            detail = f" ({value['detail']})" if value.get("detail") else ""
            return f"{value_words(value['kind'])} about {scope}{detail}"
        if "setting" in value:  # a past mentor
            worked = ", ".join(value.get("worked") or ()) or "nothing noted"
            did_not = ", ".join(value.get("did_not_work") or ()) or "nothing noted"
            setting = value_words(value["setting"])
            return f"at {setting}, what worked: {worked}; what did not: {did_not}"
        return ", ".join(f"{k.replace('_', ' ')} {value_words(v)}" for k, v in value.items())
    return str(value).replace("_", " ")


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
.mentor-rules-report section.try-out{background:#eef3fb;border-color:#2d5fa8}
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
    lines = [f"{name}: {VERDICT_WORDS[explanation.verdict]} ({label})", ""]
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
        lines.append(f"Why {name} is not {_BECOME[target]}")
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
        lines.append(f"  to become {_BECOME[target]}:")
        for n, change_set in enumerate(sets, 1):
            lines.extend(style.wrap(_changes_words(change_set.changes), f"    {n}. ", "       "))
    for note in dict.fromkeys(_held_back_once(n) for n in explanation.notes):
        lines.extend(
            style.wrap(
                "nothing you can change: " + _titled(note, explanation.why_not, rules), "  ", "    "
            )
        )
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


def _held_back_once(note: str) -> str:
    """A note about a rule nothing lifts, without the verdict it names: said once for all."""
    head, held, _ = note.partition(", which no change you can make lifts")
    return head + held if held else note


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
