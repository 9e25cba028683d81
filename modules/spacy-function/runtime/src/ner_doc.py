"""Tokenizing a text in bounded time, exactly as spaCy does for every text but hostile ones.

spaCy's tokenizer strips prefixes and suffixes from each whitespace-free run one at a time, copying
and re-searching the rest each time: quadratic in the run's length when the run is made of affixes
(10,000 characters of `.,` take 14 CPU seconds; docs/benchmarks.md). Its URL and infix matching are
also super-linear on some long runs (100,000 characters of `a:`: 20 s). So a run is tokenized as spaCy
does it unless it is longer than MAX_WHOLE_RUN_CHARS or spaCy would strip MAX_AFFIXES affixes from its two
ends; only such a run is tokenized in pieces of PIECE_CHARS, joined into one Doc over the original
text (offsets still index what was sent; only the token boundary at each cut is forced). A run's
cost is about its length times its affixes, so its cost per character stays below that of the worst
piece. The affixes are counted with the tokenizer's own prefix and suffix patterns on short windows
at the ends, up to MAX_AFFIXES. On the real-text corpus (real_text.py) no run is cut.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

PIECE_CHARS = 100
MAX_WHOLE_RUN_CHARS = 5_000
# A piece can have at most PIECE_CHARS affixes: a run with fewer costs no more per character.
MAX_AFFIXES = PIECE_CHARS
# Longest affix match looked at; spaCy's affix patterns are a few characters long.
_WINDOW = 64
_LONG_RUN = re.compile(rf"\S{{{PIECE_CHARS + 1},}}")


def make_doc(nlp: Language, text: str) -> Doc:
    slow = slow_runs(nlp, text)
    if not slow:
        return nlp.make_doc(text)
    pieces = []
    start = 0
    for run in slow:
        for cut in range(run.start() + PIECE_CHARS, run.end(), PIECE_CHARS):
            pieces.append(text[start:cut])
            start = cut
    pieces.append(text[start:])
    return Doc.from_docs([nlp.make_doc(piece) for piece in pieces], ensure_whitespace=False)


def slow_runs(nlp: Language, text: str) -> list[re.Match[str]]:
    """The whitespace-free runs of the text that spaCy's tokenizer would not tokenize in bounded time."""
    return [run for run in _LONG_RUN.finditer(text) if _slow(nlp.tokenizer, run.group())]


def _slow(tokenizer: Any, run: str) -> bool:
    if len(run) > MAX_WHOLE_RUN_CHARS:
        return True
    prefixes = _affixes(getattr(tokenizer, "prefix_search", None), run, MAX_AFFIXES, from_end=False)
    suffixes = _affixes(getattr(tokenizer, "suffix_search", None), run, MAX_AFFIXES - prefixes, from_end=True)
    return prefixes + suffixes >= MAX_AFFIXES


def _affixes(search: Callable[[str], Any] | None, run: str, most: int, *, from_end: bool) -> int:
    """How many affixes spaCy's loop would strip from one end of the run, counted up to `most`.

    Affix matches are short, so a window at the end sees what the whole rest would show; a match that
    fills the window (a long run of dots) only makes the count larger than spaCy's, never smaller.
    """
    if search is None:
        return 0
    count, start, end = 0, 0, len(run)
    while count < most and start < end:
        window = run[max(start, end - _WINDOW) : end] if from_end else run[start : min(end, start + _WINDOW)]
        match = search(window)
        if match is None or match.end() == match.start():
            break
        if from_end:
            end -= match.end() - match.start()
        else:
            start += match.end() - match.start()
        count += 1
    return count
