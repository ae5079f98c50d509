"""Time each built lab, in course order, on a fresh temporary workspace.

Usage: .venv/bin/python bench/bench_labs.py [--size ci|default] [LAB ...]
Prints one line per lab with its wall-clock time; the figures go into issue notes
and course.yml's instructor notes. (Performance is measured here, not in timed tests.)
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="ci", choices=["ci", "default"])
    parser.add_argument("labs", nargs="*")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-labs-"))
    os.environ["MLOPS_WORKSPACE"] = str(tmp / "workspace")
    from mlops_course.catchup import run_lab
    from mlops_course.manifest import course

    labs = course().built_labs
    if args.labs:
        last = max(course().lab(x).number for x in args.labs)
        labs = [lab for lab in labs if lab.number <= last]
    total = 0.0
    try:
        for lab in labs:
            t = time.perf_counter()
            run_lab(lab, size=args.size, output_dir=tmp / "out")
            dt = time.perf_counter() - t
            total += dt
            print(f"{lab.id:<24} size={args.size:<8} {dt:7.1f} s  (course.yml says {lab.minutes} learner-minutes)", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{'total':<24} size={args.size:<8} {total:7.1f} s")


if __name__ == "__main__":
    main()
