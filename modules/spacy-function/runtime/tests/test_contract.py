"""The API contract is written in three places that must not drift: the Python handler (what it sends), the
TypeScript package (what clients and the HTTP API's routes expect) and the runtime README (what callers read).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from catalog_handler import CATALOG_ROUTE
from conftest import RUNTIME_DIR, SRC_DIR
from ner_http import MODEL_ROUTE_PREFIX, ROUTES

ROOT = RUNTIME_DIR.parents[2]
TS_API = ROOT / "packages" / "shared" / "src" / "api"


def _python_error_codes() -> set[str]:
    """Every code the handler can send: ApiError(status, "code", ...) and ModelUnavailable("code", ...)."""
    codes: set[str] = set()
    for path in SRC_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
                continue
            position = {"ApiError": 1, "ModelUnavailable": 0}.get(node.func.id)
            if position is not None and len(node.args) > position:
                argument = node.args[position]
                if isinstance(argument, ast.Attribute) and argument.attr == "code":
                    continue  # forwards a ModelUnavailable's code, counted where that is raised
                assert isinstance(argument, ast.Constant), (
                    f"{path.name}:{node.lineno}: a code must be a literal"
                )
                codes.add(str(argument.value))
    return codes


def _ts_error_codes() -> set[str]:
    source = (TS_API / "errors.ts").read_text()
    array = source[source.index("API_ERROR_CODES = [") : source.index("] as const")]
    return set(re.findall(r'^\s+"([a-z_]+)",', array, re.M))


def _readme_error_codes() -> set[str]:
    readme = (RUNTIME_DIR / "README.md").read_text()
    return set(re.findall(r"^\| [245]\d\d \| `([a-z_]+)` \|", readme, re.M))


def test_the_error_codes_the_handler_sends_are_the_ones_typescript_and_the_readme_know():
    python = _python_error_codes()
    assert len(python) >= 20
    assert python == _ts_error_codes()
    assert python == _readme_error_codes()


def test_the_handlers_routes_are_the_typescript_routes():
    routes = (TS_API / "routes.ts").read_text()
    # A model's function answers ROUTES (bare and under /models/<name>), the catalog function /models.
    served = {*ROUTES, CATALOG_ROUTE}
    assert served == set(re.findall(r'^\s+\w+: "(/[a-z]+)",', routes, re.M))
    assert f"{CATALOG_ROUTE}/" == MODEL_ROUTE_PREFIX


def test_a_code_missing_on_one_side_is_found(tmp_path: Path):
    """The parsers above find what they claim to: a code removed from the TypeScript list is noticed."""
    source = (TS_API / "errors.ts").read_text()
    assert '  "response_too_large",\n' in source
    assert "response_too_large" in _python_error_codes() - set(
        re.findall(r'^\s+"([a-z_]+)",', source.replace('  "response_too_large",\n', ""), re.M)
    )
