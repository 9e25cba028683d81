"""Facts the TypeScript constructs and the Python handlers both hold, read from each side's source so a test
can require them equal: the environment variable names each side reads or sets, and shared constants."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

_NAME = re.compile(r"^[A-Z][A-Z0-9_]+$")
# Names a mapping of the environment goes by in these sources: os.environ, or a parameter named so.
_ENV_OBJECTS = {"environ", "env"}


def _is_env(node: ast.expr) -> bool:
    if isinstance(node, ast.Attribute):
        return node.attr in _ENV_OBJECTS
    return isinstance(node, ast.Name) and node.id in _ENV_OBJECTS


def _literal(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and _NAME.match(node.value):
        return node.value
    return None


def environment_names(source: str) -> set[str]:
    """Names used as keys of the environment: ``env.get("X")``, ``env["X"]``, ``"X" in env``,
    ``env.setdefault("X", …)``, a helper called as ``helper(env, "X", …)``, and the keys of a dict literal
    that updates or is returned as the environment (``{"X": …}`` in ``to_env``)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and _is_env(func.value) and node.args:
                names.add(_literal(node.args[0]) or "")
            for first, second in zip(node.args, node.args[1:], strict=False):
                if _is_env(first):
                    names.add(_literal(second) or "")
        elif isinstance(node, ast.Subscript) and _is_env(node.value):
            names.add(_literal(node.slice) or "")
        elif isinstance(node, ast.Compare) and any(_is_env(c) for c in node.comparators):
            names.add(_literal(node.left) or "")
        elif (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Dict)
            and any(isinstance(t, ast.Name) and t.id in _ENV_OBJECTS for t in node.targets)
        ):
            names.update(_literal(k) or "" for k in node.value.keys if k is not None)
    names.discard("")
    return names


def names_in(directory: Path) -> set[str]:
    found: set[str] = set()
    for path in sorted(directory.glob("*.py")):
        found |= environment_names(path.read_text())
    return found


def ts_contract(path: Path, constant: str) -> dict[str, set[str]]:
    """The groups of ``export const <constant> = { group: ["NAME", …], … } as const`` in a TypeScript file."""
    source = path.read_text()
    start = source.index(f"export const {constant} = {{")
    body = source[start : source.index("} as const;", start)]
    groups: dict[str, set[str]] = {}
    for group, items in re.findall(r"^  (\w+): \[([^\]]*)\]", body, re.M):
        groups[group] = set(re.findall(r'"([A-Z][A-Z0-9_]+)"', items))
    return groups


def ts_const(path: Path, name: str) -> object:
    """The value of ``export const <name> = <literal>`` (a number, a string, an array of them or a flat object
    of numbers, optionally ``as const``) in a TypeScript file."""
    source = path.read_text()
    match = re.search(rf"^export const {name} = (.+?)(?: as const)?;$", source, re.M | re.S)
    if not match:
        raise LookupError(f"{path.name}: no `export const {name} = ...;`")
    # 1_769 → 1769, not inside a word such as "x86_64"
    literal = re.sub(r"(?<![\w.])\d+(?:_\d+)+", lambda m: m.group().replace("_", ""), match.group(1))
    literal = re.sub(r"([{,]\s*)([A-Za-z_]\w*):", r'\1"\2":', literal)  # { min: 1 } → { "min": 1 }
    literal = re.sub(r",(\s*[\]}])", r"\1", literal)  # trailing commas
    return json.loads(literal)


def ts_enum(path: Path, name: str) -> list[str]:
    """The values, in order, of ``export enum <name> { MEMBER = "value", … }`` (a string enum) in a TypeScript
    file; comments between the members are skipped."""
    source = path.read_text()
    match = re.search(rf"^export enum {name} \{{(.*?)^\}}", source, re.M | re.S)
    if not match:
        raise LookupError(f"{path.name}: no `export enum {name} {{ ... }}`")
    body = re.sub(r"/\*.*?\*/|//[^\n]*", "", match.group(1), flags=re.S)
    return re.findall(r'^\s*\w+ = "([^"]*)",?\s*$', body, re.M)
