"""The arms the loop did not run, in hindsight: what the loop is worth against what it could have been (lab 07).

valuation.py compares two real records: the model frozen at go-live (lab 04) and the loop (its inference log).
Two more arms put the loop's number in context. Both retrain with continuous training's own recipe
(`ct.run.fit` on `ct.plan.plan`, threshold calibrated on the holdout) and decide with lab 04's weekly budget
(`serving.budget.for_week`); nothing is registered, served over HTTP or logged:

  no_quarantine  the loop's own schedule (each version trained as of the same Monday, live from the same
                 promotion), trained on the failing batches too: what lab 05's quarantine is worth
  oracle         retrained every Monday with every fraud labelled the moment it happened, live at once (no
                 label delay, no gate, no shadow): the most any loop with this model could catch

Each costs one training run per model (the oracle: one a week, minutes at the default size), so the decisions
are cached under the workspace's loop/arms/ (a new loop run keeps it), with a digest of everything they depend
on: the same inputs read the cache, any change (data, schedule, code) computes them again.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pandas as pd

from upi_fraud import features, modeling
from upi_fraud.ct import labels
from upi_fraud.ct import plan as ct_plan
from upi_fraud.ct import run as ct_run
from upi_fraud.dates import day_start, week_of
from upi_fraud.serving import budget, replay, threshold
from upi_fraud.validation import data_checks
from upi_kit import data, story

#: The code an arm's decisions depend on: a change to any of these files computes the arms again.
RECIPE: tuple[ModuleType, ...] = (ct_plan, ct_run, labels, data_checks, modeling, features, budget, threshold)
DECISIONS = ["txn_id", "event_timestamp", "score", "threshold", "alert"]


@dataclass(frozen=True)
class Retrain:
    """One model of an arm: trained as of `as_of`, deciding from `live_from` until the arm's next model."""

    live_from: pd.Timestamp
    as_of: pd.Timestamp


def oracle_schedule(mondays: Sequence[pd.Timestamp]) -> list[Retrain]:
    """Every Monday after the first: trained that Monday 00:00 IST, live at once."""
    return [Retrain(m, m) for m in list(mondays)[1:]]


def loop_schedule(record: dict) -> list[Retrain]:
    """The loop's own models (weeks.json): each live from its promotion, trained as of its CT run."""
    trained = {str(r["ct"]["version"]): pd.Timestamp(r["ct"]["as_of"]) for r in record["weeks"] if "ct" in r}
    return [Retrain(pd.Timestamp(c["at"]), trained[str(c["version"])]) for c in record["changes"][1:]]


def decide(upi: data.UPIData, X: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, model: object,
           first_threshold: float) -> pd.DataFrame:
    """One model's decisions on the payments in [start, end): its calibrated threshold the first week, then each
    Monday lab 04's recalibration on its own scores of the week before."""
    part = replay.payments_between(upi.transactions, start, end)
    scores = model.predict_proba(X.loc[part.index])[:, 1]  # type: ignore[attr-defined]
    cuts = budget.by_week(week_of(part["event_timestamp"]).to_numpy(), first_threshold, lambda rows, _: scores[rows])
    return pd.DataFrame({"txn_id": part["txn_id"].astype(str).to_numpy(), "event_timestamp": part["event_timestamp"],
                         "score": scores, "threshold": cuts, "alert": scores >= cuts}, index=part.index)


def simulate(upi: data.UPIData, frozen: pd.DataFrame, schedule: Sequence[Retrain], feature_set: str, seed: int, *,
             quarantine: bool = True, every_label: bool = False) -> pd.DataFrame:
    """An arm's decisions: the frozen model's until the first retrain, then each model's from its live day."""
    X = features.model_inputs(upi, feature_set)
    out = frozen[DECISIONS].set_index("txn_id")
    ends = [r.live_from for r in schedule[1:]] + [out["event_timestamp"].max() + pd.Timedelta(seconds=1)]
    for retrain, end in zip(schedule, ends[-len(schedule):] if schedule else [], strict=True):
        if retrain.live_from >= end:  # promoted at the year's end: it decides no payment, so it is not trained
            continue
        p = ct_plan.plan(upi.transactions, retrain.as_of, quarantine=quarantine, every_label=every_label)
        model = ct_run.fit(X, p, seed)
        cut = threshold.calibrate(model.predict_proba(X.loc[p.holdout.index])[:, 1], story.ALERT_TARGET_SHARE)
        decided = decide(upi, X, retrain.live_from, end, model, cut).set_index("txn_id")
        decided = decided[decided.index.isin(out.index)]
        out.loc[decided.index, ["score", "threshold"]] = decided[["score", "threshold"]]
        out.loc[decided.index, "alert"] = decided["alert"].astype(out["alert"].dtype)
    return out.reset_index().assign(alert=lambda f: f["alert"].astype(bool))[DECISIONS]


def digest(**inputs: object) -> str:
    """A digest of an arm's inputs and of the recipe's source code."""
    code = "".join(Path(inspect.getfile(m)).read_text() for m in RECIPE) + Path(__file__).read_text()
    text = json.dumps(inputs, sort_keys=True, default=str) + code
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def cached(folder: Path, name: str, key: str, compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """The arm's decisions from folder/<name>.parquet if they were computed from the same inputs, else computed."""
    path, stamp = folder / f"{name}.parquet", folder / f"{name}.json"
    if path.exists() and stamp.exists() and json.loads(stamp.read_text()).get("key") == key:
        return pd.read_parquet(path)
    frame = compute()
    folder.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(path)
    stamp.write_text(json.dumps({"key": key, "rows": len(frame)}) + "\n")
    return frame


def _arm(upi: data.UPIData, frozen: pd.DataFrame, name: str, schedule: list[Retrain], switches: dict[str, bool],
         run: tuple[str, int, str], folder: Path) -> pd.DataFrame:
    """One hindsight arm's decisions, from folder/<name>.parquet when its inputs have not changed. run: size, seed,
    feature set."""
    size, seed, feature_set = run
    key = digest(name=name, size=size, seed=seed, data_version=data.DATA_VERSION, feature_set=feature_set,
                 schedule=[(str(r.live_from), str(r.as_of)) for r in schedule], rows=len(frozen), **switches)
    return cached(folder, name, key, lambda: simulate(upi, frozen, schedule, feature_set, seed, **switches))


def oracle(upi: data.UPIData, frozen: pd.DataFrame, run: tuple[str, int, str], folder: Path) -> pd.DataFrame:
    """The oracle's decisions (it needs only the frozen record: lab 07 trains it beside the loop, on the other core)."""
    starts = [day_start(m) for m in sorted(week_of(frozen["event_timestamp"]).unique())]
    return _arm(upi, frozen, "oracle", oracle_schedule(starts), {"every_label": True}, run, folder)


def arms(upi: data.UPIData, frozen: pd.DataFrame, record: dict, run: tuple[str, int, str],
         folder: Path) -> dict[str, pd.DataFrame]:
    """The two hindsight arms' decisions over the frozen record's payments (run: size, seed, feature set), from the
    cache when it is current."""
    return {"no_quarantine": _arm(upi, frozen, "no_quarantine", loop_schedule(record), {"quarantine": False}, run,
                                  folder),
            "oracle": oracle(upi, frozen, run, folder)}
