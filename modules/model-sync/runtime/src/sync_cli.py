"""`pnpm model-sync`: the model sync, run on this machine against a local directory instead of the EFS mount.

Same code path as the one-shot Lambda (model_sync.handler), so a model synced here is laid out
exactly as the NER function expects; `pnpm serve` then serves it with MODEL_ROOT/MODEL_NAME/
MODEL_VERSION set. Prints the JSON result; exits 1 with the failure's JSON when the sync fails.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="pnpm model-sync",
        description="Install one spaCy model version into <root>/<model>/<version> as the sync Lambda does.",
    )
    parser.add_argument("--root", required=True, type=Path, help="model root (the mount), created if missing")
    parser.add_argument("--model", required=True, help="spaCy package name, e.g. en_core_web_sm")
    parser.add_argument("--version", required=True, help="exact version, e.g. 3.8.0")
    parser.add_argument("--sha256", required=True, help="sha256 of the model's wheel (64 hex digits)")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--wheel-url", help="https URL of the model's wheel")
    source.add_argument("--index-url", help="PEP 503 simple index to pip download from")
    source.add_argument("--find-links", help="directory or HTML page of wheel links")
    source.add_argument(
        "--s3", metavar="S3_URI", help="s3://bucket/key of a private wheel (uses your AWS credentials)"
    )
    parser.add_argument(
        "--keep-versions", type=int, help="older versions kept for rollback (default 2, at least 1)"
    )
    return parser.parse_args(argv)


def to_env(args: argparse.Namespace) -> dict[str, str]:
    """The sync function's configuration, as Terraform would set it."""
    env = {"MODEL_NAME": args.model, "MODEL_VERSION": args.version, "MODEL_SHA256": args.sha256}
    if args.s3:
        bucket, _, key = args.s3.removeprefix("s3://").partition("/")
        env.update(MODEL_SOURCE_KIND="s3", MODEL_SOURCE_BUCKET=bucket, MODEL_SOURCE_KEY=key)
    elif args.wheel_url:
        env.update(MODEL_SOURCE_KIND="wheel_url", MODEL_SOURCE_LOCATION=args.wheel_url)
    elif args.index_url:
        env.update(MODEL_SOURCE_KIND="index_url", MODEL_SOURCE_LOCATION=args.index_url)
    else:
        location = args.find_links
        # The function needs an absolute path; on the command line a relative one is natural.
        if "://" not in location:
            location = str(Path(location).resolve())
        env.update(MODEL_SOURCE_KIND="find_links", MODEL_SOURCE_LOCATION=location)
    if args.keep_versions is not None:
        env["KEEP_VERSIONS"] = str(args.keep_versions)
    return env


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    root = args.root.resolve()
    root.mkdir(parents=True, exist_ok=True)
    os.environ["MODEL_ROOT"] = str(root)
    os.environ.update(to_env(args))
    from model_sync import handler
    from sync_errors import ModelSyncFailed

    try:
        # As in Lambda: the configuration is the environment, the event only triggers the run.
        result = handler({})
    except ModelSyncFailed as failed:
        print(str(failed))
        return 1
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
