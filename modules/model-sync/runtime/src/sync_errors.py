"""The one failure type of a sync: which stage broke and what the operator should read."""

from __future__ import annotations

STAGES = (
    "config",
    "validate",
    "prepare",
    "lock",
    "download",
    "install",
    "verify",
    "activate",
    "internal",
)


class SyncFailure(Exception):
    def __init__(self, stage: str, message: str) -> None:
        if stage not in STAGES:
            raise ValueError(f"unknown stage {stage!r}")
        super().__init__(f"{stage}: {message}")
        self.stage = stage
        self.message = message


class ModelSyncFailed(Exception):
    """Raised out of the handler so Lambda reports a function error and Terraform fails the apply.

    Its message is the JSON result summary, which is what ``aws_lambda_invocation`` prints.
    """


def describe_os_error(exc: OSError) -> str:
    """errno text plus the path, e.g. ``No space left on device: /mnt/models/.staging/x``."""
    text = exc.strerror or exc.__class__.__name__
    if exc.filename:
        text += f": {exc.filename}"
    if exc.filename2:
        text += f" -> {exc.filename2}"
    return text
