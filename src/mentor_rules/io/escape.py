"""Text from the input made safe for where it is written: a terminal, Markdown, HTML, JSON.

Every writer of mentor-rules (the report, ``explain``, the catalogue, the command line's
messages and JSON) puts input texts through this module, so that a name such as
``"\\x1b]0;pwned\\x07"`` cannot set a terminal's title, ``"Bob\\u202egnp.exe"`` cannot reverse
a line, and ``"Dana\\n1. Quit"`` cannot add a step to a Markdown report.

- Control characters (C0, DEL, C1), line and paragraph separators, lone surrogates and the
  bidirectional formatting characters (embeddings, overrides, isolates, marks) are shown as
  their code point in brackets: ``[U+001B]``, ``[U+000A]``, ``[U+202E]`` (:func:`terminal`, for
  one text; :func:`visible` leaves new lines and tabs, for a whole document). Nothing else
  changes: letters of any script, emoji and their joiners stay as written.
- Markdown: the escapes above, then a backslash before every character Markdown gives a meaning
  to, ``&`` as ``&amp;``, and a number or a dash that would start a list, escaped.
- HTML: the escapes above, then ``html.escape``; :func:`html_isolated` wraps a text in
  ``<bdi>`` so that right-to-left text keeps to itself.
- JSON: :func:`json_text` is ``json.dumps`` with the characters JSON leaves raw (DEL, C1, the
  separators and bidirectional controls) written as ``\\uXXXX``: the same data, nothing a
  terminal acts on.
"""

from __future__ import annotations

import functools
import json
import re
import sys
from json.encoder import encode_basestring as _encode_text
from math import isfinite as _isfinite
from typing import Any

__all__ = [
    "UNSAFE",
    "html_isolated",
    "html_text",
    "json_text",
    "json_text_reference",
    "markdown",
    "terminal",
    "visible",
]

#: Characters never written raw: C0 and C1 controls and DEL, the line and paragraph separators,
#: lone surrogates, and the bidirectional formatting characters (ALM, LRM, RLM, LRE to RLO,
#: LRI to PDI). Of ASCII, exactly the characters ``str.isprintable`` refuses.
UNSAFE = "[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled, on first use: a class of characters this wide takes a few
    milliseconds to compile (the first one in a process the longest), which a command whose
    texts are plain ASCII never needs to pay."""
    return re.compile(pattern)


def _escape(match: re.Match[str]) -> str:
    return f"[U+{ord(match.group()):04X}]"


def terminal(text: str) -> str:
    """``text`` with every unsafe character shown as ``[U+XXXX]``: safe to print anywhere, on
    one line."""
    if text.isascii() and text.isprintable():  # nothing unsafe: the common case, quickly
        return text
    return _compiled(UNSAFE).sub(_escape, text)


_UNSAFE_BUT_LINES = UNSAFE.replace("\x00-\x1f", "\x00-\x08\x0b-\x1f")


def visible(text: str) -> str:
    """``text`` (a whole document) with every unsafe character but new lines and tabs shown as
    ``[U+XXXX]``."""
    return _compiled(_UNSAFE_BUT_LINES).sub(_escape, text)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")
_MD_LIST_START = re.compile(r"^(\s*)(\d+)([.)])|^(\s*)([-+=])")


def markdown(text: str) -> str:
    """``text`` as Markdown that shows it as written, on one line: unsafe characters escaped,
    then Markdown's special characters, ``&``, and what would start a list or a heading."""
    text = _MD_SPECIAL.sub(r"\\\1", terminal(text)).replace("&", "&amp;")
    return _MD_LIST_START.sub(_list_start, text)


def _list_start(match: re.Match[str]) -> str:
    if match.group(2) is not None:
        return f"{match.group(1)}{match.group(2)}\\{match.group(3)}"
    return f"{match.group(4)}\\{match.group(5)}"


def html_text(text: str) -> str:
    """``text`` as HTML text: unsafe characters escaped, then markup (quotes included)."""
    from html import escape  # here: only HTML output needs it (its entities take time to load)

    return escape(terminal(text))


def html_isolated(text: str) -> str:
    """``text`` as HTML text in a ``<bdi>``, its direction kept from its neighbours'."""
    return f"<bdi>{html_text(text)}</bdi>"


_JSON_RAW = "[\x7f-\x9f\u2028\u2029\ud800-\udfff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"


#: The characters beyond ASCII that advice always holds, its messages quoting texts “like
#: this” (``advice/build.py``): none is one the pattern escapes.
_QUOTES = ("\u201c", "\u201d")


def json_text(document: Any, *, indent: int | None = None) -> str:
    """``document`` as JSON text, with no character a terminal acts on left raw (JSON escapes
    the C0 controls itself; the others are written ``\\uXXXX`` here).

    :func:`json_text_reference` with the pattern's search left out where the text cannot hold
    a match: a text that is ASCII once the quotes advice holds are taken out (``str.isascii``
    costs nothing, the string knows), without DEL, the only ASCII character of the pattern.
    The search took a quarter of this function's time on advice; the quotes taken out and
    the look for DEL, a third of the search's.
    """
    if indent is None or _INDENTS_IN_C:
        text = json.dumps(document, ensure_ascii=False, indent=indent)
    else:
        text = _indented(document, indent)
    plain = text
    if not plain.isascii():
        for quote in _QUOTES:
            plain = plain.replace(quote, "")
    if plain.isascii() and "\x7f" not in plain:
        return text
    return _compiled(_JSON_RAW).sub(_json_escape, text)


def json_text_reference(document: Any, *, indent: int | None = None) -> str:
    """:func:`json_text` by its definition: the JSON text, every character of the pattern
    written ``\\uXXXX``."""
    text = json.dumps(document, ensure_ascii=False, indent=indent)
    return _compiled(_JSON_RAW).sub(_json_escape, text)


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


#: Whether json.dumps writes an indented text with its C encoder (from Python 3.13, quicker
#: than :func:`_indented`); before, it did with its Python one.
_INDENTS_IN_C = sys.version_info >= (3, 13)


class _NotPlain(Exception):
    """A value :func:`_indented` leaves to ``json.dumps``."""


#: How deeply :func:`_indented` goes before leaving a document to ``json.dumps`` (which says
#: what is wrong with one that contains itself): far deeper than any document written here.
_DEEPEST = 100


def _indented(document: Any, indent: int) -> str:
    """``json.dumps(document, ensure_ascii=False, indent=indent)``, text for text, written by
    one recursive function appending to a list: before Python 3.13, ``json.dumps`` with an
    indent uses its pure-Python encoder, whose nested generators hand each piece up through
    every level, and took longer than advising to write an advice document. Objects with
    text keys, lists, tuples, texts, finite floats, integers, true, false and null are written
    here; a document holding anything else (a subclass of any, another key, a float that is
    not finite) is ``json.dumps``'s."""
    if type(indent) is not int:
        return json.dumps(document, ensure_ascii=False, indent=indent)
    parts: list[str] = []
    try:
        _write_indented(document, parts, "\n", " " * indent, 0)
    except _NotPlain:
        return json.dumps(document, ensure_ascii=False, indent=indent)
    return "".join(parts)


def _write_indented(value: Any, parts: list[str], newline: str, step: str, depth: int) -> None:
    """Append ``value`` written at the indentation ``newline`` (a new line and the current
    indent) to ``parts``."""
    kind = type(value)
    if kind is str:
        parts.append(_encode_text(value))
    elif kind is dict:
        if not value:
            parts.append("{}")
            return
        if depth > _DEEPEST:
            raise _NotPlain
        inner = newline + step
        separator = "{" + inner
        for key, item in value.items():
            if type(key) is not str:
                raise _NotPlain
            parts.append(separator)
            parts.append(_encode_text(key))
            parts.append(": ")
            if type(item) is str:  # the usual value, without a call
                parts.append(_encode_text(item))
            else:
                _write_indented(item, parts, inner, step, depth + 1)
            separator = "," + inner
        parts.append(newline + "}")
    elif kind is list or kind is tuple:
        if not value:
            parts.append("[]")
            return
        if depth > _DEEPEST:
            raise _NotPlain
        inner = newline + step
        separator = "[" + inner
        for item in value:
            parts.append(separator)
            if type(item) is str:
                parts.append(_encode_text(item))
            else:
                _write_indented(item, parts, inner, step, depth + 1)
            separator = "," + inner
        parts.append(newline + "]")
    elif value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif kind is int:
        parts.append(int.__repr__(value))
    elif kind is float and _isfinite(value):
        parts.append(float.__repr__(value))
    else:
        raise _NotPlain
