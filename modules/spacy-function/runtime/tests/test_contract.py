"""The API contract is written in three places that must not drift: the Python handler (what it sends), the
TypeScript package (what clients and the HTTP API's routes expect, and the OpenAPI document generated from it,
packages/shared/openapi.json) and the runtime README (what callers read).
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

from catalog_handler import CATALOG_ROUTE
from conftest import RUNTIME_DIR, SRC_DIR
from local_openapi import load_document
from ner_http import MODEL_ROUTE_PREFIX, ROUTES
from openapi_spec_validator import validate

ROOT = RUNTIME_DIR.parents[2]
TS_API = ROOT / "packages" / "shared" / "src" / "api"


# ModelUnavailable carries no status; the handler answers every one with 503 (ner_handler._unavailable).
MODEL_UNAVAILABLE_STATUS = 503


def _python_error_codes() -> set[str]:
    return set(_python_error_statuses())


def _python_error_statuses() -> dict[str, set[int]]:
    """Every code the handler can send, with the statuses it is raised with: ApiError(status, "code", ...)
    and ModelUnavailable("code", ...)."""
    codes: dict[str, set[int]] = defaultdict(set)
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
                if node.func.id == "ModelUnavailable":
                    status = MODEL_UNAVAILABLE_STATUS
                else:
                    literal = node.args[0]
                    assert isinstance(literal, ast.Constant) and isinstance(literal.value, int), (
                        f"{path.name}:{node.lineno}: a status must be a literal"
                    )
                    status = literal.value
                codes[str(argument.value)].add(status)
    return dict(codes)


def _ts_error_codes() -> set[str]:
    source = (TS_API / "errors.ts").read_text()
    array = source[source.index("API_ERROR_CODES = [") : source.index("] as const")]
    return set(re.findall(r'^\s+"([a-z_]+)",', array, re.M))


def _readme_error_statuses() -> dict[str, int]:
    readme = (RUNTIME_DIR / "README.md").read_text()
    return {
        code: int(status) for status, code in re.findall(r"^\| ([245]\d\d) \| `([a-z_]+)` \|", readme, re.M)
    }


def _openapi_error_statuses() -> dict[str, int]:
    """Code -> status, from the document's per-status error schemas (Error400, Error404, ...)."""
    schemas = load_document()["components"]["schemas"]
    statuses: dict[str, int] = {}
    for name, schema in schemas.items():
        if re.fullmatch(r"Error\d{3}", name):
            for code in schema["properties"]["error"]["properties"]["code"]["enum"]:
                assert code not in statuses, f"{code} is in two error schemas"
                statuses[code] = int(name[len("Error") :])
    assert set(statuses) == set(schemas["ErrorCode"]["enum"])
    return statuses


def test_the_error_codes_the_handler_sends_are_the_ones_typescript_openapi_and_the_readme_know():
    python = _python_error_codes()
    assert len(python) >= 20
    assert python == _ts_error_codes()
    assert python == set(_openapi_error_statuses())
    assert python == set(_readme_error_statuses())


def test_each_code_is_sent_with_the_status_openapi_and_the_readme_give_it():
    documented = _openapi_error_statuses()
    assert {code: {documented[code]} for code in _python_error_statuses()} == _python_error_statuses()
    assert _readme_error_statuses() == documented


def test_the_document_is_valid_openapi_3_1():
    document = load_document()
    assert document["openapi"] == "3.1.0"
    validate(document)


def _openapi_routes() -> dict[str, set[str]]:
    """Path -> methods of the document's operations."""
    return {path: {method.upper() for method in item} for path, item in load_document()["paths"].items()}


def test_the_handlers_routes_are_the_openapi_operations():
    """A model's function answers ROUTES bare and under /models/<name>; the catalog function GET /models."""
    served = {path: set(methods) for path, methods in ROUTES.items()}
    served |= {f"{MODEL_ROUTE_PREFIX}{{model}}{path}": set(methods) for path, methods in ROUTES.items()}
    served[CATALOG_ROUTE] = {"GET"}
    assert served == _openapi_routes()
    routes = (TS_API / "routes.ts").read_text()
    assert {*ROUTES, CATALOG_ROUTE} == set(re.findall(r'^\s+\w+: "(/[a-z]+)",', routes, re.M))
    assert f"{CATALOG_ROUTE}/" == MODEL_ROUTE_PREFIX


def test_a_code_missing_on_one_side_is_found(tmp_path: Path):
    """The parsers above find what they claim to: a code removed from the TypeScript list is noticed."""
    source = (TS_API / "errors.ts").read_text()
    assert '  "response_too_large",\n' in source
    assert "response_too_large" in _python_error_codes() - set(
        re.findall(r'^\s+"([a-z_]+)",', source.replace('  "response_too_large",\n', ""), re.M)
    )
