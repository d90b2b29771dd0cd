"""The distribution's metadata: licence, links, classifiers and extras, as installed."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _installed(field: str) -> list[str]:
    """Every value of ``field`` in the installed distribution's metadata."""
    return metadata.metadata("mentor-rules").get_all(field) or []


def test_the_licence_is_mit_and_its_file_ships() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License")
    assert "Copyright (c) 2026 mentor-rules developers" in text
    assert _installed("License-Expression") == ["MIT"]
    assert _installed("License-File") == ["LICENSE"]
    assert "License :: OSI Approved :: MIT License" in _installed("Classifier")


def test_the_project_links_to_its_home_docs_and_changelog() -> None:
    urls = dict(entry.split(", ", 1) for entry in _installed("Project-URL"))
    assert set(urls) == {"Homepage", "Documentation", "Changelog"}
    assert urls["Changelog"].endswith("/CHANGELOG.md")
    assert urls["Documentation"].endswith("/docs")


def test_the_classifiers_name_every_supported_python_and_the_typing() -> None:
    classifiers = set(_installed("Classifier"))
    assert {
        "Development Status :: 3 - Alpha",
        "Intended Audience :: Developers",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
        "Programming Language :: Python :: 3.13",
        "Typing :: Typed",
    } <= classifiers
    assert any(c.startswith("Topic :: ") for c in classifiers)


def _extra(name: str) -> set[str]:
    """The requirements of the installed distribution's extra ``name``, markers left off."""
    marker = f"; extra == '{name}'"
    return {r.removesuffix(marker) for r in _installed("Requires-Dist") if r.endswith(marker)}


def test_the_test_extra_holds_only_what_mentor_rules_testing_and_the_tests_need() -> None:
    """The strategies need hypothesis; the tests pytest (with pytest-xdist, to use every
    core, and pytest-cov, to hold the suite to its coverage floor), jsonschema to hold the
    loader to the published JSON Schemas, the programme extra's solver (scipy: the build writes
    ``mentor-rules[programme]`` out as what it holds) and matching, the oracle the stable
    matchings are checked against, the serve extra to run the server (its requirements, as
    installed), and Playwright to drive its page in the system's Chromium."""
    assert {r.split(">")[0] for r in _extra("test")} == {
        "hypothesis",
        "pytest",
        "pytest-cov",
        "pytest-xdist",
        "jsonschema",
        "scipy",
        "matching",
        "starlette",
        "uvicorn",
        "playwright",
    }


def test_the_programme_extra_is_the_solver_only() -> None:
    assert {r.split(">")[0] for r in _extra("programme")} == {"scipy"}


def test_the_serve_extra_is_starlette_on_uvicorn() -> None:
    assert {r.split(">")[0] for r in _extra("serve")} == {"starlette", "uvicorn"}


def test_the_dev_extra_adds_the_static_checkers_with_ruff_pinned_exactly() -> None:
    dev = _extra("dev")
    assert _extra("test") <= dev
    (ruff,) = (r for r in dev if r.startswith("ruff"))
    assert ruff.startswith("ruff==")
    assert any(r.startswith("mypy") for r in dev)


def test_the_install_without_a_c_compiler_names_every_pure_python_dependency() -> None:
    """README and docs/engines.md tell how to install without durable-rules; if a dependency is
    added, their recipe must name it too."""
    pure = {
        r
        for r in _installed("Requires-Dist")
        if "extra ==" not in r and not r.startswith("durable-rules")
    }
    assert pure
    for doc in ("README.md", "docs/engines.md"):
        text = (ROOT / doc).read_text(encoding="utf-8")
        recipe = " ".join(f"'{r}'" for r in sorted(pure))
        assert f"pip install {recipe}" in text, f"{doc}: the recipe must install {recipe}"
        assert "pip install --no-deps" in text, doc


def test_no_page_tells_to_install_mentor_rules_from_the_package_index() -> None:
    """mentor-rules is not on the package index: every install command works from a checkout
    or a built wheel (issue 17, item 2)."""
    import re

    from_index = re.compile(r"pip install (--no-deps )?['\"]?mentor-rules\b")
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    sources = sorted((ROOT / "src" / "mentor_rules").rglob("*.py"))
    said = [
        f"{path.name}: {match.group()}"
        for path in (*pages, *sources)
        for match in from_index.finditer(path.read_text(encoding="utf-8"))
    ]
    assert said == []
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip wheel --no-deps -w dist ." in readme
    assert "pip install --no-deps ." in readme
