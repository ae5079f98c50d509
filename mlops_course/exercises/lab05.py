"""Checks for lab 05 (CI/CD for ML).

5.1 (the pandera batch contract) and 5.3 (the tests that prove it bites) are in _lab05_contract.py. 5.2, 5.4 and
5.8 are pieces of the project that CI runs: a data test (upi_fraud/validation/units.py), a behavioural test of
the model (validation/direction.py) and the label cut of continuous training (ct/labels.py). Each check runs the
learner's code on crafted cases where the usual mistakes give another answer (one broken app version in four, a
few huge payments, amounts /100, five rows, a constant model, hours in UTC, a fraud reported after the cut, a
payment exactly at it) and names the mistake. 5.7 reads the pull-request workflow the learner wrote, validates it
offline against GitHub's workflow schema (check-jsonschema's bundled copy) and looks for what a pull request needs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from upi_kit import story

from ..checks import Wrong, call_learner, exercise
from . import _lab05_cases as cases
from ._lab05_behaviour import behaviour_tests as behaviour_tests  # 5.5: ex.behaviour_tests.check(...)
from ._lab05_contract import batch_contract as batch_contract  # 5.1: ex.batch_contract.check(...)
from ._lab05_contract import contract_tests as contract_tests  # 5.3: ex.contract_tests.check(...)
from ._lab05_service import service_contract_tests as service_contract_tests  # 5.6: ex.service_contract_tests
from ._lab05_workflow import pull_request_job
from ._learner import learner_function as _learner_function  # labs 06 and 07 import it from here
from ._learner import module_file as module_file


def _unchanged(before: pd.DataFrame, after: pd.DataFrame) -> bool:
    return (after.equals(before) and after.index.equals(before.index) and list(after.columns) == list(before.columns)
            and after.dtypes.equals(before.dtypes))


# ---------------------------------------------------------------- 5.2


def _flags(out: Any) -> dict[str, float]:
    if isinstance(out, pd.Series):
        out = out.to_dict()
    if not isinstance(out, Mapping):
        raise Wrong(f"unit_change returned {type(out).__name__}: return a dict {{app_version: ratio}} (empty when "
                    "no version is flagged).")
    try:
        return {str(k): float(v) for k, v in out.items()}
    except (TypeError, ValueError):
        raise Wrong("the ratios should be numbers: {app_version: its median over the reference's median}.") from None


def _by_version(batch: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    usual = float(reference["amount_inr"].median())
    stats = batch.groupby(batch["app_version"].astype(str), observed=True)["amount_inr"].agg(["median", "mean", "size"])
    return stats.assign(ratio=stats["median"] / usual, mean_ratio=stats["mean"] / usual,
                        mean_mean=stats["mean"] / float(reference["amount_inr"].mean()))


def _extra_flag(version: str, stats: pd.DataFrame, factor: float, min_rows: int) -> str:
    if version not in stats.index:
        return f"it flagged {version}, which has no payment in the batch: judge only the versions present"
    row = stats.loc[version]
    if row["size"] < min_rows:
        return (f"it flagged {version}, which has only {row['size']:.0f} payments: with fewer than min_rows "
                f"({min_rows}) a median says little; judge only versions with at least min_rows payments")
    if not 1 / factor < row["mean_ratio"] < factor:
        return (f"it flagged {version}, whose median is {row['ratio']:.2f}x the usual: a few legitimately huge "
                f"payments pull its mean to {row['mean_ratio']:.0f}x; use the median, which a handful cannot move")
    return (f"it flagged {version}, whose median is {row['ratio']:.3g}x the usual: within the factor (1/{factor:g}x "
            f"to {factor:g}x) that is ordinary drift, like festive spending, not a unit change")


def _missed_flag(version: str, stats: pd.DataFrame, factor: float, min_rows: int) -> str:
    row = stats.loc[version]
    if row["size"] == min_rows:
        return (f"it missed {version}, which has exactly min_rows ({min_rows}) payments: at least min_rows counts "
                "(size >= min_rows)")
    if row["ratio"] in (factor, 1 / factor):
        return (f"it missed {version}, whose median is exactly {row['ratio']:g}x the usual: the contract flags "
                "ratio >= factor or ratio <= 1/factor, the bounds included")
    if row["ratio"] < 1:
        return (f"it missed {version}, whose amounts are {1 / row['ratio']:.0f} times too small: a unit change "
                "goes both ways; flag ratio <= 1/factor too")
    return (f"it missed {version}, whose median is {row['ratio']:.0f}x the usual: the whole batch's median stays "
            "normal when one version in four is broken; take each app version's median in the batch and divide it "
            "by the median of the whole reference (a new version has no reference of its own)")


def _ratio_mistake(version: str, got: float, want: float, row: pd.Series) -> str | None:
    if math.isclose(got, want, rel_tol=1e-6):
        return None
    if math.isclose(got * want, 1.0, rel_tol=1e-6):
        return f"the ratio for {version} is upside down ({got:.4g}): the version's median over the reference's"
    if any(math.isclose(got, row[k], rel_tol=1e-6) for k in ("mean_ratio", "mean_mean")):
        return (f"the ratio for {version} is {got:.4g}, from a mean: a few huge payments move a mean; use medians, "
                f"which gives {want:.4g}")
    return (f"the ratio for {version} is {got:.4g}, but its median over the median of the whole reference is "
            f"{want:.4g}")


def _judge_flags(got: dict, batch: pd.DataFrame, reference: pd.DataFrame, kwargs: dict) -> str | None:
    factor, min_rows = kwargs.get("factor", 10.0), kwargs.get("min_rows", 20)
    stats = _by_version(batch, reference)
    judged = stats[stats["size"] >= min_rows]
    want = judged.loc[(judged["ratio"] >= factor) | (judged["ratio"] <= 1 / factor), "ratio"].to_dict()
    for version in sorted(set(want) - set(got)):
        return _missed_flag(version, stats, factor, min_rows)
    for version in sorted(set(got) - set(want)):
        return _extra_flag(version, stats, factor, min_rows)
    return next((m for v in sorted(want) if (m := _ratio_mistake(v, got[v], want[v], stats.loc[v]))), None)


@exercise(
    "5.2",
    "the unit-change data test",
    hint=(
        "A unit change (paise sent as rupees, or the reverse) comes from one app version, so compare each "
        "version's typical amount with the usual one: the median of the whole reference frame. A ratio near 100 "
        "(or 1/100) is a unit, a ratio of 1.4 is people spending more. Judge only versions with enough rows.",
        "`batch.groupby(...)[\"amount_inr\"].agg([\"median\", \"size\"])` gives both numbers per version; "
        "app_version is a category, so pass observed=True (or group by its str) to skip unused versions.",
        "The traps: the whole batch's median stays normal when a quarter of it is x100; a mean moves with three "
        "huge payments; amounts /100 are a unit change too (<= 1/factor); and the bounds are included (>=, <=).",
    ),
)
def unit_change(unit_change: Any) -> str:
    func = _learner_function(unit_change, "unit_change")
    for what, batch, reference, kwargs in (crafted := cases.unit_change_cases()):
        kept = batch.copy(deep=True), reference.copy(deep=True)
        got = _flags(call_learner(func, "unit_change", batch, reference, **kwargs))
        if not (_unchanged(kept[0], batch) and _unchanged(kept[1], reference)):
            raise Wrong(f"it changed the frame it was given: a data test only reads; work on a copy. (On {what}.)")
        mistake = _judge_flags(got, batch, reference, kwargs)
        if mistake:
            shown = {v: float(f"{r:.3g}") for v, r in sorted(got.items())}
            raise Wrong(f"{mistake}. (On {what}: it returns {shown}.)")
    return (f"Right on {len(crafted)} crafted batches: x100 on a quarter of the rows, /100, huge payments, five "
            "rows, the exact bounds, festive drift and your factor and min_rows.")


# ---------------------------------------------------------------- 5.4

NIGHT = story.NIGHT_HOURS_IST


def _riskier(x: pd.DataFrame) -> pd.DataFrame:
    twin = x.copy()
    for column, value in {"new_device": 1, "hour_ist": 2, "new_payee": 1.0}.items():
        if column in twin:
            twin[column] = value
    for column in ("amount_inr", "amount_vs_7d_avg"):
        if column in twin:
            twin[column] = twin[column] * 5.0
    return twin


def _share(out: Any) -> float:
    if isinstance(out, bool | np.bool_) or not isinstance(out, int | float | np.integer | np.floating):
        raise Wrong(f"direction_share returned {type(out).__name__}: return one number, the share of rows whose "
                    "twin scores higher.")
    if not 0.0 <= float(out) <= 1.0:
        raise Wrong(f"direction_share returned {out}: a share lies between 0 and 1 (a count divided by the rows).")
    return float(out)


def _twin_mistake(x: pd.DataFrame, model: cases.Model) -> str | None:
    seen = [f for f in model.calls if len(f) == len(x) and not f.equals(x)]
    if not seen:
        return "predict never saw a riskier twin: score X, then a copy of X with the riskier values, and compare"
    twin = seen[-1].reindex(x.index) if set(seen[-1].index) == set(x.index) else seen[-1].set_axis(x.index)
    if twin.isna().to_numpy().sum() > x.isna().to_numpy().sum():
        return ("the twin has NaN where X has values: a column built without X's index aligns by label; compute "
                "on the column itself (X[column] * 5)")
    want = _riskier(x)
    if "new_device" in x and not (twin["new_device"] == 1).all():
        return "the twin's new_device should be 1 on every row (a device the customer never used)"
    if "hour_ist" in x and not twin["hour_ist"].isin(NIGHT).all():
        hour = int(twin.loc[~twin["hour_ist"].isin(NIGHT), "hour_ist"].iloc[0])
        utc = " (20 and 21 are the UTC hours of 02:00 IST)" if 18 <= hour <= 23 else ""
        return f"the twin's hour_ist is {hour}: not a night hour in IST (0 to 4){utc}; use 2"
    for column, what in (("new_payee", "1.0 on every row"), ("amount_inr", "5 times X's"),
                         ("amount_vs_7d_avg", "5 times X's")):
        if column in x and not np.allclose(twin[column].to_numpy(float), want[column].to_numpy(float)):
            return f"the twin's {column} should be {what}"
    return None


def _share_mistake(got: float, x: pd.DataFrame, model: cases.Model, func: Any) -> str:
    before, after = (np.asarray(model.score(f), dtype=float) for f in (x, _riskier(x)))
    same = _share(call_learner(func, "direction_share", cases.Model(lambda f: np.full(len(f), 0.5)), x.copy()))
    if same == 1.0:  # a model that ignores every input: its twin scores the same
        return ("it counts rows whose twin scores the same: a model that ignores an input is not riskier for it; "
                "count only strictly higher scores (>)")
    if got in (0.0, 1.0):
        return ("compare each row's score with its own twin's, not the mean scores: a row already at night or on "
                "a new device cannot become riskier")
    return f"the share is {got:g}, but {np.mean(after > before):g} of the rows have a twin that scores higher"


def _direction_advice(err: Exception) -> str:
    if "identically-labeled" in str(err):
        return " (two score Series with different indexes: compare numpy arrays, np.asarray(...))"
    v2_only = isinstance(err, KeyError) and str(err).strip("'\"") in ("new_payee", "amount_vs_7d_avg")
    return " (feature set v1 has no such column: change a column only if X has it)" if v2_only else ""


@exercise(
    "5.4",
    "the directional behavioural test",
    hint=(
        "A directional test asks the model a question you know the answer to: make each payment riskier (a new "
        "device, the middle of the night in IST, five times the amount, a new payee) and its score must go up. "
        "Score X and its riskier twin, and count the rows where the twin scores higher.",
        "Build the twin with `X.copy()` and assign whole columns (set a column only `if column in twin`, v1 has "
        "no new_payee); call predict on both frames, turn the scores into numpy arrays, compare them row by row.",
        "The traps: hour_ist is an IST hour (2, not a UTC hour); 'higher' is strict, so a model that ignores an "
        "input scores the twin the same and does not count; and X must come back unchanged.",
    ),
)
def direction(direction_share: Any) -> str:
    func = _learner_function(direction_share, "direction_share")
    for what, x, model in (crafted := cases.direction_cases()):
        kept = x.copy(deep=True)
        got = _share(call_learner(func, "direction_share", model, x, advice=_direction_advice))
        if not _unchanged(kept, x):
            raise Wrong(f"it changed X: `twin = X` is a second name for the same frame; use X.copy(). (On {what}.)")
        for frame in model.calls:
            if list(frame.columns) != list(x.columns):
                raise Wrong(f"predict was called with the columns {list(frame.columns)}: give it X's columns in "
                            f"X's order, as the model was trained. (On {what}.)")
        before, after = (np.asarray(model.score(f), dtype=float) for f in (x, _riskier(x)))
        if not math.isclose(got, float(np.mean(after > before)), abs_tol=1e-9):
            raise Wrong(f"{_twin_mistake(x, model) or _share_mistake(got, x, model, func)}. (On {what}: it returns "
                        f"{got:g}.)")
    return (f"Right on {len(crafted)} crafted models: constant, amount, night hour in IST, new device, new payee, "
            "shuffled rows; X unchanged.")


# ---------------------------------------------------------------- 5.8


def _labels(out: Any) -> pd.Series:
    if isinstance(out, pd.DataFrame):
        raise Wrong("known_as_of returned a DataFrame: return one Series of 0/1, named 'label'.")
    if not isinstance(out, pd.Series):
        raise Wrong(f"known_as_of returned {type(out).__name__}: return a pandas Series of 0/1 named 'label', "
                    "indexed like the payments made before as_of.")
    if not (pd.api.types.is_integer_dtype(out) or pd.api.types.is_bool_dtype(out)):
        raise Wrong(f"the labels are {out.dtype}: return ints 0/1 (.astype(int)); a classifier wants whole labels.")
    if out.name != "label":
        raise Wrong(f"the Series is named {out.name!r}: name it 'label' (.rename('label')), the training code "
                    "joins it by that name.")
    if out.isna().any():
        raise Wrong("some labels are missing (NA): every payment made before as_of gets 0 or 1.")
    if not out.index.is_unique or not set(out.astype(int).unique()) <= {0, 1}:
        raise Wrong("the labels should be 0 or 1, one per payment (the index must stay unique).")
    return out.astype(int)


def _row_mistake(tx: pd.DataFrame, got: pd.Series, want: pd.Series, as_of: pd.Timestamp) -> str | None:
    if not got.index.isin(tx.index).all():
        return ("the labels are not on the payments' own index: keep tx's index (no reset_index), so that each "
                "label joins back to its payment")
    made = tx["event_timestamp"]
    extra, missing = made[got.index.difference(want.index)], tx.loc[want.index.difference(got.index)]
    late = extra[(extra > as_of) & (extra.dt.tz_localize(None) < as_of.tz_localize(None))]
    if len(late):
        return (f"it kept a payment made at {late.iloc[0]:%H:%M} UTC, after as_of ({as_of:%H:%M} "
                f"{as_of.tzname()}): compare aware timestamps; without their zones UTC and IST clock faces compare")
    if (extra == as_of).any():
        return "it kept a payment made exactly at as_of: a payment at as_of is not before it (strictly <)"
    if len(extra):
        return "it kept payments made after as_of: the training rows are those made strictly before it"
    if (missing["label_available_at"].isna() & (missing["is_fraud"] == 0)).any():
        return ("it dropped legitimate payments: their label_available_at is NaT (no fraud report will come); "
                "every payment made before as_of is a training row, with label 0 until a report says otherwise")
    return "it dropped payments made before as_of: each is a training row" if len(missing) else None


_LABEL_MISTAKES = {  # why a row's label is wrong -> what to say, most telling first
    "missed": "it missed a fraud reported before as_of: that label is known, so it is 1",
    "legit": "it labelled a legitimate payment 1",
    "later": ("it labelled 1 a fraud reported after as_of: that label arrives after as_of: training on it is "
              "leakage from the future; a fraud is known only if its label_available_at < as_of"),
    "never": ("it labelled 1 a fraud that was never reported (label_available_at is NaT): the bank does not know "
              "it, so at as_of it is 0"),
    "exact": "it labelled 1 a fraud reported exactly at as_of: known means reported strictly before as_of",
}


def _label_mistake(tx: pd.DataFrame, got: pd.Series, want: pd.Series, as_of: pd.Timestamp) -> str | None:
    wrong = tx.loc[want.index[got.reindex(want.index).to_numpy() != want.to_numpy()]]
    reported = wrong["label_available_at"]
    why = {"missed": want[wrong.index] == 1, "legit": wrong["is_fraud"] == 0, "later": reported > as_of,
           "never": reported.isna(), "exact": reported == as_of}
    return next((_LABEL_MISTAKES[k] for k, rows in why.items() if rows.any()), None)


@exercise(
    "5.8",
    "the as-of label cut",
    hint=(
        "Continuous training on day as_of may use the payments made before as_of, labelled with what the bank "
        "knew then: a fraud counts only once it was reported (label_available_at), and a payment whose report "
        "has not come yet looks legitimate. Frauds reported later must not leak in.",
        "Two masks on aware timestamps: one picks the rows (event_timestamp against as_of), the other the known "
        "frauds among them (is_fraud and label_available_at). NaT compares False, so the never-reported drop out.",
        "The traps: strictly before at both cuts (a payment or report exactly at as_of is not known yet); keep "
        "the legitimate rows whose label_available_at is NaT; return ints named 'label' on the original index.",
    ),
)
def label_cut(known_as_of: Any) -> str:
    func = _learner_function(known_as_of, "known_as_of")
    for what, tx, as_of, want in (crafted := cases.label_cases()):
        kept = tx.copy(deep=True)
        out = call_learner(func, "known_as_of", tx, as_of, advice=lambda err: (
            " (as_of has a zone and so do the timestamps: compare them as they are)" if "tz" in str(err) else ""))
        if not _unchanged(kept, tx):
            raise Wrong(f"it changed tx: the cut only reads the payments; work on a copy. (On {what}.)")
        got = _labels(out)
        mistake = _row_mistake(tx, got, want, as_of) or _label_mistake(tx, got, want, as_of)
        if mistake:
            raise Wrong(f"{mistake}. (On {what}.)")
    return (f"Right on {len(crafted)} crafted cuts: a payment and a report exactly at as_of, reports after it, "
            "never-reported frauds, legitimate rows kept, as_of in IST against UTC times.")


# ---------------------------------------------------------------- 5.7


@exercise(
    "5.7",
    "the pull-request job",
    hint=(
        "A workflow is YAML that GitHub reads from .github/workflows/: which events start it, and the jobs to "
        "run, each on a fresh virtual machine (`runs-on`) that holds nothing until a step puts it there. The "
        "pull-request job gets the code, sets up the course's Python, installs the project's pinned requirements "
        "into it and runs the one command the project uses for every check.",
        "Steps run in order; a step either `uses` an action (actions/checkout, then actions/setup-python "
        "with a `with` block) or has a `run` command. The event that starts a workflow for a pull request is "
        "named pull_request.",
        "The traps: YAML reads 3.10 unquoted as the number 3.1, so quote versions (\"3.11\"); the command is "
        "`make ci`, not `make test`; `pip install -r requirements.txt` (with -r) comes after setup-python and "
        "before make ci; and a job whose `if` tests for a push is skipped on pull requests.",
    ),
)
def workflow(path: Any) -> str:
    job = pull_request_job(Path(path))
    return (f"GitHub's schema accepts it, and on every pull request job '{job}' checks out the code, sets up "
            "Python 3.11 and runs make ci.")
