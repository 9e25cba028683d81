"""Loading the spaCy pipeline from the synced model directory."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy
import spacy
from ner_analyze import Produces, produces
from ner_entities import EntityRunner
from ner_plan import EMBEDDING_FACTORIES, listener_upstreams, plan_entities
from ner_settings import Settings
from spacy.language import Language
from thinc.api import use_ops

REQUIRED_FILES = ("config.cfg", "meta.json")


class ModelUnavailable(Exception):
    """The model cannot be served yet; the next request tries again."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class LoadedModel:
    nlp: Language
    name: str
    version: str
    path: Path
    components: tuple[str, ...]
    excluded: tuple[str, ...]
    kept_for_listeners: tuple[str, ...]
    load_seconds: float
    entities: EntityRunner
    produces: Produces
    """What POST /analyze can answer: the fields and token attributes the loaded components assign."""
    exact: bool
    """False when MODEL_EXCLUDE or BLAS opted into answers that may differ from spacy.load's."""
    deferred_parse: tuple[str, ...]


def sync_hint(settings: Settings) -> str:
    """The commands that put this function's model where it looks (docs/model-sync.md)."""
    path, name, version = settings.model_path, settings.model_name, settings.model_version
    at_contract_path = path is not None and (path.parent.name, path.name) == (name, version)
    root = path.parent.parent if path is not None and at_contract_path else "<root>"
    name, version = name or "<model>", version or "<version>"
    return (
        "Sync it: `cdktf deploy <env>` runs the model sync when the model, version or source changes; "
        "to refill the same version, apply `pnpm plan <env> -replace=<its aws_lambda_invocation>`; "
        "on this machine: "
        f"`pnpm model-sync --root {root} --model {name} --version {version} "
        "--wheel-url <url> --sha256 <wheel sha256>`."
    )


def load(settings: Settings) -> LoadedModel:
    path = settings.model_path
    if path is None:
        raise ModelUnavailable(
            "model_not_configured",
            "No model configured: set MODEL_NAME and MODEL_VERSION (the model is read from "
            "<MODEL_ROOT>/<MODEL_NAME>/<MODEL_VERSION>/) or MODEL_PATH.",
        )
    missing = [name for name in REQUIRED_FILES if not (path / name).is_file()]
    if missing:
        raise ModelUnavailable(
            "model_not_synced",
            f"Model not synced: {path} has no spaCy model (missing {', '.join(missing)}). "
            + sync_hint(settings),
        )
    started = time.perf_counter()
    try:
        config = spacy.util.load_config(path / "config.cfg", interpolate=False)
        proved = plan_entities(config, path)
        kept: tuple[str, ...] = ()
        if settings.exclude is None:
            exclude = proved.skipped
        else:
            # An explicit list is an opt-in: loaded as given (but for listened-to components).
            exclude, kept = effective_exclusions(config, settings.exclude)
        # spacy.load's own matrix library is blis; numpy's OpenBLAS is faster on these small products but
        # rounds differently, so it is an opt-in (BLAS=openblas). Layers keep the ops they were built with,
        # so this is scoped to the load.
        with use_ops("numpy", use_blis=settings.blas == "blis"):
            if settings.vectors_mode == "mmap":
                # "vectors" is a serialization field, not a component: the vocab skips the table.
                nlp = spacy.load(path, exclude=[*exclude, "vectors"])
                map_vectors(nlp, path / "vocab")
            else:
                nlp = spacy.load(path, exclude=list(exclude))
    except Exception as exc:
        # A half-written directory (sync interrupted or still running) lands here too.
        raise ModelUnavailable(
            "model_load_failed",
            f"spaCy could not load the model at {path}: {type(exc).__name__}: {exc}. {sync_hint(settings)}",
        ) from exc
    seconds = time.perf_counter() - started
    # What /entities runs of what was loaded: with MODEL_EXCLUDE="" everything is loaded for /analyze, and
    # the entities still skip what they never read and defer the parse.
    components = config.get("components", {})
    loaded = {"nlp": {"pipeline": nlp.pipe_names}, "components": {n: components[n] for n in nlp.pipe_names}}
    plan = plan_entities(loaded, path)
    # MAX_TEXT_CHARS is the one limit callers see; spaCy's own (1M chars by default) must not be lower.
    nlp.max_length = max(nlp.max_length, settings.max_text_chars)
    meta = nlp.meta
    return LoadedModel(
        nlp=nlp,
        name=settings.model_name or f"{meta.get('lang', 'xx')}_{meta.get('name', 'pipeline')}",
        version=settings.model_version or str(meta.get("version", "0.0.0")),
        path=path,
        components=tuple(nlp.pipe_names),
        excluded=exclude,
        kept_for_listeners=kept,
        load_seconds=seconds,
        entities=EntityRunner(nlp, plan),
        produces=produces(nlp),
        exact=settings.blas == "blis" and set(exclude) <= set(proved.skipped),
        deferred_parse=plan.deferred_parse,
    )


def map_vectors(nlp: Language, vocab_dir: Path) -> None:
    """Give the vocab its vectors as a read-only memory map of vocab/vectors instead of a copy in memory.

    Same file, same float32 values, so the same predictions; init no longer reads the whole table
    (~620 MB for en_core_web_lg) and only the rows that requests touch are paged in, shared with the
    page cache. Keys and settings are read as spaCy's own Vectors.from_disk reads them.
    """
    table = vocab_dir / "vectors"  # numpy .npy format, without the suffix
    if not table.is_file():
        return
    vectors = nlp.vocab.vectors
    vectors.data = numpy.load(table, mmap_mode="r")
    vectors.from_disk(vocab_dir, exclude=["strings", "vectors"])


def effective_exclusions(
    config: Mapping[str, Any], requested: Iterable[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Split the requested exclusions into (still excluded, kept because a kept component listens).

    spaCy loads a listener without its upstream silently and then predicts garbage, so a custom
    pipeline whose ner shares a tok2vec must keep that tok2vec even when MODEL_EXCLUDE names it.
    """
    requested = tuple(requested)
    components: Mapping[str, Any] = config.get("components", {})
    pipeline = list(config.get("nlp", {}).get("pipeline", components))
    excluded = set(requested)
    needed: set[str] = set()
    for name in pipeline:
        if name in excluded:
            continue
        for upstream in listener_upstreams(components.get(name, {})):
            if upstream == "*":
                needed.update(
                    c for c in pipeline if components.get(c, {}).get("factory") in EMBEDDING_FACTORIES
                )
            else:
                needed.add(upstream)
    return (
        tuple(name for name in requested if name not in needed),
        tuple(name for name in requested if name in needed),
    )
