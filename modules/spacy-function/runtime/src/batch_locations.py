"""Where a NER batch job reads and writes: s3:// locations and the names of what it writes there.

Shared by the worker (batch_worker) and the command that starts jobs (modules/ner-batch-job/cli); no spaCy
here, so the command starts fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MANIFEST_NAME = "_manifest.jsonl"
"""The plan: one chunk descriptor per line (the Distributed Map's ItemReader reads it)."""
SUMMARY_NAME = "_summary.json"
RESULTS_DIR = "results/"
"""Below the output: `<chunk>.jsonl`, one record per document of the chunk."""
RESULT_WRITER_DIR = "_map"
"""Below the output: the Distributed Map's ResultWriter files."""


class JobError(Exception):
    """The run cannot go on as asked (bad location, changed input); fails the state, with this name."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class InvalidLocation(JobError):
    """An input or output location the job may not use or that holds nothing."""

    def __init__(self, message: str) -> None:
        super().__init__("InvalidLocation", message)


@dataclass(frozen=True)
class Location:
    bucket: str
    prefix: str

    @classmethod
    def parse(cls, uri: Any, what: str) -> Location:
        if not isinstance(uri, str) or not uri.startswith("s3://"):
            raise InvalidLocation(f"{what} must be an s3://bucket/prefix/ URI, got {uri!r}")
        bucket, _, prefix = uri[len("s3://") :].partition("/")
        if not bucket:
            raise InvalidLocation(f"{what} {uri!r} names no bucket")
        if prefix and not prefix.endswith("/"):
            prefix += "/"
        return cls(bucket, prefix)

    def key(self, name: str) -> str:
        return self.prefix + name

    def uri(self, name: str = "") -> str:
        return f"s3://{self.bucket}/{self.prefix}{name}"


def overlap(source: Location, target: Location) -> bool:
    """Whether one location lies inside the other (a job's output must stay out of its input)."""
    return source.bucket == target.bucket and (
        source.prefix.startswith(target.prefix) or target.prefix.startswith(source.prefix)
    )
