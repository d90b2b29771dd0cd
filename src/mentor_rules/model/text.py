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
from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Any

from attrs import field, frozen

__all__ = [
    "NEGATIONS",
    "STOP_WORDS",
    "EchoIndex",
    "Gist",
    "MatchHow",
    "ShortForm",
    "ShortForms",
    "TextMatch",
    "compact_key",
    "echoes",
    "gist",
    "gists_echo",
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
    """A text's words: ignoring case and punctuation, a dot dropped, anything else that is not
    a letter or a digit (of any script) separating words.

    ``"UX design"``, ``"ux-design"`` and ``" U.X. Design "`` are one key, ``"ux design"``.
    """
    words = "".join(c if c.isalnum() else " " for c in text.casefold().replace(".", ""))
    return " ".join(words.split())


def compact_key(text: str) -> str:
    """A text ignoring case, spaces, hyphens and punctuation: only its letters and digits.

    ``"health care"``, ``"Healthcare"`` and ``"Health-Care"`` are one key, ``"healthcare"``.
    """
    return "".join(c for c in text.casefold() if c.isalnum())


# --------------------------------------------------------------------------- industries, jobs


@frozen
class ShortForm:
    """A recognised short form of a longer text: ``biotech`` of ``biotechnology``."""

    short: str
    long: str


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

    def _read(self, text: str) -> tuple[str, tuple[ShortForm, ...]]:
        """``text``'s key and the short forms read as long forms to make it."""
        whole = self._whole.get(compact_key(text))
        if whole is not None:
            return compact_key(whole.long), (whole,)
        words = self._words
        if not words:
            return compact_key(text), ()
        used: list[ShortForm] = []
        parts: list[str] = []
        for word in text_key(text).split():
            form = words.get(word)
            if form is None:
                parts.append(word)
            else:
                used.append(form)
                parts.append(compact_key(form.long))
        return "".join(parts), tuple(used)

    def matcher(self, other: str) -> Callable[[str], bool]:
        """Whether a text matches ``other`` (:meth:`match` is not None): the fast path, with
        ``other``'s keys made once and each text's without the :class:`TextMatch`."""
        same, read = compact_key(other), self._read(other)[0]
        return lambda text: compact_key(text) == same or self._read(text)[0] == read

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
        mine, used = self._read(text)
        theirs, their_used = self._read(other)
        if mine != theirs:
            return None
        return TextMatch(MatchHow.SHORT_FORM, text, other, (*used, *their_used))


# --------------------------------------------------------------------------- echoes


@frozen
class Gist:
    """What a short note says, as echoes compare it: the stems of its content words, and
    whether it is negated."""

    stems: frozenset[str]
    negated: bool


@functools.lru_cache(maxsize=4096)
def gist(text: str) -> Gist:
    """The :class:`Gist` of ``text``: its words (:func:`text_key`), negated if one is in
    :data:`NEGATIONS`, and the stems of those neither there nor in :data:`STOP_WORDS` (of all
    its words, if that leaves none)."""
    words = ["not" if w == "t" else w for w in text_key(text).split()]  # "don't": "don", "t"
    negated = any(w in NEGATIONS for w in words)
    content = [w for w in words if w not in STOP_WORDS and w not in NEGATIONS] or words
    return Gist(frozenset(_stemmer().stemWords(content)), negated)


def gists_echo(mine: Gist, theirs: Gist) -> bool:
    """:func:`echoes` on texts already made :class:`Gist`\\ s: both or neither negated, and
    one's stems all among the other's, or at least three shared with at most one more on
    either side."""
    if mine.negated != theirs.negated:
        return False
    a, b = mine.stems, theirs.stems
    shared = len(a & b)
    if not shared:
        return False
    if shared == len(a) or shared == len(b):
        return True
    return shared >= 3 and len(a) - shared <= 1 and len(b) - shared <= 1


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
        # Each note's two rarest stems (fewest notes hold them; ties by the stem's text).
        rarest: dict[str, set[int]] = {}
        for number, made in enumerate(gists):
            for stem in sorted(made.stems, key=lambda s: (len(holding[s]), s))[:2]:
                rarest.setdefault(stem, set()).add(number)
        self._holding = holding
        self._rarest = rarest
        self._gists: Sequence[Gist] = gists

    def __bool__(self) -> bool:
        return bool(self._gists)

    def echoed(self, text: str) -> bool:
        """Whether ``text`` echoes one of the notes."""
        mine = gist(text)
        holding, rarest, gists = self._holding, self._rarest, self._gists
        empty: set[int] = set()
        by_rarity = sorted(mine.stems, key=lambda s: (len(holding.get(s, empty)), s))
        candidates = empty.union(
            *(holding.get(stem, empty) for stem in by_rarity[:2]),
            *(rarest.get(stem, empty) for stem in mine.stems),
        )
        return any(gists_echo(mine, gists[number]) for number in candidates)
