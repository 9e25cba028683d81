"""A team's own pipeline, end to end, as docs/team-pipeline.md has a team do it.

testkit.team_pipeline assembles and trains it (en_core_web_sm, an entity_ruler after the ner with the
team's labels, a span_ruler, a text classifier) and `spacy package` builds its wheel; the wheel goes
into a private bucket (moto's S3 server); the real model sync installs it from there by its sha256
(`s3` source, real pip, the manifest) into a model root; and the real handler serves that directory as
the Lambda does (MODEL_ROOT/MODEL_NAME/MODEL_VERSION). Every answer must equal `spacy.load(<synced
path>)(text)`: on the team's own texts and on a few hundred paragraphs of real text.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import catalog_handler
import model_sync
import ner_tables
import pytest
import real_text
import spacy
from conftest import (
    SEED_ANSWER,
    SEED_TEXT,
    SM_DATA_DIR,
    call,
    expected,
    http_event,
    log_lines,
    post_analyze,
    post_entities,
)
from sync_errors import ModelSyncFailed
from test_local_server import fetch, start_server, stop
from testkit import spacy_package, team_pipeline
from testkit.s3 import REGION, ensure_bucket, moto_s3, s3_env

pytestmark = [pytest.mark.pip, pytest.mark.model]

BUCKET = "acme-models"
TEAM_LABELS = {"ACME_PRODUCT", "TICKET", "PLAN", "VERSION", "EMAIL"}
TEAM_TEXTS = (
    "My Acme Router X2 crashed with E404 and I want to move to the premium plans. Ticket TCK-40401.",
    "I was billed twice for AcmeCloud by Acme Inc. in London, see TCK-1234 and TCK-99812.",
    "Please upgrade us from the basic plan to the enterprise plan before Monday.",
    "AcmeCloud froze again; our Acme Router X5 keeps disconnecting. Error E503.",
    "Cannot reset the password of my account; write to it-ops@acme.example about firmware v2.4.1.",
    "Ticket\tTCK-5555\r\nRouter: Acme router X1 — reboots every hour 🙁",
)
REAL_PARAGRAPHS = 300
# Per request: under the handler's defaults (128 texts, 90,000 characters) with room to spare.
BATCH_TEXTS, BATCH_CHARS = 48, 40_000


@dataclass(frozen=True)
class Synced:
    root: Path
    sha256: str
    results: tuple[dict[str, Any], ...]
    """The sync's results: the first run, then a second run of the same configuration."""

    @property
    def path(self) -> Path:
        return self.root / team_pipeline.NAME / team_pipeline.VERSION


@pytest.fixture(scope="session")
def recipe(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """What the recipe script prints after it built and packaged the pipeline (once per session)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert team_pipeline.main([str(tmp_path_factory.mktemp("acme")), "--bucket", BUCKET]) == 0
    return json.loads(out.getvalue())


@pytest.fixture(scope="session")
def team_wheel(recipe: dict[str, Any]) -> Path:
    return Path(recipe["wheel"])


@pytest.fixture(scope="module")
def bucket() -> Iterator[Any]:
    """A private bucket on moto's S3 server, with boto3 (the sync's URL signer too) pointed at it."""
    with moto_s3() as endpoint, pytest.MonkeyPatch.context() as env:
        for name, value in s3_env(endpoint).items():
            env.setenv(name, value)
        client = boto3.client("s3", region_name=REGION)
        ensure_bucket(client, BUCKET)
        yield client


def sync_from(bucket: Any, wheel: Path, entry: dict[str, Any], root: Path, runs: int = 1) -> list[Any]:
    """Upload the wheel where the config entry's s3 source says and run the real sync ``runs`` times as
    ModelSync configures it from that entry: each run's result, or its failure summary."""
    source = entry["source"]
    bucket.put_object(Bucket=source["bucket"], Key=source["key"], Body=wheel.read_bytes())
    results: list[Any] = []
    with pytest.MonkeyPatch.context() as env:
        for var, value in {
            "MODEL_ROOT": str(root),
            "MODEL_NAME": entry["name"],
            "MODEL_VERSION": entry["version"],
            "MODEL_SOURCE_KIND": source["kind"],
            "MODEL_SOURCE_BUCKET": source["bucket"],
            "MODEL_SOURCE_KEY": source["key"],
            "MODEL_SHA256": source["sha256"],
            "MODEL_SOURCE_LOCATION": "",
            "KEEP_VERSIONS": "",
        }.items():
            env.setenv(var, value)
        for _ in range(runs):
            try:
                results.append(model_sync.handler({}, None))
            except ModelSyncFailed as failure:
                results.append(json.loads(str(failure)))
    return results


@pytest.fixture(scope="module")
def synced(
    tmp_path_factory: pytest.TempPathFactory, recipe: dict[str, Any], team_wheel: Path, bucket: Any
) -> Synced:
    """The team's wheel installed by the real sync from the config entry the recipe printed, twice."""
    root = tmp_path_factory.mktemp("models")
    results = sync_from(bucket, team_wheel, recipe["model"], root, runs=2)
    return Synced(root, team_pipeline.sha256_of(team_wheel), tuple(results))


@pytest.fixture
def serving(synced: Synced, monkeypatch: pytest.MonkeyPatch) -> Synced:
    """The handler's environment as the infrastructure sets it for the synced model."""
    monkeypatch.setenv("MODEL_ROOT", str(synced.root))
    monkeypatch.setenv("MODEL_NAME", team_pipeline.NAME)
    monkeypatch.setenv("MODEL_VERSION", team_pipeline.VERSION)
    return synced


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return [*TEAM_TEXTS, *(p.text for p in real_text.sample(REAL_PARAGRAPHS, per_feature=10))]


@pytest.fixture(scope="module")
def reference(synced: Synced, texts: list[str]) -> list[dict[str, Any]]:
    """What spaCy itself gives: `spacy.load` of the synced directory, one `nlp(text)` per text."""
    nlp = spacy.load(synced.path)
    return [expected(nlp(text)) for text in texts]


def batches(texts: Sequence[str]) -> Iterator[tuple[int, int]]:
    start = 0
    while start < len(texts):
        end, chars = start, 0
        while end < len(texts) and end - start < BATCH_TEXTS and chars + len(texts[end]) <= BATCH_CHARS:
            chars += len(texts[end])
            end += 1
        yield start, max(end, start + 1)
        start = max(end, start + 1)


def entities_only(fields: dict[str, Any]) -> list[dict[str, Any]]:
    return [{k: e[k] for k in ("text", "label", "start", "end")} for e in fields["entities"]]


def test_the_real_sync_installs_the_teams_wheel_from_a_private_bucket_by_its_sha256(synced):
    first, again = synced.results
    assert first["status"] == "installed", first
    assert again["status"] == "already_present", again
    assert sorted(p.name for p in synced.root.iterdir() if not p.name.startswith(".")) == [team_pipeline.NAME]
    meta = json.loads((synced.path / "meta.json").read_text())
    assert (meta["lang"], meta["name"], meta["version"]) == ("en", "acme_support", "1.0.0")
    manifest = json.loads((synced.path / ".sync-manifest.json").read_text())
    assert manifest["wheel_sha256"] == synced.sha256
    assert {"ner", "entity_ruler", "span_ruler", "textcat"} <= set(meta["pipeline"])


def test_entities_equal_spacy_load_of_the_synced_model_alone_and_in_batches(serving, texts, reference):
    want = [entities_only(fields) for fields in reference]
    found = {e["label"] for answer in want for e in answer}
    assert found >= TEAM_LABELS and found & {"ORG", "GPE", "PERSON"}, found
    # The ruler after the ner meets the ner's own entities on real text too, not only on the team's.
    real = want[len(TEAM_TEXTS) :]
    assert sum(any(e["label"] in TEAM_LABELS for e in answer) for answer in real) >= 5
    alone = [post_entities({"text": text}) for text in texts]
    assert [i for i, answer in enumerate(alone) if answer != (200, want[i])] == []
    for start, end in batches(texts):
        assert post_entities({"texts": texts[start:end]}) == (200, want[start:end]), (start, end)


def test_analyze_equals_spacy_load_of_the_synced_model_alone_and_in_batches(serving, texts, reference):
    cats = set(team_pipeline.CATEGORIES)
    assert all(set(fields["cats"]) == cats for fields in reference)
    assert {s["label"] for f in reference for s in f["spans"][team_pipeline.SPANS_KEY]} == {
        "ERROR_CODE",
        "SYMPTOM",
    }
    assert "router" in {e.get("id") for f in reference for e in f["entities"]}
    alone = [post_analyze({"text": text}) for text in texts]
    assert [i for i, answer in enumerate(alone) if answer != (200, reference[i])] == []
    include = ["entities", "spans", "cats", "sents"]
    for start, end in batches(texts):
        want = [{field: fields[field] for field in include} for fields in reference[start:end]]
        assert post_analyze({"texts": texts[start:end], "include": include}) == (200, want), (start, end)


def test_the_models_route_health_and_catalog_name_the_team_model(serving, reference, monkeypatch):
    status, _, health = call(http_event("GET", "/health"))
    assert status == 200
    assert health["model"] == {"name": team_pipeline.NAME, "version": team_pipeline.VERSION}
    assert health["components"][-3:] == ["entity_ruler", "span_ruler", "textcat"]
    # The routes an environment gives the model: /models/<name>/…, the same answers.
    team = len(TEAM_TEXTS)
    status, _, answer = call(
        http_event("POST", f"/models/{team_pipeline.NAME}/analyze", {"texts": list(TEAM_TEXTS)})
    )
    assert (status, answer) == (200, reference[:team])
    status, _, answer = call(http_event("POST", "/models/en_core_web_sm/entities", {"text": TEAM_TEXTS[0]}))
    assert (status, answer["error"]["code"]) == (404, "model_not_found")
    # GET /models (the catalog function) lists the team's labels and categories from the synced meta.json.
    entry = {"name": team_pipeline.NAME, "version": team_pipeline.VERSION, "default": True}
    monkeypatch.setenv("MODEL_CATALOG", json.dumps([entry]))
    result = catalog_handler.handler(http_event("GET", "/models"), None)
    [listed] = json.loads(result["body"])["models"]
    assert (result["statusCode"], listed["synced"], listed["components"][-3:]) == (
        200,
        True,
        ["entity_ruler", "span_ruler", "textcat"],
    )
    assert set(listed["labels"]["entity_ruler"]) == TEAM_LABELS
    assert listed["labels"]["textcat"] == list(team_pipeline.CATEGORIES)
    assert set(listed["labels"]["span_ruler"]) == {"ERROR_CODE", "SYMPTOM"}


def test_pnpm_serve_of_the_synced_model_answers_as_spacy_does(synced, texts, reference, tmp_path):
    team = len(TEAM_TEXTS)
    body = json.dumps({"texts": texts[:team]}).encode()
    served = {"MODEL_ROOT": str(synced.root), "MODEL_NAME": team_pipeline.NAME}
    process, url, _ = start_server(served | {"MODEL_VERSION": team_pipeline.VERSION}, tmp_path)
    try:
        status, _, answer = fetch(f"{url}/entities", data=body)
        assert (status, json.loads(answer)) == (200, [entities_only(f) for f in reference[:team]])
        status, _, answer = fetch(f"{url}/analyze", data=body)
        assert (status, json.loads(answer)) == (200, reference[:team])
    finally:
        stop(process)


def test_pnpm_serve_with_the_stock_model_beside_it_routes_each_by_name(synced, reference, tmp_path):
    serve = f"en_core_web_sm={SM_DATA_DIR},{team_pipeline.NAME}={synced.path}"
    process, url, _ = start_server({"SERVE_MODELS": serve}, tmp_path)
    try:
        status, _, listing = fetch(f"{url}/models")
        models = {m["name"]: m for m in json.loads(listing)["models"]}
        assert (status, list(models)) == (200, ["en_core_web_sm", team_pipeline.NAME])
        assert set(models[team_pipeline.NAME]["labels"]["entity_ruler"]) == TEAM_LABELS
        team = len(TEAM_TEXTS)
        body = json.dumps({"texts": list(TEAM_TEXTS)}).encode()
        status, _, answer = fetch(f"{url}/models/{team_pipeline.NAME}/analyze", data=body)
        assert (status, json.loads(answer)) == (200, reference[:team])
        # The bare routes serve the default (first) model: the stock one, without the team's labels.
        status, _, answer = fetch(f"{url}/entities", data=body)
        assert status == 200
        assert not TEAM_LABELS & {e["label"] for ents in json.loads(answer) for e in ents}
        assert (
            json.loads(fetch(f"{url}/entities", data=json.dumps({"text": SEED_TEXT}).encode())[2])
            == SEED_ANSWER
        )
    finally:
        stop(process)


def test_the_recipe_prints_the_wheel_its_sha256_and_the_config_entry_that_serves_it(recipe, team_wheel):
    assert team_wheel.name == "en_acme_support-1.0.0-py3-none-any.whl"
    assert recipe["sha256"] == team_pipeline.sha256_of(team_wheel)
    key = f"support/{team_wheel.name}"
    assert recipe["s3"] == f"s3://{BUCKET}/{key}"
    assert recipe["model"] == {
        "name": "en_acme_support",
        "version": "1.0.0",
        "source": {"kind": "s3", "bucket": BUCKET, "key": key, "sha256": recipe["sha256"]},
        "memorySize": 1024,
        "reservedConcurrency": 5,
    }


def test_a_pipeline_with_its_own_python_code_fails_the_sync_at_verify(tmp_path, bucket):
    # docs/team-pipeline.md: the sync keeps the data directory and loads it by path, so code packaged
    # with --code is never imported; the sync must refuse such a wheel before anything is served.
    code = tmp_path / "acme_code.py"
    code.write_text(
        "from spacy.language import Language\n\n\n"
        '@Language.component("acme_ticket_flag")\n'
        "def acme_ticket_flag(doc):\n"
        "    return doc\n"
    )
    spacy.util.import_file("acme_code", code)
    nlp = spacy.blank("en")
    nlp.add_pipe("acme_ticket_flag")
    nlp.meta.update(name="acme_code", version="1.0.0")
    nlp.to_disk(tmp_path / "pipeline")
    wheel = spacy_package(tmp_path / "pipeline", tmp_path / "package", "en_acme_code", "1.0.0", code=[code])
    root = tmp_path / "models"
    root.mkdir()
    key = f"support/{wheel.name}"
    entry = {"name": "en_acme_code", "version": "1.0.0"}
    entry["source"] = {"kind": "s3", "bucket": BUCKET, "key": key, "sha256": team_pipeline.sha256_of(wheel)}
    [result] = sync_from(bucket, wheel, entry, root)
    assert result["status"] == "failed"
    assert result["error"]["stage"] == "verify"
    assert "Can't find factory for 'acme_ticket_flag'" in result["error"]["message"]
    assert sorted(p.name for p in root.iterdir() if not p.name.startswith(".")) == []


def test_answers_stay_exact_when_the_hash_tables_are_rebuilt_after_every_request(
    serving, texts, reference, monkeypatch, capsys
):
    # ner_tables rebuilds the string and lexeme tables between requests once they have grown; the
    # team's rulers match on strings and lemmas, so their answers must survive a rebuild.
    monkeypatch.setattr(ner_tables, "GROWTH_FACTOR", 1)
    for _ in range(2):
        for start, end in [(0, len(TEAM_TEXTS)), *list(batches(texts))[:2]]:
            want = [{f: r[f] for f in ("entities", "spans", "cats")} for r in reference[start:end]]
            include = ["entities", "spans", "cats"]
            assert post_analyze({"texts": texts[start:end], "include": include}) == (200, want)
    compactions = [line for line in log_lines(capsys.readouterr().out) if "tables_compacted" in line]
    assert len(compactions) == 6
