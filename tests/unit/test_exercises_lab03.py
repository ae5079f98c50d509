"""Lab 03's checks accept the right answers in their usual variants and name each typical mistake.

3.1 is a plain function; 3.2 and 3.3 are files of the learner's Feast repo (payee_view.py, on_demand.py), which
their checks import by name. Their tests hand the checks the reference repo (project/feature_repo), or a copy
of it in a temporary folder with one substitution in the exercise's file (or its solution stubbed out, as the
generated lab leaves it).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import reference_project
from upi_fraud import feature_pipeline
from upi_fraud import feature_pipeline as pipeline_alias
from upi_fraud.feature_pipeline import window_count_sum as count_helper
from upi_kit import data

from mlops_course.checks import ExerciseIncorrect, ExerciseNotDone
from mlops_course.exercises import lab03

DAY = np.timedelta64(24, "h")


@pytest.fixture(scope="module")
def small():
    return data.load("ci").transactions.iloc[:3000]


# ---------------------------------------------------------------- 3.1


def searchsorted_count(tx):
    counts = pd.Series(0.0, index=tx.index)
    for _, payments in tx.groupby(tx["customer_id"].astype(str)):
        times = payments["event_timestamp"].values
        earlier = np.sort(times)
        counts.loc[payments.index] = (np.searchsorted(earlier, times, "left")
                                      - np.searchsorted(earlier, times - DAY, "right"))
    return counts


def mask_count(tx):
    """One boolean mask per payment, returned as a plain list in row order."""
    t, cust = tx["event_timestamp"].values, tx["customer_id"].astype(str).to_numpy()
    return [int(((cust == c) & (t < ti) & (t > ti - DAY)).sum()) for c, ti in zip(cust, t, strict=True)]


def rolling_count(tx):
    """pandas' time-based rolling window, open at both ends, mapped back to the rows by (customer, time)."""
    frame = pd.DataFrame({"customer": tx["customer_id"].astype(str), "event_timestamp": tx["event_timestamp"],
                          "one": 1.0}).sort_values("event_timestamp", kind="stable")
    window = frame.groupby("customer").rolling("24h", on="event_timestamp", closed="neither")["one"].sum()
    window = window.fillna(0).groupby(level=[0, 1]).first()  # same-instant twins share one window
    rows = pd.MultiIndex.from_arrays([tx["customer_id"].astype(str), tx["event_timestamp"]])
    return pd.Series(window.reindex(rows).to_numpy(), index=tx.index)


def shifted(left="left", right="right", group_all=False, time_order=False):
    """searchsorted_count with one mistake: which side counts, every customer at once, or counts in time order."""
    def count(tx):
        keys = pd.Series("all", index=tx.index) if group_all else tx["customer_id"].astype(str)
        counts = pd.Series(0.0, index=tx.index)
        for _, payments in tx.groupby(keys):
            times = payments["event_timestamp"].values
            earlier = np.sort(times)
            counts.loc[payments.index] = (np.searchsorted(earlier, times, left)
                                          - np.searchsorted(earlier, times - DAY, right))
        if time_order:
            return counts.loc[tx.sort_values("event_timestamp", kind="stable").index].reset_index(drop=True)
        return counts
    return count


def since_midnight(tx):
    """Earlier payments of the same customer on the same IST calendar day (twins and edges right)."""
    day = tx["event_timestamp"].dt.tz_convert("Asia/Kolkata").dt.date
    counts = pd.Series(0.0, index=tx.index)
    for _, payments in tx.groupby([tx["customer_id"].astype(str), day]):
        times = payments["event_timestamp"].values
        counts.loc[payments.index] = np.searchsorted(np.sort(times), times, "left")
    return counts


def later_twin_counts_the_earlier(tx):
    ordered = tx.sort_values("event_timestamp", kind="stable")
    return searchsorted_count(tx) + ordered.groupby([ordered["customer_id"].astype(str), "event_timestamp"]).cumcount()


def twins_count_each_other(tx):
    """Everything at or before t, minus the payment itself: a same-instant twin slips in."""
    return shifted(left="right")(tx) - 1


def with_pipeline(tx):
    from upi_fraud import feature_pipeline  # noqa: F401  (never imported: the check reads the source first)


def with_pipeline_alias(tx):
    """The package's pipeline under another name, imported at the top of the file: the source never names it."""
    return pipeline_alias.point_in_time_features(tx, None)["cust_txn_24h"]


def with_pipeline_helper(tx):
    return pd.Series(count_helper(tx), index=tx.index)


@pytest.mark.parametrize("right", [searchsorted_count, mask_count, rolling_count], ids=lambda f: f.__name__)
def test_a_point_in_time_count_passes_in_any_correct_shape(small, right):
    lab03.window_count.check(right, small)


def test_a_count_on_a_reset_index_passes_when_rows_keep_their_order(small):
    lab03.window_count.check(lambda tx: searchsorted_count(tx).reset_index(drop=True), small)


@pytest.mark.parametrize(
    ("wrong", "message"),
    [
        (shifted(left="right"), "a payment counts itself"),
        (shifted(right="left"), "exactly 24 h earlier is counted"),
        (twins_count_each_other, "same instant count each other"),
        (later_twin_counts_the_earlier, "the later row of two same-instant payments counts the earlier"),
        (shifted(group_all=True), "counts other customers' payments"),
        (since_midnight, "since midnight"),
        (shifted(time_order=True), "another order than the rows"),
        (with_pipeline, "it calls feature_pipeline"),
        (with_pipeline_alias, "it calls feature_pipeline"),
        (with_pipeline_helper, "it calls feature_pipeline"),
    ],
    ids=["itself", "edge", "twins", "twins-by-row", "customers", "calendar", "order", "pipeline", "pipeline-alias",
         "pipeline-helper"],
)
def test_each_window_mistake_is_named(small, wrong, message):
    with pytest.raises(ExerciseIncorrect, match=message):
        lab03.window_count.check(wrong, small)


@pytest.mark.parametrize(
    ("answer", "message"),
    [(lambda tx: pd.Series(0.0, index=tx.index), "answer is"), (lambda tx: tx["nope"], "raised KeyError"),
     (None, "should be a function")],
    ids=["typed-in", "crash", "not-a-function"],
)
def test_a_typed_in_answer_a_crash_or_not_a_function_is_explained(small, answer, message):
    with pytest.raises(ExerciseIncorrect, match=message):
        lab03.window_count.check(answer, small)


def test_ids_of_another_dtype_must_work(small):
    def strings_only(tx):
        if not isinstance(tx["customer_id"].iloc[0], str):
            raise TypeError("expected string ids")
        return searchsorted_count(tx)

    with pytest.raises(ExerciseIncorrect, match="customer_id as int64 it raised TypeError"):
        lab03.window_count.check(strings_only, small)


# ---------------------------------------------------------------- 3.2 and 3.3: payee_view.py and on_demand.py

PAYEE_VIEW, ON_DEMAND = "feature_repo/payee_view.py", "feature_repo/on_demand.py"


def repo_copy(tmp_path, rel, *substitutions, stub=False):
    """A copy of the reference Feast repo whose file `rel` has the substitutions (or its solution stubbed out)."""
    new = reference_project.stubbed(rel) if stub else reference_project.substituted(rel, *substitutions)
    return reference_project.feature_repo_copy(tmp_path / "feature_repo", {rel.rpartition("/")[2]: new})


@pytest.fixture(scope="module")
def lab_data(small):
    devices = data.load("ci").devices
    return (small, feature_pipeline.feature_store_sources(small, devices),
            feature_pipeline.point_in_time_features(small, devices))


@pytest.mark.parametrize(("rel", "ex_id", "name"), [(PAYEE_VIEW, "3.2", "payee_recent_view"),
                                                     (ON_DEMAND, "3.3", "behaviour")], ids=["3.2", "3.3"])
def test_the_function_the_check_calls_holds_the_exercise_solution_block(rel, ex_id, name):
    block = reference_project.block(rel, ex_id)
    assert block.lines and "\n".join(block.lines) in reference_project.function_text(rel, name)


def test_the_reference_payee_view_passes():
    with reference_project.feature_repo_importable():
        lab03.feature_view.check("payee_view")


@pytest.mark.parametrize(
    ("substitutions", "message"),
    [
        ([("ttl=timedelta(days=1)", "ttl=timedelta(days=7)")], "ttl is 7 days"),
        ([("ttl=timedelta(days=1)", "ttl=timedelta(hours=1)")], "ttl is 1 hours"),
        ([("from state import payee, source", "from state import customer, payee, source"),
          ("entities=[payee], ttl=timedelta(days=1)", "entities=[customer], ttl=timedelta(days=1)")], "entities are"),
        ([('Field(name="payee_recent_payer", dtype=Array(String))',
           'Field(name="payee_recent_payer", dtype=Array(Float64))')], "customer ids"),
        ([("from feast import FeatureView, Field", "from feast import FeatureView, Field, FileSource"),
          ('source=source("payee_recent")', 'source=FileSource(name="payee_recent", path="data/payee_recent.parquet", '
           'timestamp_field="event_timestamp")')], "is relative"),
        ([('source=source("payee_recent")', 'source=source("customer_recent")')], "it reads customer_recent.parquet"),
    ],
    ids=["ttl-week", "ttl-hour", "entity", "dtype", "relative-path", "other-table"],
)
def test_each_payee_view_mistake_is_named(tmp_path, substitutions, message):
    with reference_project.importable(repo_copy(tmp_path, PAYEE_VIEW, *substitutions)), \
            pytest.raises(ExerciseIncorrect, match=message):
        lab03.feature_view.check("payee_view")


def test_the_lab_stub_of_the_payee_view_is_not_done_yet(tmp_path):
    with reference_project.importable(repo_copy(tmp_path, PAYEE_VIEW, stub=True)), \
            pytest.raises(ExerciseNotDone, match="3.2"):
        lab03.feature_view.check("payee_view")


def test_the_reference_on_demand_function_passes_on_crafted_requests_and_the_lab_data(lab_data):
    with reference_project.feature_repo_importable():
        lab03.on_demand_view.check("on_demand", *lab_data)


OUTSIDE_CONSTANT = [('windows = {"1h": 3_600.0, "24h": 86_400.0, "7d": 604_800.0}', "windows = WINDOWS"),
                    ("\n\ndef behaviour(", '\n\nWINDOWS = {"1h": 3_600.0, "24h": 86_400.0, "7d": 604_800.0}\n\n\n'
                     "def behaviour(")]


@pytest.mark.parametrize(
    ("substitutions", "message"),
    [
        ([("if 0 < now - s < w]", "if 0 <= now - s < w]")], "at the request's own time counts"),
        ([("if 0 < now - s < w]", "if 0 < now - s <= w]")], "exactly one window back counts"),
        ([('out["payee_payers_24h"].append(float(len(payers)))',
           'out["payee_payers_24h"].append(float(len([s for s in events(p_ts) if 0 < now - s < 86_400.0])))')],
         "distinct payers"),
        ([("return [] if x is None or isinstance(x, float) else list(x)", "return list(x)")],
         "no stored history .* raised TypeError"),
        ([("if n7 > 0 else nan)", "if n7 > 0 else 0.0)")], "no average"),
        (OUTSIDE_CONSTANT, "defined outside the function"),
    ],
    ids=["own-time", "edge", "payers", "missing-history", "average", "outside-constant"],
)
def test_each_on_demand_mistake_is_named(tmp_path, substitutions, message):
    with reference_project.importable(repo_copy(tmp_path, ON_DEMAND, *substitutions)), \
            pytest.raises(ExerciseIncorrect, match=message):
        lab03.on_demand_view.check("on_demand")


def test_an_on_demand_function_right_on_crafted_requests_but_not_on_the_lab_data_is_caught(tmp_path, lab_data):
    repo = repo_copy(tmp_path, ON_DEMAND, ("86_400 if known(first_seen)", "86_400.5 if known(first_seen)"))
    with reference_project.importable(repo), pytest.raises(ExerciseIncorrect, match="device_age_days is the time since"):
        lab03.on_demand_view.check("on_demand", *lab_data)


def test_the_lab_stub_of_the_on_demand_function_is_not_done_yet(tmp_path):
    with reference_project.importable(repo_copy(tmp_path, ON_DEMAND, stub=True)), \
            pytest.raises(ExerciseNotDone, match="3.3"):
        lab03.on_demand_view.check("on_demand")


# ---------------------------------------------------------------- 3.4 and 3.5


ENTITIES, TRUTH = pd.DataFrame({"txn_id": ["a", "b"]}), pd.DataFrame({"f": [1.0, 2.0]})


@pytest.mark.parametrize(
    "training",
    [pd.DataFrame({"txn_id": ["a", "b"], "f": [1.0, 2.0]}),
     pd.DataFrame({"f": [1.0, 2.0]}, index=pd.Index(["a", "b"], name="txn_id"))],
    ids=["txn_id-column", "txn_id-index"],
)
def test_a_training_set_in_input_order_passes_with_txn_id_as_column_or_index(training):
    lab03.training_set.check(training, ENTITIES, TRUTH, ["f"])


@pytest.mark.parametrize(
    ("training", "message"),
    [(pd.DataFrame({"txn_id": ["b", "a"], "f": [2.0, 1.0]}), "not in the order"),
     (pd.DataFrame({"txn_id": ["a"], "f": [1.0]}), "1 rows for 2 payments"),
     (pd.DataFrame({"txn_id": ["a", "b"], "f": [1.0, 3.0]}), "f differs from the point-in-time truth on 1 rows")],
    ids=["reordered", "dropped-row", "other-value"],
)
def test_each_training_set_mistake_is_named(training, message):
    with pytest.raises(ExerciseIncorrect, match=message):
        lab03.training_set.check(training, ENTITIES, TRUTH, ["f"])


SERVED = {"cust_txn_1h": 2.0, "device_age_days": float("nan")}  # what offline gives at the same moment


def test_the_served_values_pass_with_none_for_a_missing_value():
    lab03.online_features.check({"cust_txn_1h": [2.0], "device_age_days": [None]}, SERVED)


@pytest.mark.parametrize(
    ("online", "message"),
    [({"cust_txn_1h": [2.0]}, "device_age_days is missing"),
     ({"cust_txn_1h": [1.0], "device_age_days": [None]}, "cust_txn_1h is 1.0 online but 2.0 offline")],
    ids=["missing", "other-value"],
)
def test_each_online_features_mistake_is_named(online, message):
    with pytest.raises(ExerciseIncorrect, match=message):
        lab03.online_features.check(online, SERVED)
