"""An en_core_web_lg-shaped pipeline for benchmarks: lg's layout and vector table, random weights.

    .venv/bin/python modules/spacy-function/bench/lg_fixture.py [--out DIR] [--rows 514157]

Only en_core_web_sm is installable here, yet the environments serve en_core_web_lg. What makes lg
slow to load and big in memory is its shape, not its trained values: 514,157 vectors x 300 floats
(~617 MB) with as many keys in the string store, a shared tok2vec that embeds those static
vectors for tagger and parser, and an ner with its own tok2vec that embeds them too. This builds
that layout with random vectors and untrained weights (the entities it finds are arbitrary but
deterministic), packages it with `spacy package` as a wheel, the artifact the model sync installs.

The wheel is built once into DIR (default ~/.cache/serverless-spacy/bench/lg; never in the repo)
and reused while the fixture's parameters are the same.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy
import spacy
from spacy.lookups import Lookups
from spacy.training import Example
from spacy.util import fix_random_seed
from spacy.vectors import Vectors

LG_ROWS = 514_157
LG_WIDTH = 300
NAME = "en_core_web_lg_shaped"
VERSION = "3.8.0"
CACHE = Path(os.environ.get("SERVERLESS_SPACY_CACHE", Path.home() / ".cache" / "serverless-spacy"))
DEFAULT_OUT = CACHE / "bench"
# en_core_web_lg 3.8's label sets: 18 entity types, the OntoNotes tags, ClearNLP dependencies.
NER_LABELS = [
    "CARDINAL",
    "DATE",
    "EVENT",
    "FAC",
    "GPE",
    "LANGUAGE",
    "LAW",
    "LOC",
    "MONEY",
    "NORP",
    "ORDINAL",
    "ORG",
    "PERCENT",
    "PERSON",
    "PRODUCT",
    "QUANTITY",
    "TIME",
    "WORK_OF_ART",
]
TAGS = [
    "$",
    "''",
    ",",
    "-LRB-",
    "-RRB-",
    ".",
    ":",
    "ADD",
    "AFX",
    "CC",
    "CD",
    "DT",
    "EX",
    "FW",
    "HYPH",
    "IN",
    "JJ",
    "JJR",
    "JJS",
    "LS",
    "MD",
    "NFP",
    "NN",
    "NNP",
    "NNPS",
    "NNS",
    "PDT",
    "POS",
    "PRP",
    "PRP$",
    "RB",
    "RBR",
    "RBS",
    "RP",
    "SYM",
    "TO",
    "UH",
    "VB",
    "VBD",
    "VBG",
    "VBN",
    "VBP",
    "VBZ",
    "WDT",
    "WP",
    "WP$",
    "WRB",
    "XX",
    "_SP",
    "``",
]
DEPS = [
    "ROOT",
    "acl",
    "acomp",
    "advcl",
    "advmod",
    "agent",
    "amod",
    "appos",
    "attr",
    "aux",
    "auxpass",
    "case",
    "cc",
    "ccomp",
    "compound",
    "conj",
    "csubj",
    "csubjpass",
    "dative",
    "dep",
    "det",
    "dobj",
    "expl",
    "intj",
    "mark",
    "meta",
    "neg",
    "nmod",
    "npadvmod",
    "nsubj",
    "nsubjpass",
    "nummod",
    "oprd",
    "parataxis",
    "pcomp",
    "pobj",
    "poss",
    "preconj",
    "predet",
    "prep",
    "prt",
    "punct",
    "quantmod",
    "relcl",
    "xcomp",
]


def _tok2vec(width: int = 96) -> dict:
    """lg's tok2vec: hash embeddings of NORM/PREFIX/SUFFIX/SHAPE plus the static vectors."""
    return {
        "@architectures": "spacy.Tok2Vec.v2",
        "embed": {
            "@architectures": "spacy.MultiHashEmbed.v2",
            "width": width,
            "attrs": ["NORM", "PREFIX", "SUFFIX", "SHAPE", "SPACY", "IS_SPACE"],
            "rows": [5000, 1000, 2500, 2500, 50, 50],
            "include_static_vectors": True,
        },
        "encode": {
            "@architectures": "spacy.MaxoutWindowEncoder.v2",
            "width": width,
            "depth": 4,
            "window_size": 1,
            "maxout_pieces": 3,
        },
    }


def _parser_model(state_type: str, tok2vec: dict) -> dict:
    return {
        "@architectures": "spacy.TransitionBasedParser.v2",
        "state_type": state_type,
        "extra_state_tokens": False,
        "hidden_width": 64,
        "maxout_pieces": 2,
        "use_upper": True,
        "nO": None,
        "tok2vec": tok2vec,
    }


def build_pipeline(rows: int = LG_ROWS, width: int = LG_WIDTH, seed: int = 0) -> spacy.language.Language:
    """lg's components in lg's order: tok2vec, tagger, parser, attribute_ruler, lemmatizer, ner."""
    fix_random_seed(seed)
    nlp = spacy.blank("en")
    rng = numpy.random.default_rng(seed)
    # Keys: the seed text's words and then synthetic ones, as many as lg has rows.
    words = ["He", "works", "at", "Google", ".", "he", "google"]
    words += [f"w{i:06d}" for i in range(rows - len(words))]
    keys = [nlp.vocab.strings.add(w) for w in words]
    data = rng.standard_normal((rows, width), dtype=numpy.float32)
    nlp.vocab.vectors = Vectors(strings=nlp.vocab.strings, data=data, keys=keys, name="en_lg_shaped_vectors")

    listener = {"@architectures": "spacy.Tok2VecListener.v1", "width": 96, "upstream": "tok2vec"}
    nlp.add_pipe("tok2vec", config={"model": _tok2vec()})
    tagger = {"@architectures": "spacy.Tagger.v2", "nO": None, "tok2vec": listener}
    nlp.add_pipe("tagger", config={"model": tagger})
    nlp.add_pipe("parser", config={"model": _parser_model("parser", listener)})
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add(patterns=[[{"ORTH": "Google"}]], attrs={"TAG": "NNP", "POS": "PROPN"})
    # lg's ner does not listen: it embeds the static vectors in its own tok2vec.
    nlp.add_pipe("ner", config={"model": _parser_model("ner", _tok2vec())})
    for tag in TAGS:
        nlp.get_pipe("tagger").add_label(tag)
    for dep in DEPS:
        nlp.get_pipe("parser").add_label(dep)
    for label in NER_LABELS:
        nlp.get_pipe("ner").add_label(label)

    doc = nlp.make_doc("He works at Google .")
    example = Example.from_dict(
        doc,
        {
            "tags": ["PRP", "VBZ", "IN", "NNP", "."],
            "heads": [1, 1, 1, 2, 1],
            "deps": ["nsubj", "ROOT", "prep", "pobj", "punct"],
            "entities": ["O", "O", "O", "U-ORG", "O"],
        },
    )
    nlp.initialize(lambda: [example])
    # The rule lemmatizer needs spacy-lookups-data's tables; small ones of the same names stand in.
    lookups = Lookups()
    lookups.add_table("lemma_rules", {"noun": [["s", ""]], "verb": [["s", ""]]})
    lookups.add_table("lemma_exc", {"noun": {}, "verb": {}})
    lookups.add_table("lemma_index", {"noun": [], "verb": []})
    nlp.add_pipe("lemmatizer", config={"mode": "rule"}, before="ner").initialize(lookups=lookups)
    nlp.meta.update(name=NAME.split("_", 1)[1], version=VERSION)
    return nlp


def build_wheel(out: Path, rows: int = LG_ROWS, width: int = LG_WIDTH, python: str | None = None) -> Path:
    """The packaged wheel under out/lg-<rows>x<width>/dist, built unless already there."""
    workdir = out / f"lg-{rows}x{width}"
    dist = workdir / "dist"
    built = sorted(dist.glob(f"{NAME}-{VERSION}-*.whl"))
    if built:
        return built[0]
    shutil.rmtree(workdir, ignore_errors=True)
    pipeline_dir, package_root = workdir / "pipeline", workdir / "package"
    package_root.mkdir(parents=True)
    nlp = build_pipeline(rows, width)
    nlp.to_disk(pipeline_dir)
    del nlp
    cmd = [
        python or sys.executable,
        "-m",
        "spacy",
        "package",
        str(pipeline_dir),
        str(package_root),
        "--name",
        NAME.split("_", 1)[1],
        "--version",
        VERSION,
        "--build",
        "wheel",
        "--force",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)  # noqa: S603 - spaCy's packager
    wheels = sorted((package_root / f"{NAME}-{VERSION}" / "dist").glob("*.whl"))
    if proc.returncode != 0 or len(wheels) != 1:
        raise SystemExit(f"lg_fixture: spacy package failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    dist.mkdir(parents=True)
    target = dist / wheels[0].name
    wheels[0].replace(target)
    # The unpacked pipeline and package tree are 2 x 620 MB; the wheel is what the sync needs.
    shutil.rmtree(pipeline_dir)
    shutil.rmtree(package_root)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--rows", type=int, default=LG_ROWS)
    parser.add_argument("--width", type=int, default=LG_WIDTH)
    args = parser.parse_args(argv)
    wheel = build_wheel(args.out, args.rows, args.width)
    print(json.dumps({"wheel": str(wheel), "bytes": wheel.stat().st_size, "name": NAME, "version": VERSION}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
