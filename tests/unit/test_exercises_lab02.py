"""Lab 02's build exercises: the checks accept every right variant and name each typical mistake.

Pure and fast: the best-run check gets crafted search_runs frames, the gate check crafted evaluations.
(The checks that need an MLflow store are in tests/integration/test_lab02_checks.py.)
"""

from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from mlops_course.checks import ExerciseIncorrect, ExerciseNotDone
from mlops_course.exercises import lab02
from mlops_course.exercises._lab02_cases import runs_frame

VALUE = "metrics.valid_net_value_inr"


def finished_candidates(runs):
    return runs[(runs["status"] == "FINISHED") & (runs["tags.candidate"] == "yes") & runs[VALUE].notna()]


def right_sorted(runs):
    ok = finished_candidates(runs)
    return str(ok.sort_values([VALUE, "start_time"], ascending=[False, True])["run_id"].iloc[0])


def right_idxmax(runs):
    """Another right answer: oldest first, then the first row with the highest value."""
    ok = finished_candidates(runs).sort_values("start_time").reset_index(drop=True)
    return ok.loc[ok[VALUE].idxmax(), "run_id"]


def right_numpy(runs):
    """And another: numpy's stable lexsort, returning a numpy string."""
    ok = finished_candidates(runs)
    order = np.lexsort((ok["start_time"].to_numpy(), -ok[VALUE].to_numpy()))
    return ok["run_id"].to_numpy()[order[0]]


@pytest.fixture
def lab_runs():
    """What this lab's experiment looks like to search_runs: baseline, logistic regression, a sweep, a rerun."""
    return runs_frame([
        ("rules-baseline", "FINISHED", "no", 657_050.0, 0.10, 0),
        ("logistic-regression", "FINISHED", "yes", 667_322.0, 0.12, 1),
        ("hgb-sweep", "FINISHED", "no", np.nan, np.nan, 2),
        ("hgb-lr0.05-leaves15", "FINISHED", "yes", 713_687.0, 0.336, 3),
        ("hgb-lr0.1-leaves15", "FINISHED", "yes", 716_537.0, 0.330, 4),
        ("hgb-lr0.1-leaves15", "FINISHED", "yes", 716_537.0, 0.330, 9),
    ])


@pytest.mark.parametrize("func", [right_sorted, right_idxmax, right_numpy])
def test_best_run_accepts_every_right_variant(func, lab_runs, capsys):
    lab02.best_run.check(func, lab_runs)
    assert "hgb-lr0.1-leaves15 saves ₹716,537 on validation" in capsys.readouterr().out


def by(column, ascending=False, **sort):
    def pick(runs):
        ok = runs[(runs["status"] == "FINISHED") & (runs["tags.candidate"] == "yes")]
        return ok.sort_values(column, ascending=ascending, **sort)["run_id"].iloc[0]
    return pick


WRONG = [
    (by("metrics.valid_pr_auc"), "you picked by PR-AUC; the business metric is rupees"),
    (lambda runs: runs[runs["tags.candidate"] == "yes"].sort_values(VALUE, ascending=False)["run_id"].iloc[0],
     "you picked a run that FAILED"),
    (lambda runs: runs[runs["status"] == "FINISHED"].sort_values(VALUE, ascending=False)["run_id"].iloc[0],
     "keep only runs tagged candidate = 'yes'"),
    (by(VALUE, kind="mergesort"), "two runs tie on rupees and you picked the later one"),
    (by(VALUE, na_position="first"), "has no valid_net_value_inr"),
    (by(VALUE, ascending=True), "you picked the lowest value"),
    (lambda runs: runs[(runs["status"] == "FINISHED") & (runs["tags.candidate"] == "yes")]["run_id"].iloc[0],
     "you took the first row as search_runs returns it"),
    (lambda runs: by(VALUE)(runs) and runs.iloc[[0]], "should return the run id, a str"),
    (lambda runs: runs.loc[0, "run_id"], r"raised KeyError"),
]


@pytest.mark.parametrize(("func", "message"), WRONG)
def test_best_run_names_each_mistake(func, message, lab_runs):
    with pytest.raises(ExerciseIncorrect, match=message):
        lab02.best_run.check(func, lab_runs)


def test_best_run_by_pr_auc_is_called_out_even_when_it_would_pick_the_right_run(lab_runs):
    """On this lab's runs at the ci size PR-AUC may pick the same run; the crafted experiments never do."""
    with pytest.raises(ExerciseIncorrect, match="by PR-AUC"):
        lab02.best_run.check(by("metrics.valid_pr_auc"), lab_runs.assign(**{"metrics.valid_pr_auc": lab_runs[VALUE]}))


def test_best_run_stub_is_not_done_and_empty_experiment_is_explained(lab_runs):
    def stub(runs):
        raise NotImplementedError("Exercise 2.2 is not done yet: write this part of the file")

    with pytest.raises(ExerciseNotDone):
        lab02.best_run.check(stub, lab_runs)
    with pytest.raises(ExerciseIncorrect, match="run the training cells first"):
        lab02.best_run.check(right_sorted, lab_runs[lab_runs["tags.candidate"] == "no"])
    with pytest.raises(ExerciseIncorrect, match="should be a function"):
        lab02.best_run.check(None, lab_runs)


# --- 2.5: the gate --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Evaluation:
    version: str | None
    net_value_inr: float
    frame_digest: str
    rows: int


def gate_module(decide):
    return SimpleNamespace(Evaluation=Evaluation, decide=decide)


def same_frame(challenger, champion):
    if (challenger.frame_digest, challenger.rows) != (champion.frame_digest, champion.rows):
        raise ValueError("evaluated on different data; re-score both on the same frame")


def right_decide(challenger, champion, margin_inr):
    if champion is None:
        return True, f"no champion yet; the challenger saves ₹{challenger.net_value_inr:,.0f}"
    same_frame(challenger, champion)
    gain = challenger.net_value_inr - champion.net_value_inr
    return gain > margin_inr, f"gain ₹{gain:,.0f} against a margin of ₹{margin_inr:,.0f}"


def right_numpy_inr(challenger, champion, margin_inr):
    """Another right answer: a numpy bool, the reason in INR."""
    if champion is not None:
        same_frame(challenger, champion)
        better = np.float64(challenger.net_value_inr) > champion.net_value_inr + margin_inr
        return np.bool_(better), f"{challenger.net_value_inr:.0f} INR vs {champion.net_value_inr:.0f} INR"
    return np.bool_(True), "first champion: nothing to beat, 0 INR"


GATE_ARGS = ("3f9a0c5d2e7b1a44", 24_861, 716_537.0)


@pytest.mark.parametrize("decide", [right_decide, right_numpy_inr])
def test_gate_accepts_right_variants(decide, capsys):
    lab02.promotion_gate.check(gate_module(decide), *GATE_ARGS)
    assert "correct" in capsys.readouterr().out


def no_frame_check(challenger, champion, margin_inr):
    if champion is None:
        return True, "no champion: ₹0 to beat"
    gain = challenger.net_value_inr - champion.net_value_inr
    return gain > margin_inr, f"gain ₹{gain:,.0f}"


def digest_only(challenger, champion, margin_inr):
    if champion is not None and challenger.frame_digest != champion.frame_digest:
        raise ValueError("different data")
    return no_frame_check(challenger, champion, margin_inr)


def with_rows_check(rule):
    def decide(challenger, champion, margin_inr):
        if champion is None:
            return True, "no champion: ₹0 to beat"
        same_frame(challenger, champion)
        return rule(challenger.net_value_inr - champion.net_value_inr, margin_inr), "₹ gain"
    return decide


def no_none(challenger, champion, margin_inr):
    same_frame(challenger, champion)
    return challenger.net_value_inr > champion.net_value_inr + margin_inr, "₹"


def no_rupees(challenger, champion, margin_inr):
    promote, _ = right_decide(challenger, champion, margin_inr)
    return promote, "the challenger is better" if promote else "the champion stays"


GATE_WRONG = [
    (no_frame_check, "evaluated on different data.*raise ValueError"),
    (digest_only, "the champion was scored on 1,657 rows and the challenger on 24,861"),
    (with_rows_check(lambda gain, margin: gain >= margin), "a tie promoted the challenger: equal is not better"),
    (with_rows_check(lambda gain, margin: gain > 0), "less than the margin of ₹1,000, and you promoted it"),
    (with_rows_check(lambda gain, margin: gain >= margin and gain > 0), "a gain of exactly the margin promoted"),
    (with_rows_check(lambda gain, margin: gain < margin), "a challenger that saves less was promoted"),
    (with_rows_check(lambda gain, margin: gain > 2 * margin), "beats the champion by more than the margin, and you kept"),
    (no_none, "with no champion yet.*raised AttributeError"),
    (no_rupees, "does not say it in rupees"),
    (lambda challenger, champion, margin_inr: True, r"should return a tuple \(promote, reason\)"),
]


@pytest.mark.parametrize(("decide", "message"), GATE_WRONG)
def test_gate_names_each_mistake(decide, message):
    with pytest.raises(ExerciseIncorrect, match=message):
        lab02.promotion_gate.check(gate_module(decide), *GATE_ARGS)


def test_gate_stub_is_not_done_and_a_module_without_decide_is_explained():
    def stub(challenger, champion, margin_inr):
        raise NotImplementedError("Exercise 2.5 is not done yet: write this part of the file")

    with pytest.raises(ExerciseNotDone):
        lab02.promotion_gate.check(gate_module(stub), *GATE_ARGS)
    with pytest.raises(ExerciseIncorrect, match="with Evaluation and decide"):
        lab02.promotion_gate.check(SimpleNamespace(Evaluation=Evaluation), *GATE_ARGS)


def test_the_crafted_experiments_each_hold_their_trap():
    """Each case's named wrong pick really differs from the right answer (else the case proves nothing)."""
    from mlops_course.exercises._lab02_cases import BEST_RUN_CASES

    for what, rows, mistakes in BEST_RUN_CASES:
        runs = runs_frame(rows)
        right = runs.loc[runs["run_id"] == lab02.reference_best_run(runs), "tags.mlflow.runName"].iloc[0]
        assert right not in mistakes, what
        assert set(mistakes) <= set(runs["tags.mlflow.runName"]), what
        assert not isinstance(runs.index, pd.RangeIndex), "crafted frames must not have a 0..n-1 index"
