"""Numbers and choices the construct and the runtime both hold: TypeScript is their one definition, and a
Python copy that drifts fails here (a construct sized on one vCPU share while the runtime budgets another
would refuse requests the function could serve, or accept ones it cannot finish)."""

from __future__ import annotations

import ner_budget
import ner_settings
import pytest
from conftest import RUNTIME_DIR
from testkit.contract import ts_const, ts_enum

MODULE_SRC = RUNTIME_DIR.parent / "src"
SHARED_CONSTANTS = RUNTIME_DIR.parents[2] / "packages" / "shared" / "src" / "constants"

PAIRS = [
    (MODULE_SRC / "memory-sizing.ts", "FULL_VCPU_MEMORY_MB", ner_budget.FULL_VCPU_MB),
    (SHARED_CONSTANTS / "lambda.ts", "DEFAULT_MOUNT_PATH", ner_settings.DEFAULT_MODEL_ROOT),
]


@pytest.mark.parametrize(("source", "name", "python"), PAIRS, ids=[p[1] for p in PAIRS])
def test_the_python_copy_equals_the_typescript_definition(source, name, python):
    assert ts_const(source, name) == python


# The choices are the public string enums (VectorsMode, BlasLibrary) whose values the handler reads.
ENUMS = [
    (MODULE_SRC / "memory-sizing.ts", "VectorsMode", list(ner_settings.VECTORS_MODES)),
    (MODULE_SRC / "spacy-function.ts", "BlasLibrary", list(ner_settings.BLAS_CHOICES)),
]


@pytest.mark.parametrize(("source", "name", "python"), ENUMS, ids=[e[1] for e in ENUMS])
def test_the_python_choices_equal_the_typescript_enum(source, name, python):
    assert ts_enum(source, name) == python


def test_an_enum_is_read_in_order_past_its_comments(tmp_path):
    source = tmp_path / "choices.ts"
    source.write_text(
        'export enum Mode {\n  /** First. */\n  ONE = "one",\n  // Second.\n  TWO = "two",\n}\n'
    )
    assert ts_enum(source, "Mode") == ["one", "two"]


def test_a_changed_definition_is_noticed(tmp_path):
    changed = tmp_path / "memory-sizing.ts"
    changed.write_text("export const FULL_VCPU_MEMORY_MB = 1_792;\n")
    assert ts_const(changed, "FULL_VCPU_MEMORY_MB") == 1792 != ner_budget.FULL_VCPU_MB
