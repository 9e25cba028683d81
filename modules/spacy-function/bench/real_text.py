"""Paragraphs of real text that this project did not write, for parity tests and benchmarks.

The sources are files that ship with the machine (Debian's licence texts) and with the packages the
lockfiles pin (READMEs, changelogs and licences under node_modules and the venv), so the corpus is
the same on every machine that ran the README's install commands. A paragraph is what blank lines
delimit, kept as the file has it: CRLF line ends, tabs, non-ASCII letters and emoji included.
"""

from __future__ import annotations

import hashlib
import re
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
LICENSES = Path("/usr/share/common-licenses")
_DOC_NAMES = re.compile(
    r"^(readme|changelog|changes|history|license|licence|copying|notice|authors)(\.(md|txt|rst))?$", re.I
)
_PARAGRAPH_BREAK = re.compile(r"(?:\r?\n[ \t]*){2,}")
MIN_CHARS, MAX_CHARS = 40, 4000


@dataclass(frozen=True)
class Paragraph:
    source: str
    text: str


def _files() -> Iterator[Path]:
    if LICENSES.is_dir():
        yield from sorted(p for p in LICENSES.iterdir() if p.is_file() and not p.is_symlink())
    pnpm = ROOT / "node_modules" / ".pnpm"
    if pnpm.is_dir():
        yield from sorted(
            p for p in pnpm.glob("*/node_modules/**/*") if _DOC_NAMES.match(p.name) and p.is_file()
        )
    venv = Path(sys.prefix) / "lib"
    yield from sorted(
        p for p in venv.glob("python3*/site-packages/**/*") if _DOC_NAMES.match(p.name) and p.is_file()
    )


def _readable(text: str) -> bool:
    letters = sum(c.isalpha() for c in text)
    return letters >= len(text) // 2 and " " in text


def paragraphs() -> list[Paragraph]:
    """Every distinct paragraph of MIN_CHARS to MAX_CHARS code points, mostly letters, in source order."""
    seen: set[str] = set()
    found = []
    for path in _files():
        try:
            text = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for chunk in _PARAGRAPH_BREAK.split(text):
            chunk = chunk.strip(" \r\n")
            if MIN_CHARS <= len(chunk) <= MAX_CHARS and _readable(chunk) and chunk not in seen:
                seen.add(chunk)
                found.append(
                    Paragraph(str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path), chunk)
                )
    return found


def is_emoji(char: str) -> bool:
    return unicodedata.category(char) == "So" and ord(char) >= 0x1F000


def features(text: str) -> set[str]:
    """Which of the awkward kinds of input a paragraph exercises."""
    kinds = set()
    if any(ord(c) > 127 for c in text):
        kinds.add("non_ascii")
    if any(is_emoji(c) for c in text):
        kinds.add("emoji")
    if "\r\n" in text:
        kinds.add("crlf")
    if "\t" in text:
        kinds.add("tab")
    return kinds


def sample(count: int, *, per_feature: int = 50) -> list[Paragraph]:
    """A deterministic sample: every kind of awkward input first (up to per_feature each), then the rest
    by a hash of the text, so the choice does not depend on file order or on the machine."""
    every = paragraphs()
    chosen: dict[str, Paragraph] = {}
    for kind in ("emoji", "crlf", "tab", "non_ascii"):
        with_kind = [p for p in every if kind in features(p.text)]
        for p in sorted(with_kind, key=_key)[:per_feature]:
            chosen.setdefault(p.text, p)
    for p in sorted(every, key=_key):
        if len(chosen) >= count:
            break
        chosen.setdefault(p.text, p)
    return list(chosen.values())


def _key(p: Paragraph) -> str:
    return hashlib.sha256(p.text.encode()).hexdigest()
