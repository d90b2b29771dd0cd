"""The report and ``explain`` on the command line: what a person reads first, the details, the
three formats, escaping, and the JSON forms."""

from __future__ import annotations

import html
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

from mentor_rules import Advisor, Situation, advise
from mentor_rules.cli import example_document, main
from mentor_rules.io.report import _document, build_report
from mentor_rules.model.vocabulary import Stage
from mentor_rules.testing import situations

_ADVISOR = Advisor(engine="python")

FORMATS = ("text", "markdown", "html")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def words(text: str) -> str:
    """``text`` as a reader sees it: HTML tags dropped, entities and Markdown escapes
    undone, whitespace (and the text report's line breaks) collapsed."""
    text = html.unescape(_TextOf.of(text)) if text.lstrip().startswith("<!DOCTYPE") else text
    return " ".join(text.replace("\\", "").replace("**", "").split())


class _TextOf(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = False

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.skip = tag in ("style", "title")

    def handle_endtag(self, tag: str) -> None:
        self.skip = False
        if tag not in ("span", "bdi"):  # inline: no break where they end
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)

    @classmethod
    def of(cls, page: str) -> str:
        parser = cls()
        parser.feed(page)
        return "".join(parser.parts)


@pytest.mark.parametrize("format", FORMATS)
def test_the_first_screen_says_whom_to_ask_try_out_and_avoid_and_the_next_three_steps(
    capsys: pytest.CaptureFixture[str], format: str
) -> None:
    code, out, _ = run(capsys, "advise", "--format", format)
    assert code == 0
    said = words(out)
    advice = advise(example_document())
    for heading in ("Whom to ask", "Whom to try out next", "Whom to avoid, and why"):
        assert heading in said
    assert "Priya Nair: Ask Priya Nair to be your mentor" in said
    assert "Tom Becker: Try out a mentoring relationship" in said
    assert "Jordan Watts: The chemistry with Jordan Watts is poor" in said
    assert "Dana Reyes: You probably won't want Dana Reyes, your direct manager" in said
    # what matters about the mentee, and a caution beside the one it concerns
    assert "For you" in said
    assert "You really need a mentor" in said
    assert "Caution: Tom Becker shows what did not work for you" in said
    assert "Mei Lin: After your talks with Mei Lin, take stock of the chemistry" in said
    for step in advice.next_steps[:3]:
        assert " ".join(step.text.split()) in said
    # the rest waits for --details: the fourth step, rationales, evidence, scores, rule ids
    # (steps about the mentee: those about candidates stand beside their names above)
    later = [s for s in advice.next_steps[3:] if s.subject == "mentee" or s.others]
    assert not [s for s in later if s.subject == "mentee" and " ".join(s.text.split()) in said]
    assert "Why:" not in said
    assert "score" not in said
    assert "avoid-direct-manager" not in said
    # what would change it, for each candidate on the way or not a fit, the reason named
    assert (
        "Mei Lin (getting to know): to become someone to ask, have 1 more conversation with "
        "Mei Lin (2 in all), and it has to turn out that the chemistry with Mei Lin is good."
    ) in said
    assert (
        "Sam Ortiz (not a fit): Nothing you can change. Sam Ortiz knows none of what your "
        "goals need"
    ) in said
    assert "Dana Reyes (" not in said  # ruled out, with the reason, above
    assert "Priya Nair (ready to ask)" not in said


@pytest.mark.parametrize("format", FORMATS)
def test_details_print_each_rationale_once_with_evidence_in_words(
    capsys: pytest.CaptureFixture[str], format: str
) -> None:
    code, out, _ = run(capsys, "advise", "--format", format, "--details")
    assert code == 0
    said = words(out)
    advice = advise(example_document())
    for r in advice.recommendations:
        assert said.count(" ".join(r.because.split())) == 1, r.rule
        assert " ".join(r.message.split()) in said
    # every step now, rule titles, and evidence with names rather than indices
    for step in advice.next_steps:
        assert " ".join(step.text.split()) in said
    assert "On the move: round out your coaching team now" in said
    assert "the chemistry with Mei Lin: mixed" in said
    assert "candidates[" not in said
    assert "score" not in said


def test_the_html_report_is_one_self_contained_page(capsys: pytest.CaptureFixture[str]) -> None:
    _, page, _ = run(capsys, "advise", "--format", "html", "--details")
    assert page.startswith("<!DOCTYPE html>")
    assert "<style>" in page
    for outside in ("<script", "<link", "src=", "url(", "http://", "https://"):
        assert outside not in page


def test_every_format_escapes_what_the_input_says(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    situation = {
        "mentee": {"name": "<i>Al</i>", "goals": [{"kind": "advice", "scope": "company"}]},
        "candidates": [
            {"name": "<b>Bo</b>", "relation": "direct_manager"},
            {"name": "Cy & *Co*", "relation": "senior", "years_at_company": 9},
        ],
    }
    for format in FORMATS:
        monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(situation)))
        code, out, _ = run(capsys, "advise", "-", "--format", format, "--details")
        assert code == 0
        if format == "html":
            assert "<b>" not in out
            assert "<i>" not in out
            assert "&lt;b&gt;Bo&lt;/b&gt;" in out
            assert "Cy &amp; *Co*" in out
        elif format == "markdown":
            assert "\\<b\\>Bo\\</b\\>" in out
            assert "Cy &amp; \\*Co\\*" in out
        else:
            assert "<b>Bo</b>: You probably won't want <b>Bo</b>" in out


def test_json_is_the_same_by_either_option_and_parses(capsys: pytest.CaptureFixture[str]) -> None:
    _, by_format, _ = run(capsys, "advise", "--format", "json")
    _, by_flag, _ = run(capsys, "advise", "--json")
    assert json.loads(by_format) == json.loads(by_flag)
    assert json.loads(by_format)["produced_by"]["library"] == "mentor-rules"


def test_explain_says_why_not_and_what_would_change_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "explain", "--candidate", "Mei Lin")
    assert code == 0
    said = words(out)
    assert said.startswith("Mei Lin: getting to know, worth exploring (built-in example)")
    assert "“Ready to ask someone to be your mentor” did not apply:" in said
    assert "the chemistry with Mei Lin is mixed; it needs to be good" in said
    assert "What would change it (sets of up to 3 changes, smallest first)" in said
    assert "1. have 1 more conversation with Mei Lin (2 in all)" in said
    code, out, _ = run(capsys, "explain", "--candidate", "Dana Reyes", "--bound", "2")
    said = words(out)
    assert "What holds Dana Reyes back “Don't choose your direct manager" in said
    assert "nothing you can change. You probably won't want Dana Reyes" in said
    assert said.count("nothing you can change") == 1


def test_explain_json_is_the_library_s_explanation(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", "--candidate", "Tom Becker", "--json", "--bound", "3")
    assert code == 0
    document = json.loads(out)
    assert document["source"] == "built-in example"
    expected = Advisor().explain(example_document(), "Tom Becker", bound=3)
    assert document["explanation"]["candidate"] == expected.candidate
    assert document["explanation"]["bound"] == 3
    changes = document["explanation"]["what_would_change"][0]["changes"]
    assert {c["path"] for c in changes} == {
        "candidates[2].chemistry",
        "candidates[2].conversations",
    }


def test_explain_reads_a_file_or_standard_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    situation = {"candidates": [{"name": "Sam", "relation": "skip_level", "years_at_company": 8}]}
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(situation)))
    code, out, _ = run(capsys, "explain", "-", "--candidate", "Sam", "--target", "ready_to_ask")
    assert code == 0
    said = words(out)
    assert "write down" not in said  # goals are not written to fit a candidate
    assert "until you decide what you want from a mentor" in said
    path = tmp_path / "s.json"
    path.write_text(json.dumps(situation), encoding="utf-8")
    code, out, _ = run(capsys, "explain", str(path), "--candidate", "Sam")
    assert code == 0
    assert words(out).startswith(f"Sam: not a fit, weak fit ({path})")


def test_explain_names_the_candidates_when_the_name_is_unknown(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "explain", "--candidate", "Priya")
    assert code == 2
    assert out == ""
    assert "no candidate called 'Priya'" in err
    assert "'Priya Nair'" in err
    assert "'Mei Lin'" in err


def test_explain_reports_invalid_input_with_exit_code_3(
    capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"candidates": [{"name": "A", "relation": "boss"}]}), "utf-8")
    code, _, err = run(capsys, "explain", str(bad), "--candidate", "A")
    assert code == 3
    assert "candidates[0].relation" in err
    code, out, _ = run(capsys, "explain", str(bad), "--candidate", "A", "--json")
    assert code == 3
    assert json.loads(out)["error"][0]["path"] == "candidates[0].relation"
    batch = tmp_path / "batch.json"
    batch.write_text("[{}, {}]", "utf-8")
    code, _, err = run(capsys, "explain", str(batch), "--candidate", "A")
    assert code == 3
    assert "one situation" in err


@pytest.mark.parametrize("bound", ["-1", "x", "11"])
def test_explain_refuses_a_bad_bound(capsys: pytest.CaptureFixture[str], bound: str) -> None:
    with pytest.raises(SystemExit) as exit:
        main(["explain", "--candidate", "Mei Lin", "--bound", bound])
    assert exit.value.code == 2
    assert "expected a whole number from 0 to 10" in capsys.readouterr().err


@pytest.mark.parametrize(
    "command",
    [
        ("advise",),
        ("explain", "--candidate", "Mei Lin"),
        ("explain", "--candidate", "Dana Reyes"),
    ],
    ids=" ".join,
)
def test_the_outputs_pasted_into_the_docs_are_what_the_commands_print(
    capsys: pytest.CaptureFixture[str], command: tuple[str, ...]
) -> None:
    page = (Path(__file__).resolve().parents[1] / "docs" / "explanations.md").read_text("utf-8")
    shown = " ".join(f'"{a}"' if " " in a else a for a in command)
    pasted = re.search(rf"\$ mentor-rules {re.escape(shown)}\n```\n\n```text\n(.*?)```", page, re.S)
    assert pasted is not None, shown
    _, out, _ = run(capsys, *command)
    assert out.rstrip("\n") + "\n" == pasted.group(1)


@pytest.mark.parametrize("format", ["text", "markdown", "html"])
def test_control_codes_and_bidi_overrides_from_the_input_show_instead_of_acting(
    format: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A name with a terminal escape, a carriage return or a right-to-left override is shown
    with those characters as [U+XXXX], in every format (issue 20); the text report's wrapping
    makes a carriage return a space."""
    document = {
        "candidates": [
            {"name": "Eve\u202eevil", "relation": "peer"},
            {"name": "Red\x1b[31mX\rY", "relation": "outside"},
        ]
    }
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    code, out, _ = run(capsys, "advise", str(path), "--format", format, "--details")
    assert code == 0
    shown = out.replace("\\[", "[").replace("\\]", "]")  # Markdown escapes the brackets
    assert "Eve[U+202E]evil" in shown
    assert "Red[U+001B]" in shown  # then "[31m", escaped as each format escapes "["
    for acting in ("\u202e", "\x1b", "\r"):
        assert acting not in out


@settings(max_examples=max(10, settings().max_examples // 4))
@given(situations(max_candidates=5))
def test_whom_to_keep_getting_to_know_lists_the_best_placed_first(situation: Situation) -> None:
    """The section follows the advice's ranking of candidates, not the order of the rules that
    put each of them at that stage."""
    advisor = _ADVISOR
    advice = advisor.advise(situation)
    document = _document(build_report(advisor, situation, advice, "generated"), details=False)
    listed = [
        item.lead
        for section in document.sections
        if section.heading == "Whom to keep getting to know"
        for item in section.items
    ]
    ranked = [
        v.name for v in advice.candidates if v.stage == Stage.GETTING_TO_KNOW and v.name in listed
    ]
    assert listed == ranked
    assert len(listed) == len(set(listed))
