"""The layer is built for the runtime the construct declares it compatible with (LAYER_RUNTIME, TypeScript,
the one definition); a build for another Python would publish a layer whose compiled wheels cannot import."""

from __future__ import annotations

from pathlib import Path

import build_layer
from testkit.contract import ts_const

SHARED_CONSTANTS = Path(__file__).resolve().parents[4] / "packages" / "shared" / "src" / "constants"


def test_the_build_targets_the_declared_runtime_and_architectures():
    assert ts_const(SHARED_CONSTANTS / "lambda.ts", "LAYER_RUNTIME") == build_layer.RUNTIME
    assert build_layer.RUNTIME.removeprefix("python") == build_layer.PYTHON_VERSION
    assert ts_const(SHARED_CONSTANTS / "lambda.ts", "LAMBDA_ARCHITECTURES") == list(build_layer.ARCHES)
