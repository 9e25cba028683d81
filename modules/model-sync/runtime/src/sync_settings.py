"""Settings from the Lambda environment, validated up front so a typo fails loudly, not later."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sync_errors import SyncFailure

# The constructs' default mount path (DEFAULT_MOUNT_PATH in packages/shared/src/constants/lambda.ts).
DEFAULT_MODEL_ROOT = "/mnt/models"
# Lambda stops a function after at most 900 s, so staging older than this belongs to a dead run.
_DEFAULT_STALE_MINUTES = 30


@dataclass(frozen=True)
class Settings:
    model_root: Path
    pip_timeout_seconds: float
    verify_timeout_seconds: float
    lock_timeout_seconds: float
    stale_staging_seconds: float


def _number(env: Mapping[str, str], key: str, default: float, *, integer: bool, minimum: float) -> float:
    raw = env.get(key)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        kind = "an integer" if integer else "a number"
        raise SyncFailure("config", f"{key} must be {kind}, got {raw!r}") from None
    if value < minimum:
        raise SyncFailure("config", f"{key} must be >= {minimum:g}, got {raw!r}")
    return value


def load_settings(env: Mapping[str, str] = os.environ) -> Settings:
    root = env.get("MODEL_ROOT") or DEFAULT_MODEL_ROOT
    if not os.path.isabs(root):
        raise SyncFailure("config", f"MODEL_ROOT must be an absolute path, got {root!r}")
    return Settings(
        model_root=Path(root),
        pip_timeout_seconds=_number(env, "PIP_TIMEOUT_SECONDS", 600, integer=False, minimum=1),
        verify_timeout_seconds=_number(env, "VERIFY_TIMEOUT_SECONDS", 300, integer=False, minimum=1),
        lock_timeout_seconds=_number(env, "LOCK_TIMEOUT_SECONDS", 600, integer=False, minimum=0),
        stale_staging_seconds=60
        * _number(env, "STALE_STAGING_MINUTES", _DEFAULT_STALE_MINUTES, integer=False, minimum=1),
    )


class Deadline:
    """What is left of the invocation, so every child process ends before Lambda kills us.

    ``margin`` is kept back for cleanup: a run that Lambda kills leaves staging behind.
    """

    def __init__(self, remaining_seconds: float | None, margin: float = 15.0) -> None:
        self._end = None if remaining_seconds is None else time.monotonic() + remaining_seconds - margin

    @classmethod
    def from_context(cls, context: object) -> Deadline:
        remaining = getattr(context, "get_remaining_time_in_millis", None)
        return cls(remaining() / 1000 if callable(remaining) else None)

    def budget(self, wanted: float, stage: str) -> float:
        if self._end is None:
            return wanted
        left = self._end - time.monotonic()
        if left < 1:
            raise SyncFailure(stage, "the Lambda invocation is out of time (raise the function timeout)")
        return min(wanted, left)
