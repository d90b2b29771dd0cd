"""The page of ``mentor-rules serve`` in a real browser: headless Chromium (Debian's package,
driven by Playwright for Python; nothing is downloaded) fills the form for a realistic person,
submits it and reads the report, at phone and desktop widths, with screenshots of each.

Skipped where chromium is not on the PATH (``.ci/run`` installs it), or Playwright is not
installed. ``MENTOR_RULES_SCREENSHOTS=DIR`` keeps the screenshots in DIR to look at.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from _server import Server, running
from mentor_rules import Advisor, Verdict
from mentor_rules.service.page import situation_from_form

CHROMIUM = shutil.which("chromium")
playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (the test extra has it)"
)

pytestmark = [
    pytest.mark.chromium,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="chromium is not on the PATH: install Debian's chromium package "
        "(apt-get install chromium; .ci/run does) to drive the page of mentor-rules serve",
    ),
]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with running(["--workers", "1"]) as started:
        yield started


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as driver:
        launched = driver.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        try:
            yield launched
        finally:
            launched.close()


def _fill(page: Any) -> None:
    """Sam: four months in as a data analyst, after advice on leading a team; three people."""
    page.get_by_label("Your name").fill("Sam Okafor")
    page.get_by_label("Months at your company").fill("4")
    page.get_by_label("Your job now").fill("data analyst")
    page.get_by_label("The job you are after").fill("analytics lead")
    page.get_by_label("What you are doing with your career").select_option("advance")
    page.get_by_label("I want to try something new at my company").check()
    page.get_by_label("1. I want").select_option("advice")
    page.locator("#goal0\\.scope").select_option("job")
    page.locator("#goal0\\.detail").fill("what it takes to lead a team")
    page.get_by_label("adviser", exact=True).check()
    page.get_by_label("Where").select_option("school")
    page.get_by_label("What worked").fill("patient, asks hard questions")
    people = [
        ("Dana Reyes", "direct_manager", "6", "yes", "good", "5", "yes", "patient"),
        ("Priya Nair", "skip_level", "9", "yes", "good", "2", "unknown", "asks hard questions"),
        ("Tom Becker", "peer", "5", "", "unknown", "0", "unknown", "hard to reach"),
    ]
    for row, (name, relation, years, knows, chemistry, talks, willing, traits) in enumerate(people):
        p = f"#person{row}\\."
        page.locator(f"{p}name").fill(name)
        page.locator(f"{p}relation").select_option(relation)
        page.locator(f"{p}years_at_company").fill(years)
        page.locator(f"{p}knows_culture").select_option(knows)
        page.locator(f"{p}chemistry").select_option(chemistry)
        page.locator(f"{p}conversations").fill(talks)
        page.locator(f"{p}willing").select_option(willing)
        page.locator(f"{p}traits").fill(traits)


def _luminance(rgb: str) -> float:
    channels = [int(part) / 255 for part in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(page: Any, selector: str) -> float:
    """The contrast ratio of an element's text with its background (WCAG's formula)."""
    colour, background = page.eval_on_selector(
        selector,
        "e => [getComputedStyle(e).color, (function bg(n) { const c = getComputedStyle(n)"
        ".backgroundColor; return (c === 'rgba(0, 0, 0, 0)' && n.parentElement) ? "
        "bg(n.parentElement) : c })(e)]",
    )
    light, dark = sorted((_luminance(colour), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_person_fills_the_form_and_reads_their_report(
    server: Server, browser: Any, size: dict[str, int], tmp_path: Path
) -> None:
    context = browser.new_context(viewport=size)
    try:
        page = context.new_page()
        page.goto(server.url + "/")
        assert page.title() == "Mentoring advice"
        _fill(page)
        page.get_by_role("button", name="Get advice").click()
        page.wait_for_load_state()
        report = page.get_by_role("region", name="Your advice")
        assert report.is_visible()
        # what is on screen is the library's advice on the situation the form built
        fields = page.evaluate(
            "() => { const f = {}; for (const [k, v] of new FormData("
            "document.getElementById('situation-form'))) (f[k] = f[k] || []).push(v); "
            "return f; }"
        )
        advice = Advisor().advise(situation_from_form(fields, max_people=50).document)
        verdicts = {v.name: v.verdict for v in advice.candidates}
        assert verdicts["Dana Reyes"] is Verdict.AVOID
        avoid = report.locator("section.avoid")
        assert "Dana Reyes" in avoid.inner_text()
        ask = report.locator("section.ask").inner_text()
        for name, verdict in verdicts.items():
            assert (name in ask) == (verdict is Verdict.READY_TO_ASK)
        steps = report.locator("section.steps li")
        assert steps.count() >= 1
        assert " ".join(advice.next_steps[0].text.split()) in " ".join(
            steps.first.inner_text().split()
        )
        assert report.get_by_role("heading", name="What would change it").is_visible()
        # the form came back as filled in, and nothing scrolls sideways
        assert page.locator("#person1\\.name").input_value() == "Priya Nair"
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        # text and buttons keep a contrast of at least 4.5:1 (WCAG AA)
        for selector in ("label", "button.primary", "button.secondary", "section.avoid li"):
            assert _contrast(page, selector) >= 4.5, selector
        shot = tmp_path / f"serve-{size['width']}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 20_000
        kept = os.environ.get("MENTOR_RULES_SCREENSHOTS")
        if kept:
            Path(kept).mkdir(parents=True, exist_ok=True)
            shutil.copy(shot, Path(kept) / shot.name)
    finally:
        context.close()


def test_the_form_works_from_the_keyboard(server: Server, browser: Any) -> None:
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(server.url + "/")
        page.get_by_label("Your name").focus()
        page.keyboard.type("Ana")
        # Tab reaches every field in order, then the buttons; each shows where the focus is
        reached = []
        for _ in range(200):
            page.keyboard.press("Tab")
            focused = page.evaluate(
                "() => [document.activeElement.id || document.activeElement.textContent, "
                "getComputedStyle(document.activeElement).outlineStyle]"
            )
            reached.append(focused[0])
            assert focused[1] != "none", focused
            if focused[0] == "Add another person":
                break
        assert "person2.traits" in reached
        assert reached.index("Get advice") == len(reached) - 2
        # Enter on a person's name adds them and submits (the first button: Get advice)
        page.locator("#person0\\.name").focus()
        page.keyboard.type("Jordan Watts")
        page.keyboard.press("Enter")
        page.wait_for_load_state()
        assert "Jordan Watts" in page.get_by_role("region", name="Your advice").inner_text()
        # "Add another person" gives a fourth row, keeping what was typed
        page.get_by_role("button", name="Add another person").press("Enter")
        page.wait_for_load_state()
        assert page.locator("#person3\\.name").is_visible()
        assert page.locator("#person0\\.name").input_value() == "Jordan Watts"
    finally:
        context.close()
