"""Download exactly one model wheel with pip in hash-checking mode, from any of the four source kinds,
then check its sha256 again ourselves before anything unpacks it."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

from sync_errors import SyncFailure
from sync_event import SyncRequest
from sync_proc import child_env, run_bounded, tail

# A presigned URL only has to be valid when pip's request starts; S3 does not cut a download short
# when it expires. Short, so a URL that leaks through a log is useless soon after.
PRESIGNED_URL_SECONDS = 300


def presigned_url(bucket: str, key: str) -> str:
    """A short-lived GET URL for the private wheel, signed with the function's role.

    The role may read this one object only (ModelSync grants s3:GetObject on the key). The URL is
    regional (bucket.s3.<region>.amazonaws.com), which the VPC's S3 gateway endpoint routes: a sync
    in subnets without NAT reaches it. boto3 is part of the Lambda Python runtime.
    """
    import boto3  # only the s3 kind needs it; imported late so the other kinds start faster
    from botocore.config import Config

    custom_endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    # Virtual-hosted and regional for AWS; a custom endpoint (the S3 emulator in tests) takes paths.
    style = "path" if custom_endpoint else "virtual"
    client = boto3.client(
        "s3",
        region_name=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION"),
        config=Config(signature_version="s3v4", s3={"addressing_style": style}),
    )
    return client.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=PRESIGNED_URL_SECONDS
    )


def _requirement_file(request: SyncRequest, dest: Path) -> Path:
    # Per-requirement --hash options exist only in requirement files; with --require-hashes pip
    # refuses any file whose digest is not this one.
    path = dest.parent / "requirements.txt"
    path.write_text(
        f"{request.model_name}=={request.version} --hash=sha256:{request.source.sha256}\n", encoding="utf-8"
    )
    return path


def pip_download_argv(request: SyncRequest, dest: Path, timeout: float, url: str | None = None) -> list[str]:
    """pip's arguments; ``url`` is the wheel URL for the wheel_url and s3 kinds."""
    source = request.source
    argv = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--require-hashes",
        "--disable-pip-version-check",
        "--no-cache-dir",
        "--no-input",
        "--progress-bar",
        "off",
        # pip's --timeout is per socket operation; the wall clock is bounded by run_bounded.
        "--timeout",
        str(int(min(60, max(5, timeout)))),
        "--dest",
        str(dest),
    ]
    if source.kind == "index_url":
        argv += ["--index-url", str(source.location), "-r", str(_requirement_file(request, dest))]
    elif source.kind == "find_links":
        argv += [
            "--no-index",
            "--find-links",
            str(source.location),
            "-r",
            str(_requirement_file(request, dest)),
        ]
    else:
        # 'name @ url' makes pip refuse a wheel of another project; the #sha256 fragment is the hash
        # --require-hashes demands. The version is checked after unpacking.
        argv += [f"{request.model_name} @ {url}#sha256={source.sha256}"]
    return argv


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def download_wheel(request: SyncRequest, staging: Path, timeout: float) -> Path:
    dest = staging / "download"
    dest.mkdir()
    source = request.source
    url = source.location
    if source.kind == "s3":
        try:
            url = presigned_url(str(source.bucket), str(source.key))
        except Exception as exc:  # botocore raises many types; all mean no URL
            raise SyncFailure(
                "download", f"cannot sign a URL for {source.describe()}: {type(exc).__name__}: {exc}"
            ) from exc
    argv = pip_download_argv(request, dest, timeout, url)
    proc = run_bounded(
        argv, timeout=timeout, env=child_env(staging / "tmp"), stage="download", what="pip download"
    )
    if proc.returncode != 0:
        stderr = tail(proc.stderr)
        if source.kind == "s3" and url:
            # The signature is a bearer token until it expires: keep it out of the result and logs.
            stderr = stderr.replace(url, source.describe()).replace(url.split("?", 1)[0], source.describe())
        hint = ""
        if "THESE PACKAGES DO NOT MATCH THE HASHES" in proc.stderr:
            hint = f"\nthe wheel's sha256 is not the pinned {source.sha256}"
        raise SyncFailure(
            "download",
            f"pip download of {request.model_name}=={request.version} from {source.kind} "
            f"{source.describe()} failed (exit {proc.returncode}):{hint}\n{stderr}",
        )
    wheels = sorted(dest.glob("*.whl"))
    others = sorted(p.name for p in dest.iterdir() if p.suffix != ".whl")
    if len(wheels) != 1 or others:
        got = ", ".join(p.name for p in dest.iterdir()) or "nothing"
        raise SyncFailure("download", f"expected exactly one wheel from pip download, got {got}")
    # pip checked the hash; check it again on the bytes we are about to unpack, so the pin holds
    # whatever pip version the layer carries and whatever pip does with a cached or redirected file.
    actual = file_sha256(wheels[0])
    if actual != source.sha256:
        raise SyncFailure(
            "verify", f"{wheels[0].name} has sha256 {actual}, but the pinned sha256 is {source.sha256}"
        )
    return wheels[0]
