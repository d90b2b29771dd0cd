"""The public surface: everything exported is listed, sorted, and typed."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path

import mentor_rules
from mentor_rules import shipped_rules
from mentor_rules.io.catalogue import catalogue


def test_all_is_sorted_and_complete() -> None:
    assert mentor_rules.__all__ == sorted(mentor_rules.__all__)
    # dir(), not vars(): some names are imported on first use (the module's __getattr__).
    public = {name for name in dir(mentor_rules) if not name.startswith("_")}
    public.add("__version__")  # the one dunder exported
    # The floors (subpackages, internal) import themselves into the namespace.
    package = Path(mentor_rules.__file__).parent
    modules = {p.name for p in package.iterdir() if (p / "__init__.py").is_file()} | {"cli"}
    # Submodules imported only when asked for (by tests here): mentor_rules.testing, .dask.
    assert public - modules - {"testing", "dask"} == set(mentor_rules.__all__)


def test_every_export_can_be_imported_in_a_fresh_interpreter() -> None:
    """``from mentor_rules import *`` gives every name, those imported on first use too."""
    code = (
        "from mentor_rules import *\n"
        "import mentor_rules\n"
        "print(all(name in globals() for name in mentor_rules.__all__))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "True"


def test_every_export_is_documented() -> None:
    for name in mentor_rules.__all__:
        if name != "__version__":  # a string: its __doc__ would be str's
            assert getattr(mentor_rules, name).__doc__, name


def test_the_version_is_the_installed_distribution_s() -> None:
    assert mentor_rules.__version__ == metadata.version("mentor-rules")
    assert mentor_rules.__version__[0].isdigit()


def test_the_version_is_read_without_importlib_metadata() -> None:
    """The version is a literal the build reads (``[tool.hatch.version]``), so importing the
    package need not load importlib.metadata, and a source tree knows its version too."""
    code = (
        "import sys\n"
        "import mentor_rules\n"
        "print(mentor_rules.__version__, 'importlib.metadata' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.split() == [metadata.version("mentor-rules"), "False"]


def test_the_package_is_marked_typed() -> None:
    assert (Path(mentor_rules.__file__).parent / "py.typed").exists()


def test_the_rule_catalogue_in_docs_is_up_to_date() -> None:
    docs = Path(__file__).resolve().parents[1] / "docs" / "rules-catalogue.md"
    assert docs.read_text(encoding="utf-8") == catalogue(shipped_rules()), (
        "regenerate it: mentor-rules catalogue > docs/rules-catalogue.md"
    )


def test_programme_matching_is_public_and_imported_only_when_asked_for() -> None:
    """``Programme`` and ``match`` are exported; the solvers are in ``mentor_rules.programme``;
    importing the package loads neither the programme floor nor scipy."""
    import mentor_rules.programme

    assert {"Matching", "Programme", "match", "match_to_dict", "programme_from_dict"} <= set(
        mentor_rules.__all__
    )
    assert mentor_rules.programme.__all__ == [
        "SolverMissing",
        "optimal_assignment",
        "stable_matching",
    ]
    code = (
        "import sys\n"
        "import mentor_rules\n"
        "print('mentor_rules.programme' in sys.modules, 'scipy' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.split() == ["False", "False"]
