"""Tokenizing a text at a cost linear in its length, whatever the caller sends.

spaCy's tokenizer strips prefix and suffix punctuation one character at a time from each
whitespace-free run, copying the rest each time: quadratic in the run's length. A 10,000-character
run of punctuation takes 16 CPU seconds (docs/benchmarks.md), so one hostile 100,000-character
text would outlast any timeout. Runs longer than MAX_RUN_CHARS are tokenized in pieces of that
length and joined into one Doc with the original text, so offsets still index what was sent; only
the token boundary at each cut is forced. Real words, URLs and numbers are far shorter.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

MAX_RUN_CHARS = 100
_LONG_RUN = re.compile(rf"\S{{{MAX_RUN_CHARS + 1},}}")


def make_doc(nlp: Language, text: str) -> Doc:
    if _LONG_RUN.search(text) is None:
        return nlp.make_doc(text)
    pieces = []
    start = 0
    for run in _LONG_RUN.finditer(text):
        for cut in range(run.start() + MAX_RUN_CHARS, run.end(), MAX_RUN_CHARS):
            pieces.append(text[start:cut])
            start = cut
    pieces.append(text[start:])
    return Doc.from_docs([nlp.make_doc(piece) for piece in pieces], ensure_whitespace=False)
