"""tools/lab_shape.py counts what a learner writes the way issue 25's bar does: lines of code only."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _tool():
    spec = importlib.util.spec_from_file_location("lab_shape", ROOT / "tools" / "lab_shape.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_code_lines_leave_out_blanks_comments_and_docstrings():
    code = ('def f(x):\n    """Say what.\n\n    More.\n    """\n    # a comment\n\n    y = x + 1  # counted\n'
            '    s = """not a docstring"""\n    return y\n')
    assert _tool().code_lines(code) == 4  # def, y =, s =, return


def test_a_block_that_is_not_python_counts_its_non_comment_lines():
    assert _tool().code_lines("jobs:\n  # the gate\n  test:\n    runs-on: ubuntu-24.04\n\n") == 3


def test_each_lab_reports_code_lines_and_build_exercises():
    tool = _tool()
    figures = tool.lab_figures("04_model_serving.ipynb", None, None)
    assert figures["code_lines"] == sum(figures["exercises"].values()) > 0
    assert figures["build_exercises"] == sum(5 <= n <= 40 for n in figures["exercises"].values())
