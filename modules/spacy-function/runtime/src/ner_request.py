"""Validating an entities request: {"text": str} or {"texts": [str, ...]}.

Lone surrogates (JSON allows "\\ud800" unpaired; UTF-8 and spaCy's string store cannot hold it) are
replaced by U+FFFD, one code point for one, so every offset in the answer still indexes the text the
caller sent, and one stray escape does not cost a whole batch.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ner_http import ApiError
from ner_settings import Settings

_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class EntitiesRequest:
    texts: list[str]
    batch: bool
    replaced_surrogates: int = 0

    @property
    def chars(self) -> int:
        return sum(map(len, self.texts))


def parse_entities(payload: Any, settings: Settings) -> EntitiesRequest:
    if not isinstance(payload, Mapping):
        raise ApiError(
            400, "invalid_body", f'Expected a JSON object with "text" or "texts", got {_kind(payload)}.'
        )
    has_text, has_texts = "text" in payload, "texts" in payload
    if has_text and has_texts:
        raise ApiError(400, "ambiguous_input", 'Send either "text" or "texts", not both.')
    if has_text:
        text = payload["text"]
        if not isinstance(text, str):
            raise ApiError(400, "invalid_text", f'"text" must be a string, got {_kind(text)}.')
        _check_size(text, settings, '"text"')
        return _clean([text], settings, batch=False)
    if has_texts:
        texts = payload["texts"]
        if not isinstance(texts, list):
            raise ApiError(400, "invalid_texts", f'"texts" must be a list of strings, got {_kind(texts)}.')
        if not texts:
            raise ApiError(400, "empty_batch", '"texts" is empty; send at least one string.')
        if len(texts) > settings.max_batch_texts:
            raise ApiError(
                413,
                "too_many_texts",
                f'"texts" has {len(texts)} items; the limit is MAX_BATCH_TEXTS={settings.max_batch_texts}. '
                "Split the batch.",
            )
        for index, item in enumerate(texts):
            if not isinstance(item, str):
                raise ApiError(400, "invalid_texts", f'"texts"[{index}] must be a string, got {_kind(item)}.')
            _check_size(item, settings, f'"texts"[{index}]')
        return _clean(texts, settings, batch=True)
    raise ApiError(400, "missing_text", 'Body needs "text" (a string) or "texts" (a list of strings).')


def _clean(texts: list[str], settings: Settings, *, batch: bool) -> EntitiesRequest:
    total = sum(map(len, texts))
    if total > settings.max_total_chars:
        raise ApiError(
            413,
            "request_too_large",
            f"The request has {total} characters in all; the limit is MAX_TOTAL_CHARS="
            f"{settings.max_total_chars} per request. Split it into several requests.",
        )
    replaced = 0
    cleaned = []
    for text in texts:
        if not text.isascii():
            text, count = _replace_surrogates(text)
            replaced += count
        cleaned.append(text)
    return EntitiesRequest(cleaned, batch=batch, replaced_surrogates=replaced)


def _replace_surrogates(text: str) -> tuple[str, int]:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.subn("\ufffd", text)
    return text, 0


def _check_size(text: str, settings: Settings, where: str) -> None:
    if len(text) > settings.max_text_chars:
        raise ApiError(
            413,
            "text_too_large",
            f"{where} has {len(text)} characters; the limit is MAX_TEXT_CHARS={settings.max_text_chars}. "
            "Split the text.",
        )


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "a list"}.get(
        type(value), "an object"
    )
