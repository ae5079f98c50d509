"""Time each built lab, in course order, on a fresh scratch workspace.

Usage: .venv/bin/python bench/bench_labs.py [--size ci|default] [LAB ...]
Prints one line per lab with its wall-clock time next to the budget in course.yml;
the figures go into issue notes and course.yml's instructor notes. (Performance is
measured here, not in timed tests.)
"""

from __future__ import annotations

import argparse
import time

from mlops_course import workspace
from mlops_course.catchup import run_lab
from mlops_course.manifest import LAB_SIZES, course


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="ci", choices=LAB_SIZES)
    parser.add_argument("labs", nargs="*")
    args = parser.parse_args()
    total = 0.0
    with workspace.scratch("bench-labs-") as ws:
        for lab in course().built_through(args.labs):
            t = time.perf_counter()
            run_lab(lab, size=args.size, output_dir=ws.parent / "out")
            dt = time.perf_counter() - t
            total += dt
            budget = f"budget {lab.ci_seconds} s at ci" if lab.ci_seconds else "no ci budget"
            print(f"{lab.id:<24} size={args.size:<8} {dt:7.1f} s  ({budget}; {lab.minutes} learner-minutes)", flush=True)
    print(f"{'total':<24} size={args.size:<8} {total:7.1f} s")


if __name__ == "__main__":
    main()
