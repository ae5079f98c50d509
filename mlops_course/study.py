"""The seed study: does the loop's worth repeat on other worlds, or is seed 42 lucky?

Lab 07 measures what closing the loop is worth on one generated year (seed 42). The study runs the whole course
again on other seeds (other customers, other scam billers, other label delays; the same story and code) at the
default size and records lab 07's figures for each: the four arms, the loop's gain with its day-bootstrap
interval, its share of the oracle's gain, the time to mitigate, and what the loop did (retrains, promotions).

It is recorded like a solution notebook: `python -m mlops_course study` runs it (about 20 minutes a seed on
2 cores) and writes solutions/studies/loop-seeds.json with a stamp of its inputs (every lab's stamp: code cells,
project files, the lock; the seeds, the size and this file). tests/unit/test_seed_study.py fails when the stamp is
stale, so the suite never re-runs the study and the committed figures are always those of the current code.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from pathlib import Path
from typing import Any

from . import workspace
from .catchup import CatchUpError, run_lab
from .manifest import course
from .record import stamp as lab_stamp

#: The worlds besides seed 42 (the labs' own), and the size they run at (lab 07's targets are set there).
SEEDS: tuple[int, ...] = (1, 2, 3)
SIZE = "default"
#: Where the study's record lives, relative to the course checkout.
RECORD = Path("solutions") / "studies" / "loop-seeds.json"
COMMAND = "python -m mlops_course study"


def record_path(root: Path | None = None) -> Path:
    return (root or workspace.course_root()) / RECORD


def stamp(seeds: tuple[int, ...] = SEEDS, size: str = SIZE, root: Path | None = None) -> str:
    """Hash of what the study's figures depend on: every built lab's stamp (its code cells, the project files
    it and the labs before it run, the lock), the seeds, the size and this module."""
    base = root or workspace.course_root()
    h = hashlib.sha256(json.dumps({"seeds": list(seeds), "size": size}).encode())
    for lab in course().built_labs:
        h.update(f"{lab.notebook}:{lab_stamp(lab.notebook, root=base)}\n".encode())
    h.update(Path(__file__).read_bytes())
    return h.hexdigest()[:16]


def figures(seed: int, worth: dict[str, Any], weeks: dict[str, Any], seconds: float) -> dict[str, Any]:
    """One seed's row: lab 07's worth.json figures and what the loop did, from its weeks.json."""
    rows = weeks["weeks"]
    actions = [row["action"] for row in rows]
    gain = worth["gain"]["loop"]
    missed = worth["frozen_missed_inr"]
    return {
        "seed": seed,
        "frozen_net_inr": worth["arms"]["frozen"]["net_inr"],
        "frozen_missed_inr": missed,
        "gain_inr": gain,
        "gain_share_of_missed": round(gain["gain_inr"] / missed, 4) if missed else None,
        "arms_gain_inr": {name: g["gain_inr"] for name, g in worth["gain"].items()},
        "share_of_oracle": worth["share_of_oracle"],
        "new_scam_first_day": worth["new_scam_first_day"],
        "days_to_mitigate": worth["days_to_mitigate"],
        "retrains": sum(row["action"] == "retrain" or row.get("then") == "retrain" for row in rows),
        "shadows_counted": sum(bool(row.get("shadow", {}).get("counted")) for row in rows),
        "promotions": len(weeks["changes"]) - 1,
        "pages": actions.count("page"),
        "seconds": round(seconds),
    }


def run_seed(seed: int, size: str = SIZE) -> dict[str, Any]:
    """The whole course on one seed, in a fresh scratch workspace: labs 00-06 as catch-up runs them, lab 07 in full.
    A lab that fails on this world is recorded as the seed's finding (its executed notebook kept under build/)."""
    labs = course().built_labs
    start = time.perf_counter()
    with workspace.scratch(f"mlops-study-seed{seed}-") as ws:
        executed = ws.parent / "executed"
        for lab in labs:
            try:
                res = run_lab(lab, size=size, output_dir=executed, extra_parameters={"SEED": seed},
                              catching_up=lab is not labs[-1])
            except CatchUpError as err:
                kept = workspace.course_root() / "build" / "study" / f"seed{seed}-{lab.notebook}"
                kept.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(executed / lab.notebook, kept)
                return {"seed": seed, "failed": f"{lab.id}: {err}", "seconds": round(time.perf_counter() - start)}
            print(f"  seed {seed}: {lab.id} ({res.seconds:.0f} s)", flush=True)
        kept = workspace.course_root() / "build" / "study" / f"seed{seed}-{labs[-1].notebook}"
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(executed / labs[-1].notebook, kept)  # papermill's cell timings, for lab 07's time budget
        worth = json.loads((ws / "loop" / "worth.json").read_text())
        weeks = json.loads((ws / "loop" / "weeks.json").read_text())
    return figures(seed, worth, weeks, time.perf_counter() - start)


def summary(row: dict[str, Any]) -> str:
    """One line for a seed's row."""
    if "failed" in row:
        return f"seed {row['seed']}: failed in {row['failed']}"
    gain = row["gain_inr"]
    return (f"seed {row['seed']}: gain ₹{gain['gain_inr']:,.0f} (95% interval ₹{gain['low_inr']:,.0f} to "
            f"₹{gain['high_inr']:,.0f}), {row['gain_share_of_missed']:.1%} of the frozen model's missed fraud, "
            f"{row['share_of_oracle']:.0%} of the oracle's gain; days to mitigate {row['days_to_mitigate']}; "
            f"{row['promotions']} promotions ({row['seconds']} s)")


def run(seeds: tuple[int, ...] = SEEDS, size: str = SIZE, root: Path | None = None) -> dict[str, Any]:
    """Run the study and write its record (with the stamp of its inputs, taken before it runs)."""
    stamped = stamp(seeds, size, root)
    rows = []
    for seed in seeds:
        rows.append(run_seed(seed, size))
        print(summary(rows[-1]), flush=True)
    if stamp(seeds, size, root) != stamped:
        raise RuntimeError("The course changed while the study ran; run it again.")
    record = {"stamp": stamped, "command": COMMAND, "size": size, "seeds": rows}
    path = record_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {path}")
    return record


def load(root: Path | None = None) -> dict[str, Any]:
    return json.loads(record_path(root).read_text(encoding="utf-8"))
