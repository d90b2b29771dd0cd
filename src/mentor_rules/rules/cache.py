"""A cache of the shipped rule set, so that a new process need not read and check it again.

Reading the 23 shipped rule files (TOML), checking them and compiling their conditions took
about 45 ms of each process's start-up, the time to import cattrs and tomllib included; the
loaded :class:`~mentor_rules.RuleSet` unpickles in about 1.5 ms. The cache is a pickle, and
unpickling can run code, so it is trusted exactly as Python trusts its own ``.pyc`` files, and
no further:

- it is read only from a directory owned by the user running the process and closed to
  everyone else (mode ``0o700`` or stricter), from a regular file (not a link) owned by that
  user and writable by no one else; anything else is ignored, never repaired;
- its contents carry a key, compared whole: the Python version, the path, size and time
  (``st_mtime_ns``) of each of this package's source files as this process found them when it
  imported this module, the same of each shipped rule file, and where attrs and cattrs are
  installed with the size and time of their ``__init__.py``; a cache made by other code, for
  other rules or another Python is never read. Sizes and times, not the files' bytes: Python
  trusts its ``.pyc`` files on the same evidence (with times to the second), and hashing every
  file cost each start about 5 ms; a file rewritten with its size and time to the nanosecond
  kept (on purpose: ``touch -d`` or a copy that keeps times, of a file of the same size) would
  go unseen, as it would by Python;
- the code's part of the key is taken once, at import: it names the code this process runs,
  whatever is on disk later. A process whose package files changed on disk after it imported
  them (an upgrade or an edit under a running process) neither reads nor writes the cache, and
  a rule set is written only if neither the code nor the rule files changed while it loaded;
- any error reading or writing it (a missing directory, a corrupt file, a full disk) falls
  back on loading the rules as if there were no cache: the cache only ever saves time.

The directory is ``$MENTOR_RULES_CACHE_DIR`` if set (the empty string turns the cache off),
else ``$XDG_CACHE_HOME/mentor-rules``, else ``~/.cache/mentor-rules``. Only the shipped rule
set is cached: packs and rule files of one's own are read every time. The cache is used on
POSIX systems only (where a file's owner and mode can be checked).
"""

from __future__ import annotations

import functools
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path

from .ruleset import RuleSet, shipped_rules_dir

__all__ = ["CACHE_ENV", "cache_dir", "cached_rules", "shipped_rules"]

#: The environment variable naming the cache directory (empty: no cache).
CACHE_ENV = "MENTOR_RULES_CACHE_DIR"
#: Changes whenever what is stored changes shape.
_FORMAT = "mentor-rules shipped rule set cache 2"
_PREFIX = "shipped-"
_SUFFIX = ".pickle"
_PACKAGE = Path(__file__).resolve().parent

#: A file's path, size and time (``st_mtime_ns``).
_Stamp = tuple[str, int, int]
#: What the stored rule set depends on (see :func:`_key`).
_Key = tuple[str, str, str, tuple[_Stamp, ...], tuple[_Stamp, ...]]


def _stamps() -> tuple[_Stamp, ...]:
    """The size and time of each of this package's source files."""
    found = []
    for root, _, files in os.walk(_PACKAGE):
        for name in files:
            if name.endswith(".py"):
                info = os.stat(os.path.join(root, name))
                found.append((os.path.join(root, name), info.st_size, info.st_mtime_ns))
    return tuple(sorted(found))


#: The package's files as this process imported them (this module is imported with the rule
#: set's): the code's part of every key this process uses. If they change on disk later, the
#: code running is still the code they name, and the cache is left alone.
_IMPORTED = _stamps()


def cache_dir() -> Path | None:
    """Where the cache lives, or None when it is turned off or cannot be used here."""
    if not hasattr(os, "getuid") or not hasattr(os, "O_NOFOLLOW"):  # not POSIX
        return None
    given = os.environ.get(CACHE_ENV)
    if given is not None:
        return Path(given) if given else None
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "mentor-rules"
    try:
        home = Path.home()
    except RuntimeError:  # no home directory
        return None
    if not home.is_absolute() or home == Path(home.anchor):  # HOME="" or "/": none to use
        return None
    return home / ".cache" / "mentor-rules"


def cached_rules(rules_dir: Path, load: Callable[[], RuleSet]) -> RuleSet:
    """The rule set ``load()`` makes from ``rules_dir``, from the cache when it holds it."""
    directory = cache_dir()
    if directory is None or _stamps() != _IMPORTED:
        return load()
    try:
        key = _key(rules_dir)
    except OSError:
        return load()
    found = _read(directory, key)
    if found is not None:
        return found
    rules = load()
    if _quiet(rules) and _unchanged(rules_dir, key):
        _write(directory, key, rules)
    return rules


def _unchanged(rules_dir: Path, key: _Key) -> bool:
    """Whether the key still names what was just loaded: the package's files and the rule
    files are as they were before loading (an upgrade landing while the rules loaded would
    otherwise store one version's rules under the other's key)."""
    try:
        return _stamps() == _IMPORTED and _key(rules_dir) == key
    except OSError:
        return False


def _key(rules_dir: Path) -> _Key:
    """What the rule set depends on: the format, the Python, the libraries that read the rules,
    this package's code as this process imported it and the rule files as they are now."""
    return (_FORMAT, sys.version, _libraries(), _IMPORTED, _rule_stamps(rules_dir))


def _rule_stamps(rules_dir: Path) -> tuple[_Stamp, ...]:
    """The path, size and time of each rule file (``*.toml``) in ``rules_dir``."""
    found = []
    with os.scandir(rules_dir) as entries:
        for entry in entries:
            if entry.name.endswith(".toml"):
                info = entry.stat()
                found.append((entry.path, info.st_size, info.st_mtime_ns))
    return tuple(sorted(found))


#: The libraries besides this package whose code shapes the loaded rule set.
_LIBRARIES = ("attr", "cattrs")


def _libraries() -> str:
    """Where the libraries of :data:`_LIBRARIES` are, and the size and time of their first
    file: installing another version of one rewrites it. Found without importing them."""
    from importlib.machinery import PathFinder

    stamps = []
    for name in _LIBRARIES:
        spec = PathFinder.find_spec(name)
        if spec is None or spec.origin is None:
            raise OSError(f"{name} is not installed where it can be found")
        info = os.stat(spec.origin)
        stamps.append(f"{name}\0{spec.origin}\0{info.st_size}\0{info.st_mtime_ns}")
    return "\0".join(stamps)


def _name() -> str:
    """The cache file's name: which installation (this Python's version, this package's
    directory). Each installation has one file, replaced when its key changes; two sharing
    the directory do not replace each other's.

    The name is a 64-bit FNV-1a hash, not a check (the key inside the file is): computed in
    a few microseconds, without importing ``hashlib`` (about 3 ms of a start).
    """
    number = 0xCBF29CE484222325
    for byte in f"{sys.version}\0{_PACKAGE}".encode():
        number = ((number ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{_PREFIX}{number:016x}{_SUFFIX}"


def _private_dir(directory: Path) -> bool:
    info = os.lstat(directory)
    return (
        stat.S_ISDIR(info.st_mode)
        and info.st_uid == os.getuid()
        and stat.S_IMODE(info.st_mode) & 0o077 == 0
    )


def _read(directory: Path, key: _Key) -> RuleSet | None:
    path = directory / _name()
    try:
        if not _private_dir(directory):
            return None
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(handle, "rb") as file:
            info = os.fstat(file.fileno())
            if (
                not stat.S_ISREG(info.st_mode)
                or info.st_uid != os.getuid()
                or stat.S_IMODE(info.st_mode) & 0o022
            ):
                return None
            import pickle

            stored_key, rules = pickle.load(file)
    except Exception:  # missing, unreadable or corrupt: load the rules instead
        return None
    if stored_key != key or type(rules) is not RuleSet:
        return None
    return rules


def _write(directory: Path, key: _Key, rules: RuleSet) -> None:
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private_dir(directory):
            return
        name = _name()
        import pickle

        data = pickle.dumps((key, rules), protocol=pickle.HIGHEST_PROTOCOL)
        import tempfile  # only to write: it is not needed to read

        handle, temporary = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=directory)  # 0o600
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(temporary, directory / name)  # this installation's older file, if any
        except BaseException:
            os.unlink(temporary)
            raise
        _prune(directory, name)
    except Exception:  # a read-only home, a full disk: the cache only ever saves time
        return


#: The most cache files kept in the directory, for all installations (virtual environments,
#: checkouts, Python versions) together: the oldest written go first.
KEEP = 4


def _prune(directory: Path, written: str) -> None:
    """Remove all but the :data:`KEEP` cache files written last (``written`` always stays):
    installations come and go (one for each virtual environment and checkout), and a file
    removed from one still in use is only written again by its next process."""
    files = []
    for path in directory.glob(f"{_PREFIX}*{_SUFFIX}"):
        try:
            files.append((path.lstat().st_mtime, path))
        except OSError:
            continue
    files.sort(reverse=True)
    for _, path in [f for f in files if f[1].name != written][KEEP - 1 :]:
        path.unlink(missing_ok=True)


def _quiet(rules: RuleSet) -> bool:
    """Whether loading ``rules`` warned of nothing: every rule has an example that fires and
    one that does not (else loading warns, and a cached load would not warn again)."""
    return all(
        any(e.fires_for for e in rule.examples) and any(not e.fires_for for e in rule.examples)
        for rule in rules
    )


def shipped_rules() -> RuleSet:
    """The rule set that ships with the package, encoding the article's advice: the pack
    ``shipped``, with the parameters its ``pack.toml`` declares.

    Once loaded, it is kept in a cache that later processes read instead of the rule files
    (``$MENTOR_RULES_CACHE_DIR``, by default ``~/.cache/mentor-rules``; see
    ``docs/performance.md``): the same rule set, in a few milliseconds.
    """
    directory = shipped_rules_dir()

    return cached_rules(directory, functools.partial(_load_shipped, directory))


def _load_shipped(directory: Path) -> RuleSet:
    from .packs import load_pack  # only when the cache does not hold the rules

    return load_pack(directory)
