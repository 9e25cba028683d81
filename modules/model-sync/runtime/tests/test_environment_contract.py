"""The environment variables the sync reads are the ones ModelSync knows (MODEL_SYNC_ENVIRONMENT_VARIABLES in
model-sync.ts): a variable the construct stopped setting, or one the sync started to need, fails here
instead of at the first apply.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sync_cli import to_env
from testkit.contract import names_in, ts_contract

SYNC_SRC = Path(__file__).resolve().parents[1] / "src"
CONSTRUCT = SYNC_SRC.parents[1] / "src" / "model-sync.ts"


def _contract() -> dict[str, set[str]]:
    return ts_contract(CONSTRUCT, "MODEL_SYNC_ENVIRONMENT_VARIABLES")


def test_every_name_the_sync_reads_is_in_the_constructs_contract_and_no_other():
    groups = _contract()
    assert set(groups) == {"construct", "local", "aws"}
    listed = set().union(*groups.values())
    read = names_in(SYNC_SRC)
    assert read == listed, f"read but not listed: {read - listed}; listed but not read: {listed - read}"


def test_the_command_line_sets_only_what_the_construct_sets():
    """`sync_cli` stands in for Terraform locally; it configures no more than the function can."""
    args = argparse.Namespace(
        model="en_x", version="1.0.0", sha256="ab" * 32, s3="s3://b/k.whl", keep_versions=3,
        wheel_url=None, index_url=None, find_links=None,
    )  # fmt: skip
    assert set(to_env(args)) | {"MODEL_ROOT"} <= _contract()["construct"]
