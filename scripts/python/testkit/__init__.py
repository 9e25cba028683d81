"""Shared test helpers: real spaCy model wheels and the ways pip fetches them.

Put ``scripts/python`` on pytest's ``pythonpath`` and ``import testkit``.
"""

from .fs import fill_filesystem, immutable, remount_read_only, remount_read_write, small_filesystem
from .models import (
    DEFAULT_PATTERNS,
    build_model_wheel,
    corrupt_bytes,
    rewrite_wheel,
    spacy_package,
    with_meta_version,
)
from .serve import Fault, WheelIndex, make_find_links, normalize

__all__ = [
    "DEFAULT_PATTERNS",
    "Fault",
    "WheelIndex",
    "build_model_wheel",
    "corrupt_bytes",
    "fill_filesystem",
    "immutable",
    "make_find_links",
    "normalize",
    "remount_read_only",
    "remount_read_write",
    "rewrite_wheel",
    "small_filesystem",
    "spacy_package",
    "with_meta_version",
]
