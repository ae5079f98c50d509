"""Time lab 06's weekly job: one week in-process after imports (target 5 s) and September to December (target 120 s).

Usage: MLOPS_WORKSPACE=<a workspace where lab 06 ran> .venv/bin/python bench/bench_monitor.py [--repeat N]
Judges weeks with the workspace's frozen policy, as `upi-monitor --week ...` does, and writes its
snapshots, verdicts and HTML reports into a temporary folder (the workspace's own monitoring state is left alone;
triggers of RETRAIN weeks go to a temporary folder too). Prints the import time, then each figure against its
target. (Performance is measured here, not in timed tests.)
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from mlops_course import catchup, project
from mlops_course.errors import CourseError

WEEK_TARGET_S = 5.0
RANGE_TARGET_S = 120.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--week", default="2025-09-08")
    args = parser.parse_args()
    done = catchup.completion("06-monitoring")
    if done is None:
        raise CourseError("lab 06 has not run in this workspace: run it first (python -m mlops_course run 06)")
    with project.imported():
        _time(done["produced"].get("data_size", "default"), args)


def _time(size: str, args: argparse.Namespace) -> None:
    t = time.perf_counter()
    import evidently  # noqa: F401  (its import alone takes ~4 s; the targets are after imports)
    from upi_fraud import dates
    from upi_fraud.monitoring import weekly
    from upi_kit import data

    upi = data.load(size, seed=42)
    mon = weekly.Monitor.load(upi)
    print(f"imports, data and policy: {time.perf_counter() - t:5.1f} s (data size {size})", flush=True)
    weeks = dates.mondays("2025-09-01", "2026-01-01")
    with tempfile.TemporaryDirectory(prefix="bench-monitor-") as tmp:
        def out(name: str) -> weekly.Outputs:
            return weekly.Outputs(Path(tmp, name), Path(tmp, "reports"), Path(tmp, "triggers"))

        for i in range(args.repeat):
            t = time.perf_counter()
            one = weekly.run_weeks(mon, [dates.monday(args.week)], out=out(f"one-{i}"))
            week_s = time.perf_counter() - t
            t = time.perf_counter()
            rows = weekly.run_weeks(mon, weeks, out=out(f"range-{i}"))
            range_s = time.perf_counter() - t
            statuses = {s: sum(r["status"] == s for r in rows) for s in ("OK", "WARN", "RETRAIN", "INCIDENT")}
            print(f"run {i + 1}: one week ({one[0]['week']}, {one[0]['rows']:,} payments, {one[0]['status']}) "
                  f"{week_s:5.2f} s (target {WEEK_TARGET_S:.0f} s); {len(rows)} weeks {range_s:6.1f} s "
                  f"(target {RANGE_TARGET_S:.0f} s); {statuses}", flush=True)


if __name__ == "__main__":
    main()
