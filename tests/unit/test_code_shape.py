"""The code stays easy to read: small modules, short functions (ruff checks complexity).

The same bar for the course's helper package and for the project the learner takes away (the reference in
project/: its package, its Feast repo and its tests), which hiring managers read.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TREES = ["mlops_course", "project/src", "project/feature_repo", "project/tests"]
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _modules(tree: str) -> list[Path]:
    return sorted(p for p in (ROOT / tree).rglob("*.py") if "__pycache__" not in p.parts)


@pytest.mark.parametrize("tree", TREES)
def test_no_module_is_over_400_lines(tree):
    assert _modules(tree), f"{tree} holds no module"
    long = {str(p.relative_to(ROOT)): n for p in _modules(tree)
            if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES}
    assert not long, f"split these modules by concern (at most {MAX_MODULE_LINES} lines): {long}"


@pytest.mark.parametrize("tree", TREES)
def test_no_function_is_over_60_lines(tree):
    long = {}
    for p in _modules(tree):
        for node in ast.walk(ast.parse(p.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                n = node.end_lineno - node.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    long[f"{p.relative_to(ROOT)}:{node.name}"] = n
    assert not long, f"split these functions (at most {MAX_FUNCTION_LINES} lines): {long}"
