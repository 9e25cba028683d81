"""Keeping spaCy's hash tables from growing with every word an environment has ever seen.

`nlp.memory_zone()` frees a request's strings and lexemes, but spaCy 3.8 removes their keys from
two open-addressing tables (the string store's and the vocabulary's lexeme index, preshed maps)
by leaving a tombstone: the slot stays taken, the table doubles when the tombstones fill it and
never shrinks. About 50 bytes per never-seen token, for good (7.25 M new tokens: +350 MiB, see
docs/benchmarks.md). When the string table has doubled since the model loaded, both tables are
rebuilt with the live entries only, between requests (about 20-40 ms for en_core_web_sm).

This reaches into spaCy's internals (StringStore._map, Vocab.from_bytes resetting the lexeme
index); the runtime tests pin the behaviour for the spaCy version the layer ships.
"""

from __future__ import annotations

import time
from typing import Any

import srsly
from preshed.maps import PreshMap
from spacy.language import Language

# Rebuild once the string table has this many times the slots it had after the model loaded.
GROWTH_FACTOR = 2


class TableCompactor:
    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        self.baseline = _string_slots(nlp)
        self.compactions = 0

    def maybe_compact(self) -> dict[str, Any] | None:
        """Rebuild the tables if they have grown; call outside any memory zone. Returns what it did."""
        if self.baseline is None or _string_slots(self.nlp) < GROWTH_FACTOR * self.baseline:
            return None
        started = time.perf_counter()
        slots_before = _string_slots(self.nlp)
        _compact_strings(self.nlp)
        _reset_lexeme_index(self.nlp)
        self.compactions += 1
        return {
            "string_slots_before": slots_before,
            "string_slots_after": _string_slots(self.nlp),
            "compactions": self.compactions,
            "ms": round((time.perf_counter() - started) * 1000, 1),
        }


def _string_slots(nlp: Language) -> int | None:
    table = getattr(nlp.vocab.strings, "_map", None)
    return table.capacity if isinstance(table, PreshMap) else None


def _compact_strings(nlp: Language) -> None:
    strings = nlp.vocab.strings
    live = list(strings._map.items())
    fresh = PreshMap(initial_size=2 * len(live))  # below the 60 % fill at which preshed doubles
    for key, value in live:
        fresh[key] = value
    # The values point into the string store's own memory pool, which stays: only the index moves.
    strings._map = fresh


def _reset_lexeme_index(nlp: Language) -> None:
    # Vocab.from_bytes with everything excluded only starts a fresh lexeme index; lexemes are made
    # again on first use from the same attribute getters. Old lexeme structs stay in the vocab's
    # memory pool, so the tokenizer's cached pointers to them remain valid.
    vocab = nlp.vocab
    getters = dict(vocab.lex_attr_getters)
    vocab.from_bytes(srsly.msgpack_dumps({}), exclude=["strings", "vectors", "lookups"])
    # from_bytes wraps the NORM getter in the lookups table once more; keep the one already wrapped.
    vocab.lex_attr_getters = getters
