"""Lambda entry point of the NER batch job (handler string batch_worker.handler): S3 in, S3 out.

The NerBatchJob state machine calls it three ways, all with the locations of the run:

- `{"action": "plan", "input": "s3://b/in/", "output": "s3://b/out/", "format": "jsonl"|"text",
  "chunkDocuments": 100}`: lists the input, cuts it into chunks of at most chunkDocuments documents
  (a line range of one JSON Lines object, or a group of text files) and writes one descriptor per chunk
  to `<output>_manifest.jsonl`, which the Distributed Map's ItemReader reads;
- `{"Items": [chunk, ...], "BatchInput": {"action": "batch", "input": ..., "output": ...}}`, what the
  map's ItemBatcher sends: writes `<output>results/<chunk>.jsonl` per chunk, one record per document,
  `{"id", "entities"}` or `{"id", "error": {"code", "message"}}`;
- `{"action": "summarize", "input", "output", "plan", "mapError"?}`: writes `<output>_summary.json`.

Nothing lost, nothing duplicated: a chunk's output object is written whole (one PutObject) under a name
that depends only on the input (object key and first line), and carries the sha256 of what it was made
from (the chunk, the model, the record format); a chunk whose object already carries that hash is skipped,
so a retry, a re-run or a resumed run produces the same objects and redoes only what is missing.

The entities are the API's (`POST /entities`): the runtime's model load (ner_model), its bounded
tokenization (ner_doc) and its exact entity runner (ner_entities), so they equal spaCy's `nlp.pipe`.
"""

from __future__ import annotations

import os

# As in ner_handler: one thread per invocation; must precede the first numpy import.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import hashlib
import json
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from batch_locations import (
    MANIFEST_NAME,
    RESULT_WRITER_DIR,
    RESULTS_DIR,
    SUMMARY_NAME,
    InvalidLocation,
    JobError,
    Location,
    overlap,
)
from ner_doc import make_doc
from ner_log import emit
from ner_model import LoadedModel, ModelUnavailable, load
from ner_settings import Settings
from ner_tables import TableCompactor

# Changes whenever a record's shape or meaning changes: outputs made by another format are redone.
RECORD_FORMAT = "ner-batch/1"
FORMATS = ("jsonl", "text")
DEFAULT_CHUNK_DOCUMENTS = 100
MAX_CHUNK_DOCUMENTS = 10_000
# A chunk also ends before its lines pass this many bytes, so one chunk's text stays small in memory.
MAX_CHUNK_BYTES = 4 * 1024 * 1024
# A chunk of text files names them all: it ends before its descriptor (one map item) passes this size, so
# that a batch of them stays within the ItemBatcher's MaxInputBytesPerBatch.
MAX_DESCRIPTOR_BYTES = 48 * 1024
# The plan reads each input object in pieces of this size.
STREAM_CHUNK_BYTES = 1024 * 1024
# Failed documents listed by id in the summary; all of them are counted by code.
SUMMARY_FAILED_LIST = 1_000
HASH_METADATA = "input-sha256"

_lock = threading.Lock()
_model: LoadedModel | None = None
_tables: TableCompactor | None = None


def allowed(location: Location, bucket_var: str, prefix_var: str, what: str) -> Location:
    """Refuses a location outside the bucket and prefix the function's role was granted (IAM would anyway,
    with a less helpful AccessDenied)."""
    bucket = os.environ.get(bucket_var, "")
    prefix = os.environ.get(prefix_var, "")
    if bucket and (location.bucket != bucket or not location.prefix.startswith(prefix)):
        raise InvalidLocation(
            f"{what} {location.uri()} is outside s3://{bucket}/{prefix}, where this job may work"
        )
    return location


def locations(event: Mapping[str, Any]) -> tuple[Location, Location]:
    source = allowed(Location.parse(event.get("input"), "input"), "INPUT_BUCKET", "INPUT_PREFIX", "input")
    target = allowed(
        Location.parse(event.get("output"), "output"), "OUTPUT_BUCKET", "OUTPUT_PREFIX", "output"
    )
    if overlap(source, target):
        raise InvalidLocation(
            f"input {source.uri()} and output {target.uri()} overlap; give them separate prefixes"
        )
    return source, target


def s3_client() -> Any:
    import boto3  # part of the Lambda Python runtime
    from botocore.config import Config

    # Adaptive retries absorb S3's 503 SlowDown when many workers write at once.
    return boto3.client("s3", config=Config(retries={"mode": "adaptive", "max_attempts": 10}))


def handler(event: Any, context: Any) -> Any:
    started = time.perf_counter()
    if not isinstance(event, Mapping):
        raise JobError("InvalidEvent", f"expected a JSON object, got {type(event).__name__}")
    if isinstance(event.get("job"), Mapping):
        # The state machine passes the execution input whole, beside its own defaults.
        event = {
            **{k: v for k, v in event.items() if k != "job"},
            **event["job"],
            "action": event.get("action"),
        }
    if "Items" in event:
        result = run_batch(list(event["Items"]), event.get("BatchInput") or {})
        action: Any = "batch"
    else:
        action = event.get("action")
        if action == "plan":
            result = plan(event)
        elif action == "summarize":
            result = summarize(event)
        else:
            raise JobError("InvalidEvent", f'unknown action {action!r}: "plan", "summarize" or a map batch')
    emit(
        {
            "level": "INFO",
            "event": f"batch_{action}",
            "request_id": getattr(context, "aws_request_id", None),
            "latency_ms": round((time.perf_counter() - started) * 1000, 3),
            **{k: v for k, v in result.items() if isinstance(v, int | str)},
        }
    )
    return result


# --- plan --------------------------------------------------------------------------------------------


def plan(event: Mapping[str, Any], client: Any = None) -> dict[str, Any]:
    client = client or s3_client()
    source, target = locations(event)
    fmt = event.get("format", "jsonl")
    if fmt not in FORMATS:
        raise JobError("InvalidEvent", f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    size = event.get("chunkDocuments", DEFAULT_CHUNK_DOCUMENTS)
    if not isinstance(size, int) or isinstance(size, bool) or not 1 <= size <= MAX_CHUNK_DOCUMENTS:
        raise JobError(
            "InvalidEvent", f"chunkDocuments must be an integer 1-{MAX_CHUNK_DOCUMENTS}, got {size!r}"
        )
    objects = list_objects(client, source)
    if not objects:
        raise InvalidLocation(f"input {source.uri()} holds no objects (or the bucket does not exist)")
    chunks = list(
        jsonl_chunks(client, source, objects, size) if fmt == "jsonl" else text_chunks(objects, size)
    )
    manifest = "".join(json.dumps(chunk, sort_keys=True) + "\n" for chunk in chunks)
    client.put_object(
        Bucket=target.bucket,
        Key=target.key(MANIFEST_NAME),
        Body=manifest.encode("utf-8"),
        ContentType="application/jsonl",
    )
    return {
        "format": fmt,
        "objects": len(objects),
        "chunks": len(chunks),
        "documents": sum(chunk["documents"] for chunk in chunks),
        "manifest": {"Bucket": target.bucket, "Key": target.key(MANIFEST_NAME)},
        # Where the Distributed Map's ResultWriter puts the child executions' results.
        "resultWriter": {"Bucket": target.bucket, "Prefix": target.key(RESULT_WRITER_DIR)},
    }


def list_objects(client: Any, source: Location) -> list[dict[str, Any]]:
    try:
        pages = client.get_paginator("list_objects_v2").paginate(Bucket=source.bucket, Prefix=source.prefix)
        found = [obj for page in pages for obj in page.get("Contents", [])]
    except client.exceptions.NoSuchBucket as exc:
        raise InvalidLocation(f"input bucket {source.bucket} does not exist") from exc
    # Folder markers ("in/") hold no document; keys sorted, so the plan is the same on every run.
    return sorted(
        (
            {"key": o["Key"], "etag": o["ETag"], "size": o["Size"]}
            for o in found
            if not o["Key"].endswith("/")
        ),
        key=lambda o: o["key"],
    )


def jsonl_chunks(
    client: Any, source: Location, objects: list[dict[str, Any]], size: int
) -> Iterator[dict[str, Any]]:
    for obj in objects:
        stream = client.get_object(Bucket=source.bucket, Key=obj["key"], IfMatch=obj["etag"])["Body"]
        offset = start = first = count = 0
        for number, raw in enumerate(stream_lines(stream.iter_chunks(STREAM_CHUNK_BYTES)), 1):
            # Blank lines are no document, as in every JSON Lines reader; they still count as lines.
            if raw.strip():
                if count and (count == size or offset + len(raw) - start > MAX_CHUNK_BYTES):
                    yield _jsonl_chunk(obj, start, offset, first, count)
                    count = 0
                if count == 0:
                    start, first = offset, number
                count += 1
            offset += len(raw)
        if count:
            yield _jsonl_chunk(obj, start, offset, first, count)


def stream_lines(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The lines of a byte stream with their endings, as bytes.splitlines(keepends=True) cuts the whole: the
    plan reads objects of any size in STREAM_CHUNK_BYTES pieces, never whole."""
    pending = b""
    for chunk in chunks:
        lines = (pending + chunk).splitlines(keepends=True)
        # A last line without "\n" may go on in the next piece (or be a "\r" whose "\n" comes next).
        pending = lines.pop() if lines and not lines[-1].endswith(b"\n") else b""
        yield from lines
    if pending:
        yield pending


def _jsonl_chunk(obj: Mapping[str, Any], start: int, end: int, line: int, count: int) -> dict[str, Any]:
    key_hash = hashlib.sha256(obj["key"].encode("utf-8")).hexdigest()[:16]
    return {
        "chunk": f"{key_hash}-{line:010d}",
        "key": obj["key"],
        "etag": obj["etag"],
        "start": start,
        "end": end,
        "line": line,
        "documents": count,
    }


def text_chunks(objects: list[dict[str, Any]], size: int) -> Iterator[dict[str, Any]]:
    """Groups of at most `size` files whose descriptor stays under MAX_DESCRIPTOR_BYTES (a map item)."""
    group: list[dict[str, Any]] = []
    used = 0
    for obj in objects:
        cost = len(obj["key"].encode("utf-8")) + len(obj["etag"]) + 32
        if group and (len(group) == size or used + cost > MAX_DESCRIPTOR_BYTES):
            yield _text_chunk(group)
            group, used = [], 0
        group.append(obj)
        used += cost
    if group:
        yield _text_chunk(group)


def _text_chunk(group: list[dict[str, Any]]) -> dict[str, Any]:
    key_hash = hashlib.sha256(group[0]["key"].encode("utf-8")).hexdigest()[:16]
    return {
        "chunk": f"{key_hash}-text-{len(group):05d}",
        "objects": [{"key": o["key"], "etag": o["etag"]} for o in group],
        "documents": len(group),
    }


# --- batch -------------------------------------------------------------------------------------------


def run_batch(items: list[Any], batch_input: Mapping[str, Any], client: Any = None) -> dict[str, Any]:
    client = client or s3_client()
    source, target = locations(batch_input)
    model = current_model()
    totals: Counter[str] = Counter()
    for chunk in items:
        if not isinstance(chunk, Mapping) or not isinstance(chunk.get("chunk"), str):
            raise JobError(
                "InvalidEvent", f"a map item must be a chunk descriptor of the plan, got {chunk!r}"
            )
        digest = chunk_hash(chunk, model)
        key = target.key(f"{RESULTS_DIR}{chunk['chunk']}.jsonl")
        if output_hash(client, target.bucket, key) == digest:
            totals["skipped"] += 1
            continue
        records = list(annotate(model, read_documents(client, source, chunk)))
        if len(records) != chunk["documents"]:
            raise JobError(
                "InputChanged",
                f"chunk {chunk['chunk']} of {chunk.get('key')} planned {chunk['documents']} documents, read "
                f"{len(records)}; the input changed since the plan, start a new run",
            )
        errors = sum(1 for r in records if "error" in r)
        body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")
        client.put_object(
            Bucket=target.bucket,
            Key=key,
            Body=body,
            ContentType="application/jsonl",
            Metadata={HASH_METADATA: digest, "documents": str(len(records)), "errors": str(errors)},
        )
        totals["written"] += 1
        totals["documents"] += len(records)
        totals["errors"] += errors
    return {"chunks": len(items), **{k: totals[k] for k in ("written", "skipped", "documents", "errors")}}


def chunk_hash(chunk: Mapping[str, Any], model: LoadedModel) -> str:
    basis = {"chunk": chunk, "model": [model.name, model.version], "format": RECORD_FORMAT}
    return hashlib.sha256(json.dumps(basis, sort_keys=True).encode("utf-8")).hexdigest()


def output_hash(client: Any, bucket: str, key: str) -> str | None:
    from botocore.exceptions import ClientError

    try:
        head = client.head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return None
        raise
    value = head.get("Metadata", {}).get(HASH_METADATA)
    return value if isinstance(value, str) else None


@dataclass(frozen=True)
class Document:
    id: Any
    text: str | None
    error: tuple[str, str] | None = None


def read_documents(client: Any, source: Location, chunk: Mapping[str, Any]) -> Iterator[Document]:
    from botocore.exceptions import ClientError

    try:
        if "objects" in chunk:
            for obj in chunk["objects"]:
                body = _get(client, source, obj["key"], obj["etag"])
                try:
                    yield Document(obj["key"], body.decode("utf-8"))
                except UnicodeDecodeError as exc:
                    yield Document(
                        obj["key"],
                        None,
                        ("invalid_utf8", f"not UTF-8 text: {exc.reason} at byte {exc.start}"),
                    )
            return
        body = _get(client, source, chunk["key"], chunk["etag"], f"bytes={chunk['start']}-{chunk['end'] - 1}")
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("PreconditionFailed", "412"):
            raise JobError(
                "InputChanged", f"{source.bucket}/{chunk.get('key')} changed since the plan"
            ) from exc
        raise
    line = chunk["line"]
    for raw in body.splitlines():
        if raw.strip():
            yield parse_line(raw, f"{chunk['key']}#{line}")
        line += 1


def _get(client: Any, source: Location, key: str, etag: str, byte_range: str | None = None) -> bytes:
    if not key.startswith(source.prefix):
        raise InvalidLocation(f"{key} is outside the run's input {source.uri()}")
    extra = {"Range": byte_range} if byte_range else {}
    return client.get_object(Bucket=source.bucket, Key=key, IfMatch=etag, **extra)["Body"].read()


def parse_line(raw: bytes, where: str) -> Document:
    """One JSON Lines document, {"id": string or integer, "text": string}; else an error record."""
    try:
        value = json.loads(raw)
    except (UnicodeDecodeError, ValueError) as exc:
        return Document(where, None, ("invalid_json", f"line {where} is not JSON: {exc}"))
    if not isinstance(value, dict):
        return Document(
            where, None, ("invalid_document", f'line {where} is not an object with "id" and "text"')
        )
    doc_id = value.get("id")
    if isinstance(doc_id, bool) or not isinstance(doc_id, str | int) or doc_id == "":
        return Document(
            where, None, ("invalid_id", f'line {where}: "id" must be a non-empty string or an integer')
        )
    text = value.get("text")
    if not isinstance(text, str):
        return Document(doc_id, None, ("invalid_text", f'"text" must be a string, got {type(text).__name__}'))
    return Document(doc_id, text)


def annotate(model: LoadedModel, documents: Iterator[Document]) -> Iterator[dict[str, Any]]:
    """One record per document, in order: the entities as POST /entities answers them, or the error."""
    settings = model_settings()
    docs = list(documents)
    records: list[dict[str, Any] | None] = [None] * len(docs)
    todo: list[tuple[int, str]] = []
    for index, doc in enumerate(docs):
        if doc.error is not None:
            records[index] = _error(doc.id, *doc.error)
        elif doc.text is not None and len(doc.text) > settings.max_text_chars:
            limit = settings.max_text_chars
            message = f"the text has {len(doc.text)} characters; the limit is MAX_TEXT_CHARS={limit}"
            records[index] = _error(doc.id, "text_too_large", message)
        elif doc.text is not None:
            todo.append((index, _replace_surrogates(doc.text)))
    for index, entities in _entities(model, todo, settings):
        if "error" in entities:
            records[index] = _error(docs[index].id, **entities["error"])
        else:
            records[index] = {"id": docs[index].id, "entities": entities["entities"]}
    for record in records:
        if record is None:  # every index was filled above
            raise RuntimeError("a document got no record")
        yield record


def _entities(
    model: LoadedModel, todo: list[tuple[int, str]], settings: Settings
) -> Iterator[tuple[int, dict[str, Any]]]:
    nlp = model.nlp
    if not todo:
        return
    chars = sum(len(text) for _, text in todo)
    batch_size = max(
        1,
        min(
            settings.pipe_batch_size or nlp.batch_size, settings.pipe_batch_chars * len(todo) // max(1, chars)
        ),
    )
    results: list[dict[str, Any]]
    try:
        with nlp.memory_zone():
            made = (make_doc(nlp, text) for _, text in todo)
            results = [
                {
                    "entities": [
                        {"text": e.text, "label": e.label_, "start": e.start_char, "end": e.end_char}
                        for e in doc.ents
                    ]
                }
                for doc in model.entities.pipe(made, batch_size)
            ]
    except Exception:
        if len(todo) == 1:
            raise
        # One document broke the pipeline for the whole chunk: each alone, so only that one fails.
        results = []
        for item in todo:
            try:
                results.append(next(_entities(model, [item], settings))[1])
            except Exception as exc:  # recorded per document, never a lost chunk
                results.append(
                    {"error": {"code": "internal_error", "message": f"{type(exc).__name__}: {exc}"[:500]}}
                )
    if _tables is not None:
        _tables.maybe_compact()
    for (index, _), result in zip(todo, results, strict=True):
        yield index, result


def _replace_surrogates(text: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text)
    return text


def _error(doc_id: Any, code: str, message: str) -> dict[str, Any]:
    return {"id": doc_id, "error": {"code": code, "message": message}}


_settings: Settings | None = None


def model_settings() -> Settings:
    global _settings
    if _settings is None:
        _settings = Settings.from_env()
    return _settings


def current_model() -> LoadedModel:
    """The model, loaded once per execution environment as the API's handler loads it."""
    global _model, _tables
    if _model is None:
        with _lock:
            if _model is None:
                try:
                    model = load(model_settings())
                except ModelUnavailable as exc:
                    raise JobError("ModelUnavailable", f"{exc.code}: {exc.message}") from exc
                _tables = TableCompactor(model.nlp)
                _model = model
    return _model


def reset() -> None:
    """Forget the loaded model and settings (tests)."""
    global _model, _tables, _settings
    with _lock:
        _model, _tables, _settings = None, None, None


# --- summarize ---------------------------------------------------------------------------------------


def summarize(event: Mapping[str, Any], client: Any = None) -> dict[str, Any]:
    client = client or s3_client()
    source, target = locations(event)
    body = client.get_object(Bucket=target.bucket, Key=target.key(MANIFEST_NAME))["Body"].read()
    chunks = [json.loads(line) for line in body.splitlines() if line.strip()]
    keys = [target.key(f"{RESULTS_DIR}{chunk['chunk']}.jsonl") for chunk in chunks]
    with ThreadPoolExecutor(max_workers=16) as pool:
        heads = list(pool.map(lambda key: _head(client, target.bucket, key), keys))
    by_code: Counter[str] = Counter()
    failed: list[dict[str, Any]] = []
    missing: list[dict[str, Any]] = []
    out = 0
    map_error = event.get("mapError")
    for chunk, key, head in zip(chunks, keys, heads, strict=True):
        if head is None:
            missing.append(
                {"chunk": chunk["chunk"], "documents": chunk["documents"], "key": chunk.get("key")}
            )
            by_code["chunk_failed"] += chunk["documents"]
            continue
        out += int(head.get("documents", 0))
        if int(head.get("errors", 0)):
            text = client.get_object(Bucket=target.bucket, Key=key)["Body"].read().decode("utf-8")
            for line in text.splitlines():
                record = json.loads(line)
                if "error" in record:
                    by_code[record["error"]["code"]] += 1
                    if len(failed) < SUMMARY_FAILED_LIST:
                        failed.append(record)
    documents_in = sum(chunk["documents"] for chunk in chunks)
    summary = {
        "input": source.uri(),
        "output": target.uri(),
        "results": target.uri(RESULTS_DIR),
        "documents_in": documents_in,
        "documents_out": out,
        "documents_failed": sum(by_code.values()),
        "errors_by_code": dict(sorted(by_code.items())),
        "failed_documents": failed,
        "failed_documents_listed": len(failed),
        "chunks": len(chunks),
        "chunks_missing": missing,
        "complete": not missing and out == documents_in,
        "map_error": map_error,
    }
    client.put_object(
        Bucket=target.bucket,
        Key=target.key(SUMMARY_NAME),
        Body=json.dumps(summary, indent=1, ensure_ascii=False).encode("utf-8"),
        ContentType="application/json",
    )
    return {
        k: summary[k]
        for k in ("documents_in", "documents_out", "documents_failed", "chunks", "complete", "errors_by_code")
    } | {"summary": target.uri(SUMMARY_NAME), "chunks_missing": len(missing)}


def _head(client: Any, bucket: str, key: str) -> dict[str, str] | None:
    from botocore.exceptions import ClientError

    try:
        return client.head_object(Bucket=bucket, Key=key).get("Metadata", {})
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return None
        raise
