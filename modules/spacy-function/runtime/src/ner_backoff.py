"""Exponential, bounded spacing between attempts at something expensive that keeps failing."""

from __future__ import annotations

import time
from collections.abc import Callable

# A damaged model fails in the time of a full load (seconds for lg, on every request without this);
# a repaired one is picked up within a minute at worst.
FIRST_DELAY_SECONDS = 1.0
MAX_DELAY_SECONDS = 60.0


class Backoff:
    def __init__(
        self,
        first: float = FIRST_DELAY_SECONDS,
        cap: float = MAX_DELAY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.first = first
        self.cap = cap
        self.clock = clock
        self.failures = 0
        self._retry_at = 0.0

    def wait_seconds(self) -> float:
        """How long until the next attempt is due; 0 when it is."""
        return max(0.0, self._retry_at - self.clock()) if self.failures else 0.0

    def failed(self) -> float:
        """Record a failed attempt; returns the delay before the next one."""
        self.failures += 1
        delay = min(self.cap, self.first * 2 ** min(self.failures - 1, 32))
        self._retry_at = self.clock() + delay
        return delay

    def succeeded(self) -> None:
        self.failures = 0
        self._retry_at = 0.0
