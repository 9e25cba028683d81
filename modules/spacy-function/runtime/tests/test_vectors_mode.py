"""MODEL_VECTORS=mmap on a small en_core_web_lg-shaped model, packaged and synced as the bench does it."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import lg_fixture
import numpy
import pytest
from ner_model import load
from ner_settings import ConfigError, Settings
from sentences import sentences

SYNC_CLI = Path(__file__).resolve().parents[4] / "modules" / "model-sync" / "runtime" / "src" / "sync_cli.py"
ROWS = 2000


@pytest.fixture(scope="module")
def lg_shaped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture builder's wheel at 2,000 rows, installed by the real sync CLI."""
    work = tmp_path_factory.mktemp("lg")
    wheel = lg_fixture.build_wheel(work / "wheels", rows=ROWS)
    root = work / "models"
    proc = subprocess.run(
        [
            sys.executable,
            str(SYNC_CLI),
            "--root",
            str(root),
            "--model",
            lg_fixture.NAME,
            "--version",
            lg_fixture.VERSION,
            "--find-links",
            str(wheel.parent),
            "--sha256",
            hashlib.sha256(wheel.read_bytes()).hexdigest(),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1])["status"] == "installed"
    return root / lg_fixture.NAME / lg_fixture.VERSION


def _settings(path: Path, mode: str, exclude: str | None = None) -> Settings:
    env = {"MODEL_PATH": str(path), "MODEL_VECTORS": mode}
    if exclude is not None:
        env["MODEL_EXCLUDE"] = exclude
    return Settings.from_env(env)


def _entities(nlp) -> list[list[tuple[str, str, int, int]]]:
    return [[(e.text, e.label_, e.start_char, e.end_char) for e in doc.ents] for doc in nlp.pipe(sentences())]


@pytest.mark.pip  # lg_shaped: the real sync CLI pip-installs the wheel
def test_fixture_has_lg_layout(lg_shaped: Path):
    model = load(_settings(lg_shaped, "eager", exclude=""))
    nlp = model.nlp
    assert nlp.pipe_names == ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner"]
    assert nlp.vocab.vectors.shape == (ROWS, lg_fixture.LG_WIDTH)
    assert sorted(nlp.get_pipe("ner").labels) == sorted(lg_fixture.NER_LABELS)
    # lg's ner embeds the static vectors itself; tagger and parser listen to the shared tok2vec.
    ner_cfg = nlp.config["components"]["ner"]["model"]["tok2vec"]
    assert ner_cfg["embed"]["include_static_vectors"] is True
    assert "Listener" in nlp.config["components"]["parser"]["model"]["tok2vec"]["@architectures"]


@pytest.mark.pip
def test_mmap_serves_the_same_entities_from_a_read_only_map(lg_shaped: Path):
    eager = load(_settings(lg_shaped, "eager"))
    mapped = load(_settings(lg_shaped, "mmap"))
    data = mapped.nlp.vocab.vectors.data
    assert isinstance(data, numpy.memmap) and not data.flags.writeable
    assert isinstance(eager.nlp.vocab.vectors.data, numpy.ndarray)
    assert not isinstance(eager.nlp.vocab.vectors.data, numpy.memmap)
    assert numpy.array_equal(numpy.asarray(data), eager.nlp.vocab.vectors.data)
    assert mapped.nlp.vocab.vectors.key2row == eager.nlp.vocab.vectors.key2row
    found = _entities(eager.nlp)
    assert sum(map(len, found)) > 0, "random weights still find some entities; the comparison needs some"
    assert _entities(mapped.nlp) == found


def test_model_vectors_setting():
    assert Settings.from_env({}).vectors_mode == "mmap"
    assert Settings.from_env({"MODEL_VECTORS": "eager"}).vectors_mode == "eager"
    assert Settings.from_env({"MODEL_VECTORS": " MMAP "}).vectors_mode == "mmap"
    with pytest.raises(ConfigError, match=r"MODEL_VECTORS='lazy' is not one of eager, mmap"):
        Settings.from_env({"MODEL_VECTORS": "lazy"})


def test_mmap_of_a_model_without_vectors_loads(tmp_path: Path):
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "ORG", "pattern": "Google"}])
    nlp.to_disk(tmp_path / "m")
    model = load(_settings(tmp_path / "m", "mmap", exclude=""))
    assert [(e.text, e.label_) for e in model.nlp("He works at Google.").ents] == [("Google", "ORG")]
    assert os.path.isdir(tmp_path / "m")
