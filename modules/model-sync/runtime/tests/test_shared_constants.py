"""Limits and defaults ModelSync (TypeScript, their one definition: @serverless-spacy/shared's constants and
this module's src) and the sync both hold; a Python copy that drifts fails here rather than as an apply whose
sync refuses what the synth accepted."""

from __future__ import annotations

from pathlib import Path

import pytest
import sync_event
import sync_settings
from testkit.contract import ts_const, ts_enum

MODULE_DIR = Path(__file__).resolve().parents[2]
SHARED_SRC = MODULE_DIR.parents[1] / "packages" / "shared" / "src"

PAIRS = [
    ("constants/lambda.ts", "DEFAULT_MOUNT_PATH", sync_settings.DEFAULT_MODEL_ROOT),
    ("constants/model-package.ts", "DEFAULT_KEEP_VERSIONS", sync_event.DEFAULT_KEEP_VERSIONS),
    (
        "constants/model-package.ts",
        "KEEP_VERSIONS_LIMITS",
        {"min": sync_event.MIN_KEEP_VERSIONS, "max": sync_event.MAX_KEEP_VERSIONS},
    ),
    ("constants/model-package.ts", "MAX_MODEL_NAME_LENGTH", sync_event.MAX_MODEL_NAME_LENGTH),
    ("constants/model-package.ts", "MAX_MODEL_VERSION_LENGTH", sync_event.MAX_VERSION_LENGTH),
]


@pytest.mark.parametrize(("source", "name", "python"), PAIRS, ids=[p[1] for p in PAIRS])
def test_the_python_copy_equals_the_typescript_definition(source, name, python):
    assert ts_const(SHARED_SRC / source, name) == python


def test_the_source_kinds_are_the_enums_values_in_order():
    assert ts_enum(MODULE_DIR / "src" / "model-source.ts", "ModelSourceKind") == list(sync_event.SOURCE_KINDS)
