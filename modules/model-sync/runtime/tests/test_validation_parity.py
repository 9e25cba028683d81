"""The sync's Python checks and ModelSync's TypeScript checks (validate.ts) accept exactly the same sources.

A source the synth accepts but the sync refuses would fail the apply; one the sync accepts but the synth
refuses would be a rule nobody enforces at deploy time. Both are run on the same corpus: hand-picked
cases plus a seeded random mix of URL parts, evaluated by the real validate.ts under ts-node.
"""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path

from sync_errors import SyncFailure
from sync_event import load_request
from sync_testing import MODEL, config_env

ROOT = Path(__file__).resolve().parents[4]
SHA = "ab" * 32

_TS = """
require("ts-node").register({ transpileOnly: true, project: "modules/model-sync/tsconfig.json" });
require("./scripts/register-source-paths.js");
const { validateModel } = require("./modules/model-sync/src/validate.ts");
const cases = JSON.parse(require("fs").readFileSync(0, "utf8"));
const verdicts = cases.map((c) => {
  try {
    validateModel("parity", c.name, c.version, c.source);
    return null;
  } catch (e) {
    return e.message;
  }
});
process.stdout.write(JSON.stringify(verdicts));
"""

HAND = [
    (
        "wheel_url",
        "https://github.com/explosion/spacy-models/releases/download/x/en_x-1.0.0-py3-none-any.whl",
    ),
    ("wheel_url", "http://127.0.0.1:8080/w/en_x-1.0.0-py3-none-any.whl"),
    ("wheel_url", "http://localhost/w/m.whl"),
    ("wheel_url", "http://example.org/m.whl"),
    ("wheel_url", "https://example.org/m.tar.gz"),
    ("wheel_url", "https://user:pw@example.org/m.whl"),
    ("wheel_url", "https://token@example.org/m.whl"),
    ("wheel_url", "https://:pw@example.org/m.whl"),
    ("wheel_url", "file:///opt/m.whl"),
    ("wheel_url", "/opt/m.whl"),
    ("wheel_url", "https:///m.whl"),
    ("wheel_url", "https://example.org/m.whl?X-Amz-Signature=abc"),
    ("index_url", "https://pypi.org/simple"),
    ("index_url", "ftp://example.org/simple"),
    ("index_url", "https://example.org:99999/simple"),
    ("index_url", "https://example.org:notaport/simple"),
    ("index_url", "--index-url=https://evil"),
    ("index_url", "https://example.org/a b"),
    ("index_url", "https://example.org/\x7f"),
    ("index_url", "HTTPS://EXAMPLE.ORG/simple"),
    ("find_links", "/opt/wheels"),
    ("find_links", "wheels/"),
    ("find_links", "file:///opt/wheels"),
    ("find_links", "https://wheels.example/models/"),
    ("find_links", "http://[::1]:8000/links/"),
]


def _random_locations(count: int) -> list[tuple[str, str]]:
    rng = random.Random(20261125)  # noqa: S311 (a fixed test corpus, not a secret)
    schemes = ["https://", "http://", "ftp://", "file://", "HTTPS://", "", "https:/", "s3://"]
    users = ["", "", "", "u@", "u:p@", ":p@", "@", "tok%40en@"]
    hosts = [
        "example.org",
        "127.0.0.1",
        "localhost",
        "LOCALHOST",
        "[::1]",
        "",
        "exa mple.org",
        "xn--bcher-kva.example",
    ]
    ports = ["", "", ":443", ":8080", ":0", ":65536", ":x"]
    paths = [
        "/simple/",
        "/m.whl",
        "/dir/en_x-1.0-py3-none-any.whl",
        "",
        "/a?b=c.whl",
        "/m.whl#frag",
        "/%20.whl",
        "/m.WHL",
    ]
    kinds = ["wheel_url", "index_url", "find_links"]
    return [
        (
            rng.choice(kinds),
            rng.choice(schemes)
            + rng.choice(users)
            + rng.choice(hosts)
            + rng.choice(ports)
            + rng.choice(paths),
        )
        for _ in range(count)
    ]


def _python_verdict(source: dict) -> str | None:
    ev = {"model_name": MODEL, "version": "1.0.0", "source": source}
    try:
        load_request(config_env(ev))
    except SyncFailure as failure:
        return failure.message
    return None


def _ts_verdicts(cases: list[dict]) -> list[str | None]:
    proc = subprocess.run(
        ["node", "-e", _TS],
        cwd=ROOT,
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_python_and_typescript_accept_the_same_sources():
    sources = [{"kind": k, "location": loc, "sha256": SHA} for k, loc in HAND + _random_locations(400)]
    sources += [
        {"kind": "s3", "bucket": b, "key": k, "sha256": SHA}
        for b in ("team-models", "a.b-c", "My_Bucket", "ab", "x" * 64, "a..b")
        for k in ("m.whl", "dir/en_x-1.0.0-py3-none-any.whl", "m.tar.gz", "a\x01.whl", "k" * 1021 + ".whl")
    ]
    sources += [
        {"kind": "wheel_url", "location": "https://example.org/m.whl", "sha256": sha}
        for sha in (SHA, "AB" * 32, "abc", "sha256:" + SHA, "g" * 64, SHA + "0")
    ]
    cases = [{"name": MODEL, "version": "1.0.0", "source": s} for s in sources]
    python = [_python_verdict(s) for s in sources]
    typescript = _ts_verdicts(cases)
    disagreements = [
        (s, p, t) for s, p, t in zip(sources, python, typescript, strict=True) if (p is None) != (t is None)
    ]
    assert disagreements == []
    # The corpus is not trivial: both sides accept some and refuse many.
    accepted = sum(p is None for p in python)
    assert 20 <= accepted <= len(sources) - 100
