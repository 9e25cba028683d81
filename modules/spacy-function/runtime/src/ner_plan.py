"""Which components the entities need, decided from the pipeline's config before it is loaded.

The rule is exactness: `POST /entities` answers what `spacy.load(path)` of the same directory answers.
A component is left out only where the pipeline's own config and files show that nothing the
entities depend on can read what it writes:

- a component disabled in the config (`[nlp] disabled`, e.g. en_core_web_*'s `senter`) does not run
  under `spacy.load` either;
- a tagger, morphologizer or lemmatizer (and an attribute_ruler whose patterns set only
  TAG/POS/MORPH/LEMMA/DEP) writes attributes that only later components could read, and is left out
  when every later component is a tok2vec, parser or ner whose embeddings read lexical attributes
  only (NORM, PREFIX, ...), never the tag, lemma or morphology.

Sentence starts are the one thing a `ner` reads from the parser: its greedy transition system
forbids an entity that crosses one (spaCy's `ner.pyx`, `Begin.is_valid`/`In.is_valid`), and nothing
else there reads the parse. When the remaining pipeline is exactly `[tok2vec?, parser, ner]` with a
greedy ner that embeds on its own, the parse can be deferred (ner_entities): without sentence starts
the recognizer's valid moves are a superset, so if it chose no move that a sentence start would
forbid, the constrained run chooses the same moves and gives the same entities.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import srsly

# Factories whose only output is token annotation that tok2vec, parser and ner never read.
_ANNOTATION_ONLY = {"tagger", "morphologizer", "lemmatizer", "trainable_lemmatizer", "attribute_ruler"}
_RULER_SAFE_ATTRS = {"TAG", "POS", "MORPH", "LEMMA", "DEP"}
# Components known to read only lexical attributes (through their embeddings), sentence starts and the
# outputs of listened-to embedding components.
_LEXICAL_READERS = {"tok2vec", "parser", "ner"}
_LEXICAL_ATTRS = {"ORTH", "LOWER", "NORM", "PREFIX", "SUFFIX", "SHAPE", "SPACY", "IS_SPACE", "ID"}
# Factories that feed listener layers ("upstream": "*") in other components.
EMBEDDING_FACTORIES = {"tok2vec", "transformer", "curated_transformer"}


@dataclass(frozen=True)
class EntityPlan:
    skipped: tuple[str, ...]
    """Components not loaded: disabled in the config, or proved unread by the entities."""
    deferred_parse: tuple[str, ...]
    """Components that give the sentence starts, run only on texts with a multi-token entity; () if
    the pipeline's shape does not allow deferring them (then every kept component runs on every text)."""
    recognizer: str | None
    """The ner run first when the parse is deferred."""


def plan_entities(config: Mapping[str, Any], model_dir: Path) -> EntityPlan:
    components: Mapping[str, Any] = config.get("components", {})
    nlp_config: Mapping[str, Any] = config.get("nlp", {})
    pipeline = [name for name in nlp_config.get("pipeline", components) if name in components]
    disabled = set(nlp_config.get("disabled", []))
    enabled = [name for name in pipeline if name not in disabled]
    skipped = [name for name in pipeline if name in disabled]
    # From the end, so that a skipped component does not count as a reader of the ones before it.
    for index in reversed(range(len(enabled))):
        name = enabled[index]
        later = [n for n in enabled[index + 1 :] if n not in skipped]
        if _annotation_only(name, components[name], model_dir) and all(
            _reads_lexical_only(components[n]) for n in later
        ):
            skipped.append(name)
    kept = [name for name in enabled if name not in skipped]
    # Keep the config's order in the list of skipped components.
    ordered_skips = tuple(name for name in pipeline if name in skipped)
    return EntityPlan(ordered_skips, *_deferrable(kept, components))


def _deferrable(kept: Sequence[str], components: Mapping[str, Any]) -> tuple[tuple[str, ...], str | None]:
    if not kept:
        return (), None
    *before, last = kept
    ner = components[last]
    if ner.get("factory") != "ner" or any(True for _ in listener_upstreams(ner)):
        return (), None
    factories = [components[name].get("factory") for name in before]
    if "parser" not in factories or any(f not in {"tok2vec", "parser"} for f in factories):
        return (), None
    return tuple(before), last


def _annotation_only(name: str, component: Mapping[str, Any], model_dir: Path) -> bool:
    factory = component.get("factory")
    if factory not in _ANNOTATION_ONLY:
        return False
    if factory != "attribute_ruler":
        return True
    # An attribute_ruler can set any token attribute (NORM would change what the ner reads): look at
    # what its saved patterns set.
    patterns_file = model_dir / name / "patterns"
    if not patterns_file.is_file():
        return not (model_dir / name).exists()
    patterns = srsly.read_msgpack(patterns_file)
    return all(set(pattern.get("attrs", {})) <= _RULER_SAFE_ATTRS for pattern in patterns)


def _reads_lexical_only(component: Mapping[str, Any]) -> bool:
    if component.get("factory") not in _LEXICAL_READERS:
        return False
    return all(attr.upper() in _LEXICAL_ATTRS for attr in _embedding_attrs(component.get("model", {})))


def _embedding_attrs(node: Any) -> Iterator[str]:
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key in ("attrs", "feature", "features"):
                yield from ([value] if isinstance(value, str) else [str(v) for v in value])
            else:
                yield from _embedding_attrs(value)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from _embedding_attrs(value)


def listener_upstreams(node: Any) -> Iterator[str]:
    """The upstream names of every listener layer in a component's model config ("*" = any)."""
    if isinstance(node, Mapping):
        if "Listener" in str(node.get("@architectures", "")):
            yield str(node.get("upstream", "*"))
        for value in node.values():
            yield from listener_upstreams(value)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from listener_upstreams(value)
