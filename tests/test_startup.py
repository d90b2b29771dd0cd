"""Start-up: what importing the package loads, and the cache of the shipped rule set.

No timings here (they belong to ``benchmarks/startup.py``): the checks are on which modules a
fresh interpreter has loaded, and on when the cache is read, written or ignored.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import pickle
import pkgutil
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest

import mentor_rules
from mentor_rules import Problem, RuleSet, load_pack
from mentor_rules._repr import attrs_repr
from mentor_rules.rules import cache as _rulecache
from mentor_rules.rules.cache import CACHE_ENV, cached_rules
from mentor_rules.rules.ruleset import shipped_rules_dir as _shipped_rules_dir

#: Modules only a first call needs: reading a document, stemming, reading TOML, the version,
#: explaining, running a rule's examples, reading a pack, starting worker processes.
LAZY = (
    "cattrs",
    "concurrent.futures.process",
    "snowballstemmer",
    "Stemmer",
    "tomllib",
    "importlib.metadata",
    "mentor_rules.advice.explain",
    "mentor_rules.advice.examples",
    "mentor_rules.rules.packs",
)


def _loaded_after(code: str, cache: Path | str) -> dict[str, bool]:
    """Which of :data:`LAZY` a fresh interpreter has loaded after running ``code``."""
    report = f"print(json.dumps({{m: m in sys.modules for m in {LAZY!r}}}))"
    probe = f"import sys\n{code}\nimport json\n{report}"
    env = {**os.environ, CACHE_ENV: str(cache)}
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env
    )
    loaded: dict[str, bool] = json.loads(result.stdout)
    return loaded


def test_importing_the_package_loads_none_of_what_a_first_call_needs(tmp_path: Path) -> None:
    assert _loaded_after("import mentor_rules", tmp_path / "cache") == dict.fromkeys(LAZY, False)


def test_an_advisor_on_the_cached_shipped_rules_reads_no_toml_and_no_document(
    tmp_path: Path,
) -> None:
    code = "import mentor_rules; mentor_rules.Advisor(engine='python')"
    cold = _loaded_after(code, tmp_path / "cache")  # reads the rule files, and fills the cache
    assert cold["tomllib"]
    assert cold["cattrs"]
    warm = _loaded_after(code, tmp_path / "cache")
    assert warm == dict.fromkeys(LAZY, False)


# --------------------------------------------------------------------------- the cache


def _counting(calls: list[int]) -> Callable[[], RuleSet]:
    def load() -> RuleSet:
        calls.append(1)
        return load_pack(_shipped_rules_dir())

    return load


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(directory))
    return directory


def test_the_second_load_comes_from_the_cache_and_equals_a_fresh_one(cache: Path) -> None:
    calls: list[int] = []
    first = cached_rules(_shipped_rules_dir(), _counting(calls))
    second = cached_rules(_shipped_rules_dir(), _counting(calls))
    assert calls == [1]
    assert second == first == load_pack(_shipped_rules_dir())
    assert second.layers == first.layers
    assert oct(cache.stat().st_mode & 0o777) == oct(0o700)
    (file,) = cache.iterdir()
    assert file.stat().st_mode & 0o077 == 0


def test_the_cache_keeps_only_the_newest_files_of_all_installations(cache: Path) -> None:
    """Each virtual environment and checkout is an installation with its own file: without a
    bound they pile up (ten files, 444 KB, in one afternoon; issue 17)."""
    from mentor_rules.rules.cache import KEEP

    cache.mkdir(mode=0o700)
    others = []
    for n in range(KEEP + 3):  # files of other installations, oldest first
        other = cache / f"shipped-{n:016x}-key{n}.pickle"
        other.write_bytes(b"x")
        os.utime(other, (1_000_000 + n, 1_000_000 + n))
        others.append(other.name)
    cached_rules(_shipped_rules_dir(), _counting([]))
    kept = sorted(p.name for p in cache.iterdir())
    assert len(kept) == KEEP
    assert sorted(others[-(KEEP - 1) :]) == [name for name in kept if name in others]
    calls: list[int] = []
    cached_rules(_shipped_rules_dir(), _counting(calls))
    assert calls == []  # the file just written is kept, and read


def test_shipped_rules_uses_the_cache_and_gives_the_same_advice(cache: Path) -> None:
    situation = {"candidates": [{"name": "Dana", "relation": "direct_manager"}]}
    fresh = mentor_rules.Advisor(load_pack(_shipped_rules_dir()), engine="python")
    mentor_rules.shipped_rules()  # fills the cache
    assert len(list(cache.iterdir())) == 1
    cached = mentor_rules.Advisor(engine="python")
    assert cached.advise(situation) == fresh.advise(situation)


def _only_file(directory: Path) -> Path:
    (file,) = directory.iterdir()
    return file


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda f: f.write_bytes(b"not a pickle"), id="corrupt"),
        pytest.param(lambda f: f.write_bytes(f.read_bytes()[:100]), id="truncated"),
        pytest.param(
            lambda f: f.write_bytes(pickle.dumps(("another key", RuleSet(())))), id="other-key"
        ),
        pytest.param(lambda f: f.chmod(0o664), id="group-writable"),
        pytest.param(lambda f: f.parent.chmod(0o755), id="directory-open-to-others"),
    ],
)
def test_a_spoiled_or_unsafe_cache_is_not_read(cache: Path, spoil: Callable[[Path], None]) -> None:
    calls: list[int] = []
    expected = cached_rules(_shipped_rules_dir(), _counting(calls))
    spoil(_only_file(cache))
    assert cached_rules(_shipped_rules_dir(), _counting(calls)) == expected
    assert calls == [1, 1]


def test_a_link_in_place_of_the_cache_file_is_not_followed(cache: Path) -> None:
    calls: list[int] = []
    cached_rules(_shipped_rules_dir(), _counting(calls))
    file = _only_file(cache)
    target = cache.parent / "elsewhere.pickle"
    file.rename(target)
    file.symlink_to(target)
    cached_rules(_shipped_rules_dir(), _counting(calls))
    assert calls == [1, 1]


def test_a_changed_rule_file_is_read_again_not_taken_from_the_cache(
    cache: Path, tmp_path: Path
) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(_shipped_rules_dir(), rules)
    calls: list[int] = []

    def load() -> RuleSet:
        calls.append(1)
        return load_pack(rules)

    before = cached_rules(rules, load)
    file = rules / "know-what-you-want.toml"
    text = file.read_text(encoding="utf-8")
    file.write_text(text.replace('title = "', 'title = "Changed: ', 1), encoding="utf-8")
    after = cached_rules(rules, load)
    assert calls == [1, 1]
    assert after["know-what-you-want"].title.startswith("Changed: ")
    assert after != before


def _other_library_version(monkeypatch: pytest.MonkeyPatch) -> None:
    stamps = _rulecache._libraries()
    monkeypatch.setattr(_rulecache, "_libraries", lambda: stamps + "\0another version")


def _other_python(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "version", sys.version + " (another build)")


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda m, t: _other_library_version(m), id="library"),
        pytest.param(_other_python, id="python"),
    ],
)
def test_a_cache_made_by_other_code_is_not_read(
    cache: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    change: Callable[[pytest.MonkeyPatch, Path], None],
) -> None:
    calls: list[int] = []
    cached_rules(_shipped_rules_dir(), _counting(calls))
    change(monkeypatch, tmp_path)
    cached_rules(_shipped_rules_dir(), _counting(calls))
    assert calls == [1, 1]


def test_a_cache_made_before_the_package_s_code_changed_is_not_read(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "package"
    shutil.copytree(_rulecache._PACKAGE, package, ignore=shutil.ignore_patterns("rules"))
    monkeypatch.setattr(_rulecache, "_PACKAGE", package)
    monkeypatch.setattr(_rulecache, "_IMPORTED", _rulecache._stamps())
    calls: list[int] = []
    cached_rules(_shipped_rules_dir(), _counting(calls))
    cached_rules(_shipped_rules_dir(), _counting(calls))
    assert calls == [1]
    with (package / "_advice.py").open("a", encoding="utf-8") as file:
        file.write("\n# changed\n")
    monkeypatch.setattr(_rulecache, "_IMPORTED", _rulecache._stamps())  # a process of the new code
    cached_rules(_shipped_rules_dir(), _counting(calls))
    assert calls == [1, 1]
    assert len(list(cache.iterdir())) == 1  # the older one removed


def test_a_process_whose_code_changed_on_disk_after_import_neither_reads_nor_writes(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its rules would be compiled by the old code in memory and stored under the new code's
    key, where every later process would read them (found in review)."""
    package = tmp_path / "package"
    shutil.copytree(_rulecache._PACKAGE, package, ignore=shutil.ignore_patterns("rules"))
    monkeypatch.setattr(_rulecache, "_PACKAGE", package)
    monkeypatch.setattr(_rulecache, "_IMPORTED", _rulecache._stamps())
    calls: list[int] = []
    cached_rules(_shipped_rules_dir(), _counting(calls))
    before = sorted(cache.iterdir())
    with (package / "_packs.py").open("a", encoding="utf-8") as file:
        file.write("\n# upgraded under a running process\n")
    cached_rules(_shipped_rules_dir(), _counting(calls))
    cached_rules(_shipped_rules_dir(), _counting(calls))
    assert calls == [1, 1, 1]  # nothing read
    assert sorted(cache.iterdir()) == before  # nothing written


def test_an_upgrade_landing_after_the_check_does_not_put_old_rules_under_the_new_key(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race: a process checks that its code is unchanged on disk, then the package is
    upgraded before it makes its key. A key read from the files on disk would name the new
    code while the rules come from the old code in memory, and every process of the new code
    would read them. The key is the code as imported, so they are not."""
    package = tmp_path / "package"
    shutil.copytree(_rulecache._PACKAGE, package, ignore=shutil.ignore_patterns("rules"))
    monkeypatch.setattr(_rulecache, "_PACKAGE", package)
    monkeypatch.setattr(_rulecache, "_IMPORTED", _rulecache._stamps())  # the old code's process
    real_stamps = _rulecache._stamps
    checks: list[int] = []

    def stamps_then_upgrade() -> tuple[tuple[str, int, int], ...]:
        found = real_stamps()
        if not checks:  # the upgrade lands right after the first check
            with (package / "_advice.py").open("a", encoding="utf-8") as file:
                file.write("\n# upgraded\n")
        checks.append(1)
        return found

    monkeypatch.setattr(_rulecache, "_stamps", stamps_then_upgrade)
    calls: list[int] = []
    cached_rules(_shipped_rules_dir(), _counting(calls))  # the old process loads the rules
    monkeypatch.setattr(_rulecache, "_stamps", real_stamps)
    monkeypatch.setattr(_rulecache, "_IMPORTED", real_stamps())  # a process of the new code
    cached_rules(_shipped_rules_dir(), _counting(calls))
    assert calls == [1, 1]  # the new code loaded the rules itself


def test_a_rule_file_changed_while_the_rules_load_is_not_cached(
    cache: Path, tmp_path: Path
) -> None:
    """The rules loaded must be the ones the key names: a change to a rule file while they
    load (after the key was made) leaves the cache unwritten."""
    rules = tmp_path / "rules"
    shutil.copytree(_shipped_rules_dir(), rules)

    def load_then_change() -> RuleSet:
        loaded = load_pack(rules)
        with (rules / "know-what-you-want.toml").open("a", encoding="utf-8") as file:
            file.write("\n# changed while loading\n")
        return loaded

    cached_rules(rules, load_then_change)
    assert not cache.exists() or list(cache.iterdir()) == []


def test_an_empty_or_root_home_gives_no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CACHE_ENV, raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    for home in ("", "/"):
        monkeypatch.setenv("HOME", home)
        assert _rulecache.cache_dir() is None, home


def test_an_empty_cache_directory_setting_turns_the_cache_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, "")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    calls: list[int] = []
    cached_rules(_shipped_rules_dir(), _counting(calls))
    cached_rules(_shipped_rules_dir(), _counting(calls))
    assert calls == [1, 1]
    assert list(tmp_path.iterdir()) == []


def test_the_command_line_offers_the_report_s_formats() -> None:
    """The parser lists the formats without importing the report; they must be its own."""
    from mentor_rules import cli
    from mentor_rules.io.report import FORMATS

    assert cli._REPORT_FORMATS == FORMATS


def test_the_command_line_loads_only_what_advise_as_json_needs(tmp_path: Path) -> None:
    code = (
        "from mentor_rules.cli import main\n"
        "main(['advise', '--format', 'json'])\n"
        "print(json.dumps([m for m in ('mentor_rules.io.report', 'mentor_rules.rules.lint',"
        " 'mentor_rules.rules.catalogue', 'mentor_rules.io.schemas') if m in sys.modules]))"
    )
    env = {**os.environ, CACHE_ENV: str(tmp_path / "cache")}
    result = subprocess.run(
        [sys.executable, "-c", f"import json, sys\n{code}"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    assert json.loads(result.stdout.splitlines()[-1]) == []


#: Every module of the package that ``mentor-rules advise FILE --format json`` may load on a
#: valid document, the shipped rules coming from the cache. Not among them: the converter's
#: and the rule files' readers (the compiled reader and writer and the cache stand for them),
#: durable-rules (``auto`` is the Python engine, and the engines after it are not probed), the
#: line reader of ``--jsonl``, packs, lint, the report, explanations, rule examples, schemas,
#: the catalogue, programme matching and the service.
_USED_BY_ADVISE_JSON = frozenset(
    {
        "mentor_rules",
        "mentor_rules._errors",
        "mentor_rules._repr",
        "mentor_rules._version",
        "mentor_rules.advice",
        "mentor_rules.advice.advisor",
        "mentor_rules.advice.build",
        "mentor_rules.advice.evidence",
        "mentor_rules.cli",
        "mentor_rules.engines",
        "mentor_rules.engines.python",
        "mentor_rules.facts",
        "mentor_rules.facts.build",
        "mentor_rules.io",
        "mentor_rules.io.escape",
        "mentor_rules.io.streams",  # writes the output whole, even when stopped and continued
        "mentor_rules.language",
        "mentor_rules.language.expr",
        "mentor_rules.model",
        "mentor_rules.model.documents",
        "mentor_rules.model.limits",
        "mentor_rules.model.output",
        "mentor_rules.model.situation",
        "mentor_rules.model.text",
        "mentor_rules.model.vocabulary",
        "mentor_rules.rules",
        "mentor_rules.rules.cache",
        "mentor_rules.rules.ruleset",
        "mentor_rules.rules.strata",
        "mentor_rules.scale",
        "mentor_rules.scale.batch",
    }
)

#: Other libraries that command does not use: the converter, TOML, durable-rules' C
#: extension, scipy (programme matching), Dask, HTTP (the service), tqdm (the progress bar of
#: --jsonl), the process pool, and standard modules only some paths need (close matches for a
#: wrong name, the temporary file of -o, HTML escaping, the stemmer of texts it has none of,
#: ``shutil`` with its compressors, which argparse imports for help's width, SHA-256, and
#: ``signal``, which only the process pool uses).
_UNUSED_BY_ADVISE_JSON = (
    "cattrs",
    "tomllib",
    "durable_rules_engine",
    "durable",
    "scipy",
    "numpy",
    "dask",
    "distributed",
    "http",
    "http.server",
    "tqdm",
    "concurrent.futures.process",
    "multiprocessing",
    "difflib",
    "tempfile",
    "html",
    "snowballstemmer",
    "shutil",
    "bz2",
    "lzma",
    "hashlib",
    "signal",
)


def test_advise_file_as_json_imports_nothing_it_does_not_use(tmp_path: Path) -> None:
    situation = tmp_path / "situation.json"
    situation.write_text(json.dumps({"candidates": [{"name": "Dana", "relation": "peer"}]}))
    code = (
        "import json, sys\n"
        "from mentor_rules.cli import main\n"
        f"status = main(['advise', {str(situation)!r}, '--format', 'json'])\n"
        "ours = [m for m in sys.modules if m.split('.')[0] == 'mentor_rules']\n"
        f"others = [m for m in {_UNUSED_BY_ADVISE_JSON!r} if m in sys.modules]\n"
        "print(json.dumps([status, ours, others]))"
    )
    env = {**os.environ, CACHE_ENV: str(tmp_path / "cache")}
    runs = [
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env=env,
            stdin=subprocess.DEVNULL,
        )
        for _ in range(2)  # the first fills the rule cache (reading TOML with the converter)
    ]
    status, ours, others = json.loads(runs[1].stdout.splitlines()[-1])
    assert status == 0
    assert sorted(set(ours) - _USED_BY_ADVISE_JSON) == []
    assert others == []
    assert '"candidates"' in runs[1].stdout  # the advice was written


@pytest.mark.parametrize("columns", [None, "20", "100", "0", "wide"])
def test_the_help_is_as_wide_as_argparse_makes_it(
    columns: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command line's formatter finds the width without ``shutil``; it must be argparse's."""
    from mentor_rules import cli

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    ours, theirs = cli._Formatter("mentor-rules"), argparse.HelpFormatter("mentor-rules")
    assert (ours._width, ours._max_help_position) == (theirs._width, theirs._max_help_position)
    assert isinstance(cli._parser("advise")._get_formatter(), cli._Formatter)
    (advise,) = _subparsers(cli._parser("advise")).values()
    assert isinstance(advise._get_formatter(), cli._Formatter)


def test_the_modules_advise_as_json_may_load_are_the_package_s_own() -> None:
    """The list above names real modules (a renamed one would make it pass vacuously)."""
    import importlib.util

    for name in _USED_BY_ADVISE_JSON:
        assert importlib.util.find_spec(name) is not None, name


# --------------------------------------------------------------------------- the parser


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (action,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_the_parser_of_one_command_is_that_command_s_part_of_the_whole() -> None:
    """The command line builds only the subparser of the command asked for: each must be the
    whole parser's, option for option (its help lists every option, choice and default)."""
    from mentor_rules import cli

    whole = _subparsers(cli._parser())
    assert list(whole) == list(cli._COMMANDS)
    for name in cli._COMMANDS:
        alone = _subparsers(cli._parser(name))
        assert list(alone) == (list(cli._COMMANDS) if name == "completion" else [name])
        assert alone[name].format_help() == whole[name].format_help(), name


@pytest.mark.parametrize(
    "given",
    [
        ["advise", "situation.json", "--format", "json", "--engine", "python"],
        ["advise", "--jsonl", "--jobs", "2", "-q", "--rules", "pack", "--param", "x=3"],
        ["explain", "situation.json", "--candidate", "Dana", "--json"],
        ["check", "--lint", "--strict", "--rule", "know-what-you-want"],
        ["match", "programme.json", "--objective", "fair", "--jobs", "auto"],
        ["schema", "advice"],
        ["catalogue", "--json", "--no-shipped"],
        ["serve", "--port", "0", "--workers", "2"],
        ["example", "-o", "out.json"],
    ],
)
def test_a_command_line_parses_the_same_with_one_subparser_or_all(given: list[str]) -> None:
    from mentor_rules import cli

    def parsed(parser: argparse.ArgumentParser) -> dict[str, object]:
        values = vars(parser.parse_args(given))
        run = values.pop("run")
        return {**values, "run": getattr(run, "__qualname__", run)}

    assert cli._command_of(given) == given[0]
    assert parsed(cli._parser(given[0])) == parsed(cli._parser())


def test_an_unknown_command_or_a_leading_option_builds_the_whole_parser() -> None:
    from mentor_rules import cli

    for given in (["advse"], ["--version"], ["-h"], []):
        assert len(_subparsers(cli._parser(cli._command_of(given)))) == len(cli._COMMANDS)


# --------------------------------------------------------------------------- the shared repr


#: The package's modules that need an optional dependency, and its top-level module.
_OPTIONAL = {"mentor_rules.dask": "dask", "mentor_rules.engines.durable": "durable_rules_engine"}


def _attrs_classes() -> list[type[Any]]:
    """Every attrs class the package defines, each module imported (``__main__`` aside, and
    the modules whose optional dependency is not installed here: Dask, an extra, and
    durable-rules, which does not build on Python 3.13)."""
    found = []
    for info in pkgutil.walk_packages(mentor_rules.__path__, "mentor_rules."):
        if info.name == "mentor_rules.__main__":
            continue
        needs = _OPTIONAL.get(info.name)
        if needs is not None and importlib.util.find_spec(needs) is None:
            continue
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, type) and attrs.has(value) and value.__module__ == info.name:
                found.append(value)
    return found


def test_every_attrs_class_of_the_package_shares_one_repr() -> None:
    """attrs writes and compiles a ``__repr__`` for each class at import unless the class has
    its own; every class names the shared one (``__repr__ = attrs_repr`` in its body)."""
    classes = _attrs_classes()
    assert len(classes) > 60  # the model, the rules, the engines' and the report's classes
    writing_their_own = [
        c.__qualname__ for c in classes if c.__dict__.get("__repr__") is not attrs_repr
    ]
    assert writing_their_own == []


#: Values of every kind a field holds, quotes and a line break in the text.
_SAMPLES: tuple[object, ...] = (
    'it\'s "quoted"\nover two lines',
    3,
    None,
    (1.5, "x"),
    frozenset({"a"}),
    Problem("candidates[0]", "a message"),
)


@attrs.frozen
class _EveryKindOfField:
    """Fields the package's classes may come to have: one not set by ``__init__``, one with a
    ``repr`` of its own, one left out of the repr."""

    __repr__ = attrs_repr

    plain: object
    own: object = attrs.field(repr=lambda value: f"<{value}>")
    hidden: object = attrs.field(default=None, repr=False)
    later: object = attrs.field(init=False)


@pytest.mark.parametrize("recursive", [False, True], ids=["flat", "recursive"])
def test_the_shared_repr_writes_what_attrs_writes(recursive: bool) -> None:
    """For each class, an instance written by the shared ``__repr__`` and its twin, a class
    of the same name and fields whose ``__repr__`` attrs writes, holding the same values, read
    the same (a field ``init=False`` left unset, as attrs' ``NOTHING``; with ``recursive``,
    the first field holds the object itself, written ``...``)."""
    for cls in [*_attrs_classes(), _EveryKindOfField]:
        fields = attrs.fields(cls)
        twin = attrs.make_class(
            cls.__name__,
            {f.name: attrs.field(repr=f.repr, init=f.init) for f in fields},
            frozen=True,
        )
        twin.__qualname__ = cls.__qualname__
        ours: object = object.__new__(cls)
        theirs: object = object.__new__(twin)
        assert vars(twin)["__repr__"] is not attrs_repr  # written by attrs
        for index, field in enumerate(fields):
            if not field.init:
                continue
            for instance in (ours, theirs):
                value = instance if recursive and index == 0 else _SAMPLES[index % len(_SAMPLES)]
                object.__setattr__(instance, field.name, value)
        assert repr(ours) == repr(theirs), cls.__qualname__
    assert repr(_EveryKindOfField(1, 2)) == "_EveryKindOfField(plain=1, own=<2>, later=NOTHING)"
