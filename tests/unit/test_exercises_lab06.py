"""Lab 06's checks accept the right answers in their usual variants and name each typical mistake.

6.1 and 6.2 are the alert policy's learner module (upi_fraud/monitoring/policy.py), 6.3 the performance module
(upi_fraud/monitoring/performance.py) of the reference project. The right answer is the reference file itself; a
typical wrong answer is the same file with one substitution, loaded as a module of its own
(reference_project.variant). No server, no network.
"""

from __future__ import annotations

import re
import sys
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import reference_project

from mlops_course.checks import ExerciseIncorrect, ExerciseNotDone
from mlops_course.exercises import _lab06_cases as cases
from mlops_course.exercises import lab06

POLICY, PERFORMANCE = "src/upi_fraud/monitoring/policy.py", "src/upi_fraud/monitoring/performance.py"
#: exercise id -> (the exercise, its reference file, the module a notebook passes to check, the function it calls)
EXERCISES = {
    "6.1": (lab06.calibrate, POLICY, "upi_fraud.monitoring.policy", "calibrate"),
    "6.2": (lab06.decide, POLICY, "upi_fraud.monitoring.policy", "decide"),
    "6.3": (lab06.performance, PERFORMANCE, "upi_fraud.monitoring.performance", "performance_as_of"),
}
#: policy.py with numpy, as a learner who reaches for it imports it
NUMPY = ("import pandas as pd\n", "import numpy as np\nimport pandas as pd\n")


def _variant(tmp_path, ex_id, *substitutions):
    """The exercise's reference function, its file with each (old, new) substituted."""
    _, rel, _, attr = EXERCISES[ex_id]
    return getattr(reference_project.variant(tmp_path, rel, *substitutions), attr)


def _decide(tmp_path, monkeypatch, *substitutions):
    """policy.py's decide with substitutions, its module in sys.modules as when the check imports it by name
    (the check reads that module's SEVERITY, KIND_STATUS and Finding)."""
    module = reference_project.variant(tmp_path, POLICY, *substitutions)
    monkeypatch.setitem(sys.modules, module.__name__, module)
    return module.decide


def _solution_lines(ex_id):
    return [line.strip() for line in reference_project.block(EXERCISES[ex_id][1], ex_id).lines if line.strip()]


def test_the_ids_and_titles_are_the_labs():
    assert [(e.id, e.title) for e, *_ in EXERCISES.values()] == [
        ("6.1", "the frozen threshold"), ("6.2", "the alert policy's precedence"),
        ("6.3", "performance on the labels known so far")]


@pytest.mark.parametrize("ex_id", sorted(EXERCISES))
def test_the_solution_shows_the_reference_files_block(capsys, ex_id):
    exercise, rel, *_ = EXERCISES[ex_id]
    exercise.solution()
    code = reference_project.block(rel, ex_id).code
    assert capsys.readouterr().out == f"Solution for exercise {ex_id}:\n\n{code.rstrip()}\n"


@pytest.mark.parametrize("ex_id", sorted(EXERCISES))
def test_the_solution_block_is_inside_the_checked_function(ex_id):
    _, rel, _, attr = EXERCISES[ex_id]
    body = [line.strip() for line in reference_project.function_text(rel, attr).splitlines()]
    assert all(line in body for line in _solution_lines(ex_id)), attr


@pytest.mark.parametrize("ex_id", sorted(EXERCISES))
def test_the_hints_come_in_three_steps(ex_id):
    assert len(EXERCISES[ex_id][0].hints) == 3


@pytest.mark.parametrize("ex_id", sorted(EXERCISES))
def test_the_hints_hold_less_than_half_the_solution(ex_id):
    lines = _solution_lines(ex_id)
    held = [line for line in lines if any(line in step for step in EXERCISES[ex_id][0].hints)]
    assert lines and len(held) < len(lines) / 2, held


@pytest.mark.parametrize(("ex_id", "said"), [("6.1", "crafted histories"), ("6.2", "weeks"),
                                             ("6.3", "crafted records")])
def test_given_its_module_name_the_check_imports_the_reference_and_passes_it(capsys, ex_id, said):
    exercise, _, module, _ = EXERCISES[ex_id]
    exercise.check(module)
    assert said in capsys.readouterr().out


@pytest.mark.parametrize("ex_id", sorted(EXERCISES))
def test_the_generated_labs_stub_means_not_done(tmp_path, ex_id):
    exercise, rel, _, attr = EXERCISES[ex_id]
    stub = reference_project.lab_stub(tmp_path, rel)
    with pytest.raises(ExerciseNotDone, match=re.escape(ex_id)):
        exercise.check(getattr(stub, attr))


@pytest.mark.parametrize("ex_id", sorted(EXERCISES))
def test_a_module_that_does_not_exist_is_named_with_the_file_that_writes_it(ex_id):
    with pytest.raises(ExerciseIncorrect, match=re.escape(
            "there is no module upi_fraud.monitoring.nowhere: run the %%writefile cell that writes "
            "project/src/upi_fraud/monitoring/nowhere.py")):
        EXERCISES[ex_id][0].check("upi_fraud.monitoring.nowhere")


# ---------------------------------------------------------------- 6.1


def numpy_calibrate(history, direction, margin):
    """Another right answer: numpy arrays, NaN masked by hand, the usable weeks' median (the same on these cases)."""
    rows, values = history["rows"].to_numpy(float), history["value"].to_numpy(float)
    measured = ~np.isnan(values)
    if direction not in ("above", "below") or not measured.any():
        raise ValueError(f"cannot calibrate {direction!r} on this history")
    usable = values[measured & (rows >= 0.5 * np.median(rows[measured]))]
    return np.max(usable) * margin if direction == "above" else np.min(usable) / margin


def test_a_numpy_calibrate_passes():
    lab06.calibrate.check(numpy_calibrate)


def test_a_calibrate_that_takes_the_median_week_over_the_measured_weeks_passes(tmp_path):
    lab06.calibrate.check(_variant(tmp_path, "6.1", ('history["rows"].median()', 'usable["rows"].median()')))


MAX, MIN = 'float(usable["value"].max() * margin)', 'float(usable["value"].min() / margin)'


@pytest.mark.parametrize(
    ("substitutions", "message"),
    [
        ([(MAX, 'float(usable["value"].mean() * margin)')], "it starts from the mean of the clean weeks"),
        ([(MAX, 'float(usable["value"].quantile(0.95) * margin)')], "it lies among the clean weeks' values"),
        ([(MAX, 'float(usable["value"].max())')], "it is the highest clean week itself: add the margin"),
        ([(MIN, 'float(usable["value"].min() * margin)')],
         "the margin goes the wrong way: for 'below' the threshold lies beyond the worst clean week, so divide the "
         "lowest by the margin"),
        ([(MIN, 'float(usable["value"].max() / margin)')],
         "it starts from the highest clean week: for 'below' a low value is bad"),
        ([('    usable = usable[usable["rows"] >= PARTIAL_WEEK * history["rows"].median()]\n', "")],
         "it comes from a partial week (800 rows, the median week has 4990)"),
        ([NUMPY, ('usable = history[history["value"].notna()]', "usable = history"),
          ('usable["value"].max()', 'np.max(usable["value"].to_numpy())')], "the threshold is NaN"),
        ([('usable = history[history["value"].notna()]', "usable = history")],
         "with no usable week there is nothing to calibrate on; raise ValueError (a NaN threshold would never alert"),
        ([('    if usable.empty:\n        raise ValueError("no full week of history to calibrate on: calibrate on '
           'more weeks")\n', "")], "(On a history whose every value is NaN: it returns nan.)"),
        ([('if direction == "below":', "if True:")], "direction is 'above' or 'below'; anything else is a typo"),
        ([('    usable = history[history["value"].notna()]',
           '    history.dropna(subset=["value"], inplace=True)\n    usable = history')],
         "it changed the history it was given"),
        ([(MAX, 'usable[["value"]].max() * margin')], "calibrate returned Series: return one number"),
        ([NUMPY, ('history["rows"].median()', 'np.median(history["rows"])')],
         "calling calibrate(...) raised ValueError: no full week of history to calibrate on: calibrate on more weeks "
         "(rows is NaN in the weeks the statistic was not measured: numpy's median of them is NaN"),
    ],
    ids=["mean", "quantile", "no-margin", "below-times-margin", "below-from-max", "partial-kept", "numpy-nan",
         "nan-weeks-kept", "no-value-error", "unknown-direction", "mutates", "series", "numpy-median"],
)
def test_each_calibrate_mistake_is_named(tmp_path, substitutions, message):
    with pytest.raises(ExerciseIncorrect, match=re.escape(message)):
        lab06.calibrate.check(_variant(tmp_path, "6.1", *substitutions))


def test_a_threshold_does_not_depend_on_which_weeks_the_median_week_is_taken_over():
    """The contract's median is over every week; over the measured ones only, each case gives the same threshold."""
    for what, history, direction, margin in cases.calibrate_cases() + cases.realistic_histories():
        assert cases.threshold(history, direction, margin) == cases.threshold(history, direction, margin,
                                                                               among="measured"), what


def test_the_crafted_histories_tell_the_mistakes_apart():
    for what, history, direction, margin in cases.calibrate_cases()[:2]:
        want = cases.threshold(history, direction, margin)
        measured = history.dropna(subset=["value"])
        full = measured.loc[measured["rows"] >= 0.5 * history["rows"].median(), "value"]
        wrong = {full.mean() * margin, full.mean() / margin, full.max(), full.min(), full.max() / margin,
                 full.min() * margin, measured["value"].max() * margin, measured["value"].min() / margin}
        assert want not in wrong and len(wrong) == 8, what


def test_the_checks_partial_week_is_the_policys():
    from upi_fraud.monitoring.policy import PARTIAL_WEEK

    assert cases.PARTIAL_WEEK == PARTIAL_WEEK


# ---------------------------------------------------------------- 6.2


def tuple_decide(findings):
    """Another right answer: a 3-tuple, reasons as a tuple, statuses ranked by a list, a numpy bool."""
    order = ["INCIDENT", "RETRAIN", "WARN"]
    reasons = tuple(f for status in order for f in findings if f.status == status)
    return (reasons[0].status if reasons else "OK"), reasons, np.bool_("RETRAIN" in {f.status for f in findings})


def namespace_decide(findings):
    """Another right answer: any object with status, reasons and retrain; KIND_STATUS read by hand."""
    rank = {kind: cases.SEVERITY[status] for kind, status in cases.KIND_STATUS.items()}
    reasons = sorted(findings, key=lambda f: rank[f.kind], reverse=True)  # reverse=True keeps the sort stable
    status = max((f.status for f in findings), key=cases.SEVERITY.get, default="OK")
    return SimpleNamespace(status=status, reasons=reasons, retrain=any(f.kind == "performance" for f in findings))


@pytest.mark.parametrize("answer", [tuple_decide, namespace_decide], ids=["tuple", "namespace"])
def test_other_right_decides_pass(answer):
    lab06.decide.check(answer)


def test_a_decide_that_sorts_in_reverse_passes(tmp_path, monkeypatch):
    lab06.decide.check(_decide(tmp_path, monkeypatch, ("key=lambda f: -SEVERITY[f.status]",
                                                       "key=lambda f: SEVERITY[f.status], reverse=True")))


def test_the_checks_tables_are_the_policys():
    from upi_fraud.monitoring import findings

    assert (cases.SEVERITY, cases.KIND_STATUS) == (findings.SEVERITY, findings.KIND_STATUS)


SORTED = "sorted(findings, key=lambda f: -SEVERITY[f.status])"
ORDERED = f"ordered = {SORTED}  # stable: same-status findings keep their order"
STATUS = 'status = ordered[0].status if ordered else "OK"'
RETRAIN = 'retrain = any(f.status == "RETRAIN" for f in findings)'
IMPORT = "from upi_fraud.monitoring.findings import SEVERITY, Finding, Verdict\n"


@pytest.mark.parametrize(
    ("substitutions", "message"),
    [
        ([(STATUS, 'status = max((f.status for f in findings), default="OK")')],
         "the status is WARN, the least severe of the findings, or the largest as text"),
        ([(STATUS, 'status = findings[0].status if findings else "OK"')],
         "the status is RETRAIN, the first finding's: the week's status is the most severe of all its findings "
         "(INCIDENT)"),
        ([(STATUS, 'status = findings[-1].status if findings else "OK"')], "the status is RETRAIN, the last finding's"),
        ([("-SEVERITY[f.status]", '-["OK", "WARN", "INCIDENT", "RETRAIN"].index(f.status)')],
         "the status is RETRAIN, but the week has an INCIDENT finding: the most severe finding decides"),
        ([(STATUS, "status = ordered[0].status")],
         "raised IndexError: list index out of range (a week without findings is OK: the list may be empty)"),
        ([(RETRAIN, 'retrain = status == "RETRAIN"')],
         "retrain is False in an incident week that has a RETRAIN finding: the trigger still goes out"),
        ([(RETRAIN, 'retrain = any(f.status in ("RETRAIN", "WARN") for f in findings)')],
         "retrain is True, but no finding is RETRAIN: drift and prediction findings are WARN"),
        ([(RETRAIN, 'retrain = status in ("RETRAIN", "INCIDENT")')],
         "retrain is True, but no finding is RETRAIN: a data-quality incident pages on-call"),
        ([(IMPORT, IMPORT + 'KIND_STATUS = {"data_quality": "INCIDENT", "performance": "RETRAIN", "drift": "RETRAIN", '
                            '"prediction": "WARN"}\n')],
         "policy.py's KIND_STATUS is {'data_quality': 'INCIDENT', 'performance': 'RETRAIN', 'drift': 'RETRAIN'"),
        ([(IMPORT, IMPORT + 'SEVERITY = {"OK": 0, "WARN": 1, "INCIDENT": 2, "RETRAIN": 3}\n')],
         "policy.py's SEVERITY is {'OK': 0, 'WARN': 1, 'INCIDENT': 2, 'RETRAIN': 3}: keep findings.py's table"),
        ([(ORDERED, "findings.sort(key=lambda f: -SEVERITY[f.status])\n    ordered = findings")],
         "it reordered the list it was given: findings.sort() sorts in place"),
        ([("reasons=ordered", "reasons=list(findings)")], "the reasons are in the order the checks ran"),
        ([("reasons=ordered", "reasons=sorted(findings, key=lambda f: SEVERITY[f.status])")],
         "the reasons are least severe first"),
        ([(SORTED, "sorted(findings, key=lambda f: SEVERITY[f.status])[::-1]")],
         "findings of the same status should keep the order the checks found them in"),
        ([("reasons=ordered", "reasons=[f for f in ordered if f.status == status]")],
         "the reasons hold only the findings of the week's status"),
        ([("reasons=ordered", "reasons=[f.sentence for f in ordered]")],
         "the reasons hold str values, not findings"),
        ([("return Verdict(status=status, reasons=ordered, retrain=retrain)", "return status")],
         "decide returned str: return a Verdict(status, reasons, retrain)"),
    ],
    ids=["text-max", "first", "last", "retrain-over-incident", "empty-crashes", "retrain-if-status",
         "retrain-on-drift", "retrain-on-incident", "drift-table", "severity-table", "sorts-in-place", "unsorted",
         "least-first", "unstable", "top-only", "sentences", "status-only"],
)
def test_each_decide_mistake_is_named(tmp_path, monkeypatch, substitutions, message):
    with pytest.raises(ExerciseIncorrect, match=re.escape(message)):
        lab06.decide.check(_decide(tmp_path, monkeypatch, *substitutions))


# ---------------------------------------------------------------- 6.3


def agg_performance(record, reports, as_of, days=28):
    """Another right answer: named aggregation, ints, the rows reversed, an extra column, as_of in UTC first."""
    as_of = as_of.tz_convert("UTC")
    known = reports.loc[reports["reported_at"].lt(as_of), ["txn_id", "fraud_type", "ledger_amount_inr"]]
    known = known.drop_duplicates("txn_id")
    made = record["event_timestamp"].between(as_of - pd.Timedelta(days=days), as_of, inclusive="left")
    frauds = record.loc[made].merge(known, on="txn_id")
    frauds["hit"] = frauds["ledger_amount_inr"].where(frauds["reviewed"] == 1, 0.0)
    table = frauds.groupby("fraud_type").agg(cases=("txn_id", "size"), caught=("reviewed", "sum"),
                                             rupees=("ledger_amount_inr", "sum"), rupees_caught=("hit", "sum"))
    table.loc["all"] = [len(frauds), frauds["reviewed"].sum(), frauds["ledger_amount_inr"].sum(), frauds["hit"].sum()]
    table["recall"] = table["caught"] / table["cases"].replace(0, np.nan)
    return table.assign(share=table["cases"] / max(len(frauds), 1)).iloc[::-1]


def test_an_aggregating_performance_passes():
    lab06.performance.check(agg_performance)


def test_the_checks_window_is_the_projects():
    from upi_fraud.monitoring.config import WINDOW_DAYS

    assert cases.WINDOW_DAYS == WINDOW_DAYS


WINDOW = '(record["event_timestamp"] >= as_of - pd.Timedelta(days=days)) & '
REPORTS = 'reports[reports["reported_at"] < as_of]'
NAIVE = ('    window =', '    as_of = as_of.tz_localize(None)\n'
         '    record = record.assign(event_timestamp=record["event_timestamp"].dt.tz_localize(None))\n'
         '    reports = reports.assign(reported_at=reports["reported_at"].dt.tz_localize(None))\n    window =')


@pytest.mark.parametrize(
    ("substitutions", "message"),
    [
        ([(REPORTS, "reports")], "it counted a fraud reported after as_of: on as_of nobody knew it yet"),
        ([('reports["reported_at"] < as_of', 'reports["reported_at"] <= as_of')],
         "it counted a fraud reported exactly at as_of"),
        ([(WINDOW, "")], "it counted a fraud made more than 28 days before as_of"),
        ([('record["event_timestamp"] >= as_of', 'record["event_timestamp"] > as_of')],
         "it missed a fraud made exactly 28 days before as_of: the window includes its start"),
        ([('.drop_duplicates("txn_id")', "")], "it counted a payment reported twice as two frauds"),
        ([(f'{REPORTS}.sort_values("reported_at").drop_duplicates("txn_id")',
           'reports.drop_duplicates("txn_id").loc[lambda r: r["reported_at"] < as_of]')],
         "it missed a fraud reported before as_of and again after it"),
        ([("pd.Timedelta(days=days)", "pd.Timedelta(days=28)")], "it ignores `days`: the window is the `days` days"),
        ([(WINDOW, ""), (REPORTS, 'reports[(reports["reported_at"] < as_of) & (reports["reported_at"] >= as_of - '
                                  'pd.Timedelta(days=days))]')],
         "it picks the frauds by when they were reported"),
        ([NAIVE], "it compares clock faces without their zones: as_of is in IST and the record in UTC"),
        ([('table["cases"].where(table["cases"] > 0)', "len(window)")],
         "the recall divides by every payment in the window"),
        ([('table["cases"].where(table["cases"] > 0)', 'table["cases"].clip(lower=1)')],
         "the row all has no known fraud, so its recall is unknown: NaN, not 0"),
        ([(', "all": frauds', "")], "there is no row 'all'"),
        ([('rupees_caught=frauds["ledger_amount_inr"] * frauds["reviewed"]',
           'rupees_caught=frauds["ledger_amount_inr"]')],
         "rupees_caught is the amount of all the known frauds"),
        ([('caught=frauds["reviewed"].astype(int)', 'caught=frauds["alert"].astype(int)'),
          ('frauds["ledger_amount_inr"] * frauds["reviewed"]', 'frauds["ledger_amount_inr"] * frauds["alert"]')],
         "an alert the team did not review (its day's capacity was spent) caught nothing"),
        ([('"rupees": float(part["ledger_amount_inr"].sum())', '"rupees": float(part["amount_inr"].sum())')],
         "rupees adds the amounts the app sent (the record's amount_inr)"),
        ([('"caught": int(part["caught"].sum())',
           '"caught": int((window if name == "all" else part)["reviewed"].sum())')],
         "caught counts every alert in the window"),
        ([('    known =', '    reports.sort_values("reported_at", inplace=True)\n    known =')],
         "it changed the reports it was given"),
        ([('"rupees_caught"]]', '"rupees_caught"]].rename_axis("fraud_type").reset_index()')],
         "the fraud types are a column: index the table by fraud type"),
        ([(', "rupees_caught"]]', "]]")], "the table has no column rupees_caught"),
    ],
    ids=["hindsight", "reported-at-as-of", "no-window-start", "start-excluded", "twice", "dedupe-before-cut",
         "days-ignored", "window-on-reports", "naive-clock", "recall-over-payments", "recall-zero", "no-all",
         "rupees-caught-all", "caught-unreviewed", "rupees-as-sent", "caught-all-alerts", "mutates", "type-column",
         "missing-column"],
)
def test_each_performance_mistake_is_named(tmp_path, substitutions, message):
    with pytest.raises(ExerciseIncorrect, match=re.escape(message)):
        lab06.performance.check(_variant(tmp_path, "6.3", *substitutions))


def test_each_way_of_counting_wrongly_changes_the_first_record():
    what, record, reports, as_of, days = cases.performance_cases()[0]
    frauds = cases.known_frauds(record, reports, as_of, days)
    seen = {(len(frauds), frauds["ledger_amount_inr"].sum())}
    for mistake in set(cases.MISTAKES) - {"days_ignored"}:  # days=28 here; the second case is days=7
        wrong = cases.known_frauds(record, reports, as_of, days, (mistake,))
        seen.add((len(wrong), wrong["ledger_amount_inr"].sum()))
    assert len(seen) == len(cases.MISTAKES), what


def test_two_mistakes_at_once_are_both_named(tmp_path):
    with pytest.raises(ExerciseIncorrect, match=re.escape("it counted a fraud reported exactly at as_of")
                       + ".*" + re.escape("; and it counted a payment reported twice")):
        lab06.performance.check(_variant(tmp_path, "6.3", ('reports["reported_at"] < as_of',
                                                           'reports["reported_at"] <= as_of'),
                                         ('.drop_duplicates("txn_id")', "")))
