"""How long a request will take, and whether the invocation has that long left.

Lambda kills an invocation at its timeout without a word to the caller (API Gateway answers a bare
503 and the log shows "Task timed out"), so a request that cannot finish is refused up front, and
again between texts if the work runs slower than estimated.
"""

from __future__ import annotations

import math
from typing import Any

from ner_http import ApiError
from ner_settings import Settings

# Lambda gives a function one full vCPU at 1769 MB and a proportional share below; spaCy's inference
# runs on one thread, so more memory than that does not make it faster. FULL_VCPU_MEMORY_MB in
# memory-sizing.ts sizes the construct with the same number; tests/test_shared_constants.py keeps them equal.
FULL_VCPU_MB = 1769
# Time kept back for writing the answer and the log line, and for the estimate's own error.
MARGIN_SECONDS = 0.5
# Requests smaller than this are dominated by per-request costs and say little about the rate.
MIN_OBSERVED_CHARS = 5_000
# Weight of the newest observation in the running rate.
OBSERVED_WEIGHT = 0.3
RETRY_AFTER_SECONDS = 1


class Budget:
    """Characters per second this execution environment gets through: the configured rate of the most
    expensive kind of text, lowered (never raised) by what the environment measures on its own requests.

    A learnt rate that could rise would let callers train it with cheap text and then send expensive
    text the time check no longer stops; it only ever falls (a slow machine, a noisy neighbour).
    """

    def __init__(self, settings: Settings) -> None:
        share = min(1.0, settings.memory_mb / FULL_VCPU_MB) if settings.memory_mb else 1.0
        self.ceiling = settings.chars_per_vcpu_second * share
        self.chars_per_second = self.ceiling
        self._observed = self.ceiling

    def seconds(self, chars: int) -> float:
        return chars / self.chars_per_second

    def observe(self, chars: int, seconds: float) -> None:
        if chars >= MIN_OBSERVED_CHARS and seconds > 0:
            self._observed += OBSERVED_WEIGHT * (chars / seconds - self._observed)
            self.chars_per_second = min(self.ceiling, self._observed)

    def require(self, context: Any, chars: int) -> None:
        """ApiError 503 with Retry-After when the invocation's remaining time cannot cover `chars`."""
        left = remaining_seconds(context)
        if left is None:
            return
        need = self.seconds(chars) + MARGIN_SECONDS
        if need > left:
            raise ApiError(
                503,
                "not_enough_time",
                f"This request needs about {math.ceil(need)} s of processing and this invocation cannot "
                "finish it in time; retry it (a new invocation starts with the full time), or split it.",
                headers={"retry-after": str(RETRY_AFTER_SECONDS)},
                detail=f"estimated {need:.2f} s for {chars} characters at "
                f"{self.chars_per_second:.0f} chars/s; {left:.2f} s remaining",
            )


def remaining_seconds(context: Any) -> float | None:
    """Time left in this invocation, or None outside Lambda (no deadline)."""
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    if not callable(remaining):
        return None
    return float(remaining()) / 1000
