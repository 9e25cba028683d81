"""Runtime configuration, read from the environment variables the infrastructure sets."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

# The constructs' default mount path (DEFAULT_MOUNT_PATH in packages/shared/src/constants/lambda.ts).
DEFAULT_MODEL_ROOT = "/mnt/models"
# Matrix libraries for the pipeline's layers: "blis" is spaCy's own (what spacy.load uses, so the
# answers are spaCy's); "openblas" (numpy's) is faster on these small products but rounds differently,
# an opt-in whose measured disagreement is in docs/benchmarks.md.
BLAS_CHOICES = ("blis", "openblas")
# The handler's default before answers were exact: ner alone. A MODEL_EXCLUDE opt-in now, faster but
# different from spaCy on 0.25 % of real paragraphs (docs/benchmarks.md#exactness); the benchmarks and the
# parity test measure it beside the default.
NER_ONLY_EXCLUDE = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter")
DEFAULT_MAX_TEXT_CHARS = 100_000
DEFAULT_MAX_BATCH_TEXTS = 128
# How the static vectors table is read: "eager" reads it into memory during init; "mmap" maps the
# file read-only so init skips the read and pages come in as requests touch rows. On the lg-shaped
# benchmark model mmap gave identical entities, 0.4x the init, 0.3x the RSS and no slower a first
# request (docs/benchmarks.md), hence the default.
VECTORS_MODES = ("eager", "mmap")
DEFAULT_VECTORS_MODE = "mmap"
# Work per request, sized so the largest allowed request finishes within the default 30 s timeout on
# the smallest memory size an environment uses (1024 MB = 0.58 vCPU) with half the time in hand:
# 11,000 chars/s (the most expensive text per character, dense two-token entities, which the exact
# default parses) x 1024/1769 x 30 s x 0.5, rounded down; derivation in docs/benchmarks.md.
DEFAULT_MAX_TOTAL_CHARS = 90_000
# Most characters per nlp.pipe minibatch (fewer texts when they are long), which bounds its memory: the
# largest allowed request (290,000 characters of one-letter tokens) peaks at 724 MiB of RSS in minibatches
# of 128 texts, 459 MiB of 64, 230 MiB of 50,000 characters (22 texts) (docs/benchmarks.md). The number of
# texts is the pipeline's own [nlp] batch_size unless PIPE_BATCH_SIZE is set: the size its authors tuned,
# faster on the bench sentences than 128, 593 or 1000 (docs/benchmarks.md).
DEFAULT_PIPE_BATCH_CHARS = 50_000
# Characters per CPU second of the slowest kind of text measured (dense percentages, `pnpm
# bench:work-limit`), before the function's memory share of a vCPU is applied (ner_budget).
DEFAULT_CHARS_PER_VCPU_SECOND = 11_000

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


class ConfigError(ValueError):
    """An environment variable holds a value the runtime cannot use."""


@dataclass(frozen=True)
class Settings:
    model_path: Path | None
    """None when neither MODEL_PATH nor MODEL_NAME + MODEL_VERSION are set."""
    model_name: str | None
    model_version: str | None
    exclude: tuple[str, ...] | None
    """MODEL_EXCLUDE as given (an opt-in that may change answers); None: what ner_plan proves unread."""
    max_text_chars: int
    max_batch_texts: int
    max_total_chars: int
    """Characters summed over every text of one request."""
    pipe_batch_size: int | None
    """PIPE_BATCH_SIZE; None: the pipeline's own batch_size."""
    pipe_batch_chars: int
    chars_per_vcpu_second: int
    """Throughput assumed before this environment has measured its own (ner_budget)."""
    log_request_text: bool
    memory_mb: int | None
    """The function's memory size (AWS_LAMBDA_FUNCTION_MEMORY_SIZE, set by Lambda); None elsewhere."""
    vectors_mode: str = DEFAULT_VECTORS_MODE
    """MODEL_VECTORS: "eager" or "mmap"."""
    blas: str = "blis"
    """BLAS: the matrix library of the pipeline's layers."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        name = environ.get("MODEL_NAME", "").strip() or None
        version = environ.get("MODEL_VERSION", "").strip() or None
        explicit = environ.get("MODEL_PATH", "").strip()
        if explicit:
            path: Path | None = Path(explicit)
        elif name and version:
            path = Path(environ.get("MODEL_ROOT", "").strip() or DEFAULT_MODEL_ROOT) / name / version
        else:
            path = None
        return cls(
            model_path=path,
            model_name=name,
            model_version=version,
            exclude=_names(environ["MODEL_EXCLUDE"]) if "MODEL_EXCLUDE" in environ else None,
            max_text_chars=_positive_int(environ, "MAX_TEXT_CHARS", DEFAULT_MAX_TEXT_CHARS),
            max_batch_texts=_positive_int(environ, "MAX_BATCH_TEXTS", DEFAULT_MAX_BATCH_TEXTS),
            max_total_chars=_positive_int(environ, "MAX_TOTAL_CHARS", DEFAULT_MAX_TOTAL_CHARS),
            pipe_batch_size=_positive_int(environ, "PIPE_BATCH_SIZE", 0) or None,
            pipe_batch_chars=_positive_int(environ, "PIPE_BATCH_CHARS", DEFAULT_PIPE_BATCH_CHARS),
            chars_per_vcpu_second=_positive_int(
                environ, "CHARS_PER_VCPU_SECOND", DEFAULT_CHARS_PER_VCPU_SECOND
            ),
            log_request_text=_flag(environ, "LOG_REQUEST_TEXT"),
            vectors_mode=_choice(environ, "MODEL_VECTORS", VECTORS_MODES, DEFAULT_VECTORS_MODE),
            blas=_choice(environ, "BLAS", BLAS_CHOICES, "blis"),
            memory_mb=_positive_int(environ, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", 0) or None,
        )


def _names(raw: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))


def _positive_int(environ: Mapping[str, str], key: str, default: int) -> int:
    raw = environ.get(key, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ConfigError(f"{key}={raw!r} is not a positive integer")
    return value


def _flag(environ: Mapping[str, str], key: str) -> bool:
    raw = environ.get(key, "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ConfigError(f"{key}={raw!r} is not a boolean (use true or false)")


def _choice(environ: Mapping[str, str], key: str, choices: tuple[str, ...], default: str) -> str:
    raw = environ.get(key, "").strip().lower()
    if not raw:
        return default
    if raw not in choices:
        raise ConfigError(f"{key}={raw!r} is not one of {', '.join(choices)}")
    return raw
