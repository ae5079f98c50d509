"""The whole loop, proven in CI: labs 00-07 at the `loop` chain's size (course.yml `chains`), where the loop retrains,
shadows and promotes under the same gate, floors and minimums as at every size.

At the ci size a 14-day holdout holds a handful of known frauds, fewer than the gate's minimum, so lab 07's loop never
promotes there (tests/course/test_lab07_loop.py). Here labs 00-06 are caught up in a workspace of their own (without
their demonstrations) and lab 07 runs in full, as a learner runs it; the loop's story (tests/loop_claims.py, the same
claims the committed default-size run is held to) is checked on what that fresh run printed, and the hindsight arms'
replay of the loop's own schedule is checked against the loop's log, payment by payment.
"""

from __future__ import annotations

import json
import time

import pytest
from chain import COURSE, OUT, built_or_skip
from loop_claims import CLAIMS

from mlops_course import catchup, notebooks, workspace
from mlops_course import project as course_project

CHAIN = "loop"
pytestmark = pytest.mark.xdist_group("course-loop")  # a group of its own: a chain of its own, in its own workspace


def run_chain(base):
    """Labs 00-06 caught up (without their demonstrations) and lab 07 run in full, at the chain's size."""
    lab = COURSE.lab(COURSE.chains[CHAIN].through)
    built_or_skip(lab)
    with workspace.using(base / "workspace", MLOPS_CATCHUP_SIZE=CHAIN):
        started = time.perf_counter()
        catchup.require(*lab.requires, size=CHAIN)
        done = catchup.run_lab(lab, size=CHAIN, output_dir=OUT / "loop-chain")
        print(f"the {CHAIN} chain ({COURSE.chains[CHAIN].rows:,} payments) ran in {time.perf_counter() - started:.0f} s"
              f" (lab 07: {done.seconds:.0f} s)")
        return {"figures": notebooks.printed_in(notebooks.read(done.output), "loop figures: "),
                "record": json.loads((workspace.folder("loop") / "weeks.json").read_text()),
                "workspace": workspace.root(), "size": lab.params(CHAIN)["DATA_SIZE"]}


def test_the_loop_chain_retrains_shadows_and_promotes_and_its_story_holds(tmp_path_factory):
    """One test, so the chain runs once and on one worker: its checks are its parts, each named when it fails."""
    run = run_chain(tmp_path_factory.mktemp("loop-chain"))
    figures, rows = run["figures"], run["record"]["weeks"]
    assert figures is not None, "lab 07 printed no loop figures"
    assert figures["data_size"] == run["size"] == str(COURSE.chains[CHAIN].rows) and len(figures["weeks"]) == 18

    # the loop retrains, shadows and promotes, and a promoted version serves the next week
    assert any("ct" in r for r in rows), "the loop never retrained"
    assert any(r["shadow"].get("counted", True) for r in rows if "shadow" in r), "nothing shadowed"
    promoted = [(i, r["promote"]["version"]) for i, r in enumerate(rows) if "promote" in r]
    assert promoted, "the loop never promoted a challenger"
    assert [c["version"] for c in run["record"]["changes"][1:]] == [v for _, v in promoted]
    for i, version in promoted:
        if i + 1 < len(rows):
            assert rows[i + 1]["served"]["version"] == version, rows[i + 1]["week"]

    # the loop's story, the same claims the committed default-size run is held to
    broken = {}
    for name, claim in CLAIMS.items():
        try:
            claim(figures)
        except AssertionError as err:
            broken[name] = str(err) or "failed"
    assert not broken, f"the loop's story broke on the fresh run: {broken}"

    # arms.py's hindsight arms rest on its replay: the loop's schedule, replayed, must be the loop, payment by payment
    # (the same CT recipe, the same calibrated threshold, the same weekly recalibration)
    with workspace.using(run["workspace"]), course_project.imported():
        import numpy as np
        from upi_fraud.loop import arms, valuation
        from upi_fraud.serving import inference_log
        from upi_kit import data

        record = run["record"]
        frozen, feature_set = valuation.frozen_record(workspace.folder("production") / "inference_log.db",
                                                      record["go_live"])
        schedule = arms.loop_schedule(record)
        replayed = arms.simulate(data.load(run["size"], seed=42), frozen, schedule, feature_set, 42)
        looped = inference_log.read(workspace.folder("loop") / "inference_log.db", arms.DECISIONS)
    replayed, looped = replayed.set_index("txn_id"), looped.set_index("txn_id")
    assert schedule and len(replayed) == len(looped) == len(frozen)
    looped = looped.loc[replayed.index]
    # the service answers (and the log keeps) scores to 6 decimals, and the weekly threshold is recalibrated on them
    assert np.abs(replayed["score"] - looped["score"]).max() <= 6e-7
    assert np.abs(replayed["threshold"] - looped["threshold"]).max() <= 1e-6
    assert (replayed["alert"] == looped["alert"].astype(bool)).all()  # every decision the same
