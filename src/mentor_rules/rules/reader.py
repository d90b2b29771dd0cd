"""Reading rule files: TOML documents into checked :class:`~mentor_rules.Rule` objects and a
:class:`~mentor_rules.RuleSet` (the classes themselves are in :mod:`.ruleset`).

A rule file is data only: its condition is parsed by :mod:`mentor_rules.language.expr` and
its message template by :class:`string.Formatter`'s parser; nothing in it is executed. Every
problem in every file is collected into one :class:`~mentor_rules.RuleError` naming file,
rule id and field.

Apart from :mod:`.ruleset` so that a process whose rule set comes from the cache
(:mod:`.cache`) does not make the reader's classes (``_RuleSpec`` and the rest) at import.
"""

from __future__ import annotations

import os
import re
import stat
import string
import warnings
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs
from attrs import frozen

from .._errors import RuleError, RuleProblem, SituationError
from .._repr import attrs_repr
from ..language.expr import (
    Condition,
    ConditionError,
    FieldType,
    ListType,
    NullableType,
    ObjectType,
    ParamSpec,
    parameters_in,
    parse_condition,
)
from ..model.documents import converter, shape_problems, structure, structure_problems
from ..model.output import PackRef
from ..model.situation import GoalScope, Situation
from ..model.vocabulary import (
    ABOUT,
    CANDIDATE_KINDS,
    About,
    Kind,
    Source,
    Stage,
    enum_values,
    roots_for,
)
from .ruleset import (
    _ID,
    _MAX_STEP,
    _MAX_WEIGHT,
    Example,
    Group,
    Parameter,
    PlanStep,
    Rule,
    RuleSet,
    RuleWarning,
    Template,
    _reused,
)

__all__ = ["MANIFEST", "POSITION_FIELDS", "rule_files", "rules_from_documents"]


@frozen
class _SourceSpec:
    __repr__ = attrs_repr

    section: str
    paragraph: int


@frozen
class _ExampleSpec:
    __repr__ = attrs_repr

    description: str
    situation: dict[str, Any]
    fires_for: tuple[str, ...]
    id: str | None = None


@frozen
class _StepSpec:
    __repr__ = attrs_repr

    order: int
    group: str = "each"
    text: str | None = None
    item: str | None = None


@frozen
class _RuleSpec:
    __repr__ = attrs_repr

    id: str
    title: str
    about: str
    kind: str
    when: str
    message: str
    because: str
    source: _SourceSpec
    examples: tuple[_ExampleSpec, ...] = ()
    weight: int = 0
    step: Any = None  # a step number, or a table read by _step
    see_also: tuple[_SourceSpec, ...] = ()
    unless: str | None = None
    fits: str | None = None
    stage: str | None = None
    words: dict[str, str] = attrs.field(factory=dict)


_FIELDS = tuple(f.name for f in attrs.fields(_RuleSpec))


#: The manifest of a rule pack, in the pack's directory; never a rule file.
MANIFEST = "pack.toml"


def rule_files(directory: Path) -> list[Path]:
    """The rule files of a directory: its ``*.toml`` files but the manifest, in name order."""
    return sorted(path for path in directory.glob("*.toml") if path.name != MANIFEST)


def rules_from_documents(
    documents: Iterable[Mapping[str, Any]],
    *,
    name: str = "<memory>",
    require_examples: bool = True,
    parameters: Iterable[Parameter] = (),
) -> RuleSet:
    """A :class:`RuleSet` from rule documents already read (the tables a rule file holds).

    Problems name the document as ``name[index]``. ``require_examples=False`` accepts rules
    without examples, for rule packs made by programs (such as property tests).
    ``parameters`` are those the conditions may read as ``params.NAME``.
    """
    declared = {p.name: p for p in parameters}
    loaded = [
        _compile(f"{name}[{index}]", document, require_examples, declared)
        for index, document in enumerate(documents)
    ]
    return _assemble(loaded, tuple(declared.values()))


def _assemble(
    loaded: Iterable[tuple[Rule | None, list[RuleProblem]]],
    parameters: tuple[Parameter, ...] = (),
    pack: PackRef | None = None,
) -> RuleSet:
    problems: list[RuleProblem] = []
    rules: dict[str, Rule] = {}
    for rule, found in loaded:
        problems.extend(found)
        if rule is None:
            continue
        if rule.id in rules:
            problems.append(_reused(rule, rules[rule.id]))
            continue
        rules[rule.id] = rule
    if problems:
        raise RuleError(problems)
    made = tuple(rules.values())
    if pack is not None:
        made = tuple(attrs.evolve(rule, pack=pack) for rule in made)
    return RuleSet(made, parameters, packs=() if pack is None else (pack,))


#: The largest rule file read (the shipped ones are under 3 KiB).
MAX_RULE_FILE_BYTES = 256 * 1024


def _read(file: Path) -> str:
    """A rule file's text: a regular file of at most MAX_RULE_FILE_BYTES, in UTF-8 (a byte
    order mark allowed). Raises ``ValueError`` with the reason otherwise."""
    try:
        info = os.stat(file)  # follows a link: what counts is what it points at
    except OSError as exc:
        raise ValueError(f"cannot read the file: {exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise ValueError(
            "not a regular file (a directory, device or pipe): rule files must be regular files"
        )
    if info.st_size > MAX_RULE_FILE_BYTES:
        raise ValueError(
            f"the file is {info.st_size:,} bytes; a rule file may be at most "
            f"{MAX_RULE_FILE_BYTES:,}"
        )
    try:
        with open(file, "rb") as handle:
            data = handle.read(MAX_RULE_FILE_BYTES + 1)  # it may have grown since
    except OSError as exc:
        raise ValueError(f"cannot read the file: {exc}") from None
    if len(data) > MAX_RULE_FILE_BYTES:
        raise ValueError(f"the file is over {MAX_RULE_FILE_BYTES:,} bytes")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"cannot read the file: not UTF-8 ({exc})") from None


def _load_file(
    file: Path, params: Mapping[str, Parameter]
) -> tuple[Rule | None, list[RuleProblem]]:
    import tomllib  # here, not at import: only reading a rule file needs it

    name = str(file)
    try:
        text = _read(file)
    except ValueError as exc:
        return None, [RuleProblem(name, None, None, str(exc))]
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"at line (\d+), column (\d+)", str(exc))
        line, column = (int(match[1]), int(match[2])) if match else (None, None)
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        return None, [RuleProblem(name, None, None, f"not valid TOML: {message}", line, column)]
    except RecursionError:
        return None, [RuleProblem(name, None, None, "not valid TOML: nested too deeply")]
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        return None, [RuleProblem(name, None, None, f"not valid TOML: {exc}")]
    rule, problems = _compile(name, document, None, params)
    misnamed = _misnamed(file, document.get("id"))
    if misnamed is not None:
        return None, [*problems, misnamed]
    return rule, problems


def _misnamed(file: Path, rule_id: object) -> RuleProblem | None:
    """A problem if the file is not named after the rule's id (``<id>.toml``), else ``None``.

    Only for well-formed ids: a malformed one is reported as such, and must change anyway.
    """
    if not isinstance(rule_id, str) or not _ID.fullmatch(rule_id) or file.stem == rule_id:
        return None
    return RuleProblem(
        str(file),
        rule_id,
        "id",
        f"the file of a rule is named after its id: expected {rule_id}.toml, not {file.name}",
    )


def _compile(
    file: str,
    document: Mapping[str, Any],
    require_examples: bool | None,
    params: Mapping[str, Parameter],
) -> tuple[Rule | None, list[RuleProblem]]:
    """A rule from its document. ``require_examples``: missing examples are a problem
    (``True``), accepted (``False``) or a :class:`RuleWarning` (``None``).

    Each field is read by its own function below, in the order of the rule-file reference
    (``docs/rules.md``); every problem of every field is collected, except that a rule whose
    ``about`` or ``kind`` is not known is not checked further (its conditions have no types).
    """
    rule_id = document.get("id") if isinstance(document.get("id"), str) else None
    # Texts no output could write (a lone surrogate, from a document made in Python), keys
    # that are not strings, nesting without end: refused before anything else is read.
    shape = shape_problems(document, None)
    if shape:
        return None, [RuleProblem(file, rule_id, p.path or None, p.message) for p in shape]
    # Unknown keys are reported, then set aside, so that the rest of the rule is checked too.
    problems = [
        RuleProblem(file, rule_id, key, f"unknown field; rule fields are {', '.join(_FIELDS)}")
        for key in document
        if key not in _FIELDS
    ]
    try:
        spec = converter.structure({k: v for k, v in document.items() if k in _FIELDS}, _RuleSpec)
    except Exception as exc:
        return None, problems + [
            RuleProblem(file, rule_id, p.path or None, p.message) for p in structure_problems(exc)
        ]
    problem = _Problems(file, spec.id, problems)
    _check_id(spec.id, problem)
    about = _about(spec.about, problem)
    kind = None if about is None else _kind(spec.kind, about, problem)
    if about is None or kind is None:
        return None, problems
    _check_texts(spec, problem)
    _check_sources(spec, problem)
    _check_weight(spec.weight, problem)
    fits = _fits(spec.fits, about, problem)
    stage = _stage(spec.stage, kind, about, problem)
    roots = roots_for(about)
    specs = {p.name: p.spec(p.default) for p in params.values()}
    condition, used = _condition("when", spec.when, roots, specs, problem)
    unless, used_by_unless = _condition("unless", spec.unless, roots, specs, problem)
    words = _words_of(spec.words, problem)
    template = _message(spec.message, roots, problem)
    step = _step(spec.step, about, roots, problem)
    examples = _examples(spec, problem)
    _require_examples(spec, file, require_examples, problem)
    if problems or condition is None or template is None:
        return None, problems
    rule = Rule(
        id=spec.id,
        title=spec.title.strip(),
        about=about,
        kind=kind,
        when=spec.when.strip(),
        condition=condition,
        message=template,
        because=" ".join(spec.because.split()),
        source=_source(spec.source),
        weight=spec.weight,
        step=step,
        examples=examples,
        file=file,
        unless=unless,
        unless_text=None if spec.unless is None else spec.unless.strip(),
        see_also=tuple(_source(s) for s in spec.see_also),
        fits=fits,
        stage=stage,
        words=words,
        parameters=tuple((n, params[n].default) for n in sorted(used | used_by_unless)),
    )
    return rule, []


@attrs.define
class _Problems:
    """Collects the problems of one rule file: ``problem(field, message[, column])``."""

    __repr__ = attrs_repr

    file: str
    rule_id: str
    found: list[RuleProblem]

    def __call__(self, field_name: str, message: str, column: int | None = None) -> None:
        self.found.append(RuleProblem(self.file, self.rule_id, field_name, message, None, column))


def _check_id(rule_id: str, problem: _Problems) -> None:
    if not _ID.fullmatch(rule_id):
        problem("id", "an id is lower-case words joined by '-', like 'avoid-direct-manager'")


def _about(given: str, problem: _Problems) -> About | None:
    if given not in ABOUT:
        problem("about", f"expected one of {', '.join(map(repr, ABOUT))}, got {given!r}")
        return None
    return given


def _kind(given: str, about: About, problem: _Problems) -> Kind | None:
    if given not in Kind.__members__.values():
        kinds = ", ".join(repr(k.value) for k in Kind)
        problem("kind", f"expected one of {kinds}, got {given!r}")
        return None
    kind = Kind(given)
    if kind in CANDIDATE_KINDS and about != "candidate":
        problem("kind", f"a rule of kind {kind.value!r} must be about 'candidate'")
    return kind


def _check_texts(spec: _RuleSpec, problem: _Problems) -> None:
    for name, text in (("title", spec.title), ("message", spec.message), ("because", spec.because)):
        if not text.strip():
            problem(name, "must not be empty")


def _check_sources(spec: _RuleSpec, problem: _Problems) -> None:
    for name, source in [("source", spec.source), *(("see_also", s) for s in spec.see_also)]:
        if source.paragraph < 1 or not source.section.strip():
            problem(name, "needs a section title and a paragraph number from 1")


def _source(spec: _SourceSpec) -> Source:
    return Source(spec.section, spec.paragraph)


def _check_weight(weight: int, problem: _Problems) -> None:
    if not -_MAX_WEIGHT <= weight <= _MAX_WEIGHT:
        problem("weight", f"must be between {-_MAX_WEIGHT} and {_MAX_WEIGHT}")


def _fits(given: str | None, about: About, problem: _Problems) -> GoalScope | None:
    if given is None:
        return None
    if about != "candidate":
        problem("fits", f"only candidate rules fit goals; this rule is about {about}")
    elif given not in set(GoalScope):
        scopes = ", ".join(repr(s.value) for s in GoalScope)
        problem("fits", f"expected one of {scopes}, got {given!r}")
    else:
        return GoalScope(given)
    return None


def _condition(
    name: str,
    text: str | None,
    roots: Mapping[str, ObjectType],
    specs: Mapping[str, ParamSpec],
    problem: _Problems,
) -> tuple[Condition | None, frozenset[str]]:
    """The ``when`` or ``unless`` condition parsed, and the parameters it reads."""
    if text is None:
        return None, frozenset()
    try:
        return parse_condition(text, roots, specs), parameters_in(text)
    except ConditionError as exc:
        where = f" (line {exc.line} of the condition)" if exc.line > 1 else ""
        problem(name, exc.message + where, exc.column)
        return None, frozenset()


def _message(text: str, roots: Mapping[str, ObjectType], problem: _Problems) -> Template | None:
    try:
        return _template(text, roots)
    except ValueError as exc:
        problem("message", str(exc))
        return None


def _require_examples(
    spec: _RuleSpec, file: str, require_examples: bool | None, problem: _Problems
) -> None:
    """Missing examples (one that fires, one that does not): a problem, a warning, or fine.

    Only checked for an otherwise sound rule: its other problems come first."""
    fires = [bool(e.fires_for) for e in spec.examples]
    if require_examples is False or (True in fires and False in fires) or problem.found:
        return
    message = (
        "needs at least one example that fires (fires_for = [...]) and one that does not "
        "(fires_for = [])"
    )
    if require_examples:
        problem("examples", message)
    else:
        where = f"{file}: rule {spec.id!r}: examples"
        warnings.warn(
            f"{where}: {message}; it loads, but 'mentor-rules check' fails until it has them",
            RuleWarning,
            stacklevel=3,
        )


#: The stage a rule of a kind is at when its file names none: an avoid rule rules the
#: candidate out, a ready rule makes them someone to ask.
DEFAULT_STAGES = {Kind.AVOID: Stage.RULED_OUT, Kind.READY: Stage.READY_TO_ASK}


def _stage(
    given: str | None, kind: Kind, about: About, problem: Callable[[str, str], None]
) -> Stage | None:
    if given is None:
        return DEFAULT_STAGES.get(kind)
    if about != "candidate":
        problem("stage", f"only candidate rules set a stage; this rule is about {about}")
        return None
    if given not in set(Stage):
        stages = ", ".join(repr(s.value) for s in Stage)
        problem("stage", f"expected one of {stages}, got {given!r}")
        return None
    stage = Stage(given)
    if (kind == Kind.AVOID) != (stage == Stage.RULED_OUT):
        problem("stage", "an avoid rule, and only an avoid rule, rules a candidate out")
    return stage


_GROUPS: tuple[Group, ...] = ("each", "best", "all")
#: The slots a grouped step's text may hold besides the subject's fields.
_STEP_SLOTS = ("subjects", "others")


def _step(
    given: Any,
    about: About,
    roots: Mapping[str, ObjectType],
    problem: Callable[[str, str], None],
) -> PlanStep | None:
    if given is None:
        return None
    if type(given) is int:
        spec = _StepSpec(given)
    elif isinstance(given, Mapping):
        try:
            spec = converter.structure(given, _StepSpec)
        except Exception as exc:
            for p in structure_problems(exc, "step"):
                problem(p.path, p.message)
            return None
    else:
        problem("step", "expected a step number, or a table with order, group, text and item")
        return None
    if not 1 <= spec.order <= _MAX_STEP:
        problem(
            "step.order" if isinstance(given, _StepSpec) else "step",
            f"must be between 1 and {_MAX_STEP}",
        )
    if spec.group not in _GROUPS:
        problem(
            "step.group", f"expected one of {', '.join(map(repr, _GROUPS))}, got {spec.group!r}"
        )
        return None
    group: Group = spec.group
    text = item = None
    try:
        if spec.text is not None:
            text = _template(spec.text, roots, _STEP_SLOTS)
    except ValueError as exc:
        problem("step.text", str(exc))
    try:
        item = _template(spec.item if spec.item is not None else _default_item(about, roots), roots)
    except ValueError as exc:
        problem("step.item", str(exc))
    if group != "each" and spec.text is None:
        problem("step.text", f"a step grouped by {group!r} needs the text that names its subjects")
    if group == "each" and (spec.text is not None or spec.item is not None):
        problem("step", "text and item are for grouped steps (group = 'best' or 'all')")
    if group != "each" and about not in _GROUPABLE:
        problem(
            "step.group",
            f"rules about {about} cannot group their steps: past mentors have no order but "
            "their position in the input (group candidates, by ranking, or coaching roles)",
        )
    return PlanStep(spec.order, group, text, item)


#: Subjects whose steps may be grouped: their order does not depend on the input's order.
_GROUPABLE = ("mentee", "candidate", "role")


def _default_item(about: About, roots: Mapping[str, ObjectType]) -> str:
    return f"{{{about}.name}}" if "name" in roots[about].fields else about


def _words_of(given: Mapping[str, str], problem: Callable[[str, str], None]) -> dict[str, str]:
    """The rule's phrases for enum values: keys must be values of some enum of the model."""
    known = enum_values()
    words = {}
    for key, phrase in given.items():
        if key not in known:
            problem(
                f"words.{key}", "not a value of any enum field (such as 'company' or 'adviser')"
            )
        elif not phrase.strip():
            problem(f"words.{key}", "must not be empty")
        else:
            words[key] = " ".join(phrase.split())
    return words


def _examples(spec: _RuleSpec, problem: _Problems) -> tuple[Example, ...]:
    examples: list[Example] = []
    for index, example in enumerate(spec.examples):
        try:
            situation = structure(example.situation, Situation)
        except SituationError as exc:
            for p in exc.problems:
                problem(f"examples[{index}].situation.{p.path}".rstrip("."), p.message)
            continue
        except RecursionError:
            problem(f"examples[{index}].situation", "nested too deeply")
            continue
        examples.append(Example(example.description, situation, example.fires_for, example.id))
    return tuple(examples)


def _words(field_type: FieldType) -> bool:
    """Whether a message can show a field of this type in plain words (no lists of objects)."""
    if isinstance(field_type, NullableType):
        return _words(field_type.inner)
    if isinstance(field_type, ListType):
        return not isinstance(field_type.item, ListType | ObjectType)
    return not isinstance(field_type, ObjectType)


#: Fields that hold positions in the input's lists (``candidate.fits_goals``: indices in
#: ``mentee.goals``): conditions may count them, but a message may not show them, or the
#: advice would change when the mentee's goals were listed in another order (issue 16).
POSITION_FIELDS = frozenset({("candidate", "fits_goals")})


def _template(text: str, roots: Mapping[str, ObjectType], slots: tuple[str, ...] = ()) -> Template:
    parts: list[tuple[str, tuple[str, ...] | None]] = []
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise ValueError(f"not a valid message template: {exc} (write {{{{ for a brace)") from None
    bad: list[str] = []  # every bad slot is reported, not the first only
    unknown: list[str] = []
    for literal, name, spec, conversion in parsed:
        if literal:
            parts.append((literal, None))
        if name is None:
            continue
        if spec or conversion:
            bad.append(f"{{{name}}}: format specs and conversions are not supported")
            continue
        if name in slots:
            parts.append(("", (name,)))
            continue
        path = tuple(name.split("."))
        root = roots.get(path[0])
        if root is None or len(path) != 2 or path[1] not in root.fields:
            unknown.append(f"{{{name}}}")
            continue
        if not _words(root.fields[path[1]]):
            bad.append(f"{{{name}}} is a list of objects, which has no plain-words form")
            continue
        if path in POSITION_FIELDS:
            bad.append(
                f"{{{name}}} holds positions in a list of the input, which change with its "
                "order and mean nothing to a reader"
            )
            continue
        parts.append(("", path))
    if unknown:
        known = ", ".join(
            f"{r}.{f}"
            for r, t in roots.items()
            for f, ft in t.fields.items()
            if _words(ft) and (r, f) not in POSITION_FIELDS
        )
        extra = "".join(f", {{{slot}}}" for slot in slots)
        are = "is not a field" if len(unknown) == 1 else "are not fields"
        bad.insert(0, f"{', '.join(unknown)} {are} here; fields are: {known}{extra}")
    if bad:
        raise ValueError("; ".join(bad))
    return Template(text, tuple(parts))
