"""Is this really the model that was asked for, and does spaCy load it?"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from sync_errors import SyncFailure
from sync_event import SyncRequest
from sync_manifest import manifest_problem
from sync_proc import child_env, run_bounded, tail
from sync_wheel import WheelContents

# Run in a child: a big model's memory goes away with it, and a crash or hang in native code
# becomes a failed stage instead of a dead handler. One call proves the pipeline runs, not only loads.
_LOAD_CHECK = """
import json, sys
import spacy
nlp = spacy.load(sys.argv[1])
doc = nlp("Model sync check: spaCy loads this pipeline and runs it once.")
print(json.dumps({"lang": nlp.lang, "name": nlp.meta.get("name"), "version": nlp.meta.get("version"),
                  "pipeline": nlp.pipe_names, "tokens": len(doc)}))
"""


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def check_wheel_identity(contents: WheelContents, request: SyncRequest) -> None:
    if _normalize(contents.dist_name) != _normalize(request.model_name):
        raise SyncFailure("verify", f"wheel is {contents.dist_name!r}, requested {request.model_name!r}")
    if contents.dist_version != request.version:
        raise SyncFailure(
            "verify",
            f"wheel {contents.dist_name} is version {contents.dist_version}, requested {request.version}",
        )


def read_meta(data_dir: Path) -> dict:
    try:
        meta = json.loads((data_dir / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SyncFailure("verify", f"cannot read {data_dir / 'meta.json'}: {exc}") from exc
    if not isinstance(meta, dict):
        raise SyncFailure("verify", f"{data_dir / 'meta.json'} is not a JSON object")
    return meta


def meta_mismatch(meta: dict, request: SyncRequest) -> str | None:
    """Why meta.json does not describe the requested model, or None if it does.

    spaCy names a package '<lang>_<meta name>', so both halves must agree with model_name.
    """
    lang, name, version = meta.get("lang"), meta.get("name"), meta.get("version")
    if not all(isinstance(v, str) for v in (lang, name, version)):
        return "meta.json lacks lang, name or version"
    if f"{lang}_{name}" != request.model_name:
        return f"meta.json describes {lang}_{name}, requested {request.model_name}"
    if version != request.version:
        return f"meta.json says version {version}, requested {request.version}"
    return None


def check_meta(data_dir: Path, request: SyncRequest) -> dict:
    meta = read_meta(data_dir)
    problem = meta_mismatch(meta, request)
    if problem:
        raise SyncFailure("verify", problem)
    return meta


def present_and_intact(version_dir: Path, request: SyncRequest) -> str | None:
    """Re-check of an installed version: None if intact, else why not.

    Full verification (spaCy load) happened before it was moved into place; this catches a
    directory damaged or hand-placed since, from the manifest written at install (every file's
    size and sha256), without paying for a model load.
    """
    if not version_dir.exists():
        return "not installed"
    if not version_dir.is_dir():
        return f"{version_dir} is not a directory"
    try:
        if (version_dir / "config.cfg").stat().st_size == 0:
            return "config.cfg is empty"
        meta = json.loads((version_dir / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return f"unreadable config.cfg/meta.json ({exc})"
    if not isinstance(meta, dict):
        return "meta.json is not a JSON object"
    return meta_mismatch(meta, request) or manifest_problem(version_dir, request)


def check_loads(data_dir: Path, request: SyncRequest, scratch: Path, timeout: float) -> dict:
    argv = [sys.executable, "-c", _LOAD_CHECK, str(data_dir)]
    proc = run_bounded(argv, timeout=timeout, env=child_env(scratch), stage="verify", what="spacy.load check")
    if proc.returncode != 0:
        raise SyncFailure(
            "verify", f"spacy.load failed for {request.model_name}=={request.version}:\n{tail(proc.stderr)}"
        )
    try:
        loaded = json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise SyncFailure("verify", f"spacy.load check printed no result:\n{tail(proc.stderr)}") from None
    if f"{loaded['lang']}_{loaded['name']}" != request.model_name or loaded["version"] != request.version:
        raise SyncFailure("verify", f"spaCy loaded {loaded}, not {request.model_name}=={request.version}")
    return loaded
