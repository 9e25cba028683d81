"""Flat memory: the strings of never-seen tokens do not outlive their request.

spaCy adds every new token's text to the vocabulary's string store and lexeme table, for good;
an execution environment that lives for hours would grow until Lambda kills it. The handler runs
each request inside `nlp.memory_zone()`. RSS over a million tokens is `pnpm bench:soak`; this suite
checks the mechanism on the loaded pipeline itself.
"""

from __future__ import annotations

import itertools

import ner_handler
import pytest
from conftest import SEED_ANSWER, SEED_TEXT, FakeContext, log_lines, post_entities

TOKENS_PER_TEXT = 50
TEXTS_PER_REQUEST = 20
REQUESTS = 20  # 20,000 never-seen tokens in all


def unique_words(prefix: str):
    """Words no vocabulary has seen: zq + the counter in letters."""
    for n in itertools.count():
        word = ""
        while True:
            n, digit = divmod(n, 26)
            word += chr(ord("a") + digit)
            if not n:
                break
        yield f"zq{prefix}{word}"


def vocabulary_size() -> tuple[int, int]:
    """Entries in the string store and lexemes in the vocabulary's index.

    Not len(nlp.vocab): spaCy 3.8 counts every lexeme ever added there, freed or not.
    """
    nlp = ner_handler.runtime.current_model(ner_handler.runtime.settings()).nlp
    return len(nlp.vocab.strings), sum(1 for _ in nlp.vocab)


@pytest.mark.parametrize("model", ["ruler", pytest.param("en_core_web_sm", marks=pytest.mark.model)])
def test_new_tokens_leave_no_strings_or_lexemes_behind(model, served, monkeypatch):
    if model == "en_core_web_sm":
        from conftest import SM_DATA_DIR

        monkeypatch.setenv("MODEL_PATH", str(SM_DATA_DIR))
    assert post_entities({"text": SEED_TEXT})[0] == 200
    before = vocabulary_size()
    words = unique_words(model[0])
    for request in range(REQUESTS):
        texts = [
            " ".join(next(words) for _ in range(TOKENS_PER_TEXT)) + " Google."
            for _ in range(TEXTS_PER_REQUEST)
        ]
        status, batch = post_entities({"texts": texts})
        assert status == 200 and len(batch) == TEXTS_PER_REQUEST
        if model == "ruler":
            # Entities come out whole although their doc is freed at the end of the request.
            start = len(texts[0]) - len("Google.")
            assert batch[0] == [{"text": "Google", "label": "ORG", "start": start, "end": start + 6}]
        if request % 2:
            direct = ner_handler.handler({"text": " ".join(next(words) for _ in range(50))}, FakeContext())
            assert isinstance(direct, list)
    after = vocabulary_size()
    nlp = ner_handler.runtime.current_model(ner_handler.runtime.settings()).nlp
    assert texts[0].split()[0] not in nlp.vocab.strings
    seen = REQUESTS * TEXTS_PER_REQUEST * TOKENS_PER_TEXT
    # Without the zone both grow by one entry per new token (20,000 here).
    assert after[0] - before[0] < seen // 100, (before, after)
    assert after[1] - before[1] < seen // 100, (before, after)
    assert post_entities({"text": SEED_TEXT}) == (200, SEED_ANSWER)


@pytest.mark.model
def test_the_hash_tables_are_rebuilt_before_they_outgrow_twice_their_size_and_answers_stay_the_same(
    monkeypatch, capsys
):
    """The zone frees strings but leaves a tombstone per new word in two tables; they must not grow."""
    from conftest import SM_DATA_DIR

    monkeypatch.setenv("MODEL_PATH", str(SM_DATA_DIR))
    probes = [
        SEED_TEXT,
        "Angela Merkel met Emmanuel Macron in Paris on Monday.",
        "Apple bought a U.K. startup.",
    ]
    expected = post_entities({"texts": probes})
    nlp = ner_handler.runtime.current_model(ner_handler.runtime.settings()).nlp
    baseline = nlp.vocab.strings._map.capacity
    words = unique_words("t")
    slots = []
    # en_core_web_sm's table (262,144 slots, 84,000 strings) doubles after about 50,000 new words.
    for _ in range(30):
        texts = [" ".join(next(words) for _ in range(500)) for _ in range(8)]
        assert post_entities({"texts": texts})[0] == 200
        slots.append(nlp.vocab.strings._map.capacity)
    compactions = [
        line["tables_compacted"] for line in log_lines(capsys.readouterr().out) if "tables_compacted" in line
    ]
    assert compactions, "120,000 new words and no rebuild"
    assert max(slots) < 2 * baseline
    assert all(c["string_slots_after"] == baseline for c in compactions)
    # Rebuilt tables serve the same answers, and the vocabulary still works for known words.
    assert post_entities({"texts": probes}) == expected
    assert nlp.vocab["Google"].text == "Google" and nlp.vocab.strings["Google"] == nlp.vocab["Google"].orth


def test_words_seen_in_two_requests_are_kept_out_of_the_zone_up_to_a_bound(served, monkeypatch):
    import ner_warm

    assert post_entities({"text": "Frobnicated zqonce at Google."})[0] == 200
    nlp = ner_handler.runtime.current_model(ner_handler.runtime.settings()).nlp
    assert "Frobnicated" not in nlp.vocab.strings
    assert post_entities({"text": "Frobnicated zqtwice at Google."})[0] == 200
    # Seen twice: a permanent string and lexeme (and a cached tokenization); seen once: gone.
    assert "Frobnicated" in nlp.vocab.strings and "zqonce" not in nlp.vocab.strings
    assert post_entities({"text": "Frobnicated at Google."}) == (
        200,
        [{"text": "Google", "label": "ORG", "start": 15, "end": 21}],
    )
    monkeypatch.setattr(ner_warm, "MAX_WORDS", len(ner_handler.runtime.warm.kept) + 5)
    words = unique_words("w")
    batch = [" ".join(next(words) for _ in range(50)) for _ in range(4)]
    for _ in range(2):
        assert post_entities({"texts": batch})[0] == 200
    assert len(ner_handler.runtime.warm.kept) == ner_warm.MAX_WORDS
    assert sum(word in nlp.vocab.strings for text in batch for word in text.split()) == 5
