"""Keeping the words an environment sees again and again out of the memory zone.

Inside `nlp.memory_zone()` spaCy neither caches tokenizations nor keeps lexemes, so every request
would compute every word's lexeme attributes afresh: 26 % more CPU per sentence for en_core_web_sm
(docs/benchmarks.md). After each request, outside the zone, the whitespace-separated words met in an
earlier request too are tokenized once for good (cached, permanent lexemes), up to MAX_WORDS: a
word seen once (a name, an ID, a typo) never stays, and however the traffic looks the kept words
cost at most about MAX_WORDS x 0.5 KiB.
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.language import Language

MAX_WORDS = 20_000
# Words are counted while fewer than this many are pending; then the count starts again.
MAX_PENDING = 10_000
# Longer chunks hardly recur and tokenizing them is not cheap (ner_doc).
MAX_WORD_CHARS = 40


class WarmWords:
    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        self.kept: set[str] = set()
        self.pending: set[str] = set()

    def note(self, texts: Iterable[str]) -> int:
        """Keep the words of `texts` seen before; call outside the memory zone. Returns how many."""
        if len(self.kept) >= MAX_WORDS:
            return 0
        words = {word for text in texts for word in text.split() if len(word) <= MAX_WORD_CHARS}
        words -= self.kept
        again = words & self.pending
        if again:
            again = set(list(again)[: MAX_WORDS - len(self.kept)])
            for word in again:
                self.nlp.tokenizer(word)
            self.kept |= again
            self.pending -= again
        if len(self.pending) > MAX_PENDING:
            self.pending.clear()
        self.pending |= words - again
        return len(again)
