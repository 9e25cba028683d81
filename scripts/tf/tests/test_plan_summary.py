"""Unit tests of the plan review summary on small plans in `tofu show -json` form.

The summary of real plans from the provider against moto (create, no-op, and a forced replacement) is
tested end to end in apps/environments/e2e/test_dev_lifecycle.py.
"""

from __future__ import annotations

import json
from pathlib import Path

from plan_summary import collect, main, summarize, totals


def rc(address: str, actions: list[str], **change: object) -> dict:
    rtype, _, _ = address.partition(".")
    return {
        "address": address,
        "mode": "managed",
        "type": rtype,
        "name": address.split(".", 1)[1],
        "change": {"actions": actions, "before": None, "after": {}, "after_unknown": {}, **change},
    }


PLAN = {
    "format_version": "1.2",
    "resource_changes": [
        rc("aws_vpc.net", ["create"]),
        rc("aws_subnet.a", ["create"]),
        rc("aws_subnet.b", ["create"]),
        rc("aws_efs_file_system.store", ["delete", "create"], replace_paths=[["encrypted"], ["kms_key_id"]]),
        rc("aws_lambda_layer_version.spacy", ["create", "delete"], replace_paths=[["source_code_hash"]]),
        rc(
            "aws_lambda_function.api",
            ["update"],
            before={
                "memory_size": 1024,
                "tags": {"a": "1"},
                "tags_all": {"a": "1"},
                "environment": [{"variables": {"X": "1"}}],
            },
            after={
                "memory_size": 3008,
                "tags": {"a": "1"},
                "tags_all": {"a": "1"},
                "environment": [{"variables": {"X": "2"}}],
            },
            after_unknown={"last_modified": True},
        ),
        {**rc("aws_s3_bucket.old", ["delete"]), "action_reason": "delete_because_no_resource_config"},
        rc("aws_iam_role.same", ["no-op"]),
        {**rc("aws_region.current", ["read"]), "mode": "data"},
    ],
    "output_changes": {"api_url": {"actions": ["update"]}, "vpc_id": {"actions": ["no-op"]}},
}


def test_counts_match_tofu_arithmetic() -> None:
    # tofu counts a replacement as one add and one destroy.
    assert totals(collect(PLAN)) == {"add": 5, "change": 1, "destroy": 3, "replace": 2}


def test_replacements_are_called_out_loudly_with_their_cause() -> None:
    md = summarize(PLAN, "prod")
    assert md.startswith("## Plan review: `prod`")
    assert "**Plan: 5 to add, 1 to change, 3 to destroy** (2 of them replacements)." in md
    assert "> [!WARNING]\n> **2 resources are REPLACED**" in md
    assert (
        "> - **`aws_efs_file_system.store`** (destroy, then create): forced by `encrypted`, `kms_key_id`"
        in md
    )
    assert (
        "> - **`aws_lambda_layer_version.spacy`** (create before destroy): forced by `source_code_hash`" in md
    )
    # The warning comes before everything else a reviewer reads.
    assert md.index("REPLACED") < md.index("### By resource type")


def test_destroys_are_called_out_with_their_reason() -> None:
    md = summarize(PLAN, "prod")
    assert "> **1 resource is DESTROYED:**" in md
    assert "> - **`aws_s3_bucket.old`**: it was removed from the configuration" in md


def test_table_by_type_and_updated_attributes() -> None:
    md = summarize(PLAN, "prod")
    assert "| `aws_subnet` | 2 |  |  |  |" in md
    assert "| `aws_efs_file_system` |  |  | 1 |  |" in md
    assert "| `aws_s3_bucket` |  |  |  | 1 |" in md
    assert "| **total** | 3 | 1 | 2 | 1 |" in md
    # tags_all (provider default tags) is noise; unknown-after attributes are listed.
    assert "- `aws_lambda_function.api`: `environment[0].variables.X`, `last_modified`, `memory_size`" in md
    assert "- `api_url`: change" in md and "vpc_id" not in md
    assert "aws_iam_role.same" not in md and "aws_region.current" not in md


def test_no_changes() -> None:
    md = summarize({"resource_changes": [rc("aws_vpc.net", ["no-op"])]}, "dev")
    assert "**No changes.**" in md and "Plan:" not in md


def test_errored_plan_is_flagged() -> None:
    assert "errored" in summarize({"errored": True, "resource_changes": []}, "dev")


def test_cli_writes_the_file(tmp_path: Path) -> None:
    src = tmp_path / "plan.json"
    src.write_text(json.dumps(PLAN))
    out = tmp_path / "plan-review.md"
    assert main([str(src), "--env", "staging", "-o", str(out)]) == 0
    assert out.read_text() == summarize(PLAN, "staging")
