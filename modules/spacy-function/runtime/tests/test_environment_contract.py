"""The environment variables the runtime reads are the ones SpacyFunction knows and reserves
(RUNTIME_ENVIRONMENT_VARIABLES in spacy-function.ts): a name read here but unknown there could be set through
the construct's `environment` prop and change what the function serves, as MODEL_PATH could before.
"""

from __future__ import annotations

import re

from conftest import RUNTIME_DIR, SRC_DIR
from testkit.contract import environment_names, names_in, ts_contract

CONSTRUCT = RUNTIME_DIR.parent / "src" / "spacy-function.ts"


def _contract() -> dict[str, set[str]]:
    return ts_contract(CONSTRUCT, "RUNTIME_ENVIRONMENT_VARIABLES")


def test_every_name_the_runtime_reads_is_in_the_constructs_contract_and_no_other():
    groups = _contract()
    assert set(groups) == {"construct", "local", "catalog", "lambda"}
    listed = set().union(*groups.values())
    read = names_in(SRC_DIR)
    assert "MODEL_PATH" in read and "MODEL_PATH" in listed
    assert read == listed, f"read but not listed: {read - listed}; listed but not read: {listed - read}"


def test_the_reserved_list_is_the_whole_contract():
    source = CONSTRUCT.read_text()
    reserved = source[source.index("export const RESERVED_ENVIRONMENT_VARIABLES") :]
    reserved = reserved[: reserved.index("] as const;")]
    assert set(re.findall(r"RUNTIME_ENVIRONMENT_VARIABLES\.(\w+)", reserved)) == set(_contract())


def test_the_readme_documents_what_the_construct_sets_and_nothing_unknown():
    readme = (RUNTIME_DIR / "README.md").read_text()
    table = readme[readme.index("## Environment") :]
    table = table[: table.index("\n\n", table.index("| variable |"))]
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", table))
    groups = _contract()
    assert groups["construct"] <= documented
    assert documented <= set().union(*groups.values())


def test_a_new_read_is_found_in_each_form_the_sources_use():
    source = """
import os
def settings(environ, env):
    a = environ.get("ONE", "")
    b = _positive_int(environ, "TWO", 1)
    c = env["THREE"] if "FOUR" in os.environ else None
    os.environ.setdefault("FIVE", "1")
    label = "NOT_A_READ"
"""
    assert environment_names(source) == {"ONE", "TWO", "THREE", "FOUR", "FIVE"}
