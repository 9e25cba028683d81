"""pnpm release:python and pnpm release:cdktn: each refuses bad input with a message that names it, uploads
nothing when a check fails, and skips what the index already has, so a re-run finishes a partial release."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PYTHON_RELEASE = ROOT / "scripts" / "release" / "python.sh"
CDKTN_RELEASE = ROOT / "scripts" / "release" / "cdktn.sh"
VENV_BIN = Path(sys.executable).parent


def run(script: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(script), *args],
        cwd=ROOT,
        env={**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring", **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )


def build_wheel(tmp: Path, name: str, version: str, description: str, out: Path) -> Path:
    """A one-module wheel whose long description is `description` (reStructuredText)."""
    src = tmp / f"src-{name}-{version}-{abs(hash(description))}"
    (src / name.replace("-", "_")).mkdir(parents=True)
    (src / name.replace("-", "_") / "__init__.py").write_text("")
    (src / "README.rst").write_text(description)
    (src / "pyproject.toml").write_text(
        "[build-system]\nrequires = ['setuptools']\nbuild-backend = 'setuptools.build_meta'\n"
        f"[project]\nname = '{name}'\nversion = '{version}'\nreadme = 'README.rst'\n"
    )
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--disable-pip-version-check", "--quiet", "--wheel-dir", str(out), str(src)],
        check=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )  # fmt: skip
    (wheel,) = out.glob(f"{name.replace('-', '_')}-{version}-*.whl")
    return wheel


@pytest.fixture
def index(tmp_path: Path) -> Iterator[str]:
    """A pypiserver on a free port, uploads without authentication; yields its base URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    packages = tmp_path / "index"
    packages.mkdir()
    server = subprocess.Popen(
        [str(VENV_BIN / "pypi-server"), "run", "--host", "127.0.0.1", "--port", str(port),
         "-a", ".", "-P", ".", "--disable-fallback", str(packages)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "simple/", timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("pypiserver did not start")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def to(index: str) -> dict[str, str]:
    return {"TWINE_REPOSITORY_URL": index, "TWINE_USERNAME": "test", "TWINE_PASSWORD": "unused"}


def listed(index: str, project: str) -> str:
    try:
        return urllib.request.urlopen(f"{index}simple/{project}/", timeout=10).read().decode()
    except OSError:
        return ""


def test_release_python_uploads_then_a_rerun_skips_everything(tmp_path: Path, index: str) -> None:
    dist = tmp_path / "dist"
    wheel = build_wheel(tmp_path, "release-probe", "1.0.0", "Release probe\n=============\n\nFine.\n", dist)
    first = run(PYTHON_RELEASE, "--dist", str(dist), "--index-url", index + "simple/", env=to(index))
    assert first.returncode == 0, first.stderr + first.stdout
    assert f"uploaded 1 file(s): {wheel.name}" in first.stdout
    assert wheel.name in listed(index, "release-probe")

    # The same name and version with other content: an index never replaces a file, so the re-run skips it.
    wheel.unlink()
    build_wheel(tmp_path, "release-probe", "1.0.0", "Release probe\n=============\n\nChanged.\n", dist)
    again = run(PYTHON_RELEASE, "--dist", str(dist), "--index-url", index + "simple/", env=to(index))
    assert again.returncode == 0, again.stderr + again.stdout
    assert f"{wheel.name} is already on {index}simple/, skipped" in again.stdout
    assert "nothing to upload, all 1 file(s) are on" in again.stdout


def test_release_python_uploads_nothing_when_a_description_does_not_render(
    tmp_path: Path, index: str
) -> None:
    dist = tmp_path / "dist"
    build_wheel(tmp_path, "release-good", "1.0.0", "Good\n====\n\nFine.\n", dist)
    build_wheel(tmp_path, "release-bad", "1.0.0", "Bad\n===\n\n`unclosed\n\n.. unknown-directive::\n", dist)
    result = run(PYTHON_RELEASE, "--dist", str(dist), "--index-url", index + "simple/", env=to(index))
    assert result.returncode == 1
    assert "twine check: fix the package metadata above; nothing was uploaded" in result.stderr
    # twine's report is coloured and wrapped at the terminal width, whatever the terminal.
    report = re.sub(r"\x1b\[[0-9;]*m|\s", "", result.stdout)
    assert "release_bad-1.0.0-py3-none-any.whl:FAILED" in report
    assert "release_good-1.0.0-py3-none-any.whl:PASSED" in report
    assert listed(index, "release-good") == "", "the good wheel was uploaded although the check failed"


def test_release_python_names_an_index_that_cannot_be_read(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    build_wheel(tmp_path, "release-probe", "1.0.0", "Probe\n=====\n", dist)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        nobody = f"http://127.0.0.1:{s.getsockname()[1]}/simple/"
    result = run(PYTHON_RELEASE, "--dist", str(dist), "--index-url", nobody, env=to(nobody))
    assert result.returncode == 1
    assert f"could not read {nobody}release-probe/" in result.stderr


def test_release_python_refuses_an_empty_or_missing_dist(tmp_path: Path) -> None:
    empty = run(PYTHON_RELEASE, "--dist", str(tmp_path))
    assert empty.returncode == 1
    assert f"no *.whl or *.tar.gz in {tmp_path}" in empty.stderr
    missing = run(PYTHON_RELEASE, "--dist", str(tmp_path / "nope"))
    assert missing.returncode == 1
    assert f"--dist {tmp_path / 'nope'}: no such directory" in missing.stderr


def test_release_cdktn_refuses_missing_tarballs_and_unknown_arguments(tmp_path: Path) -> None:
    empty = run(CDKTN_RELEASE, "--packed", str(tmp_path), "--out", str(tmp_path / "out"))
    assert empty.returncode == 1
    assert f"no serverless-spacy-*.tgz in {tmp_path}: run pnpm pack:packages first" in empty.stderr
    assert not (tmp_path / "out").exists(), "a refused release must not empty or create --out"
    unknown = run(CDKTN_RELEASE, "--registry", "http://example.invalid/")
    assert unknown.returncode == 1
    assert "unknown argument --registry" in unknown.stderr
