"""Build the real layer (the installed tree is cached under build/<arch> by requirements hash)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import build_layer
import pytest
from testkit import build_model_wheel, make_find_links

LAYER_DIR = Path(build_layer.__file__).resolve().parent
SYNC_SRC = LAYER_DIR.parents[2] / "modules" / "model-sync" / "runtime" / "src"
LIMIT = 262_144_000


def _build(arch: str, dist: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(LAYER_DIR / "build_layer.py"), "--arch", arch, "--dist-dir", str(dist), *extra],
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


_BUILDS: dict[str, tuple[str, Path, subprocess.CompletedProcess]] = {}


def _built(arch: str, tmp_path_factory) -> tuple[str, Path, subprocess.CompletedProcess]:
    if arch not in _BUILDS:
        dist = tmp_path_factory.mktemp(f"dist-{arch}")
        proc = _build(arch, dist)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        _BUILDS[arch] = (arch, dist / f"spacy-layer-python3.12-{arch}.zip", proc)
    return _BUILDS[arch]


@pytest.fixture(scope="session", params=["x86_64", "arm64"])
def built(request, tmp_path_factory) -> tuple[str, Path, subprocess.CompletedProcess]:
    return _built(request.param, tmp_path_factory)


@pytest.mark.pip  # builds the layer: pip installs spaCy into it
def test_zip_is_within_lambda_limits_and_has_spacy_and_pip(built):
    arch, zip_path, proc = built
    assert zip_path.is_file()
    with zipfile.ZipFile(zip_path) as zf:
        infos = zf.infolist()
        assert zf.testzip() is None
    names = {i.filename for i in infos}
    unzipped = sum(i.file_size for i in infos)
    assert unzipped <= LIMIT
    assert f"unzipped: {unzipped} bytes" in proc.stdout
    assert f"zipped:   {zip_path.stat().st_size} bytes" in proc.stdout
    for key in ("python/spacy/__init__.py", "python/pip/__init__.py", "python/thinc/__init__.py"):
        assert key in names
    assert all(n.startswith("python/") for n in names)
    assert not [n for n in names if n.endswith((".pyx", ".pxd", ".cpp"))]
    # Bytecode only for the Lambda runtime's Python, beside its source.
    pycs = [n for n in names if n.endswith(".pyc")]
    assert pycs and all(".cpython-312.pyc" in n and "/__pycache__/" in n for n in pycs)
    assert not [n for n in names if "/tests/" in n]
    assert not [n for n in names if n.startswith("python/bin/")]
    machine = build_layer.ARCHES[arch]
    assert any(n.endswith(f"cpython-312-{machine}-linux-gnu.so") for n in names)
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}


@pytest.mark.pip  # builds the layer: pip installs spaCy into it
def test_rebuild_is_byte_identical(built, tmp_path):
    arch, zip_path, _ = built
    again = _build(arch, tmp_path)
    assert again.returncode == 0, again.stderr
    assert "reusing installed tree" in again.stdout
    assert _sha(tmp_path / zip_path.name) == _sha(zip_path)
    # And two zips of the same tree, written directly, hash equal too.
    tree = LAYER_DIR / "build" / arch / "python"
    build_layer.write_zip(tree, tmp_path / "a.zip")
    build_layer.write_zip(tree, tmp_path / "b.zip")
    assert _sha(tmp_path / "a.zip") == _sha(tmp_path / "b.zip") == _sha(zip_path)


@pytest.mark.pip  # builds the layer: pip installs spaCy into it
def test_size_check_refuses_and_leaves_no_zip(built, tmp_path):
    arch, zip_path, _ = built
    stale = tmp_path / zip_path.name
    stale.write_bytes(b"an older build")
    proc = _build(arch, tmp_path, "--max-unzipped-bytes", "1000000")
    assert proc.returncode == 2
    assert "REFUSED: the unzipped layer is" in proc.stderr
    assert "over the limit of 1000000 bytes" in proc.stderr
    assert not stale.exists()


@pytest.mark.pip  # builds the layer: pip installs spaCy into it
def test_extensions_match_the_architecture(built):
    arch, _zip, _ = built
    tree = LAYER_DIR / "build" / arch / "python"
    doc = next(tree.glob("spacy/tokens/doc.cpython-312-*.so"))
    assert int.from_bytes(doc.read_bytes()[18:20], "little") == build_layer.ELF_MACHINE[arch]
    # Debug info is stripped (it was ~half the layer); the symbols Python imports remain.
    assert not build_layer.has_debug_info(doc)
    assert b"PyInit_doc" in doc.read_bytes()


@pytest.mark.pip  # builds the layer: pip installs spaCy into it
def test_sync_handler_runs_on_python312_with_only_the_layer(tmp_path_factory, tmp_path):
    """The sync Lambda as deployed: CPython 3.12, its own code, and the layer; nothing else.

    Only the host's architecture can be imported here; the other is checked by ELF header.
    """
    arch = build_layer.host_arch()
    assert arch, f"no layer architecture matches this machine ({os.uname().machine})"
    python = build_layer.find_python312()
    assert python, "needs a CPython 3.12 (pyenv 3.12.x or LAYER_CHECK_PYTHON) to run the layer"
    wheel = build_model_wheel(tmp_path / "wheels", "en_test_ner", "1.0.0")
    links = make_find_links(tmp_path / "links", [wheel])
    root = tmp_path / "models"
    root.mkdir()
    # What to install is the function's configuration (set by Terraform); the event only triggers.
    config = {
        "MODEL_NAME": "en_test_ner",
        "MODEL_VERSION": "1.0.0",
        "MODEL_SOURCE_KIND": "find_links",
        "MODEL_SOURCE_LOCATION": str(links),
        "MODEL_SHA256": hashlib.sha256(wheel.read_bytes()).hexdigest(),
    }
    event = {"model_name": "en_test_ner", "version": "1.0.0"}
    code = "import json, sys, model_sync; print(json.dumps(model_sync.handler(json.loads(sys.argv[1]))))"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    # Unpacked from the zip, as Lambda unpacks a layer under /opt.
    _arch, zip_path, _proc = _built(arch, tmp_path_factory)
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(tmp_path / "opt")
    tree = tmp_path / "opt" / "python"
    env.update(
        **config,
        MODEL_ROOT=str(root),
        PYTHONPATH=f"{SYNC_SRC}{os.pathsep}{tree}",
        PYTHONNOUSERSITE="1",
        PYTHONDONTWRITEBYTECODE="1",
    )
    proc = subprocess.run(
        [python, "-s", "-c", code, json.dumps(event)], capture_output=True, text=True, env=env, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["status"] == "installed"
    assert (root / "en_test_ner" / "1.0.0" / "meta.json").is_file()


# Run on CPython 3.12 with the layer on sys.path: every module compiled from source during
# `import spacy` and a first pipeline call is recorded by wrapping the one method the import
# system calls to compile source (SourceLoader.source_to_code; it is skipped when a valid .pyc is
# used). Only what is under the layer counts; the interpreter's own stdlib is the runtime's.
_COMPILED_FROM_SOURCE = """
import importlib._bootstrap_external as ext, json, sys
compiled = []
original = ext.SourceLoader.source_to_code
def source_to_code(self, data, path, *args, **kwargs):
    compiled.append(str(path))
    return original(self, data, path, *args, **kwargs)
ext.SourceLoader.source_to_code = source_to_code
import spacy
nlp = spacy.blank("en")
nlp.add_pipe("entity_ruler").add_patterns([{"label": "ORG", "pattern": "Google"}])
ents = [(e.text, e.label_) for e in nlp("He works at Google.").ents]
layer = sys.argv[1]
print(json.dumps({"ents": ents, "from_layer": spacy.__file__.startswith(layer),
                  "compiled": [p for p in compiled if p.startswith(layer)]}))
"""


def _compiled_from_source(python: str, tree: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(PYTHONPATH=str(tree), PYTHONNOUSERSITE="1")
    proc = subprocess.run(
        [python, "-s", "-c", _COMPILED_FROM_SOURCE, str(tree)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.pip  # builds the layer: pip installs spaCy into it
def test_extracted_layer_imports_spacy_on_python312_without_compiling(tmp_path_factory, tmp_path):
    """The layer carries 3.12 bytecode that a read-only /opt uses as is: nothing is compiled."""
    arch = build_layer.host_arch()
    python = build_layer.find_python312()
    assert arch and python, "needs a CPython 3.12 for this machine's architecture"
    _arch, zip_path, _proc = _built(arch, tmp_path_factory)
    with zipfile.ZipFile(zip_path) as zf:
        names = set(zf.namelist())
        zf.extractall(tmp_path / "opt")
    assert "python/spacy/__pycache__/__init__.cpython-312.pyc" in names
    # unchecked-hash .pyc: flags 0b01 (hash-based, check_source unset) in the header's second word.
    with zipfile.ZipFile(zip_path) as zf:
        header = zf.read("python/spacy/__pycache__/language.cpython-312.pyc")[:8]
    assert int.from_bytes(header[4:8], "little") == 0b01
    tree = tmp_path / "opt" / "python"
    # Read-only, as Lambda mounts /opt: bytecode could not be written even if Python tried.
    subprocess.run(["chmod", "-R", "a-w", str(tmp_path / "opt")], check=True)
    try:
        result = _compiled_from_source(python, tree)
        assert result["from_layer"] and result["ents"] == [["Google", "ORG"]]
        assert result["compiled"] == []
    finally:
        subprocess.run(["chmod", "-R", "u+w", str(tmp_path / "opt")], check=True)
    # The probe does see compilation: without one module's .pyc, that module is compiled.
    (tree / "spacy" / "__pycache__" / "about.cpython-312.pyc").unlink()
    assert _compiled_from_source(python, tree)["compiled"] == [str(tree / "spacy" / "about.py")]


HANDLER_SRC = LAYER_DIR.parent / "runtime" / "src"
CLI_STACK = ("spacy.cli", "typer", "click", "weasel", "requests", "httpx")
_SERVE = """
import json, sys
import ner_handler
answer = ner_handler.handler({"text": "He works at Google."}, None)
loaded = sorted(m for m in sys.argv[1].split(",") if m in sys.modules)
import spacy
info = spacy.info()
print(json.dumps({"answer": answer, "cli_stack_loaded": loaded, "info_version": info["spacy_version"]}))
"""


@pytest.mark.pip  # builds the layer: pip installs spaCy into it
def test_handler_serves_from_the_extracted_layer_without_spacys_cli_stack(tmp_path_factory, tmp_path):
    """spacy.info is lazy in the layer: serving imports none of spaCy's CLI stack; the CLI still works."""
    import spacy

    arch = build_layer.host_arch()
    python = build_layer.find_python312()
    assert arch and python, "needs a CPython 3.12 for this machine's architecture"
    _arch, zip_path, _proc = _built(arch, tmp_path_factory)
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(tmp_path / "opt")
    tree = tmp_path / "opt" / "python"
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "ORG", "pattern": "Google"}])
    nlp.to_disk(tmp_path / "model")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "MODEL_"))}
    env.update(
        PYTHONPATH=f"{HANDLER_SRC}{os.pathsep}{tree}",
        PYTHONNOUSERSITE="1",
        PYTHONDONTWRITEBYTECODE="1",
        MODEL_PATH=str(tmp_path / "model"),
    )
    cmd = [python, "-s", "-c", _SERVE, ",".join(CLI_STACK)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["answer"] == [{"text": "Google", "label": "ORG", "start": 12, "end": 18}]
    assert result["cli_stack_loaded"] == []
    assert result["info_version"] == "3.8.18"
    cmd = [python, "-s", "-m", "spacy", "info"]
    cli = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert cli.returncode == 0, cli.stderr
    assert "3.8.18" in cli.stdout


def test_build_code_stages_sources_with_312_bytecode_that_is_used(tmp_path):
    """pnpm build:code: a copy of the .py files with unchecked-hash 3.12 .pyc that imports compile nothing."""
    import shutil

    import build_code

    src = tmp_path / "runtime" / "src"
    shutil.copytree(HANDLER_SRC, src, ignore=shutil.ignore_patterns("__pycache__"))
    (src / "__pycache__").mkdir()
    (src / "__pycache__" / "stray.cpython-311.pyc").write_bytes(b"another Python's cache")
    staged = build_code.stage(src)
    assert staged == tmp_path / "runtime" / "build" / "python3.12"
    sources = sorted(p.name for p in src.glob("*.py"))
    assert sorted(p.name for p in staged.glob("*.py")) == sources
    pycs = sorted(p.name for p in (staged / "__pycache__").iterdir())
    assert pycs == sorted(f"{name[:-3]}.cpython-312.pyc" for name in sources)
    for pyc in (staged / "__pycache__").iterdir():
        assert int.from_bytes(pyc.read_bytes()[4:8], "little") == 0b01
    probe = (
        "import importlib._bootstrap_external as ext, json\n"
        "seen = []\n"
        "orig = ext.SourceLoader.source_to_code\n"
        "def probe(self, data, path, *a, **k):\n"
        "    seen.append(path)\n"
        "    return orig(self, data, path, *a, **k)\n"
        "ext.SourceLoader.source_to_code = probe\n"
        "import ner_settings, ner_request, ner_log\n"
        "print(json.dumps(seen))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(PYTHONPATH=str(staged), PYTHONDONTWRITEBYTECODE="1")
    proc = subprocess.run(
        [build_layer.find_python312(), "-s", "-c", probe],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == []
