"""Strict validation of the sync event: every problem names its field."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from sync_errors import SyncFailure

SOURCE_KINDS = ("wheel_url", "index_url", "find_links")
_EVENT_FIELDS = ("model_name", "version", "source", "keep_versions")
_SOURCE_FIELDS = ("kind", "location")

# spaCy package names are '<lang>_<meta name>'; they double as a directory name on the mount,
# so nothing that could climb out of it ('/', '..') or hide in it (leading '.') gets through.
MODEL_NAME = re.compile(r"[a-z][a-z0-9]*_[a-z0-9][a-z0-9_]*")
# A canonical PEP 440 public version (no epoch, no local part): the exact string the wheel and
# meta.json must carry, and a safe directory name.
VERSION = re.compile(r"\d+(?:\.\d+)*(?:(?:a|b|rc)\d+)?(?:\.post\d+)?(?:\.dev\d+)?")
MAX_KEEP_VERSIONS = 100


@dataclass(frozen=True)
class Source:
    kind: str
    location: str


@dataclass(frozen=True)
class SyncRequest:
    model_name: str
    version: str
    source: Source
    keep_versions: int | None


def _fail(message: str) -> SyncFailure:
    return SyncFailure("validate", message)


def _check_fields(obj: dict, allowed: tuple[str, ...], where: str) -> None:
    unknown = sorted(set(obj) - set(allowed))
    if unknown:
        raise _fail(
            f"unknown field(s) in {where}: {', '.join(map(repr, unknown))} (allowed: {', '.join(allowed)})"
        )


def _required_str(obj: dict, key: str, label: str) -> str:
    if key not in obj:
        raise _fail(f"{label} is required")
    value = obj[key]
    if not isinstance(value, str):
        raise _fail(f"{label} must be a string, got {type(value).__name__}")
    if value != value.strip() or not value:
        raise _fail(f"{label} must be non-empty with no surrounding whitespace, got {value!r}")
    return value


def _check_location(kind: str, location: str) -> None:
    label = "source.location"
    if any(ch.isspace() or ord(ch) < 32 for ch in location):
        raise _fail(f"{label} must not contain whitespace or control characters, got {location!r}")
    if location.startswith("-"):
        raise _fail(f"{label} must be a URL or path, not an option, got {location!r}")
    parts = urlsplit(location)
    if kind == "find_links" and location.startswith("/"):
        return
    if parts.scheme not in ("http", "https", "file") or not (parts.netloc or parts.scheme == "file"):
        extra = " or an absolute path" if kind == "find_links" else ""
        raise _fail(
            f"{label} for kind {kind!r} must be an http(s):// or file:// URL{extra}, got {location!r}"
        )
    if kind == "wheel_url" and not parts.path.endswith(".whl"):
        raise _fail(f"{label} for kind 'wheel_url' must point at a .whl file, got {location!r}")


def parse_event(event: object) -> SyncRequest:
    if not isinstance(event, dict):
        raise _fail(f"event must be a JSON object, got {type(event).__name__}")
    _check_fields(event, _EVENT_FIELDS, "event")

    model_name = _required_str(event, "model_name", "model_name")
    if len(model_name) > 100 or not MODEL_NAME.fullmatch(model_name):
        raise _fail(
            "model_name must be a spaCy package name '<lang>_<name>' in lowercase letters, digits "
            f"and underscores, e.g. 'en_core_web_lg'; got {model_name!r}"
        )
    version = _required_str(event, "version", "version")
    if len(version) > 64 or not VERSION.fullmatch(version):
        raise _fail(f"version must be an exact release like '3.8.0' (PEP 440, no ranges); got {version!r}")

    if "source" not in event:
        raise _fail("source is required")
    source = event["source"]
    if not isinstance(source, dict):
        raise _fail(f"source must be an object with kind and location, got {type(source).__name__}")
    _check_fields(source, _SOURCE_FIELDS, "source")
    kind = _required_str(source, "kind", "source.kind")
    if kind not in SOURCE_KINDS:
        raise _fail(f"source.kind must be one of {', '.join(SOURCE_KINDS)}; got {kind!r}")
    location = _required_str(source, "location", "source.location")
    _check_location(kind, location)

    keep = event.get("keep_versions")
    if keep is not None and (
        isinstance(keep, bool) or not isinstance(keep, int) or not 0 <= keep <= MAX_KEEP_VERSIONS
    ):
        raise _fail(f"keep_versions must be an integer from 0 to {MAX_KEEP_VERSIONS}, got {keep!r}")

    return SyncRequest(model_name, version, Source(kind, location), keep)
