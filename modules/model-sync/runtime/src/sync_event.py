"""What the sync installs, read from the function's own environment (set by Terraform), and the
check that an invocation asks for nothing else.

Whoever may invoke the function must not be able to choose what lands on the store: another
version, the served version from their own URL, or a keep count that retires the served version.
So the invocation only triggers the sync; an event may repeat the configuration (Terraform sends
it, so the plan shows what will be installed) but any field that differs is refused.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from sync_errors import SyncFailure

SOURCE_KINDS = ("wheel_url", "index_url", "find_links", "s3")
_EVENT_FIELDS = ("model_name", "version", "source", "keep_versions")

# spaCy package names are '<lang>_<meta name>'; they double as a directory name on the mount,
# so nothing that could climb out of it ('/', '..') or hide in it (leading '.') gets through.
MODEL_NAME = re.compile(r"[a-z][a-z0-9]*_[a-z0-9][a-z0-9_]*")
MAX_MODEL_NAME_LENGTH = 100
# A canonical PEP 440 public version (no epoch, no local part): the exact string the wheel and
# meta.json must carry, and a safe directory name.
VERSION = re.compile(r"\d+(?:\.\d+)*(?:(?:a|b|rc)\d+)?(?:\.post\d+)?(?:\.dev\d+)?")
MAX_VERSION_LENGTH = 64
SHA256 = re.compile(r"[0-9a-f]{64}")
# S3's rules for bucket names (no uppercase, no underscores, 3-63 characters).
BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
# Plain http only reaches a server on this host (tests, the local CLI); anything else crosses a network.
_LOCAL_HOSTS = ("127.0.0.1", "localhost")
# keep >= 1: while a deploy rolls, the serving function still serves the previous version until its
# configuration changes, which happens after the sync; keeping 0 older versions would delete it first.
MIN_KEEP_VERSIONS = 1
MAX_KEEP_VERSIONS = 100
DEFAULT_KEEP_VERSIONS = 2


@dataclass(frozen=True)
class Source:
    kind: str
    sha256: str
    location: str | None = None
    bucket: str | None = None
    key: str | None = None

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.key}" if self.kind == "s3" else str(self.location)

    def as_dict(self) -> dict:
        if self.kind == "s3":
            return {"kind": self.kind, "bucket": self.bucket, "key": self.key, "sha256": self.sha256}
        return {"kind": self.kind, "location": self.location, "sha256": self.sha256}


@dataclass(frozen=True)
class SyncRequest:
    model_name: str
    version: str
    source: Source
    keep_versions: int

    def as_event(self) -> dict:
        return {
            "model_name": self.model_name,
            "version": self.version,
            "source": self.source.as_dict(),
            "keep_versions": self.keep_versions,
        }


def _config_fail(message: str) -> SyncFailure:
    return SyncFailure("config", message)


def _required(env: Mapping[str, str], key: str) -> str:
    value = env.get(key, "")
    if value == "":
        raise _config_fail(f"{key} is required (Terraform sets it on the sync function)")
    if value != value.strip():
        raise _config_fail(f"{key} must have no surrounding whitespace, got {value!r}")
    return value


def check_location(kind: str, location: str, label: str) -> None:
    """The same rules as validate.ts: https only (http for this host), no credentials, local paths
    only for find_links. Raises ValueError with the reason."""
    allowed = "an https URL (http only for 127.0.0.1 or localhost)"
    if kind == "find_links":
        allowed += " or an absolute path"
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in location):
        raise ValueError(f"{label} must not contain whitespace or control characters, got {location!r}")
    if location.startswith("-"):
        raise ValueError(f"{label} must be a URL or path, not an option, got {location!r}")
    if kind == "find_links" and location.startswith("/"):
        return  # a directory the function can read: a layer under /opt, the local CLI's wheels
    parts = urlsplit(location)
    try:
        hostname = parts.hostname
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError:
        raise ValueError(f"{label} for kind {kind!r} must be {allowed}, got {location!r}") from None
    local_http = parts.scheme == "http" and hostname in _LOCAL_HOSTS
    if not (parts.scheme == "https" or local_http) or not hostname:
        raise ValueError(f"{label} for kind {kind!r} must be {allowed}, got {location!r}")
    if parts.username is not None or parts.password is not None:
        raise ValueError(
            f"{label} must not carry credentials (user:password@); they would sit in the function's "
            "configuration and Terraform state"
        )
    if kind == "wheel_url" and not parts.path.endswith(".whl"):
        raise ValueError(f"{label} for kind 'wheel_url' must point at a .whl file, got {location!r}")


def check_s3_object(bucket: str, key: str) -> None:
    if not BUCKET.fullmatch(bucket) or ".." in bucket:
        raise ValueError(f"MODEL_SOURCE_BUCKET must be an S3 bucket name, got {bucket!r}")
    if len(key) > 1024 or any(ord(ch) < 32 or ord(ch) == 127 for ch in key):
        raise ValueError(
            f"MODEL_SOURCE_KEY must be an S3 key of at most 1024 printable characters, got {key!r}"
        )
    if not key.endswith(".whl"):
        raise ValueError(f"MODEL_SOURCE_KEY must name a .whl file (pip installs wheels), got {key!r}")


def load_request(env: Mapping[str, str]) -> SyncRequest:
    """The model this function is configured to install; every problem names its variable."""
    model_name = _required(env, "MODEL_NAME")
    if len(model_name) > MAX_MODEL_NAME_LENGTH or not MODEL_NAME.fullmatch(model_name):
        raise _config_fail(
            "MODEL_NAME must be a spaCy package name '<lang>_<name>' in lowercase letters, digits "
            f"and underscores, e.g. 'en_core_web_lg'; got {model_name!r}"
        )
    version = _required(env, "MODEL_VERSION")
    if len(version) > MAX_VERSION_LENGTH or not VERSION.fullmatch(version):
        raise _config_fail(
            f"MODEL_VERSION must be an exact release like '3.8.0' (PEP 440, no ranges); got {version!r}"
        )
    kind = _required(env, "MODEL_SOURCE_KIND")
    if kind not in SOURCE_KINDS:
        raise _config_fail(f"MODEL_SOURCE_KIND must be one of {', '.join(SOURCE_KINDS)}; got {kind!r}")
    sha256 = _required(env, "MODEL_SHA256")
    if not SHA256.fullmatch(sha256):
        raise _config_fail(
            f"MODEL_SHA256 must be the wheel's sha256 as 64 lowercase hex digits, got {sha256!r}"
        )
    try:
        if kind == "s3":
            bucket, key = _required(env, "MODEL_SOURCE_BUCKET"), _required(env, "MODEL_SOURCE_KEY")
            check_s3_object(bucket, key)
            source = Source(kind, sha256, bucket=bucket, key=key)
        else:
            location = _required(env, "MODEL_SOURCE_LOCATION")
            check_location(kind, location, "MODEL_SOURCE_LOCATION")
            source = Source(kind, sha256, location=location)
    except ValueError as exc:
        raise _config_fail(str(exc)) from None
    raw_keep = env.get("KEEP_VERSIONS", "")
    keep = DEFAULT_KEEP_VERSIONS
    if raw_keep != "":
        try:
            keep = int(raw_keep)
        except ValueError:
            raise _config_fail(f"KEEP_VERSIONS must be an integer, got {raw_keep!r}") from None
        if not MIN_KEEP_VERSIONS <= keep <= MAX_KEEP_VERSIONS:
            raise _config_fail(
                f"KEEP_VERSIONS must be from {MIN_KEEP_VERSIONS} to {MAX_KEEP_VERSIONS} (the version the "
                f"serving function still serves during a deploy is never retired), got {raw_keep!r}"
            )
    return SyncRequest(model_name, version, source, keep)


def check_event(event: object, request: SyncRequest) -> None:
    """Refuse an invocation that asks for anything but the configured sync."""
    if event is None:
        return
    if not isinstance(event, dict):
        raise SyncFailure("validate", f"event must be a JSON object, got {type(event).__name__}")
    unknown = sorted(set(event) - set(_EVENT_FIELDS))
    if unknown:
        raise SyncFailure(
            "validate",
            f"unknown field(s) in event: {', '.join(map(repr, unknown))} "
            f"(allowed: {', '.join(_EVENT_FIELDS)}, each equal to the function's configuration)",
        )
    configured = request.as_event()
    for field in _EVENT_FIELDS:
        # The type check keeps True from passing for 1 (bool is an int in Python).
        asked = event.get(field, configured[field])
        if type(asked) is not type(configured[field]) or asked != configured[field]:
            raise SyncFailure(
                "validate",
                f"the event asks for {field} {asked!r} but this function is configured for "
                f"{configured[field]!r}; the sync installs only what its Terraform configuration names "
                "(change the model in the environment config and apply)",
            )
