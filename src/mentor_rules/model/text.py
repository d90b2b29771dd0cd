"""How texts compare: candidate names, industries and jobs, and traits against past mentors' notes.

- Names compare ignoring case and runs of white space.
- Industries and jobs compare ignoring case, spacing and punctuation.
- A trait *echoes* a note about a past mentor when the content words of one, reduced to their
  stems by the Snowball English stemmer, are all among those of the other: "micromanages"
  echoes "micromanaging", and "gives blunt feedback" echoes "blunt feedback"; a negated text
  echoes only a negated one ("not patient" does not echo "patient").
"""

from __future__ import annotations

import functools
from typing import Any

__all__ = ["echoes", "name_key", "stems_echo", "text_key", "word_stems"]

#: Words that carry no meaning of their own in a short note about a person.
_STOP_WORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "i",
        "in",
        "is",
        "it",
        "its",
        "me",
        "my",
        "of",
        "on",
        "or",
        "so",
        "than",
        "that",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "too",
        "very",
        "was",
        "were",
        "who",
        "will",
        "with",
        "you",
        "your",
        "do",
        "does",
        "did",
        "doesn",
        "don",
        "didn",
        "isn",
        "wasn",
        "aren",
        "weren",
    }
)

#: The Snowball English stemmer, made when a text is first stemmed: importing snowballstemmer
#: took a tenth of ``import mentor_rules``, and a situation with no traits or notes
#: about past mentors needs none.
_STEMMER: Any = None


def _stemmer() -> Any:
    global _STEMMER
    if _STEMMER is None:  # two threads may both make one: equal, and either will do
        import snowballstemmer

        _STEMMER = snowballstemmer.stemmer("english")
    return _STEMMER


def name_key(name: str) -> str:
    """How candidate names are compared: ignoring case and runs of white space."""
    return " ".join(name.casefold().split())


def text_key(text: str) -> str:
    """How industries and jobs are compared: ignoring case, spacing and punctuation.

    ``"UX design"``, ``"ux-design"`` and ``" U.X. Design "`` are one key, ``"ux design"``;
    letters and digits of any script count, anything else separates words.
    """
    words = "".join(c if c.isalnum() else " " for c in text.casefold().replace(".", ""))
    return " ".join(words.split())


@functools.lru_cache(maxsize=4096)
def word_stems(text: str) -> frozenset[str]:
    """The stems of the content words of ``text`` (stop words left out, unless that is all)."""
    words = ["not" if w == "t" else w for w in text_key(text).split()]  # "don't": "don", "t"
    content = [w for w in words if w not in _STOP_WORDS] or words
    return frozenset(_stemmer().stemWords(content))


#: Words that turn a note around: "not patient" does not echo "patient".
_NEGATIONS = frozenset({"not", "no", "never", "nor", "without", "cannot"})


def echoes(trait: str, note: str) -> bool:
    """Whether ``trait`` and ``note`` say the same thing: one's word stems hold the other's,
    and both or neither are negated."""
    return stems_echo(word_stems(trait), word_stems(note))


def stems_echo(mine: frozenset[str], theirs: frozenset[str]) -> bool:
    """:func:`echoes` on texts already reduced to their stems by :func:`word_stems`."""
    if bool(mine & _NEGATIONS) != bool(theirs & _NEGATIONS):
        return False
    return bool(mine and theirs) and (mine <= theirs or theirs <= mine)
