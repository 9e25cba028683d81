"""Where the model comes from, what is loaded, and what happens while it is not there yet."""

from __future__ import annotations

import ner_handler
import ner_model
import spacy
from conftest import (
    MODEL_NAME,
    MODEL_VERSION,
    SEED_ANSWER,
    SEED_TEXT,
    call,
    copy_model,
    http_event,
    log_lines,
    post_entities,
)
from ner_settings import Settings


def health() -> tuple[int, dict]:
    status, _, payload = call(http_event("GET", "/health"))
    return status, payload


def test_health_reports_model_components_and_load_time(served):
    status, payload = health()
    assert status == 200
    assert set(payload) == {"status", "model", "components", "load_seconds"}
    assert payload["status"] == "ok"
    assert payload["model"] == {"name": MODEL_NAME, "version": MODEL_VERSION}
    # The entity_ruler may match on the tags the attribute_ruler sets: nothing is left out.
    assert payload["components"] == ["attribute_ruler", "sentencizer", "entity_ruler"]
    assert isinstance(payload["load_seconds"], float) and payload["load_seconds"] > 0
    assert health()[1]["load_seconds"] == payload["load_seconds"]


def test_empty_exclusion_list_loads_everything(served, monkeypatch):
    monkeypatch.setenv("MODEL_EXCLUDE", "")
    assert health()[1]["components"] == ["attribute_ruler", "sentencizer", "entity_ruler"]


def test_custom_exclusions_are_honoured(served, monkeypatch):
    monkeypatch.setenv("MODEL_EXCLUDE", " sentencizer , not_in_this_model")
    assert health()[1]["components"] == ["attribute_ruler", "entity_ruler"]
    assert post_entities({"text": SEED_TEXT}) == (200, SEED_ANSWER)


def test_excluding_the_entity_component_yields_no_entities(served, monkeypatch):
    monkeypatch.setenv("MODEL_EXCLUDE", "entity_ruler")
    assert post_entities({"text": SEED_TEXT}) == (200, [])


def test_model_path_overrides_root_name_and_version(monkeypatch, tmp_path, served):
    monkeypatch.setenv("MODEL_ROOT", str(tmp_path / "empty"))
    monkeypatch.setenv("MODEL_PATH", str(served))
    assert post_entities({"text": SEED_TEXT}) == (200, SEED_ANSWER)


def test_model_path_alone_takes_name_and_version_from_meta(monkeypatch, served):
    monkeypatch.delenv("MODEL_NAME")
    monkeypatch.delenv("MODEL_VERSION")
    monkeypatch.setenv("MODEL_PATH", str(served))
    assert health()[1]["model"] == {"name": "en_ruler_test", "version": MODEL_VERSION}


def test_listened_to_tok2vec_is_kept_despite_an_explicit_exclusion(monkeypatch, listener_model_dir, capsys):
    monkeypatch.setenv("MODEL_PATH", str(listener_model_dir))
    monkeypatch.setenv("MODEL_EXCLUDE", "tok2vec")
    texts = ["He works at Google.", "Google hired her.", "They like tea."]
    full = spacy.load(listener_model_dir)
    expected = [
        [{"text": e.text, "label": e.label_, "start": e.start_char, "end": e.end_char} for e in full(t).ents]
        for t in texts
    ]
    assert expected[0] == SEED_ANSWER
    assert post_entities({"texts": texts}) == (200, expected)
    assert health()[1]["components"] == ["tok2vec", "ner"]
    loaded = next(line for line in log_lines(capsys.readouterr().out) if line["event"] == "model_loaded")
    assert loaded["kept_for_listeners"] == ["tok2vec"]


def test_missing_model_is_503_and_the_log_names_path_and_sync_then_loads_once_synced(
    monkeypatch, tmp_path, model_root, capsys
):
    monkeypatch.setenv("MODEL_ROOT", str(tmp_path))
    monkeypatch.setenv("MODEL_NAME", MODEL_NAME)
    monkeypatch.setenv("MODEL_VERSION", MODEL_VERSION)
    target = tmp_path / MODEL_NAME / MODEL_VERSION
    for _ in range(2):
        status, payload = post_entities({"text": SEED_TEXT})
        assert status == 503
        assert payload["error"] == {
            "code": "model_not_synced",
            "message": "The model is not installed yet; retry later.",
        }
        detail = log_lines(capsys.readouterr().out)[-1]["detail"]
        assert str(target) in detail and "model sync" in detail and "cdktf deploy" in detail
        assert f"pnpm model-sync --root {tmp_path} --model {MODEL_NAME} --version {MODEL_VERSION}" in detail
        status, payload = health()
        assert status == 503 and payload["error"]["code"] == "model_not_synced"

    copy_model(model_root / MODEL_NAME / MODEL_VERSION, target)

    assert post_entities({"text": SEED_TEXT}) == (200, SEED_ANSWER)
    assert health()[0] == 200


def test_half_synced_directory_is_503_until_complete(served, monkeypatch, tmp_path, capsys):
    target = tmp_path / "model"
    copy_model(served, target)
    (target / "meta.json").rename(tmp_path / "meta.json.part")
    monkeypatch.setenv("MODEL_PATH", str(target))
    status, payload = post_entities({"text": SEED_TEXT})
    assert status == 503 and str(target) not in payload["error"]["message"]
    detail = log_lines(capsys.readouterr().out)[-1]["detail"]
    assert "meta.json" in detail and str(target) in detail
    (tmp_path / "meta.json.part").rename(target / "meta.json")
    assert post_entities({"text": SEED_TEXT}) == (200, SEED_ANSWER)


def test_unreadable_model_is_503_load_failed(served, monkeypatch, tmp_path, capsys):
    target = tmp_path / "model"
    copy_model(served, target)
    (target / "config.cfg").write_text("[nlp\nthis is not a config")
    monkeypatch.setenv("MODEL_PATH", str(target))
    status, payload = post_entities({"text": SEED_TEXT})
    assert status == 503
    assert payload["error"]["code"] == "model_load_failed" and str(target) not in payload["error"]["message"]
    assert str(target) in log_lines(capsys.readouterr().out)[-1]["detail"]


def test_unconfigured_model_is_503_and_the_log_names_the_variables(capsys):
    status, payload = health()
    assert status == 503
    assert payload["error"]["code"] == "model_not_configured"
    assert "MODEL_NAME" not in payload["error"]["message"]
    detail = log_lines(capsys.readouterr().out)[-1]["detail"]
    assert "MODEL_NAME" in detail and "MODEL_PATH" in detail


def test_validation_happens_before_the_model_is_needed(monkeypatch, tmp_path):
    monkeypatch.setenv("MODEL_PATH", str(tmp_path / "absent"))
    status, payload = post_entities({"texts": []})
    assert status == 400 and payload["error"]["code"] == "empty_batch"


def test_preload_survives_a_missing_model(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("MODEL_PATH", str(tmp_path / "absent"))
    ner_handler.preload()
    warning = log_lines(capsys.readouterr().out)[-1]
    assert warning["event"] == "model_unavailable" and warning["code"] == "model_not_synced"


def test_sync_hint_names_the_root_only_when_the_path_follows_the_layout():
    model = {"MODEL_NAME": "en_x", "MODEL_VERSION": "1.0.0"}
    contract = Settings.from_env({"MODEL_ROOT": "/mnt/models", **model})
    assert "pnpm model-sync --root /mnt/models --model en_x --version 1.0.0" in ner_model.sync_hint(contract)
    elsewhere = Settings.from_env({"MODEL_PATH": "/opt/pipeline", **model})
    assert "pnpm model-sync --root <root> --model en_x --version 1.0.0" in ner_model.sync_hint(elsewhere)
