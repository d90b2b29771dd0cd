"""Rule packs: a directory of rule files and an optional manifest (``pack.toml``) that says
what the pack extends, which inherited rules it disables and which parameters it declares or
tunes. See ``docs/packs.md``.

A pack is composed onto its bases with :meth:`RuleSet.extend`: a rule with an inherited id
overrides it, and so does a short form (``[short_forms]``) already known. Layers are worked
out on the composed set, so a pack's rules may read the conclusions of the rules it extends.
"""

from __future__ import annotations

import difflib
import errno
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
from attrs import field, frozen

from .._errors import RuleError, RuleProblem, SituationError
from .._repr import attrs_repr
from .._version import VERSION
from ..model.documents import converter, structure, structure_problems
from ..model.output import PackRef
from ..model.situation import Situation, text_problem
from ..model.text import ShortForms
from .reader import MANIFEST, _assemble, _load_file, _read, rule_files
from .ruleset import Example, Parameter, RuleSet, shipped_rules_dir

__all__ = ["SHIPPED", "load_pack", "load_rules"]

#: The name a manifest's ``extends`` gives the shipped rule set.
SHIPPED = "shipped"


@frozen
class _ParameterSpec:
    __repr__ = attrs_repr

    default: Any  # checked against the type by Parameter.check
    type: str | None = None
    description: str | None = None


@frozen
class _ExampleReplacement:
    """An example of an inherited rule, replaced by the pack: ``replaces`` is the example's
    number (1 for the first) or its id."""

    __repr__ = attrs_repr

    rule: str
    replaces: Any  # a number or an id, checked where it is used
    description: str
    situation: dict[str, Any]
    fires_for: tuple[str, ...]
    id: str | None = None


@frozen
class _Manifest:
    __repr__ = attrs_repr

    name: str | None = None
    version: str = ""
    description: str = ""
    extends: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()
    parameters: dict[str, _ParameterSpec] = field(factory=dict)
    short_forms: dict[str, str] = field(factory=dict)
    examples: tuple[_ExampleReplacement, ...] = ()


_MANIFEST_FIELDS = (
    "name",
    "version",
    "description",
    "extends",
    "disable",
    "parameters",
    "short_forms",
    "examples",
)
_NAME = re.compile(r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*")


def load_pack(path: str | Path, *, onto: RuleSet | None = None) -> RuleSet:
    """A rule pack (a directory of rule files, with an optional ``pack.toml``, or one rule
    file) composed onto what it extends.

    The manifest's ``extends`` lists ``"shipped"`` or paths of other packs (relative to the
    pack); without it, the pack is composed onto ``onto`` (or nothing). Raises
    :class:`~mentor_rules.RuleError` listing every problem.
    """
    return _load(Path(path), RuleSet(()) if onto is None else onto, ())


def _load(path: Path, base: RuleSet, seen: tuple[Path, ...]) -> RuleSet:
    try:
        where = path.resolve()
    except (RuntimeError, OSError) as exc:  # RuntimeError: a symbolic link loop (3.11, 3.12)
        field = "extends" if seen else None
        raise RuleError([RuleProblem(str(path), None, field, _unresolved(exc))]) from None
    if where in seen:
        chain = " -> ".join(str(p) for p in (*seen, where))
        raise RuleError([RuleProblem(str(path / MANIFEST), None, "extends", f"a cycle: {chain}")])
    try:
        path.stat()
    except OSError as exc:  # from 3.13, resolve() leaves a loop as it is: stat() says ELOOP
        if exc.errno == errno.ELOOP:
            field = "extends" if seen else None
            raise RuleError([RuleProblem(str(path), None, field, _unresolved(exc))]) from None
        raise RuleError([RuleProblem(str(path), None, None, "no such file or directory")]) from None
    manifest_file = path / MANIFEST if path.is_dir() else None
    has_manifest = manifest_file is not None and manifest_file.is_file()
    manifest = _read_manifest(manifest_file) if manifest_file and has_manifest else _Manifest()
    shipped = path.is_dir() and where == shipped_rules_dir().resolve()
    name = manifest.name or (SHIPPED if shipped else path.stem)
    version = manifest.version
    if shipped and not version:
        version = VERSION
    pack = PackRef(name, version)
    label = str(manifest_file) if manifest_file else str(path)
    unwritable = text_problem(name)
    if unwritable is not None:  # a folder whose name is not UTF-8: its bytes as surrogates
        raise RuleError(
            [
                RuleProblem(
                    label,
                    None,
                    "name",
                    f"the pack's name, its folder's, is {unwritable}; name it in pack.toml",
                )
            ]
        )
    if pack in base.packs:
        other = _elsewhere(base, pack, where)
        if other is None:  # this very pack, composed already (two packs extend it): once
            return base
        said = f"{name!r}" + (f" version {version!r}" if version else "")
        raise RuleError(
            [
                RuleProblem(
                    label,
                    None,
                    "name",
                    f"another pack is called {said} too ({other}): two packs of one name and "
                    "version cannot be told apart in the advice, and neither is dropped; "
                    "rename one (the name in its pack.toml, or its folder)",
                )
            ]
        )
    for entry in manifest.extends:
        if entry == SHIPPED:
            target = shipped_rules_dir()
        else:
            target = path / entry if path.is_dir() else path.parent / entry
        base = _load(target, base, (*seen, where))
    if manifest.disable:
        unknown = [i for i in manifest.disable if i not in base.ids]
        if unknown:
            raise RuleError(
                [
                    RuleProblem(label, i, "disable", "no inherited rule with this id to disable")
                    for i in unknown
                ]
            )
        base = base.without(*manifest.disable)
    parameters = _parameters(label, manifest.parameters, base)
    short_forms = _short_forms(label, manifest.short_forms, base)
    declared = {p.name: p for p in (*base.parameters, *parameters)}
    files = rule_files(path) if path.is_dir() else [path]
    if not files and not has_manifest:
        raise RuleError([RuleProblem(str(path), None, None, "no rule files found")])
    own = _assemble([_load_file(file, declared) for file in files], tuple(declared.values()), pack)
    if not files:  # a pack that only disables or tunes
        own = RuleSet((), tuple(declared.values()), packs=(pack,))
    composed = base.extend(attrs.evolve(own, short_forms=short_forms))
    if manifest.examples:
        composed = _replace_examples(label, composed, manifest.examples, name)
    return composed


def _short_forms(label: str, table: Mapping[str, str], base: RuleSet) -> ShortForms:
    """A manifest's ``[short_forms]``, checked with the short forms it extends."""
    own = ShortForms.from_mapping(table)
    mine = set(own.forms)
    problems = [
        RuleProblem(label, None, f"short_forms.{form.short}", message)
        for form, message in base.short_forms.extended(own).problems()
        if form in mine
    ]
    if problems:
        raise RuleError(problems)
    return own


def _unresolved(exc: BaseException) -> str:
    if isinstance(exc, RuntimeError) or getattr(exc, "errno", None) == errno.ELOOP:
        return "a loop of symbolic links: the path leads back to itself"
    return f"cannot read the path: {exc}"


def _elsewhere(base: RuleSet, pack: PackRef, where: Path) -> str | None:
    """Where the pack ``pack`` composed into ``base`` was read from, if not from ``where``
    (another pack of the same name and version); None if it was, or if none of its rules is
    left to tell (all overridden or disabled since: it is taken to be the same pack)."""
    for rule in base.rules:
        if rule.pack != pack:
            continue
        try:
            file = Path(rule.file).resolve()
        except (RuntimeError, OSError):
            return rule.file
        if file != where and file.parent != where:
            return str(file.parent) if where.is_dir() else str(file)
    return None


def _replace_examples(
    label: str, rules: RuleSet, given: Sequence[_ExampleReplacement], pack: str
) -> RuleSet:
    """``rules`` with the examples the manifest replaces, each marked as written for ``pack``'s
    parameter values."""
    problems: list[RuleProblem] = []
    replaced: dict[str, list[Example]] = {}
    for index, spec in enumerate(given):
        where = f"examples[{index}]"
        if spec.rule not in rules.ids:
            why = f"no rule with this id; {_closest(spec.rule, sorted(rules.ids), 'rule ids')}"
            problems.append(RuleProblem(label, spec.rule, f"{where}.rule", why))
            continue
        examples = replaced.setdefault(spec.rule, list(rules[spec.rule].examples))
        ids = [e.id for e in examples]
        number = isinstance(spec.replaces, int) and not isinstance(spec.replaces, bool)
        if number and 1 <= spec.replaces <= len(examples):
            position = spec.replaces - 1
        elif isinstance(spec.replaces, str) and spec.replaces in ids:
            position = ids.index(spec.replaces)
        else:
            named = ", ".join(repr(i) for i in ids if i) or "none"
            why = f"no example {spec.replaces!r}: the rule has {len(examples)} (ids: {named})"
            problems.append(RuleProblem(label, spec.rule, f"{where}.replaces", why))
            continue
        try:
            situation = structure(spec.situation, Situation)
        except SituationError as exc:
            problems.extend(
                RuleProblem(label, spec.rule, f"{where}.situation.{p.path}".rstrip("."), p.message)
                for p in exc.problems
            )
            continue
        examples[position] = Example(
            spec.description, situation, spec.fires_for, spec.id or examples[position].id, pack
        )
    if problems:
        raise RuleError(problems)
    return attrs.evolve(
        rules,
        rules=tuple(
            attrs.evolve(rule, examples=tuple(replaced[rule.id])) if rule.id in replaced else rule
            for rule in rules.rules
        ),
    )


def _read_manifest(file: Path) -> _Manifest:
    import tomllib  # here, not at import: only reading a pack needs it

    name = str(file)
    try:
        document: dict[str, Any] = tomllib.loads(_read(file))
    except ValueError as exc:  # unreadable, or TOMLDecodeError (a ValueError)
        raise RuleError([RuleProblem(name, None, None, f"not a valid manifest: {exc}")]) from None
    if isinstance(document.get("extends"), str):  # one pack, as ESLint's extends takes it
        document["extends"] = [document["extends"]]
    problems = [
        RuleProblem(
            name, None, key, f"unknown field; {_closest(key, _MANIFEST_FIELDS, 'manifest fields')}"
        )
        for key in document
        if key not in _MANIFEST_FIELDS
    ]
    try:
        manifest = converter.structure(
            {k: v for k, v in document.items() if k in _MANIFEST_FIELDS}, _Manifest
        )
    except Exception as exc:
        problems.extend(
            RuleProblem(name, None, p.path or None, p.message) for p in structure_problems(exc)
        )
        raise RuleError(problems) from None
    if manifest.name is not None and not _NAME.fullmatch(manifest.name):
        problems.append(
            RuleProblem(name, None, "name", "a pack name is lower-case words joined by '-'")
        )
    if problems:
        raise RuleError(problems)
    return manifest


def _parameters(
    label: str, given: Mapping[str, _ParameterSpec], base: RuleSet
) -> tuple[Parameter, ...]:
    """The manifest's parameters: new ones (type and default) and new defaults of inherited
    ones (their type kept)."""
    inherited = {p.name: p for p in base.parameters}
    made: list[Parameter] = []
    problems: list[RuleProblem] = []
    for key, spec in given.items():
        known = inherited.get(key)
        if not re.fullmatch(r"[a-z][a-z0-9_]*", key):
            problems.append(
                RuleProblem(
                    label, None, f"parameters.{key}", "a parameter name is lower_snake_case"
                )
            )
            continue
        kind = spec.type or (known.type if known else None)
        close = difflib.get_close_matches(key, list(inherited), n=1)
        if kind is None and close:  # a misspelled inherited parameter, not a new one
            problems.append(
                RuleProblem(
                    label,
                    None,
                    f"parameters.{key}",
                    f"no inherited parameter {key!r}: did you mean {close[0]!r}? (a new "
                    "parameter needs type = 'int' or 'number')",
                )
            )
            continue
        if kind not in ("int", "number"):
            problems.append(
                RuleProblem(
                    label,
                    None,
                    f"parameters.{key}.type",
                    "a new parameter needs type = 'int' or 'number'"
                    if kind is None
                    else f"expected 'int' or 'number', got {kind!r}",
                )
            )
            continue
        if known is not None and known.type != kind:
            problems.append(
                RuleProblem(
                    label,
                    None,
                    f"parameters.{key}.type",
                    f"inherited as {known.type}: a pack may change a parameter's default, "
                    "not its type",
                )
            )
            continue
        description = spec.description or (known.description if known else "")
        parameter = Parameter(key, kind, spec.default, description)  # type: ignore[arg-type]
        try:
            parameter.check(spec.default)
        except ValueError as exc:
            problems.append(RuleProblem(label, None, f"parameters.{key}.default", str(exc)))
            continue
        made.append(parameter)
    if problems:
        raise RuleError(problems)
    return tuple(made)


def _closest(name: str, known: Sequence[str], what: str) -> str:
    """``did you mean 'x'?`` when a known name is close to ``name``, else the known names."""
    close = difflib.get_close_matches(name, known, n=1)
    return f"did you mean {close[0]!r}?" if close else f"the {what} are {', '.join(known)}"


def load_rules(*paths: str | Path) -> RuleSet:
    """Load rule files (``*.toml``) and directories of them into one checked :class:`RuleSet`.

    A directory with a manifest (``pack.toml``) is loaded as a pack (see
    :func:`~mentor_rules.load_pack`), and the packs and the other files are composed in the
    order given. Raises :class:`~mentor_rules.RuleError` listing every problem in every file.
    """
    files: list[Path] = []
    base = RuleSet(())
    packs = 0
    for given in paths:
        path = Path(given)
        if path.is_dir() and (path / MANIFEST).is_file():
            # Each onto those before: a pack two of them extend is composed once, and two
            # different packs of one name are refused (load_pack), not merged in silence.
            base = load_pack(path, onto=base)
            packs += 1
        else:
            files.extend(rule_files(path) if path.is_dir() else [path])
    if not files and not packs:
        where = ", ".join(map(str, paths)) or "<no path given>"
        raise RuleError([RuleProblem(where, None, None, "no rule files found")])
    if not files:
        return base
    declared = {p.name: p for p in base.parameters}
    loaded = [_load_file(file, declared) for file in files]
    return base.extend(_assemble(loaded, base.parameters))
