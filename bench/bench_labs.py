"""Time each built lab, in course order, on a fresh scratch workspace.

Usage: .venv/bin/python bench/bench_labs.py [--size ci|default] [--catch-up] [LAB ...]
Prints one line per lab with its wall-clock time next to the budget in course.yml;
--catch-up runs them as catch-up does (without the cells tagged catch-up-skip) and
compares the total with CATCH_UP_TARGET (a learner who opens lab 07 first waits that long);
the figures go into issue notes and course.yml's instructor notes. (Performance is
measured here, not in timed tests.)
"""

from __future__ import annotations

import argparse
import time

from mlops_course import workspace
from mlops_course.catchup import run_lab
from mlops_course.manifest import LAB_SIZES, course

#: Seconds a learner who opens the last lab first may wait for every earlier lab to be caught up, at ci size.
CATCH_UP_TARGET = 240


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="ci", choices=LAB_SIZES)
    parser.add_argument("--catch-up", action="store_true", help="run the labs as catch-up does")
    parser.add_argument("labs", nargs="*")
    args = parser.parse_args()
    total = 0.0
    with workspace.scratch("bench-labs-") as ws:
        for lab in course().built_through(args.labs):
            t = time.perf_counter()
            run_lab(lab, size=args.size, output_dir=ws.parent / "out", catching_up=args.catch_up)
            dt = time.perf_counter() - t
            total += dt
            budget = f"budget {lab.ci_seconds} s at ci" if lab.ci_seconds else "no ci budget"
            print(f"{lab.id:<24} size={args.size:<8} {dt:7.1f} s  ({budget}; {lab.minutes} learner-minutes)", flush=True)
    print(f"{'total':<24} size={args.size:<8} {total:7.1f} s"
          + (f"  (catch-up target {CATCH_UP_TARGET} s)" if args.catch_up else ""))


if __name__ == "__main__":
    main()
