"""Lab 03's checks accept the right answers in their usual variants and name each typical mistake.

3.1 is a plain function; 3.2 and 3.3 are pieces of the learner's definitions.py, so their tests write the
solution's file (from the solution notebook's %%writefile cell) with one substitution into a temporary folder.
"""

from __future__ import annotations

import importlib.util
import itertools
import sys

import numpy as np
import pandas as pd
import pytest

from mlops_course import labgen, notebooks
from mlops_course.checks import ExerciseIncorrect, ExerciseNotDone
from mlops_course.exercises import lab03
from upi_kit import data

NOTEBOOK = "03_feature_store.ipynb"
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
    import feature_pipeline  # noqa: F401  (never imported: the check reads the source first)


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
    ],
    ids=["itself", "edge", "twins", "twins-by-row", "customers", "calendar", "order", "pipeline"],
)
def test_each_window_mistake_is_named(small, wrong, message):
    with pytest.raises(ExerciseIncorrect, match=message):
        lab03.window_count.check(wrong, small)


def test_a_typed_in_answer_a_crash_and_not_a_function_are_explained(small):
    with pytest.raises(ExerciseIncorrect, match="answer is"):
        lab03.window_count.check(lambda tx: pd.Series(0.0, index=tx.index), small)
    with pytest.raises(ExerciseIncorrect, match="raised KeyError"):
        lab03.window_count.check(lambda tx: tx["nope"], small)
    with pytest.raises(ExerciseIncorrect, match="should be a function"):
        lab03.window_count.check(None, small)


def test_ids_of_another_dtype_must_work(small):
    def strings_only(tx):
        if not isinstance(tx["customer_id"].iloc[0], str):
            raise TypeError("expected string ids")
        return searchsorted_count(tx)

    with pytest.raises(ExerciseIncorrect, match="customer_id as int64 it raised TypeError"):
        lab03.window_count.check(strings_only, small)


# ---------------------------------------------------------------- 3.2 and 3.3: definitions.py

_names = itertools.count()


@pytest.fixture(scope="module")
def definitions_text():
    return notebooks.written_file(NOTEBOOK, "definitions.py")


@pytest.fixture()
def definitions(tmp_path, definitions_text):
    """Write the solution's definitions.py with substitutions (old, new), import it, return its module name."""
    def make(*substitutions, stub=None):
        text = definitions_text
        for old, new in substitutions:
            assert old in text, old
            text = text.replace(old, new)
        if stub:  # what the generated lab leaves in the file
            text = "\n".join(labgen.stub_out(f"%%writefile x\n{text}")[0].splitlines()[1:])
        name = f"lab03_definitions_{next(_names)}"
        (tmp_path / f"{name}.py").write_text(text)
        sys.path.insert(0, str(tmp_path))
        return name
    yield make
    while str(tmp_path) in sys.path:
        sys.path.remove(str(tmp_path))


@pytest.fixture(scope="module")
def lab_data(small, tmp_path_factory):
    path = tmp_path_factory.mktemp("project") / "feature_pipeline_for_lab03_checks.py"
    path.write_text(notebooks.written_file(NOTEBOOK, "feature_pipeline.py"))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    pipeline = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(pipeline)
    devices = data.load("ci").devices
    return small, pipeline.feature_store_sources(small, devices), pipeline.point_in_time_features(small, devices)


def test_the_payee_view_of_the_solution_passes(definitions):
    lab03.feature_view.check(definitions())


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("ttl=timedelta(days=1)", "ttl=timedelta(days=7)", "ttl is 7 days"),
        ("ttl=timedelta(days=1)", "ttl=timedelta(hours=1)", "ttl is 1 hours"),
        ('entities=[payee], ttl=timedelta(days=1)', 'entities=[customer], ttl=timedelta(days=1)', "entities are"),
        ('Field(name="payee_recent_payer", dtype=Array(String))', 'Field(name="payee_recent_payer", dtype=Array(Float64))',
         "customer ids"),
        ('source=source("payee_recent"),\n        schema', 'source=FileSource(name="payee_recent", '
         'path="data/payee_recent.parquet", timestamp_field="event_timestamp"),\n        schema', "is relative"),
        ('source=source("payee_recent"),\n        schema', 'source=source("customer_recent"),\n        schema',
         "it reads customer_recent.parquet"),
    ],
    ids=["ttl-week", "ttl-hour", "entity", "dtype", "relative-path", "other-table"],
)
def test_each_payee_view_mistake_is_named(definitions, old, new, message):
    with pytest.raises(ExerciseIncorrect, match=message):
        lab03.feature_view.check(definitions((old, new)))


def test_a_stubbed_definitions_file_is_not_done_yet(definitions):
    name = definitions(stub=True)
    with pytest.raises(ExerciseNotDone, match="3.2"):
        lab03.feature_view.check(name)


def test_the_on_demand_view_of_the_solution_passes_on_crafted_requests_and_the_lab_data(definitions, lab_data):
    lab03.on_demand_view.check(definitions(), *lab_data)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("if 0 < now - s < w]", "if 0 <= now - s < w]", "at the request's own time counts"),
        ("if 0 < now - s < w]", "if 0 < now - s <= w]", "exactly one window back counts"),
        ("out[\"payee_payers_24h\"].append(float(len(payers)))",
         "out[\"payee_payers_24h\"].append(float(len([s for s in events(p_ts) if 0 < now - s < 86_400.0])))",
         "distinct payers"),
        ("return [] if x is None or isinstance(x, float) else list(x)", "return list(x)",
         "no stored history .* raised TypeError"),
        ("else nan)\n        age", "else 0.0)\n        age", "no average"),
        ('windows = {"1h": 3_600.0, "24h": 86_400.0, "7d": 604_800.0}', "windows = WINDOWS",
         "defined outside the function"),
    ],
    ids=["own-time", "edge", "payers", "missing-history", "average", "outside-constant"],
)
def test_each_on_demand_mistake_is_named(definitions, old, new, message):
    extra = [("OUTPUTS = [", 'WINDOWS = {"1h": 3_600.0, "24h": 86_400.0, "7d": 604_800.0}\nOUTPUTS = [')]
    name = definitions((old, new), *(extra if new == "windows = WINDOWS" else []))
    with pytest.raises(ExerciseIncorrect, match=message):
        lab03.on_demand_view.check(name)


def test_an_on_demand_view_right_on_crafted_requests_but_not_on_the_lab_data_is_caught(definitions, lab_data):
    name = definitions(("86_400 if known(first_seen)", "86_400.5 if known(first_seen)"))
    with pytest.raises(ExerciseIncorrect, match="device_age_days is the time since"):
        lab03.on_demand_view.check(name, *lab_data)


# ---------------------------------------------------------------- 3.4 and 3.5


def test_the_training_set_check_wants_input_order_and_accepts_txn_id_as_index():
    entities = pd.DataFrame({"txn_id": ["a", "b"]})
    truth = pd.DataFrame({"f": [1.0, 2.0]})
    lab03.training_set.check(pd.DataFrame({"txn_id": ["a", "b"], "f": [1.0, 2.0]}), entities, truth, ["f"])
    lab03.training_set.check(pd.DataFrame({"f": [1.0, 2.0]}, index=pd.Index(["a", "b"], name="txn_id")),
                             entities, truth, ["f"])
    with pytest.raises(ExerciseIncorrect, match="not in the order"):
        lab03.training_set.check(pd.DataFrame({"txn_id": ["b", "a"], "f": [2.0, 1.0]}), entities, truth, ["f"])
    with pytest.raises(ExerciseIncorrect, match="1 rows for 2 payments"):
        lab03.training_set.check(pd.DataFrame({"txn_id": ["a"], "f": [1.0]}), entities, truth, ["f"])
    with pytest.raises(ExerciseIncorrect, match="f differs from the point-in-time truth on 1 rows"):
        lab03.training_set.check(pd.DataFrame({"txn_id": ["a", "b"], "f": [1.0, 3.0]}), entities, truth, ["f"])


def test_the_online_check_wants_the_served_values():
    expected = {"cust_txn_1h": 2.0, "device_age_days": float("nan")}
    lab03.online_features.check({"cust_txn_1h": [2.0], "device_age_days": [None]}, expected)
    with pytest.raises(ExerciseIncorrect, match="device_age_days is missing"):
        lab03.online_features.check({"cust_txn_1h": [2.0]}, expected)
    with pytest.raises(ExerciseIncorrect, match="cust_txn_1h is 1.0 online but 2.0 offline"):
        lab03.online_features.check({"cust_txn_1h": [1.0], "device_age_days": [None]}, expected)
