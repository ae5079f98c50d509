"""Where lab 07's Run All goes: the loop (18 weeks with its live service) and the hindsight arms, each alone, then
the loop with the arms trained beside it as lab 07 does (valuation.start_hindsight), on the same workspace.

Usage: MLOPS_WORKSPACE=<a workspace where lab 07 ran> .venv/bin/python bench/bench_loop.py
Re-runs the loop as lab 07's cell does (the workspace's loop/ is written again, from the go-live champion, as a new
run of that cell would); the arms are computed into temporary folders (the loop/arms/ cache is not read), so each
figure is a fresh computation. About 12 minutes at the default size on 2 cores. Prints each phase's seconds and the
overlap's saving against lab 07's target for its whole Run All (480 s). (Performance is measured here, not in
timed tests.)
"""

from __future__ import annotations

import shutil
import tempfile
import time
import warnings
from datetime import timedelta
from pathlib import Path

from mlops_course import catchup, launchers, project, workspace
from mlops_course.errors import CourseError

LAB_TARGET_S = 480.0


def main() -> None:
    done = catchup.completion("07-capstone")
    if done is None:
        raise CourseError("lab 07 has not run in this workspace: run it first (python -m mlops_course run 07)")
    with workspace.using(), project.imported():
        _time(done["produced"].get("data_size", "default"))


def _time(size: str) -> None:
    import mlflow
    from upi_fraud import dates, layout, registry
    from upi_fraud.loop import run as loop
    from upi_fraud.loop import valuation
    from upi_fraud.loop.state import GO_LIVE_ALIAS
    from upi_kit import data, story

    mlflow.set_tracking_uri(workspace.mlflow_tracking_uri())
    upi = data.load(size, seed=42)
    weeks = dates.mondays(story.GO_LIVE, story.LAST_DAY + timedelta(days=1))  # lab 07's production months
    frozen_log, out = workspace.folder("production") / "inference_log.db", workspace.folder("loop")
    env = {"FEATURE_REPO": str(layout.feature_repo()), "INFERENCE_LOG": str(out / "inference_log.db"),
           "MODEL_POLL_SECONDS": "1", "PYTHONWARNINGS": "ignore"}
    service = launchers.bentoml_service("upi_fraud.serving.service:FraudService", cwd=layout.PROJECT,
                                        name="bench-loop-service", env=env).start()
    go_live = str(mlflow.MlflowClient().get_model_version_by_alias(registry.MODEL_NAME, GO_LIVE_ALIAS).version)
    seconds: dict[str, float] = {}
    try:
        with warnings.catch_warnings(), tempfile.TemporaryDirectory(prefix="bench-loop-") as tmp:
            warnings.simplefilter("ignore")
            t = time.perf_counter()
            loop.run(upi, weeks, size, url=service.url, sample=20)
            seconds["loop alone"] = time.perf_counter() - t
            alone, beside = _with_record(out, Path(tmp) / "alone"), Path(tmp) / "beside"
            t = time.perf_counter()
            valuation.start_hindsight(upi, frozen_log, alone, size, 42, go_live).arms()
            seconds["hindsight arms alone"] = time.perf_counter() - t
            hindsight = valuation.start_hindsight(upi, frozen_log, beside, size, 42, go_live)  # the oracle starts
            t = time.perf_counter()
            loop.run(upi, weeks, size, url=service.url, sample=20)
            seconds["loop, arms beside it"] = time.perf_counter() - t
            _with_record(out, beside)
            hindsight.arms()
            seconds["then waiting for the arms"] = time.perf_counter() - t - seconds["loop, arms beside it"]
    finally:
        service.stop()
    serial = seconds["loop alone"] + seconds["hindsight arms alone"]
    together = seconds["loop, arms beside it"] + seconds["then waiting for the arms"]
    print(f"data size {size}: {len(weeks)} weeks")
    for name, value in seconds.items():
        print(f"{name:<28} {value:6.1f} s")
    print(f"one after the other {serial:6.1f} s; side by side {together:6.1f} s (saves {serial - together:5.1f} s); lab 07's "
          f"whole Run All has a target of {LAB_TARGET_S:.0f} s")


def _with_record(loop_out: Path, folder: Path) -> Path:
    """A folder holding a copy of the loop's weeks.json: the arms read the loop's schedule from it and keep their
    cache under it (so they are computed, not read from loop/arms/)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(loop_out / "weeks.json", folder / "weeks.json")
    return folder


if __name__ == "__main__":
    main()
