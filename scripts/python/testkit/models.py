"""Real spaCy model wheels for tests: built with spaCy's own packager, never mocked."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import cast

import spacy
from spacy.pipeline import EntityRuler

DEFAULT_PATTERNS: tuple[dict, ...] = ({"label": "ORG", "pattern": "Google"},)

_NAME = re.compile(r"(?P<lang>[a-z]{2,3})_(?P<rest>[a-z0-9_]+)")


def build_model_wheel(
    workdir: str | os.PathLike,
    name: str = "en_test_ner",
    version: str = "1.0.0",
    patterns: Iterable[Mapping] = DEFAULT_PATTERNS,
    *,
    python: str | None = None,
) -> Path:
    """Build a real pipeline (blank language + entity_ruler) and package it as a real wheel.

    ``name`` is the final package name, as a model sync request names it (``en_test_ner``).
    ``spacy package`` prefixes the language to the meta name, so the language is taken from the
    name's prefix and only the rest is passed as ``--name``.

    ``python`` is the interpreter that runs ``spacy package``; it needs spaCy, setuptools and
    wheel (spaCy falls back to ``setup.py bdist_wheel`` when ``build`` is absent, which keeps the
    build offline: ``python -m build`` would fetch setuptools into an isolated env).
    """
    match = _NAME.fullmatch(name)
    if not match:
        raise ValueError(f"model name {name!r} must look like '<lang>_<name>', e.g. 'en_test_ner'")
    lang, meta_name = match["lang"], match["rest"]
    workdir = Path(workdir)
    pipeline_dir = workdir / f"pipeline-{name}-{version}"
    package_root = workdir / f"package-{name}-{version}"
    dist_dir = workdir / "dist"
    for path in (pipeline_dir, package_root, dist_dir):
        path.mkdir(parents=True, exist_ok=True)

    nlp = spacy.blank(lang)
    ruler = cast(EntityRuler, nlp.add_pipe("entity_ruler"))
    ruler.add_patterns([dict(p) for p in patterns])
    nlp.meta["name"] = meta_name
    nlp.meta["version"] = version
    nlp.to_disk(pipeline_dir)
    target = spacy_package(pipeline_dir, package_root, name, version, python=python)
    return Path(shutil.copyfile(target, dist_dir / target.name))


def spacy_package(
    pipeline_dir: str | os.PathLike,
    package_root: str | os.PathLike,
    name: str,
    version: str,
    *,
    code: Sequence[str | os.PathLike] = (),
    python: str | None = None,
) -> Path:
    """``python -m spacy package PIPELINE_DIR PACKAGE_ROOT --build wheel``: the wheel it builds.

    ``code``: Python files of the pipeline's own components, packaged with ``--code``.

    ``name`` is the package name (``en_acme_support``); spaCy prefixes the pipeline's language to
    ``--name``, so only the part after ``<lang>_`` is passed.
    """
    match = _NAME.fullmatch(name)
    if not match:
        raise ValueError(f"model name {name!r} must look like '<lang>_<name>', e.g. 'en_test_ner'")
    package_root = Path(package_root)
    package_root.mkdir(parents=True, exist_ok=True)
    cmd = [
        python or sys.executable,
        "-m",
        "spacy",
        "package",
        str(pipeline_dir),
        str(package_root),
        "--name",
        match["rest"],
        "--version",
        version,
        "--build",
        "wheel",
        "--force",
    ]
    if code:
        cmd += ["--code", ",".join(str(path) for path in code)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    built = sorted((package_root / f"{name}-{version}" / "dist").glob("*.whl"))
    if proc.returncode != 0 or len(built) != 1:
        raise RuntimeError(
            f"spacy package failed for {name}=={version} (exit {proc.returncode}):\n"
            f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        )
    return built[0]


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"sha256={digest}"


def rewrite_wheel(
    src: str | os.PathLike,
    dest: str | os.PathLike,
    edits: Mapping[str, Callable[[bytes], bytes]] | None = None,
    *,
    edit_matching: Callable[[str], bool] | None = None,
    edit: Callable[[bytes], bytes] | None = None,
) -> Path:
    """Copy a wheel, changing some members, and write a RECORD that matches the new content.

    The result is a *well-formed* wheel with different content: what a publisher who made a
    mistake would upload, as opposed to bytes damaged in transit (see ``corrupt_bytes``).
    Members are edited by exact name via ``edits`` or by predicate via ``edit_matching``/``edit``.
    """
    edits = dict(edits or {})
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(src) as zin:
        members = [(info, zin.read(info)) for info in zin.infolist()]
    record_name = next(i.filename for i, _ in members if i.filename.endswith(".dist-info/RECORD"))
    rows = []
    out = []
    for info, data in members:
        if info.filename == record_name:
            continue
        if info.filename in edits:
            data = edits[info.filename](data)
        elif edit_matching is not None and edit is not None and edit_matching(info.filename):
            data = edit(data)
        out.append((info.filename, data))
        rows.append([info.filename, _record_hash(data), str(len(data))])
    rows.append([record_name, "", ""])
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    out.append((record_name, buf.getvalue().encode()))
    with zipfile.ZipFile(dest, "w", compression=zipfile.ZIP_DEFLATED) as zout:
        for name, data in out:
            zout.writestr(name, data)
    return dest


def with_meta_version(src: str | os.PathLike, dest: str | os.PathLike, meta_version: str) -> Path:
    """A wheel whose dist version stays as built but whose every meta.json claims ``meta_version``."""

    def set_version(data: bytes) -> bytes:
        meta = json.loads(data)
        meta["version"] = meta_version
        return json.dumps(meta, indent=2).encode()

    return rewrite_wheel(src, dest, edit_matching=lambda n: n.endswith("/meta.json"), edit=set_version)


def corrupt_bytes(data: bytes) -> bytes:
    """Same length, damaged in the middle: what a flaky proxy or a bad disk hands back."""
    middle = len(data) // 2
    span = max(1, min(4096, len(data) // 8))
    damaged = bytes(b ^ 0xFF for b in data[middle : middle + span])
    return data[:middle] + damaged + data[middle + span :]
