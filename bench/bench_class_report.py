"""How long a class report takes, and how much memory it needs: the figures behind the README's minimum machine.

Usage: .venv/bin/python bench/bench_class_report.py [--lab 00] [--learners 6] [--jobs N]

Hands in the lab's solution notebook (every exercise correct) once per learner, in a scratch folder, and runs
`python -m mlops_course check FOLDER` on it as an instructor would: each notebook in its own process and
throwaway workspace, catching up the labs it builds on at the ci size. Prints the wall time, each notebook's
run time (catch-up excluded) and the peak memory (RSS) of the whole report: its process, every notebook's
process, kernel and server. Nothing is written outside the scratch folder.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from mlops_course import workspace
from mlops_course.manifest import course

GB = 2**30


def _tree_rss(root: psutil.Process) -> int:
    total = 0
    for p in [root, *root.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lab", default="00")
    parser.add_argument("--learners", type=int, default=6)
    parser.add_argument("--jobs", type=int)
    args = parser.parse_args()
    lab = course().lab(args.lab)
    scratch = Path(tempfile.mkdtemp(prefix="bench-class-"))
    try:
        subs = scratch / "submissions"
        subs.mkdir()
        for i in range(args.learners):
            shutil.copy(workspace.course_root() / "solutions" / lab.notebook, subs / f"learner-{i + 1:02d}.ipynb")
        cmd = [sys.executable, "-m", "mlops_course", "check", str(subs), "--out", str(scratch / "report")]
        cmd += ["--jobs", str(args.jobs)] if args.jobs else []
        t0 = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        peak, watched = 0, psutil.Process(proc.pid)
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.wait(0.25):
                peak = max(peak, _tree_rss(watched))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        out, _ = proc.communicate()
        done.set()
        sampler.join()
        wall = time.monotonic() - t0
        if proc.returncode != 0:
            print(out, file=sys.stderr)
            return proc.returncode
        with open(scratch / "report" / "class-report.csv", newline="") as f:
            rows = list(csv.DictReader(f))
        seconds = [float(r["seconds"]) for r in rows]
        correct = sum(all(v == "correct" for k, v in r.items() if k[:1].isdigit() and v) for r in rows)
        print(out.strip().splitlines()[0] if out.strip() else "")
        print(f"lab {lab.id}, {args.learners} learners, {psutil.cpu_count()} cores, "
              f"{psutil.virtual_memory().total / GB:.0f} GB RAM")
        print(f"class report: {wall:.0f} s wall; per notebook (catch-up excluded): median "
              f"{statistics.median(seconds):.0f} s, max {max(seconds):.0f} s; all correct: {correct}/{len(rows)}")
        print(f"peak memory of the whole report (every notebook's processes): {peak / GB:.2f} GB")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
