#!/usr/bin/env python3
"""Stage the function zips' code with CPython 3.12 bytecode, for `cdktf synth` to package.

    python build_code.py            # -> <src>/../build/python3.12/ for each Lambda code folder

Lambda's /var/task is read-only: without .pyc every cold start compiles the handler's modules
from source. Synth has no Python 3.12 to compile with, so this runs before it (like
`pnpm build:layer`); synth packages the staged folder when its sources equal the checked-in ones
and the plain sources otherwise (see stagedCodeDir in @serverless-spacy/shared).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import build_layer

REPO = Path(__file__).resolve().parents[3]
# The code folders cdktf zips as Lambda functions: the NER handler and the model sync.
CODE_DIRS = (
    REPO / "modules" / "spacy-function" / "runtime" / "src",
    REPO / "modules" / "model-sync" / "runtime" / "src",
)
STAGED = Path("build") / "python3.12"


def stage(src: Path, python: str | None = None) -> Path:
    """Copy src's .py files to <src>/../build/python3.12 and compile them there."""
    dest = src.parent / STAGED
    partial = dest.with_name(dest.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    for source in sorted(src.rglob("*.py")):
        if "__pycache__" in source.parts:
            continue
        target = partial / source.relative_to(src)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    build_layer.compile_bytecode(partial, python, prefix="/var/task")
    shutil.rmtree(dest, ignore_errors=True)
    partial.replace(dest)
    return dest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument(
        "--check-python", help="CPython 3.12 to compile with (default: found like the layer's)"
    )
    args = parser.parse_args(argv)
    for src in CODE_DIRS:
        print(f"staged {stage(src, args.check_python)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
