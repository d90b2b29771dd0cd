"""How texts compare: candidate names, industries and jobs, and traits against past mentors' notes.

- Names compare ignoring case and runs of white space (:func:`name_key`).
- Industries and jobs compare ignoring case, spaces, hyphens and punctuation ("health care",
  "Healthcare" and "Health-Care" are one), and a recognised short form is its long form
  ("biotech" is "biotechnology"), from a table of :class:`ShortForms` that the rule set
  carries (``rules/pack.toml``, extended by packs). :meth:`ShortForms.match` says how two
  texts matched, as a :class:`TextMatch`; :meth:`ShortForms.matcher` is its fast path.
- A trait *echoes* a note about a past mentor when they say the same thing in content words
  (:func:`echoes`): the small words left out (see :data:`STOP_WORDS`), the rest reduced to
  their stems by the Snowball English stemmer, one text's stems are all among the other's, or
  they share at least three and each has at most one the other lacks; a negated text echoes
  only a negated one. "micromanages" echoes "micromanaging", "mostly talks about her own
  career" echoes "only talked about their own career", "not patient" does not echo
  "patient". :class:`EchoIndex` finds the same echoes without comparing every pair.
"""

from __future__ import annotations

import functools
import heapq
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Any

from attrs import field, frozen

from .._repr import attrs_repr

__all__ = [
    "MATCHER_HELD",
    "NEGATIONS",
    "STOP_WORDS",
    "EchoIndex",
    "Gist",
    "MatchHow",
    "ShortForm",
    "ShortForms",
    "TextMatch",
    "clear_caches",
    "compact_key",
    "echoes",
    "gist",
    "gists_echo",
    "make_stemmer",
    "name_key",
    "text_key",
]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Words that carry no meaning of their own in a short note about a person: articles,
#: pronouns, auxiliaries, prepositions, and words of degree or frequency ("mostly", "always"),
#: which say how much, not what.
STOP_WORDS = _words(
    """
    a an the and or but if so as than that this these those there here
    i me my mine you your yours he him his she her hers it its we us our ours they them their
    theirs who whom whose which what when where how why
    am is are was were be been being do does did doing has have had having will would shall
    should can could may might must
    at by for from in into of on onto to with about over under up out off through
    too very really quite rather just only mostly mainly largely usually generally always
    often sometimes constantly also even all some any each much lot lots bit
    doesn don didn isn wasn aren weren hasn haven hadn won wouldn couldn shouldn
    """
)

#: Words that turn a note around: "not patient" does not echo "patient", and "rarely
#: available" does not echo "available". ("don't" is read as "don" and "not".)
NEGATIONS = _words(
    "not no never nor without cannot nothing nobody none neither hardly rarely seldom barely"
)

_LEFT_OUT = STOP_WORDS | NEGATIONS

#: The Snowball English stemmer, made when a text is first stemmed (importing it took a tenth of
#: ``import mentor_rules``, and a situation with no traits or notes about past mentors needs
#: none): see :func:`make_stemmer`.
_STEMMER: Any = None


def make_stemmer(*, compiled: bool = True) -> Any:
    """A Snowball English stemmer: the Snowball project's C binding (PyStemmer, about 1 µs a
    word) when it is installed and ``compiled``, else the same algorithm in pure Python
    (snowballstemmer, about 30 µs a word). Both give the same stems (tested on every word of
    the docs and 400,000 made-up ones); each has ``stemWords(list of words)``."""
    if compiled:
        try:
            import Stemmer
        except ImportError:
            pass
        else:
            return Stemmer.Stemmer("english", 0)  # its cache of words: slower, below
    from snowballstemmer.english_stemmer import EnglishStemmer

    return EnglishStemmer()


def _stemmer() -> Any:
    global _STEMMER
    if _STEMMER is None:  # two threads may both make one: equal, and either will do
        _STEMMER = make_stemmer()
    return _STEMMER


#: A run of characters that are not letters or digits of any script (``\\W`` is exactly what
#: :meth:`str.isalnum` refuses, with ``_`` added: tested over every code point).
_NOT_ALNUM = re.compile(r"[\W_]+")
#: The same for ASCII text, as tables for :meth:`str.translate`, some ten times quicker than
#: the pattern: every ASCII character that is not a letter or a digit becomes a space (a dot
#: is dropped: :func:`text_key`), or is dropped (:func:`compact_key`).
_ASCII_NOT_ALNUM = [chr(c) for c in range(128) if not chr(c).isalnum()]
_ASCII_WORDS = str.maketrans(dict.fromkeys(_ASCII_NOT_ALNUM, " ") | {".": None})
_ASCII_LETTERS = str.maketrans(dict.fromkeys(_ASCII_NOT_ALNUM))


def name_key(name: str) -> str:
    """How candidate names are compared: ignoring case and runs of white space."""
    return " ".join(name.casefold().split())


def text_key(text: str) -> str:
    """A text's words: ignoring case and punctuation, a dot dropped, anything else that is not
    a letter or a digit (of any script) separating words.

    ``"UX design"``, ``"ux-design"`` and ``" U.X. Design "`` are one key, ``"ux design"``.
    """
    folded = text.casefold()
    if folded.isascii():
        return " ".join(folded.translate(_ASCII_WORDS).split())
    folded = folded.replace(".", "")
    if folded.replace(" ", "").isalnum():  # words and spaces: ten times quicker than the pattern
        return " ".join(folded.split())
    return _NOT_ALNUM.sub(" ", folded).strip()


def compact_key(text: str) -> str:
    """A text ignoring case, spaces, hyphens and punctuation: only its letters and digits.

    ``"health care"``, ``"Healthcare"`` and ``"Health-Care"`` are one key, ``"healthcare"``.
    """
    folded = text.casefold()
    if folded.isascii():
        return folded.translate(_ASCII_LETTERS)
    joined = folded.replace(" ", "")
    return joined if joined.isalnum() else _NOT_ALNUM.sub("", folded)


# --------------------------------------------------------------------------- industries, jobs


@frozen
class ShortForm:
    """A recognised short form of a longer text: ``biotech`` of ``biotechnology``."""

    __repr__ = attrs_repr

    short: str
    long: str


#: How many texts' answers a :meth:`ShortForms.matcher` keeps.
MATCHER_HELD = 4096


class MatchHow(StrEnum):
    """How two texts were found to be the same industry or job."""

    #: The same letters and digits, ignoring case, spaces, hyphens and punctuation.
    SAME = "same"
    #: The same once each recognised short form is read as its long form.
    SHORT_FORM = "short_form"


@frozen
class TextMatch:
    """How a candidate's text (``text``) matched the mentee's (``other``): ``how``, and the
    short forms read as their long forms to get there (empty for ``same``)."""

    __repr__ = attrs_repr

    how: MatchHow
    text: str
    other: str
    short_forms: tuple[ShortForm, ...] = ()


def _forms_tuple(forms: Iterable[ShortForm]) -> tuple[ShortForm, ...]:
    return tuple(forms)


@frozen
class ShortForms:
    """A table of recognised short forms of industries and jobs, by short form.

    A short form counts when it is the whole text (``"R&D"``) or, for a one-word short form,
    one of the text's words (``"biotech startups"`` is ``"biotechnology startups"``). Short
    forms and long forms compare as :func:`compact_key` says. A later form with the same
    short form replaces an earlier one (:meth:`extended`); :meth:`problems` names what a
    table may not hold (a long form that is itself a short form, or holds one as a word).
    """

    __repr__ = attrs_repr

    forms: tuple[ShortForm, ...] = field(default=(), converter=_forms_tuple)
    _whole: dict[str, ShortForm] = field(init=False, repr=False, eq=False)
    _words: dict[str, ShortForm] = field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        whole = {compact_key(form.short): form for form in self.forms}
        words = {key: form for key, form in whole.items() if text_key(form.short) == key}
        object.__setattr__(self, "_whole", whole)
        object.__setattr__(self, "_words", words)

    @classmethod
    def from_mapping(cls, table: Mapping[str, str]) -> ShortForms:
        """A table from ``{short form: long form}``, in the mapping's order."""
        return cls(ShortForm(short, long) for short, long in table.items())

    def extended(self, other: ShortForms) -> ShortForms:
        """This table with ``other``'s forms added, each replacing one of the same short form."""
        if not other.forms:
            return self
        replaced = {compact_key(form.short) for form in other.forms}
        kept = (form for form in self.forms if compact_key(form.short) not in replaced)
        return ShortForms((*kept, *other.forms))

    def problems(self) -> list[tuple[ShortForm, str]]:
        """What is wrong with the table, form by form (empty: nothing)."""
        found: list[tuple[ShortForm, str]] = []
        for form in self.forms:
            short, long = compact_key(form.short), compact_key(form.long)
            if not short or not long:
                found.append((form, "a short form and its long form need letters or digits"))
            elif short == long:
                found.append((form, "the long form is the short form written another way"))
            elif long in self._whole:
                found.append((form, f"the long form {form.long!r} is itself a short form"))
            elif any(word in self._words for word in text_key(form.long).split()):
                found.append((form, f"the long form {form.long!r} holds a short form as a word"))
        return found

    def _keys(self, text: str) -> tuple[str, str, tuple[ShortForm, ...]]:
        """``text``'s key (:func:`compact_key`), its key with the short forms read as long
        forms, and the short forms so read."""
        split = text_key(text).split()
        key = "".join(split)  # its words are its letters and digits: compact_key(text)
        whole = self._whole.get(key)
        if whole is not None:
            return key, compact_key(whole.long), (whole,)
        words = self._words
        if words.keys().isdisjoint(split):
            return key, key, ()
        used: list[ShortForm] = []
        parts: list[str] = []
        for word in split:
            form = words.get(word)
            if form is None:
                parts.append(word)
            else:
                used.append(form)
                parts.append(compact_key(form.long))
        return key, "".join(parts), tuple(used)

    def matcher(self, other: str) -> Callable[[str], bool]:
        """Whether a text matches ``other`` (:meth:`match` is not None): the fast path, with
        ``other``'s keys made once, and each text's (one pass over it) without the
        :class:`TextMatch`. Its answers are kept, for up to :data:`MATCHER_HELD` texts: the
        searches of "what would change it" match one candidate's jobs again in every changed
        copy of the situation."""
        same, read, _ = self._keys(other)
        known: dict[str, bool] = {}

        def matches(text: str) -> bool:
            nonlocal known
            answer = known.get(text)
            if answer is None:
                key, mine, _ = self._keys(text)
                answer = key == same or mine == read
                if len(known) >= MATCHER_HELD:
                    known = {}  # replaced, not emptied: another thread may be reading it
                known[text] = answer
            return answer

        return matches

    def match(self, text: str, other: str) -> TextMatch | None:
        """How ``text`` matches ``other`` (None: it does not). The reference definition:

        - ``same`` when they have the same letters and digits (:func:`compact_key`);
        - ``short_form`` when they are the same once each short form (the whole text, or a
          word of it) is read as its long form.

        Nothing else matches: no partial or fuzzy match, so "healthcare staffing" is not
        "healthcare", and "fintech" is not "biotech".
        """
        if compact_key(text) == compact_key(other):
            return TextMatch(MatchHow.SAME, text, other)
        _, mine, used = self._keys(text)
        _, theirs, their_used = self._keys(other)
        if mine != theirs:
            return None
        return TextMatch(MatchHow.SHORT_FORM, text, other, (*used, *their_used))


# --------------------------------------------------------------------------- echoes


@frozen
class Gist:
    """What a short note says, as echoes compare it: the stems of its content words, and
    whether it is negated."""

    __repr__ = attrs_repr

    stems: frozenset[str]
    negated: bool


@functools.lru_cache(maxsize=4096)
def gist(text: str) -> Gist:
    """The :class:`Gist` of ``text``: its words (:func:`text_key`), negated if one is in
    :data:`NEGATIONS`, and the stems of those neither there nor in :data:`STOP_WORDS` (of all
    its words, if that leaves none)."""
    words = set(text_key(text).split())
    if "t" in words:  # "don't": "don", "t"
        words.remove("t")
        words.add("not")
    negated = not NEGATIONS.isdisjoint(words)
    content = words - _LEFT_OUT or words  # each distinct word stemmed once
    return Gist(frozenset(_stemmer().stemWords(list(content))), negated)


def clear_caches() -> None:
    """Forget every :class:`Gist` made so far (to measure a first evaluation)."""
    gist.cache_clear()


def gists_echo(mine: Gist, theirs: Gist) -> bool:
    """:func:`echoes` on texts already made :class:`Gist`\\ s: both or neither negated, and
    one's stems all among the other's, or at least three shared with at most one more on
    either side."""
    if mine.negated != theirs.negated:
        return False
    a, b = mine.stems, theirs.stems
    small, big = (a, b) if len(a) <= len(b) else (b, a)
    if not small:
        return False
    if small <= big:  # one's stems all among the other's
        return True
    # Otherwise the smaller lacks one stem of the larger, at least, so each lacks exactly one
    # of the other's: they are as many, at least four (three shared and one more).
    return len(small) == len(big) >= 4 and len(small - big) == 1


def echoes(trait: str, note: str) -> bool:
    """Whether ``trait`` and ``note`` say the same thing, as the module's docstring says."""
    return gists_echo(gist(trait), gist(note))


class EchoIndex:
    """Notes indexed by stem, to find whether a text echoes one of them without comparing it
    with every note (``any(echoes(text, note) for note in notes)``, tested equal).

    Two texts that echo share all the stems of one of them but at most one (see
    :func:`gists_echo`; at least one stem in all). So of any two stems of the text, one is in
    the note, or of any two stems of the note, one is in the text. Only the notes that hold
    one of the text's two rarest stems, or one of whose two rarest stems the text holds, are
    compared with it: in ordinary notes, which share few words, a handful.
    """

    def __init__(self, notes: Iterable[str]) -> None:
        gists = list(dict.fromkeys(gist(note) for note in notes))
        holding: dict[str, set[int]] = {}
        for number, made in enumerate(gists):
            for stem in made.stems:
                holding.setdefault(stem, set()).add(number)
        counts = {stem: len(numbers) for stem, numbers in holding.items()}
        # Each note's two rarest stems (fewest notes hold them). Any two would find every echo
        # (above); the rarest find fewest notes to compare, and which of a tie is taken does
        # not matter.
        rarest: dict[str, set[int]] = {}
        for number, made in enumerate(gists):
            for stem in heapq.nsmallest(2, made.stems, key=counts.__getitem__):
                rarest.setdefault(stem, set()).add(number)
        self._holding = holding
        self._counts = counts
        self._rarest = rarest
        self._gists: Sequence[Gist] = gists

    def __bool__(self) -> bool:
        return bool(self._gists)

    def echoed(self, text: str) -> bool:
        """Whether ``text`` echoes one of the notes."""
        mine = gist(text)
        stems, holding, rarest = mine.stems, self._holding, self._rarest
        held = stems & self._counts.keys()  # set operations in C: texts have ~100 stems
        # The text's two rarest stems: one held by no note is rarest, and finds none.
        wanted = 2 - (len(stems) - len(held))
        two = heapq.nsmallest(wanted, held, key=self._counts.__getitem__) if wanted > 0 else []
        candidates: set[int] = set().union(
            *(holding[stem] for stem in two),
            *(rarest[stem] for stem in stems & rarest.keys()),
        )
        gists = self._gists
        return any(gists_echo(mine, gists[number]) for number in candidates)
