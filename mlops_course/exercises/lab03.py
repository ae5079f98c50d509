"""Checks for lab 03 (the feature store).

3.1 is a window the learner writes from scratch; 3.2 and 3.3 are the payee's feature view and the on-demand
function, the learner's `project/feature_repo/payee_view.py` and `on_demand.py` (definitions.py, given, wires them). Each check runs the learner's code on crafted
cases where the usual mistakes give a different answer (the payment counts itself, the event exactly one
window back, same-instant twins, a calendar day, rows out of order, missing history), names the mistake,
then compares with the hidden point-in-time truth on the lab's data (see `_lab03_truth`).
"""

from __future__ import annotations

import importlib
import inspect
import sys
from datetime import timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd

from ..checks import Wrong, call_learner, exercise
from ..errors import CourseError
from . import _lab03_truth as truth_

FEATURES = truth_.FEATURES


# ---------------------------------------------------------------- 3.1


def _refuse_the_pipeline(func: Any) -> None:
    """The exercise is the window itself: a function that calls feature_pipeline's helpers is not it."""
    try:
        source = inspect.getsource(func)
    except (OSError, TypeError):
        source = ""
    code = getattr(func, "__code__", None)
    names: set[str] = set()
    stack = [code] if code is not None else []
    while stack:
        c = stack.pop()
        names.update(c.co_names)
        stack.extend(k for k in c.co_consts if inspect.iscode(k))
    used = [getattr(func, "__globals__", {}).get(n) for n in names]
    from_pipeline = any((getattr(o, "__name__" if inspect.ismodule(o) else "__module__", "") or "")
                        .rpartition(".")[2] == "feature_pipeline"
                        for o in used if o is not None)
    if "feature_pipeline" in source or from_pipeline:
        raise Wrong("it calls feature_pipeline, which already computes this window for every customer at once: "
                    "this exercise is to write the window yourself, with pandas or numpy, so that you know what "
                    "the pipeline does at its edges. The check compares yours with the point-in-time truth.")


def _counts(got: Any, tx: pd.DataFrame) -> np.ndarray:
    """The learner's answer as one float per row of tx (a Series is aligned on tx's index)."""
    if isinstance(got, pd.DataFrame) and got.shape[1] == 1:
        got = got.iloc[:, 0]
    if isinstance(got, pd.Series) and len(got) == len(tx) and got.index.is_unique and set(got.index) == set(tx.index):
        got = got.reindex(tx.index)
    try:
        values = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        raise Wrong(f"customer_txn_24h returned {type(got).__name__}, not numbers: return one count per "
                    "payment (a Series on tx's index).") from None
    if values.shape != (len(tx),):
        raise Wrong(f"it returned {values.size} values for {len(tx)} payments: one count per payment.")
    if np.isnan(values).any():
        raise Wrong("some counts are NaN: a payment with no earlier payment in the window counts 0.")
    return values


def _shown(values: Any) -> list:
    return [int(v) if float(v).is_integer() else float(v) for v in values]


def _try_cases(func: Any) -> None:
    for what, case, want, named in truth_.window_cases():
        got = _counts(call_learner(func, "customer_txn_24h", case), case)
        if not np.array_equal(got, want):
            seen = f"where {what}, it gives {_shown(got)}; the answer is {_shown(want)}"
            mistake = named.get(tuple(got))
            raise Wrong(f"{mistake} (On crafted payments {seen}.)" if mistake else
                        f"on crafted payments {seen}: count the same customer's payments in (t - 24h, t).")
    for case, want, what in truth_.dtype_cases():
        try:
            got = _counts(func(case), case)
        except (NotImplementedError, CourseError, Wrong):
            raise
        except Exception as err:
            raise Wrong(f"with {what} it raised {type(err).__name__}: {err}. Compare times, not dates or "
                        "hours, and ids as they come (or .astype(str)).") from None
        if not np.array_equal(got, want):
            raise Wrong(f"with {what} it gives {_shown(got)} instead of {_shown(want)}: a rolling window does "
                        "not depend on the type of the ids or on the time zone the times are shown in.")


@exercise(
    "3.1",
    "a windowed count, written from scratch",
    hint=(
        "For a payment at time t, count the same customer's payments at times s with t - 24h < s < t. Both "
        "ends are open: the payment itself, a twin at the same instant and a payment exactly 24 h earlier "
        "stay out. Work customer by customer, and give each count back to its own row: the rows of `tx` may "
        "come in any order.",
        "Group by customer (`tx.groupby(...)`); in each group, sort the times and use `np.searchsorted` twice:"
        " at t with side='left' (how many are strictly earlier) and at t - 24h with side='right' (how many "
        "are at or before the far edge). A loop with a boolean mask per payment works too. Return "
        "`pd.Series(..., index=tx.index)`. The trap: dates or hours make a calendar day, not a rolling window.",
    ),
)
def window_count(func: Any, tx: pd.DataFrame) -> str:
    _refuse_the_pipeline(func)
    _try_cases(func)
    sample = truth_.customers_sample(tx)
    got = _counts(call_learner(func, "customer_txn_24h", sample), sample)
    want = truth_.count_24h(sample)
    bad = np.flatnonzero(got != want)
    if bad.size:
        i = bad[0]
        raise Wrong(f"right on the crafted payments, but {bad.size:,} of {len(sample):,} counts differ on the lab's "
                    f"payments (payment {sample['txn_id'].iloc[i]}: yours {got[i]:g}, the point-in-time truth "
                    f"{want[i]:g}).")
    return (f"Right on every crafted trap and on {len(sample):,} of the lab's payments: no payment sees the future, "
            "itself or its twin. This is what 'point-in-time correct' means.")


# ---------------------------------------------------------------- 3.2 and 3.3: payee_view.py and on_demand.py


def _load(module: str | ModuleType) -> ModuleType:
    """Import (or re-import, to pick up a rewritten file) one of the learner's feature-repo modules."""
    name = module if isinstance(module, str) else module.__name__
    try:
        loaded = sys.modules.get(name)
        return importlib.reload(loaded) if loaded is not None else importlib.import_module(name)
    except (NotImplementedError, CourseError):
        raise  # an exercise of the file is still the lab's stub: "not done yet"
    except Exception as err:
        raise Wrong(f"importing {name}.py failed with {type(err).__name__}: {err}. Fix the %%writefile cell "
                    "above and run it again.") from None


def _duration(ttl: timedelta | None) -> str:
    if not ttl:
        return "none (rows never expire)"
    if ttl.seconds == 0 and not ttl.microseconds:
        return f"{ttl.days} day{'s' if ttl.days != 1 else ''}"
    return f"{ttl.total_seconds() / 3600:g} hours"


PAYEE_SCHEMA = {"payee_recent_ts": "Array(Float64)", "payee_recent_payer": "Array(String)"}


def _payee_source(view: Any, module: ModuleType) -> None:
    source = view.batch_source
    path = str(getattr(source, "path", ""))
    want = Path(module.__file__).resolve().parent / "data" / "payee_recent.parquet"
    if not Path(path).is_absolute():
        raise Wrong(f"its source path {path!r} is relative: DuckDB would look for it from the notebook's current "
                    "folder, not the repo's; use source('payee_recent'), which gives the absolute path.")
    if Path(path).resolve() != want:
        raise Wrong(f"it reads {Path(path).name}; the payee's state table is payee_recent.parquet "
                    "(source('payee_recent')).")
    if getattr(source, "timestamp_field", None) != "event_timestamp":
        raise Wrong("its source's timestamp_field should be 'event_timestamp', the time each state row holds from.")


@exercise(
    "3.2",
    "the payee's feature view",
    hint=(
        "A feature view says which entity keys the rows, where they are read from, how long a row stays valid "
        "(its TTL) and which columns it holds. Model it on customer_recent just above it: the payee's row holds "
        "who paid it in the last 24 hours, so think about how long such a row can say anything.",
        "`FeatureView(name=..., entities=[...], ttl=timedelta(...), source=..., schema=[Field(name=..., "
        "dtype=...), ...])` with the `payee` entity and `source('payee_recent')`. The payers are customer ids "
        "(strings): `Array(String)`; the times are seconds: `Array(Float64)`. The trap: copying the customer "
        "view's 7-day TTL.",
    ),
)
def feature_view(module: str | ModuleType = "payee_view") -> str:
    from feast import FeatureView

    defs = _load(module)
    make = getattr(defs, "payee_recent_view", None)
    if not callable(make):
        raise Wrong("payee_view.py has no function payee_recent_view(): keep the name the exercise gives.")
    view = call_learner(make, "payee_recent_view")
    if not isinstance(view, FeatureView):
        raise Wrong(f"payee_recent_view() should return a feast.FeatureView, not {type(view).__name__}.")
    if view.name != "payee_recent":
        raise Wrong(f"it is called {view.name!r}; the service and the state table use 'payee_recent'.")
    if sorted(view.entities) != ["payee"]:
        raise Wrong(f"its entities are {sorted(view.entities)}: a payee's history is looked up by payee_id, so "
                    "its one entity is `payee`.")
    if view.ttl != timedelta(days=1):
        longer = not view.ttl or view.ttl > timedelta(days=1)
        raise Wrong(f"its ttl is {_duration(view.ttl)}: " + (
            "a row holds the payee's payments of the 24 hours up to its latest one, so a row older than a day "
            "has nothing left to say; one day is the ttl that fits." if longer else
            "a payee last paid a few hours ago would lose its row although those payments are still inside "
            "the 24-hour window; the ttl must be a day."))
    got = {f.name: str(f.dtype) for f in view.features}  # the schema without the entity key
    if got != PAYEE_SCHEMA:
        missing = sorted(set(PAYEE_SCHEMA) - set(got))
        raise Wrong(f"its schema is {got}, but the state table holds {PAYEE_SCHEMA}" +
                    (f" ({missing[0]} is missing: the on-demand view reads it)." if missing else
                     ": the times are seconds (floats), the payers customer ids (strings)."))
    _payee_source(view, defs)
    if not view.online:
        raise Wrong("it is not online (online=False): serving could not read the payee's history.")
    return "Keyed by payee, valid for a day, reading the payee's state table. Your view is the one applied below."


def _udf(function: Any) -> Any:
    """The function as Feast runs it: rebuilt from its source text, as the registry keeps it (only pd and np around)."""
    from feast.transformation.udf_rehydrate import rehydrate_udf_from_source

    try:
        text = inspect.getsource(function)
    except (OSError, TypeError):
        return function
    return rehydrate_udf_from_source(text, preferred_name=function.__name__) or function


def _run(udf: Any, inputs: dict[str, list], what: str) -> dict[str, np.ndarray]:
    """Call the on-demand function; check it returns one value per request for every feature."""
    try:
        out = udf(inputs)
    except (NotImplementedError, CourseError):
        raise
    except NameError as err:
        raise Wrong(f"it uses a name defined outside the function ({err}): Feast rebuilds the function from "
                    "its source text, where only the function itself (with pandas as pd and numpy as np) "
                    "exists; define constants and helpers inside it.") from None
    except Exception as err:
        raise Wrong(f"on {what} it raised {type(err).__name__}: {err}.") from None
    if not isinstance(out, dict):
        raise Wrong(f"it returns {type(out).__name__}; return a dict {{feature name: [one value per request]}}.")
    n = len(inputs["txn_ts"])
    values = {}
    for name in FEATURES:
        if name not in out:
            raise Wrong(f"its result has no {name!r}: return every feature of the schema, one list each.")
        try:
            values[name] = np.array([np.nan if v is None else v for v in out[name]], dtype=float)
        except (TypeError, ValueError):
            raise Wrong(f"{name} should be a list of numbers (floats, NaN when unknown).") from None
        if values[name].shape != (n,):
            raise Wrong(f"{name} has {values[name].size} values for {n} requests: one value per request.")
    return values


def _try_requests(udf: Any) -> None:
    for _, what, row in truth_.CRAFTED_REQUESTS:
        _run(udf, truth_.as_inputs([row]), f"a request with {what}")  # a crash on one request names it
    got = _run(udf, truth_.as_inputs([row for _, _, row in truth_.CRAFTED_REQUESTS]), "the crafted requests")
    for i, (kind, what, row) in enumerate(truth_.CRAFTED_REQUESTS):
        want = truth_.reference_behaviour(row)
        for name in FEATURES:
            if not np.isclose(got[name][i], want[name], rtol=1e-9, equal_nan=True):
                raise Wrong(f"{truth_.mistake(kind, row, name, want[name], got[name][i])} (On a request with {what}, {name} is "
                            f"{got[name][i]:g}; the answer is {want[name]:g}.)")


@exercise(
    "3.3",
    "the on-demand view",
    hint=(
        "For each request (one item per list in `inputs`), keep the stored events that happened strictly "
        "before the request's time and inside the window, 0 < txn_ts - s < w, then count, sum, count "
        "distinct payers and compare with the request's amount. A missing history is None (online) or NaN "
        "(offline): treat it as no events.",
        "Loop with `zip(inputs['txn_ts'], inputs['amount_inr'], inputs['cust_recent_ts'], ...)`; build "
        "`out = {name: [] for name in [...]}` and append one float per request to every list. Unknown values "
        "are float('nan'); a NaN is the one value with `x != x`. The trap: Feast rebuilds this function from "
        "its source text, so constants defined outside it (OUTPUTS, WINDOWS) do not exist there.",
    ),
)
def on_demand_view(module: str | ModuleType = "on_demand", tx: pd.DataFrame | None = None,
                   sources: dict[str, pd.DataFrame] | None = None, truth: pd.DataFrame | None = None) -> str:
    defs = _load(module)
    function = getattr(defs, "behaviour", None)
    if not callable(function):
        raise Wrong(f"on_demand.py should define the function `behaviour(inputs)`, not "
                    f"{type(function).__name__}: definitions.py turns it into the on-demand view.")
    udf = _udf(function)
    _try_requests(udf)
    if tx is None or sources is None or truth is None:
        return "Right on every crafted request."
    sample, inputs = truth_.asof_inputs(tx, sources)
    got = _run(udf, inputs, "the lab's payments")
    for name in FEATURES:
        want = truth.loc[sample.index, name].to_numpy(float)
        bad = ~np.isclose(got[name], want, rtol=1e-9, equal_nan=True)
        if bad.any():
            raise Wrong(f"right on the crafted requests, but {name} differs from the point-in-time truth on "
                        f"{int(bad.sum()):,} of {len(sample):,} of the lab's payments.")
    return (f"Right on every crafted request and on {len(sample):,} of the lab's payments: serving will compute "
            "exactly what training sees.")


# ---------------------------------------------------------------- 3.4 and 3.5


@exercise(
    "3.4",
    "build a point-in-time training set",
    hint=(
        "Point-in-time correct means each payment gets its features as they were known just before it: "
        "ask the offline store for the whole feature service, with the payments and their timestamps as "
        "the entity frame.",
        "`store.get_historical_features(entity_df=..., features=...)` with the service from "
        "`store.get_feature_service(...)`; `.to_df()` gives a DataFrame. The trap: it returns rows in "
        "its own order; merge it back onto `entities[['txn_id']]` to restore yours.",
    ),
)
def training_set(training: Any, entities: pd.DataFrame, truth: pd.DataFrame, feature_names: list[str]) -> str:
    if not isinstance(training, pd.DataFrame):
        raise Wrong("`training` should be a DataFrame: call .to_df() on what get_historical_features returns.")
    if "txn_id" not in training.columns and "txn_id" in training.index.names:
        training = training.reset_index()
    if len(training) != len(entities):
        raise Wrong(f"it has {len(training):,} rows for {len(entities):,} payments: no payment may be dropped or repeated.")
    missing = [f for f in feature_names if f not in training.columns]
    if missing:
        raise Wrong(f"the features {missing} are missing: ask for the whole feature service 'fraud_detection_v2'.")
    if "txn_id" not in training.columns or not (training["txn_id"].to_numpy() == entities["txn_id"].to_numpy()).all():
        raise Wrong("the rows are not in the order of `entities`: Feast reorders them, so merge back on txn_id.")
    for name in feature_names:
        a, b = training[name].to_numpy(float), truth[name].to_numpy(float)
        bad = ~np.isclose(a, b, rtol=1e-9, equal_nan=True)
        if bad.any():
            raise Wrong(f"{name} differs from the point-in-time truth on {int(bad.sum()):,} rows: pass the whole "
                        "entity frame, with each payment's own event_timestamp.")
    return f"{len(training):,} rows, every feature exactly as it was known just before each payment."


@exercise(
    "3.5",
    "fetch features online",
    hint=(
        "Serving asks for one entity row at a time, at request time: the same feature service as "
        "training, read from the online store.",
        "`store.get_online_features(features=..., entity_rows=[...])` takes the feature service and a "
        "list of request dicts (here just `live_request`); `.to_dict()` turns the answer into {feature: "
        "[value]}.",
    ),
)
def online_features(online: Any, expected: dict[str, float]) -> str:
    if not isinstance(online, dict):
        raise Wrong("`online` should be the dict from .to_dict() on what get_online_features returns.")
    for name, want in expected.items():
        if name not in online:
            raise Wrong(f"{name} is missing: ask for the feature service, which includes the on-demand features.")
        got = online[name][0] if isinstance(online[name], list) else online[name]
        got, want = (np.nan if v is None else float(v) for v in (got, want))  # a missing value is None online
        if not np.isclose(got, want, rtol=1e-9, equal_nan=True):
            raise Wrong(f"{name} is {got} online but {want} offline at the same moment: was the request's txn_ts right?")
    return "Served in a few milliseconds, and equal to what training saw at the same moment."
