"""Time the learner's `make ci` (lab 05): lint, data and feature tests, train at `ci` size, model and service tests.

Usage: MLOPS_WORKSPACE=<a workspace where lab 05 ran> .venv/bin/python bench/bench_project_ci.py [--repeat N]
Runs `make ci` in workspace/project (its scratch registry is project/.ci) and prints the wall-clock time of each
run and of each step, against the target of 60 s. (Performance is measured here, not in timed tests.)
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from mlops_course import workspace
from mlops_course.errors import CourseError

TARGET_S = 60.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    project = workspace.project_dir()
    if not (project / "Makefile").is_file():
        raise CourseError(f"no Makefile in {project}: run lab 05 in this workspace first (python -m mlops_course run 05)")
    env = {**os.environ, **workspace.environment(), "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for i in range(args.repeat):
        t = time.perf_counter()
        done = subprocess.run(["make", "ci", f"PYTHON={sys.executable}"], cwd=project, env=env, capture_output=True,
                              text=True)
        dt = time.perf_counter() - t
        verdicts = re.findall(r"(\d+ passed[^\n]*? in [\d.]+s)", done.stdout)
        print(f"make ci run {i + 1}: {dt:6.1f} s (target {TARGET_S:.0f} s) exit {done.returncode}; pytest: {verdicts}",
              flush=True)


if __name__ == "__main__":
    main()
