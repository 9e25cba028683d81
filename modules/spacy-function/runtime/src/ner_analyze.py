"""`POST /analyze`: what the loaded pipeline produces for a text, field by field, as spaCy's Doc has it.

Fields are offered only where a loaded, enabled component assigns them (spaCy's own factory metadata,
`assigns`; an attribute_ruler by the attributes its patterns set; a span_ruler also the entities when
it annotates them), so a caller asking for `cats` of a pipeline without a text classifier gets a 400
that names what the pipeline does produce. Every value is read from the Doc that `nlp.pipe` returns:
the same as `spacy.load(path)` gives for the components loaded (tests/test_analyze.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ner_http import ApiError
from spacy.language import Language
from spacy.pipeline import AttributeRuler, SpanRuler
from spacy.tokens import Doc, Span

FIELDS = ("entities", "spans", "cats", "sents", "tokens")
_FIELD_ASSIGNS = {
    "entities": {"doc.ents"},
    "spans": {"doc.spans"},
    "cats": {"doc.cats"},
    "sents": {"doc.sents", "token.is_sent_start"},
}
# Token attributes by what a component assigns: name in the answer, how to read it.
_TOKEN_ATTRIBUTES = {
    "token.tag": "tag",
    "token.pos": "pos",
    "token.morph": "morph",
    "token.lemma": "lemma",
    "token.dep": "dep",
    "token.head": "head",
}


@dataclass(frozen=True)
class Produces:
    fields: tuple[str, ...]
    token_attributes: tuple[str, ...]

    def describe(self) -> str:
        attributes = ", ".join(self.token_attributes) or "text and offsets only"
        return f"{', '.join(self.fields)} (tokens: {attributes})"


def produces(nlp: Language) -> Produces:
    assigns: set[str] = set()
    for name, component in nlp.pipeline:
        assigns.update(nlp.get_pipe_meta(name).assigns)
        if isinstance(component, AttributeRuler):
            # Declares nothing; sets whatever its patterns say.
            patterns: list[dict[str, Any]] = list(component.patterns)  # typed loosely by spaCy
            assigns.update(f"token.{str(attr).lower()}" for pattern in patterns for attr in pattern["attrs"])
        elif isinstance(component, SpanRuler) and component.annotate_ents:
            # The span_ruler factory declares doc.spans only, whatever its config says.
            assigns.add("doc.ents")
    fields = [field for field, needed in _FIELD_ASSIGNS.items() if assigns & needed] + ["tokens"]
    attributes = [name for key, name in _TOKEN_ATTRIBUTES.items() if key in assigns]
    return Produces(tuple(f for f in FIELDS if f in fields), tuple(attributes))


def requested_fields(payload: Mapping[str, Any], offered: Produces) -> tuple[str, ...]:
    """`include` of the request body (default: everything offered), or ApiError 400."""
    include = payload.get("include", list(offered.fields))
    if not isinstance(include, list) or not include or not all(isinstance(f, str) for f in include):
        raise ApiError(
            400,
            "invalid_include",
            f'"include" must be a non-empty list of field names; the pipeline produces {offered.describe()}.',
        )
    missing = [field for field in include if field not in offered.fields]
    if missing:
        raise ApiError(
            400,
            "unsupported_field",
            f"This pipeline cannot produce {', '.join(repr(f)[:40] for f in missing)}; "
            f"it produces {offered.describe()}.",
        )
    return tuple(dict.fromkeys(include))


def analysis(doc: Doc, include: tuple[str, ...], offered: Produces) -> dict[str, Any]:
    """The requested fields of one Doc as plain values (call inside the request's memory zone)."""
    result: dict[str, Any] = {}
    for field in include:
        if field == "entities":
            result["entities"] = [_span(span) for span in doc.ents]
        elif field == "spans":
            result["spans"] = {key: [_span(span) for span in group] for key, group in doc.spans.items()}
        elif field == "cats":
            result["cats"] = {label: float(score) for label, score in doc.cats.items()}
        elif field == "sents":
            result["sents"] = [{"text": s.text, "start": s.start_char, "end": s.end_char} for s in doc.sents]
        else:
            result["tokens"] = [_token(token, offered.token_attributes) for token in doc]
    return result


def _span(span: Span) -> dict[str, Any]:
    value: dict[str, Any] = {
        "text": span.text,
        "label": span.label_,
        "start": span.start_char,
        "end": span.end_char,
    }
    if span.kb_id_:
        value["kb_id"] = span.kb_id_
    if span.id_:
        value["id"] = span.id_
    return value


def _token(token: Any, attributes: tuple[str, ...]) -> dict[str, Any]:
    value: dict[str, Any] = {"text": token.text, "start": token.idx, "end": token.idx + len(token.text)}
    for name in attributes:
        if name == "head":
            value["head"] = token.head.i
        elif name == "morph":
            value["morph"] = str(token.morph)
        else:
            value[name] = getattr(token, f"{name}_")
    return value
