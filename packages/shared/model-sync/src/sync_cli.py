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
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--wheel-url", help="direct URL of the model's wheel")
    source.add_argument("--index-url", help="PEP 503 simple index to pip download from")
    source.add_argument("--find-links", help="directory or HTML page of wheel links")
    parser.add_argument("--keep-versions", type=int, help="older versions kept for rollback (default 2)")
    return parser.parse_args(argv)


def to_event(args: argparse.Namespace) -> dict:
    if args.wheel_url:
        source = {"kind": "wheel_url", "location": args.wheel_url}
    elif args.index_url:
        source = {"kind": "index_url", "location": args.index_url}
    else:
        location = args.find_links
        # The Lambda event needs an absolute path; on the command line a relative one is natural.
        if "://" not in location:
            location = str(Path(location).resolve())
        source = {"kind": "find_links", "location": location}
    event = {"model_name": args.model, "version": args.version, "source": source}
    if args.keep_versions is not None:
        event["keep_versions"] = args.keep_versions
    return event


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    root = args.root.resolve()
    root.mkdir(parents=True, exist_ok=True)
    os.environ["MODEL_ROOT"] = str(root)
    from model_sync import handler
    from sync_errors import ModelSyncFailed

    try:
        result = handler(to_event(args))
    except ModelSyncFailed as failed:
        print(str(failed))
        return 1
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
