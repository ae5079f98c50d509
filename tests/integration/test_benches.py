"""Benches measure, print their figures, and write nothing into the course checkout.

bench_log_model.py once left mlruns/ (six model copies) at the repository root because it set an
experiment without an artifact location. Each bench now runs in a scratch workspace; these runs,
from the repository root as a maintainer would start them, prove it for the quick ones.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from mlops_course import workspace

ROOT = workspace.course_root()


def git_status() -> list[str]:
    res = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    return res.stdout.splitlines()


@pytest.mark.parametrize("bench, args, says", [
    ("bench_log_model.py", ["1"], "log_model with explicit pip_requirements"),
    ("bench_labs.py", ["--size", "ci", "00-setup"], "00-setup"),
    ("bench_import.py", ["3"], "import mlops_course"),
    ("bench_class_report.py", ["--learners", "2"], "all correct: 2/2"),
    ("bench_new_scam.py", ["--size", "ci", "--weeks", "1"], "scam cases: the next week"),
])
def test_a_bench_prints_its_figures_and_leaves_the_checkout_untouched(bench, args, says):
    before = git_status()
    res = subprocess.run([sys.executable, str(ROOT / "bench" / bench), *args], cwd=ROOT, capture_output=True,
                         text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    assert says in res.stdout
    assert git_status() == before, f"{bench} wrote into the checkout"
