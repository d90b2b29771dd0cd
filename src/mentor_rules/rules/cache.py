"""A cache of the shipped rule set, so that a new process need not read and check it again.

Reading the 23 shipped rule files (TOML), checking them and compiling their conditions took
about 45 ms of each process's start-up, the time to import cattrs and tomllib included; the
loaded :class:`~mentor_rules.RuleSet` unpickles in about 1.5 ms. The cache is a pickle, and
unpickling can run code, so it is trusted exactly as Python trusts its own ``.pyc`` files, and
no further:

- it is read only from a directory owned by the user running the process and closed to
  everyone else (mode ``0o700`` or stricter), from a regular file (not a link) owned by that
  user and writable by no one else; anything else is ignored, never repaired;
- its name and its contents carry a key: a SHA-256 of the Python version, this package's
  source files and the shipped rule files (names and bytes) and where they are, and where
  attrs and cattrs are installed with the size and time of their ``__init__.py``; a cache made
  by other code, for other rules or another Python is never read, so a stale cache cannot
  change an answer;
- a process whose package files changed on disk after it imported them (an upgrade or an
  edit under a running process) neither reads nor writes the cache: its code is no longer the
  code the key names;
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
_FORMAT = b"mentor-rules shipped rule set cache 1"
_PREFIX = "shipped-"
_SUFFIX = ".pickle"
_PACKAGE = Path(__file__).resolve().parent


def _stamps() -> tuple[tuple[str, int, int], ...]:
    """The size and time of each of this package's source files."""
    found = []
    for root, _, files in os.walk(_PACKAGE):
        for name in files:
            if name.endswith(".py"):
                info = os.stat(os.path.join(root, name))
                found.append((os.path.join(root, name), info.st_size, info.st_mtime_ns))
    return tuple(sorted(found))


#: The package's files as this process imported them (this module is imported with the rule
#: set's): if they change on disk later, the code running is not the code a key would name.
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
    if _quiet(rules):
        _write(directory, key, rules)
    return rules


def _key(rules_dir: Path) -> str:
    """What the rule set depends on: the Python, the libraries that read the rules, this
    package's code and the rule files."""
    import hashlib

    digest = hashlib.sha256(_FORMAT)
    digest.update(sys.version.encode())
    digest.update(_libraries())
    for root, files in (
        (_PACKAGE, sorted(_PACKAGE.rglob("*.py"))),
        (rules_dir, sorted(rules_dir.glob("*.toml"))),
    ):
        digest.update(b"\0dir\0" + str(root).encode())
        for path in files:
            digest.update(b"\0file\0" + str(path.relative_to(root)).encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


#: The libraries besides this package whose code shapes the loaded rule set.
_LIBRARIES = ("attr", "cattrs")


def _libraries() -> bytes:
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
    return "\0".join(stamps).encode()


def _name(key: str) -> str:
    """The cache file's name: which installation (this Python's version, this package's
    directory), then the key.

    Writing one removes the older ones of the same installation, and only those: two
    installations sharing the directory do not remove each other's.
    """
    import hashlib

    where = hashlib.sha256(f"{sys.version}\0{_PACKAGE}".encode()).hexdigest()[:16]
    return f"{_PREFIX}{where}-{key}{_SUFFIX}"


def _private_dir(directory: Path) -> bool:
    info = os.lstat(directory)
    return (
        stat.S_ISDIR(info.st_mode)
        and info.st_uid == os.getuid()
        and stat.S_IMODE(info.st_mode) & 0o077 == 0
    )


def _read(directory: Path, key: str) -> RuleSet | None:
    path = directory / _name(key)
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


def _write(directory: Path, key: str, rules: RuleSet) -> None:
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private_dir(directory):
            return
        name = _name(key)
        import pickle

        data = pickle.dumps((key, rules), protocol=pickle.HIGHEST_PROTOCOL)
        import tempfile  # only to write: it is not needed to read

        handle, temporary = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=directory)  # 0o600
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(temporary, directory / name)
        except BaseException:
            os.unlink(temporary)
            raise
        installation = name[: -len(key) - len(_SUFFIX)]
        for old in directory.glob(f"{installation}*{_SUFFIX}"):  # for older code or rules
            if old.name != name:
                old.unlink(missing_ok=True)
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
