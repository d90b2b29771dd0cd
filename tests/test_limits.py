"""Limits on the input (issue 8, item 12): what one evaluation may be given, and what it costs.

Each bound is checked at its default and just over it, on every engine available here; the
costs behind the defaults are measured in docs/limits.md.
"""

from __future__ import annotations

from typing import Any

import pytest

import mentor_rules._text
from mentor_rules import Advisor

# --------------------------------------------------------------------------- cost


def test_each_text_is_stemmed_once_however_many_texts_there_are(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """More texts than the stems cache holds were stemmed again for every pair of a trait and a
    note (200 candidates with 50 short traits and 2,500 notes took 72 s). Now each text is
    stemmed at most twice: once for the facts, and once more for the evidence of an echo."""
    stemmed = 0
    real = mentor_rules._text._STEMMER

    class Counting:
        def stemWords(self, words: list[str]) -> list[str]:  # snowball's name
            nonlocal stemmed
            stemmed += 1
            result: list[str] = real.stemWords(words)
            return result

    monkeypatch.setattr(mentor_rules._text, "_STEMMER", Counting())
    mentor_rules._text.word_stems.cache_clear()
    notes = [[f"note {m} {n}" for n in range(100)] for m in range(50)]  # 5,000 texts
    document: dict[str, Any] = {
        "mentee": {"past_mentors": [{"setting": "school", "worked": w} for w in notes]},
        "candidates": [
            {"name": f"c{c}", "relation": "peer", "traits": [f"trait {c} {t}" for t in range(10)]}
            for c in range(3)
        ],
    }
    document["candidates"][0]["traits"][9] = "note 0 0"
    advice = Advisor(engine="python").advise(document)
    assert "echoes-what-worked" in advice.for_candidate("c0").rules
    texts = 5_000 + 3 * 10
    assert stemmed <= 2 * texts, stemmed
