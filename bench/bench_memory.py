"""Peak memory of a whole learner session, per lab: JupyterLab, the kernel, and every server the lab runs.

Usage: .venv/bin/python bench/bench_memory.py [--size default|ci] [LAB ...]

A Binder session gives about 2 GB for all of it. The bench starts JupyterLab the way
`make lab` does (idle, as a learner has it open), then runs each built lab in course order
on one scratch workspace at the learner's size, with papermill standing in for the
browser. Every 0.2 s it sums the proportional set size (PSS: shared pages split between
the processes that share them, so nothing is counted twice) of the JupyterLab tree and of
the kernel tree (the kernel, the catch-up kernels it starts, the MLflow UI, BentoML, ...).
It prints, per lab, the peak of the kernel tree and of the whole session. Target: the
whole session under 2 GB at the size a Binder learner uses.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time

import psutil

from mlops_course import launchers, workspace
from mlops_course.catchup import run_lab
from mlops_course.manifest import LAB_SIZES, course
from mlops_course.services import Service

TARGET_MB = 2048
MB = 1024 * 1024


def _pss(procs: list[psutil.Process]) -> int:
    total = 0
    for p in procs:
        try:
            total += p.memory_full_info().pss
        except psutil.Error:
            pass
    return total


class Sampler(threading.Thread):
    """Samples the kernel tree (children of this process except JupyterLab's) and JupyterLab's tree."""

    def __init__(self, jupyter_pid: int) -> None:
        super().__init__(daemon=True)
        self.jupyter_pid, self.peak_kernel, self.peak_total, self.running = jupyter_pid, 0, 0, True

    def run(self) -> None:
        me = psutil.Process()
        while self.running:
            lab_tree, kernel_tree = [], []
            for child in me.children(recursive=True):
                is_lab = child.pid == self.jupyter_pid or self.jupyter_pid in {a.pid for a in _ancestors(child)}
                (lab_tree if is_lab else kernel_tree).append(child)
            kernel = _pss(kernel_tree)
            self.peak_kernel = max(self.peak_kernel, kernel)
            self.peak_total = max(self.peak_total, kernel + _pss(lab_tree))
            time.sleep(0.2)


def _ancestors(p: psutil.Process) -> list[psutil.Process]:
    try:
        return p.parents()
    except psutil.Error:
        return []


def _jupyterlab() -> Service:
    token = "bench-memory"
    cmd = [sys.executable, "-m", "mlops_course", "lab", "--no-browser", "--port", launchers.PORT,
           f"--IdentityProvider.token={token}"]
    return Service("jupyterlab", cmd, ready_path=f"/lab?token={token}", timeout=120, cwd=workspace.course_root())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="default", choices=LAB_SIZES)
    parser.add_argument("labs", nargs="*")
    args = parser.parse_args()
    print(f"{'lab':<24} {'size':<8} {'kernel tree':>12} {'whole session':>14}  (target < {TARGET_MB} MB)")
    with workspace.scratch("bench-memory-") as ws, _jupyterlab() as lab:
        guard = psutil.Process(lab.proc.pid)
        for item in course().built_through(args.labs):
            sampler = Sampler(guard.pid)
            sampler.start()
            t = time.perf_counter()
            run_lab(item, size=args.size, output_dir=ws.parent / "out")
            sampler.running = False
            sampler.join()
            verdict = "ok" if sampler.peak_total / MB < TARGET_MB else "OVER"
            print(f"{item.id:<24} {args.size:<8} {sampler.peak_kernel / MB:9.0f} MB {sampler.peak_total / MB:11.0f} MB"
                  f"  {verdict} ({time.perf_counter() - t:.0f} s)", flush=True)


if __name__ == "__main__":
    os.environ.setdefault("MLOPS_CATCHUP_SIZE", "ci")
    main()
