"""Lab 03's window-count check accepts a point-in-time count and names each kind of leak."""

import numpy as np
import pandas as pd
import pytest

from mlops_course import data
from mlops_course.checks import ExerciseIncorrect
from mlops_course.exercises import lab03

DAY_MS = 86_400_000


def counter(include_self=False, include_edge=False, include_twins=False):
    def count(tx):
        t = tx["event_timestamp"].to_numpy(dtype="datetime64[ms]").astype(np.int64)
        cust = tx["customer_id"].astype(str).to_numpy()
        out = np.zeros(len(tx))
        for i in range(len(tx)):
            same = cust == cust[i]
            before = (t <= t[i]) if include_twins else (t < t[i])
            after_edge = (t >= t[i] - DAY_MS) if include_edge else (t > t[i] - DAY_MS)
            out[i] = (same & before & after_edge).sum() + (1 if include_self and not include_twins else 0)
            if include_twins:
                out[i] -= 1  # not itself, but its same-instant twins
        return out
    return count


@pytest.fixture(scope="module")
def small():
    return data.load("ci").transactions.iloc[:1500]


def test_a_point_in_time_count_passes(small):
    lab03.window_count.check(counter(), small)


@pytest.mark.parametrize(
    ("variant", "message"),
    [
        (dict(include_self=True), "counts itself"),
        (dict(include_edge=True), "exactly 24 h earlier is counted"),
        (dict(include_twins=True), "same instant see each other"),
    ],
)
def test_each_leak_is_named(small, variant, message):
    with pytest.raises(ExerciseIncorrect, match=message):
        lab03.window_count.check(counter(**variant), small)


def test_not_a_function_and_a_crash_are_explained(small):
    with pytest.raises(ExerciseIncorrect, match="should be a function"):
        lab03.window_count.check(None, small)
    with pytest.raises(ExerciseIncorrect, match="raised KeyError"):
        lab03.window_count.check(lambda tx: tx["nope"], small)


def test_the_training_set_check_wants_input_order():
    entities = pd.DataFrame({"txn_id": ["a", "b"]})
    truth = pd.DataFrame({"f": [1.0, 2.0]})
    lab03.training_set.check(pd.DataFrame({"txn_id": ["a", "b"], "f": [1.0, 2.0]}), entities, truth, ["f"])
    with pytest.raises(ExerciseIncorrect, match="not in the order"):
        lab03.training_set.check(pd.DataFrame({"txn_id": ["b", "a"], "f": [2.0, 1.0]}), entities, truth, ["f"])
    with pytest.raises(ExerciseIncorrect, match="1 rows for 2 payments"):
        lab03.training_set.check(pd.DataFrame({"txn_id": ["a"], "f": [1.0]}), entities, truth, ["f"])
