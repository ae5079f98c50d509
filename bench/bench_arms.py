"""Time lab 07's hindsight arms (loop/arms.py): computed afresh (target 180 s at the default size) and read from the
cache (target 5 s), with the valuation of the four arms.

Usage: MLOPS_WORKSPACE=<a workspace where lab 07 ran> .venv/bin/python bench/bench_arms.py
The arms are computed into a temporary folder (the workspace's loop/arms/ cache is left alone), then computed again
into the same folder, which must read the cache. Prints each figure against its target and the four arms' headline
(gain with its interval, the share of the oracle, time to mitigate). (Performance is measured here, not in timed
tests.)
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from mlops_course import catchup, project, workspace
from mlops_course.errors import CourseError

FRESH_TARGET_S = 180.0
CACHED_TARGET_S = 5.0


def main() -> None:
    done = catchup.completion("07-capstone")
    if done is None:
        raise CourseError("lab 07 has not run in this workspace: run it first (python -m mlops_course run 07)")
    with workspace.using(), project.imported():  # the workspace's registry (MLFLOW_TRACKING_URI) for the block
        _time(done["produced"].get("data_size", "default"))


def _time(size: str) -> None:
    from upi_fraud.loop import arms, valuation
    from upi_fraud.serving import inference_log
    from upi_kit import data

    loop = workspace.folder("loop")
    record = json.loads((loop / "weeks.json").read_text())
    upi = data.load(size, seed=42)
    frozen, feature_set = valuation.frozen_record(workspace.folder("production") / "inference_log.db",
                                                  record["go_live"])
    with tempfile.TemporaryDirectory(prefix="bench-arms-") as tmp:
        seconds = []
        for _ in range(2):
            t = time.perf_counter()
            extra = arms.arms(upi, frozen, record, (size, 42, feature_set), Path(tmp))
            seconds.append(time.perf_counter() - t)
    t = time.perf_counter()
    looped = inference_log.read(loop / "inference_log.db", arms.DECISIONS)
    figures, _ = valuation.compare(upi, {"frozen": frozen, "loop": looped, **extra})
    compare_s = time.perf_counter() - t
    print(f"data size {size}: {len(frozen):,} production payments, {len(arms.loop_schedule(record))} loop models")
    print(f"hindsight arms computed: {seconds[0]:6.1f} s (target {FRESH_TARGET_S:.0f} s); from the cache: "
          f"{seconds[1]:5.2f} s (target {CACHED_TARGET_S:.0f} s); valuation of four arms with the bootstrap: "
          f"{compare_s:5.1f} s")
    gain = figures["gain"]["loop"]
    print(f"loop gain ₹{gain['gain_inr']:,.0f} [₹{gain['low_inr']:,.0f}, ₹{gain['high_inr']:,.0f}]; share of the "
          f"oracle {figures['share_of_oracle']}; days to mitigate {figures['days_to_mitigate']}")


if __name__ == "__main__":
    main()
