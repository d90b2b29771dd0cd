"""Text from the input never reaches a terminal, Markdown or HTML as control codes or markup
(``io/escape.py``, issue 16 items 8 and 9): the escaping functions on generated texts, then
every output format of the report, ``explain`` and the catalogue on hostile names."""

from __future__ import annotations

import html
import itertools
import json
import math
import re
import shutil
import subprocess
import sys
import tempfile
from enum import IntEnum
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mentor_rules import Advisor, RuleError, advice_to_dict, load_pack, situation_from_dict
from mentor_rules.cli import example_document
from mentor_rules.io import escape
from mentor_rules.io.catalogue import catalogue
from mentor_rules.io.report import FORMATS, build_report, explanation_text, render
from mentor_rules.model.output import Verdict
from mentor_rules.model.situation import Relation
from mentor_rules.testing import situation_documents

#: What must never be written raw: C0/C1 controls, DEL, the line and paragraph separators,
#: lone surrogates and the bidirectional formatting characters.
RAW = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff"
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
CONTROLS = "\x00\x07\x08\x0b\x0c\x0d\x1b\x7f\x85\x9b\u2028\u2029"
BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
HOSTILE = "\x1b]0;pwned\x07\x1b[2J"


def hostile_texts() -> st.SearchStrategy[str]:
    """Texts mixing letters, Markdown and HTML markup, newlines, controls and bidi controls."""
    pieces = st.one_of(
        st.text(min_size=1, max_size=5),
        st.sampled_from([*CONTROLS, *BIDI, "\n", "\t", HOSTILE, "Bob\u202egnp.exe"]),
        st.sampled_from(["<script>", "&amp;", "|", "*", "_", "`", "#", "1. ", "- ", "[x](y)"]),
    )
    return st.lists(pieces, min_size=1, max_size=8).map("".join)


def unsafe_in(text: str) -> list[str]:
    """The unsafe characters of ``text``, newlines between lines left aside."""
    return RAW.findall(text)


@given(hostile_texts())
def test_terminal_text_holds_no_control_bidi_or_newline(text: str) -> None:
    shown = escape.terminal(text)
    assert not RAW.search(shown)
    assert "\n" not in shown
    assert "\t" not in shown
    assert escape.terminal(shown) == shown  # once is enough: escaping again changes nothing


@given(st.one_of(hostile_texts(), st.text(), st.text(st.characters(max_codepoint=127))))
def test_the_quick_paths_for_plain_text_change_nothing(text: str) -> None:
    """``terminal`` and ``json_text`` return plain ASCII text without their regular expression
    (compiling it is a few milliseconds of a start); on every text they must give what the
    expression gives."""
    assert escape.terminal(text) == re.sub(escape.UNSAFE, escape._escape, text)
    raw = json.dumps([text, {text: 1}], ensure_ascii=False)
    slow = re.sub(escape._JSON_RAW, lambda m: f"\\u{ord(m.group()):04x}", raw)
    assert escape.json_text([text, {text: 1}]) == slow


@given(hostile_texts())
def test_markdown_text_is_one_line_without_markup(text: str) -> None:
    shown = escape.markdown(text)
    assert not RAW.search(shown)
    assert "\n" not in shown
    unescaped = re.sub(r"\\.", "", shown)  # what is left once escaped characters are taken out
    assert not re.search(r"[<>|`*_\[\]#]", unescaped)
    assert "&" not in unescaped.replace("&amp;", "")
    assert not re.match(r"\s*(\d+[.)]|[-+=])", shown)  # it cannot start a list item


@given(hostile_texts())
def test_html_text_has_no_markup_and_is_isolated(text: str) -> None:
    shown = escape.html_isolated(text)
    inner = shown.removeprefix("<bdi>").removesuffix("</bdi>")
    assert shown == f"<bdi>{inner}</bdi>"
    assert "<" not in inner
    assert ">" not in inner
    assert '"' not in inner
    assert not RAW.search(html.unescape(inner))


@given(st.recursive(hostile_texts(), lambda inner: st.lists(inner, max_size=3), max_leaves=6))
def test_json_text_is_the_same_data_with_nothing_raw(document: Any) -> None:
    written = escape.json_text(document)
    assert not RAW.search(written)
    assert json.loads(written) == document


class _Size(IntEnum):
    ONE = 1


@given(
    st.recursive(
        hostile_texts()
        | st.text(st.characters(max_codepoint=127))
        | st.integers()
        | st.floats()  # NaN and the infinities too: json.dumps writes them, and not in JSON
        | st.booleans()
        | st.none()
        | st.sampled_from([Verdict.AVOID, Relation.PEER, _Size.ONE]),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.lists(inner, max_size=3).map(tuple)
            | st.dictionaries(hostile_texts() | st.integers() | st.none(), inner, max_size=3)
        ),
        max_leaves=8,
    ),
    st.sampled_from([None, 0, 2, 4]),
)
@example(["ab\x7f"], None)  # ASCII, with DEL: escaped
@example({"k\x7f": "\x1b"}, 2)
@example(["Zoë"], None)  # not ASCII, nothing to escape
@example(["a\u202eb"], 2)
@example(["\u201cDana\u201d"], None)  # the quotes of advice's messages, nothing to escape
@example(["\u201cDana\u201d\x7f"], None)
@example({"\u201c": "\u201d\x85"}, 2)
@example({"a": [], "b": {}, "c": [1, {"d": None, "e": [1.5, -0.0, 1e100]}]}, 2)
@example([math.nan, math.inf, -math.inf, True, False, 0, -(10**30)], 2)
@example([1, Verdict.AVOID, {"k": Relation.PEER}], 2)  # left to json.dumps
@example(example_document(), 2)
def test_json_text_is_its_reference(document: Any, indent: int | None) -> None:
    """The search for what to escape, left out on ASCII text without DEL, would find nothing;
    the indented text written without ``json.dumps`` is what it writes, and ``json.dumps``'s
    is what the writer leaves to it."""
    fast = escape.json_text(document, indent=indent)
    assert fast == escape.json_text_reference(document, indent=indent)
    if indent is not None:  # what json_text uses before Python 3.13, tested on every version
        expected = json.dumps(document, ensure_ascii=False, indent=indent)
        assert escape._indented(document, indent) == expected


def test_json_text_of_advice_is_its_reference() -> None:
    advice = advice_to_dict(Advisor().advise(example_document()))
    assert escape.json_text(advice, indent=2) == escape.json_text_reference(advice, indent=2)
    assert escape._indented(advice, 2) == json.dumps(advice, ensure_ascii=False, indent=2)
    assert escape.json_text(advice) == escape.json_text_reference(advice)


def test_a_document_that_contains_itself_is_refused_as_json_dumps_refuses_it() -> None:
    looped: list[Any] = []
    looped.append(looped)
    with pytest.raises(ValueError, match="Circular reference"):
        escape.json_text(looped, indent=2)
    with pytest.raises(ValueError, match="Circular reference"):
        escape._indented(looped, 2)


def test_the_only_ascii_character_json_text_escapes_is_del() -> None:
    """What lets ``json_text`` skip its search on ASCII text that holds no DEL, once the
    quotes of advice's messages are taken out."""
    assert [c for c in map(chr, range(128)) if re.search(escape._JSON_RAW, c)] == ["\x7f"]
    assert not [quote for quote in escape._QUOTES if re.search(escape._JSON_RAW, quote)]


def test_escapes_are_python_s_and_ordinary_text_is_left_alone() -> None:
    assert escape.terminal(HOSTILE) == "[U+001B]]0;pwned[U+0007][U+001B][2J"
    assert escape.terminal("Bob\u202egnp.exe") == "Bob[U+202E]gnp.exe"
    assert escape.terminal("a\nb\tc") == "a[U+000A]b[U+0009]c"
    assert escape.visible("a\nb\tc\x1b") == "a\nb\tc[U+001B]"  # a whole document's lines stay
    for kept in ("José Álvarez", "李雷", "שלום", "مرحبا", "👩\u200d💻", "O'Brien"):
        assert escape.terminal(kept) == kept  # scripts, emoji and their joiners stay
    # The escape's brackets are escaped too: the page shows "Dana[U+000A]1. Quit & <b>|".
    assert escape.markdown("Dana\n1. Quit & <b>|") == "Dana\\[U+000A\\]1. Quit &amp; \\<b\\>\\|"
    assert escape.markdown("1. first") == "1\\. first"


# --------------------------------------------------------------------------- the report


def hostile_situation(name: str, other: str = "Priya") -> dict[str, Any]:
    return {
        "mentee": {
            "name": name,
            "months_at_company": 3,
            "goals": [{"kind": "advice", "scope": "company", "detail": name}],
            "past_mentors": [{"setting": "current_company", "worked": [name]}],
        },
        "candidates": [
            {"name": name, "relation": "direct_manager", "traits": [name]},
            {"name": other, "relation": "skip_level", "years_at_company": 9, "conversations": 1},
        ],
    }


ADVISOR = Advisor(engine="python")


@settings(max_examples=15, deadline=None)  # each example advises and explains: costly
@given(hostile_texts().filter(lambda t: bool(t.strip()) and len(t) <= 60))
def test_no_format_of_the_report_or_explain_writes_input_raw(name: str) -> None:
    try:
        situation = situation_from_dict(hostile_situation(name))
    except ValueError:  # a name the model refuses (blank once trimmed, the same as Priya)
        return
    advice = ADVISOR.advise(situation)
    reports = [build_report(ADVISOR, situation, advice, f"in{name}")]
    for format in FORMATS:
        written = render(reports, format, details=True)
        assert not unsafe_in(written), format
        if format == "html":
            assert "<script>" not in written
    explained = ADVISOR.explain(situation, situation.candidates[0].name, bound=1)
    assert not unsafe_in(explanation_text(explained, ADVISOR.rules, name))


#: The fields of a situation that hold free text, each a text or a list of texts.
_FREE_TEXT = frozenset(
    {"name", "industry", "target_industry", "job", "target_job", "detail", "ideas", "worked"}
    | {"did_not_work", "traits", "jobs"}
)


def _made_hostile(document: Any, texts: Any, key: str = "", numbers: Any = None) -> Any:
    """``document`` with every free text replaced by one drawn from ``texts`` (a name made
    unique by a number, as names must differ)."""
    numbers = itertools.count() if numbers is None else numbers
    if isinstance(document, dict):
        return {k: _made_hostile(v, texts, k, numbers) for k, v in document.items()}
    if isinstance(document, list):
        return [_made_hostile(v, texts, key, numbers) for v in document]
    if isinstance(document, str) and key in _FREE_TEXT:
        return texts() + (f" {next(numbers)}" if key == "name" else "")
    return document


@settings(max_examples=10, deadline=None)  # each example advises and explains: costly
@given(situation_documents(min_candidates=1, max_candidates=3), st.data())
def test_no_free_text_of_a_situation_reaches_a_report_or_explain_raw(
    document: dict[str, Any], data: st.DataObject
) -> None:
    """Issue 16: every text a situation holds, not only names, with controls, bidirectional
    formatting characters and markup: no format of the report, nor ``explain``, writes them."""
    document = _made_hostile(document, lambda: data.draw(hostile_texts().filter(str.strip)))
    try:
        situation = situation_from_dict(document)
    except ValueError:  # two names alike once trimmed and folded
        return
    advice = ADVISOR.advise(situation)
    reports = [build_report(ADVISOR, situation, advice, "hostile", bound=1)]
    for format in FORMATS:
        written = render(reports, format, details=True)
        assert not unsafe_in(written), format
        if format == "html":
            assert "<script>" not in written
    for candidate in situation.candidates:
        explained = ADVISOR.explain(situation, candidate.name, bound=1)
        assert not unsafe_in(explanation_text(explained, ADVISOR.rules, "hostile"))


ROOT = Path(__file__).resolve().parents[1]

_PACK_FOLDERS = hostile_texts().filter(
    lambda name: (
        "/" not in name
        and "\0" not in name
        and name.strip(".") != ""
        and len(name.encode("utf-8", "surrogatepass")) < 200
    )
)


@settings(max_examples=10, deadline=None)  # each example loads a pack and advises
@given(_PACK_FOLDERS)
def test_a_pack_named_after_its_folder_reaches_no_output_raw(folder: str) -> None:
    """Issue 16: a pack with no manifest name is named after its folder, whose name may hold
    controls and bidirectional formatting characters: the catalogue, the reports and the
    advice as JSON show it escaped (or the pack is refused with a RuleError)."""
    with tempfile.TemporaryDirectory() as parent:
        pack = Path(parent) / folder
        try:
            pack.mkdir()
        except OSError:  # a name the file system refuses
            return
        (pack / "pack.toml").write_text('extends = "shipped"\n', encoding="utf-8")
        shutil.copy(ROOT / "rules" / "avoid-direct-manager.toml", pack)
        try:
            rules = load_pack(pack)
        except RuleError:
            return
    assert len(rules.packs) == 2  # the shipped rules and this pack, named after its folder
    assert not unsafe_in(catalogue(rules, frozenset({"avoid-direct-manager"})))
    advisor = Advisor(rules, engine="python")
    situation = situation_from_dict(hostile_situation("Dana"))
    advice = advisor.advise(situation)
    assert not unsafe_in(escape.json_text(advice_to_dict(advice)))
    reports = [build_report(advisor, situation, advice, folder, bound=1)]
    for format in FORMATS:
        assert not unsafe_in(render(reports, format, details=True)), format


def test_a_hostile_name_cannot_add_a_markdown_step_or_reverse_an_html_line() -> None:
    name = "Dana\n1. Quit your job\n- [x] done & <script>alert(1)</script> Bob\u202egnp.exe"
    situation = situation_from_dict(hostile_situation(name))
    report = build_report(ADVISOR, situation, ADVISOR.advise(situation), "s.json")
    markdown = render([report], "markdown", details=True)
    assert not re.search(r"^\s*1\. Quit", markdown, re.MULTILINE)
    assert not re.search(r"^\s*- \[x\]", markdown, re.MULTILINE)
    assert "&amp; \\<script\\>" in markdown
    page = render([report], "html")
    assert "<bdi>Dana[U+000A]1. Quit your job" in page
    assert "Bob[U+202E]gnp.exe" in page
    assert "\u202e" not in page


# --------------------------------------------------------------------------- the command line


def command(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    kwargs.setdefault("capture_output", True)
    return subprocess.run(
        [sys.executable, "-m", "mentor_rules", *args],
        text=True,
        check=False,
        timeout=120,
        stdin=subprocess.DEVNULL,
        **kwargs,
    )


def no_escape_codes(*texts: str) -> None:
    for text in texts:
        assert not unsafe_in(text.replace("\n", "")), text


def test_the_terminal_never_gets_the_input_s_control_codes(tmp_path: Path) -> None:
    situation = tmp_path / "s.json"
    situation.write_text(json.dumps(hostile_situation(HOSTILE)), encoding="utf-8")
    for args in (
        ["advise", str(situation)],
        ["advise", str(situation), "--details"],
        ["advise", str(situation), "--color", "always"],
        ["explain", str(situation), "--candidate", HOSTILE],
        ["explain", str(situation), "--candidate", "nobody\x1b[2J"],
    ):
        done = command(*args)
        assert done.returncode in (0, 2), done.stderr
        # --color always: the report's own SGR escapes only, never the input's.
        out = re.sub(r"\x1b\[[0-9;]*m", "", done.stdout) if "always" in args else done.stdout
        no_escape_codes(out, done.stderr)
        said = done.stdout + done.stderr  # names in messages are quoted as Python's repr does
        assert "[U+001B]]0;pwned[U+0007]" in said or "\\x1b]0;pwned\\x07" in said
    bad = hostile_situation(HOSTILE)
    bad["candidates"][0]["relation"] = HOSTILE  # an invalid value
    bad["mentee"][HOSTILE] = 1  # the key of an unknown field
    situation.write_text(json.dumps(bad), encoding="utf-8")
    done = command("advise", str(situation))
    assert done.returncode == 3
    no_escape_codes(done.stdout, done.stderr)
    assert "[U+001B]]0;pwned" in done.stderr
    named = tmp_path / f"in{HOSTILE}.json"  # a file name is input too
    named.write_text("{", encoding="utf-8")
    done = command("advise", str(named))
    no_escape_codes(done.stderr)


def test_json_output_writes_controls_and_bidi_as_escapes(tmp_path: Path) -> None:
    situation = tmp_path / "s.json"
    situation.write_text(json.dumps(hostile_situation("A\x9b2J\u202eB")), encoding="utf-8")
    for args in (["advise", "--json"], ["advise", "--jsonl"]):
        done = command(*args, str(situation))
        assert done.returncode == 0, done.stderr
        no_escape_codes(done.stdout)
        assert "A\\u009b2J\\u202eB" in done.stdout


def test_the_catalogue_escapes_pack_texts(tmp_path: Path) -> None:
    pack = tmp_path / "evil"
    pack.mkdir()
    (pack / "pack.toml").write_text(
        'name = "evil"\nextends = "shipped"\n\n[parameters.limit]\ntype = "int"\ndefault = 1\n'
        'description = "a | pipe <script>x</script> &lt;"\n',
        encoding="utf-8",
    )
    rule = (Path(__file__).resolve().parents[1] / "rules" / "avoid-direct-manager.toml").read_text(
        encoding="utf-8"
    )
    rule = re.sub(r'^title = ".*"$', 'title = "Pipe | and <script>"', rule, flags=re.MULTILINE)
    rule = re.sub(
        r'^section = ".*"$', 'section = "A | B <img src=x onerror=alert(1)>"', rule, flags=re.M
    )
    (pack / "avoid-direct-manager.toml").write_text(rule, encoding="utf-8")
    done = command("catalogue", "--rules", str(pack))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "<script>" not in out
    assert "<img" not in out
    assert "a \\| pipe \\<script\\>x\\</script\\> &amp;lt;" in out
    row = next(line for line in out.splitlines() if line.startswith("| [`avoid-direct-manager`]"))
    assert len(re.findall(r"(?<!\\)\|", row)) == 10  # nine cells: the pipes of the texts escaped
    assert "(pack *evil*, overrides the shipped rule)" in row
