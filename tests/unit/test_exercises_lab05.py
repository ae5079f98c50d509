"""Lab 05's checks accept the right answers in their usual variants and name each typical mistake.

5.2, 5.4 and 5.8 are learner modules of the reference project (upi_fraud/validation/units.py,
validation/direction.py, ct/labels.py), 5.7 its pull-request workflow (.github/workflows/ci.yml); 5.1 and 5.3 (the
batch contract and its tests) have their own file, test_exercises_lab05_contract.py. The right answer is the reference file
itself; a typical wrong answer is the same file with one substitution, loaded as a module of its own
(reference_project.variant). 5.7's other workflows are the crafted texts of the cases module, written to a
temporary .github/workflows/. No server, no network.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import reference_project

from mlops_course.checks import ExerciseIncorrect, ExerciseNotDone
from mlops_course.exercises import _lab05_cases as cases
from mlops_course.exercises import _lab05_workflow, lab05

UNITS, DIRECTION, LABELS = ("src/upi_fraud/validation/units.py", "src/upi_fraud/validation/direction.py",
                            "src/upi_fraud/ct/labels.py")
WORKFLOW = ".github/workflows/ci.yml"
#: exercise -> (its reference file, the module a notebook passes to check, the function the check calls)
MODULES = {
    lab05.unit_change: (UNITS, "upi_fraud.validation.units", "unit_change"),
    lab05.direction: (DIRECTION, "upi_fraud.validation.direction", "direction_share"),
    lab05.label_cut: (LABELS, "upi_fraud.ct.labels", "known_as_of"),
}
FILES = {**{exercise: rel for exercise, (rel, _, _) in MODULES.items()}, lab05.workflow: WORKFLOW}
BY_ID = {exercise.id: exercise for exercise in FILES}


def _variant(tmp_path, exercise, *substitutions):
    """The exercise's reference function, its file with each (old, new) substituted."""
    rel, _, attr = MODULES[exercise]
    return getattr(reference_project.variant(tmp_path, rel, *substitutions), attr)


def _solution_lines(exercise):
    return [line.strip() for line in reference_project.block(FILES[exercise], exercise.id).lines if line.strip()]


def test_the_ids_and_titles_are_the_labs():
    assert [(e.id, e.title) for e in (lab05.unit_change, lab05.direction, lab05.label_cut, lab05.workflow)] == [
        ("5.2", "the unit-change data test"), ("5.4", "the directional behavioural test"),
        ("5.8", "the as-of label cut"), ("5.7", "the pull-request job")]


@pytest.mark.parametrize("ex_id", sorted(BY_ID))
def test_the_solution_shows_the_reference_files_block(capsys, ex_id):
    exercise = BY_ID[ex_id]
    exercise.solution()
    code = reference_project.block(FILES[exercise], ex_id).code
    assert capsys.readouterr().out == f"Solution for exercise {ex_id}:\n\n{code.rstrip()}\n"


@pytest.mark.parametrize("ex_id", ["5.2", "5.4", "5.8"])
def test_the_solution_block_is_inside_the_checked_function(ex_id):
    exercise = BY_ID[ex_id]
    rel, _, attr = MODULES[exercise]
    body = [line.strip() for line in reference_project.function_text(rel, attr).splitlines()]
    assert all(line in body for line in _solution_lines(exercise)), attr


@pytest.mark.parametrize("ex_id", sorted(BY_ID))
def test_the_hints_come_in_three_steps(ex_id):
    assert len(BY_ID[ex_id].hints) == 3


@pytest.mark.parametrize("ex_id", sorted(BY_ID))
def test_the_hints_hold_less_than_half_the_solution(ex_id):
    exercise = BY_ID[ex_id]
    lines = _solution_lines(exercise)
    held = [line for line in lines if any(line in step for step in exercise.hints)]
    assert lines and len(held) < len(lines) / 2, held


@pytest.mark.parametrize(("ex_id", "said"), [("5.2", "crafted batches"), ("5.4", "crafted models"),
                                             ("5.8", "crafted cuts")])
def test_given_its_module_name_the_check_imports_the_reference_and_passes_it(capsys, ex_id, said):
    exercise = BY_ID[ex_id]
    exercise.check(MODULES[exercise][1])
    assert said in capsys.readouterr().out


@pytest.mark.parametrize("ex_id", ["5.2", "5.4", "5.8"])
def test_the_generated_labs_stub_means_not_done(tmp_path, ex_id):
    exercise = BY_ID[ex_id]
    rel, _, attr = MODULES[exercise]
    stub = reference_project.lab_stub(tmp_path, rel)
    with pytest.raises(ExerciseNotDone, match=re.escape(ex_id)):
        exercise.check(getattr(stub, attr))


def test_a_module_that_does_not_exist_is_named_with_the_file_that_writes_it():
    with pytest.raises(ExerciseIncorrect, match=re.escape(
            "there is no module upi_fraud.validation.nowhere: run the %%writefile cell that writes "
            "project/src/upi_fraud/validation/nowhere.py")):
        lab05.unit_change.check("upi_fraud.validation.nowhere")


def test_a_module_without_the_function_is_named_by_its_file():
    with pytest.raises(ExerciseIncorrect, match=re.escape(
            "project/src/upi_fraud/validation/direction.py has no function unit_change: keep the name the exercise "
            "gives")):
        lab05.unit_change.check("upi_fraud.validation.direction")


# ---------------------------------------------------------------- 5.2


def series_unit_change(batch, reference, factor=10.0, min_rows=20):
    """Another right answer: default groupby on the category (unused versions included), a Series out."""
    med = batch.groupby("app_version", observed=False)["amount_inr"].median() / reference["amount_inr"].median()
    size = batch["app_version"].value_counts()
    med = med[size.reindex(med.index).fillna(0) >= min_rows]
    return med[(med >= factor) | (med <= 1 / factor)]


def loop_unit_change(batch, reference, factor=10.0, min_rows=20):
    """Another right answer: a plain loop over the versions present."""
    usual = np.median(reference["amount_inr"].to_numpy())
    out = {}
    for version in set(batch["app_version"].astype(str)):
        amounts = batch.loc[batch["app_version"].astype(str) == version, "amount_inr"].to_numpy()
        ratio = np.median(amounts) / usual
        if len(amounts) >= min_rows and (ratio >= factor or ratio * factor <= 1):
            out[version] = ratio
    return out


@pytest.mark.parametrize("answer", [series_unit_change, loop_unit_change], ids=["series", "loop"])
def test_other_right_unit_changes_pass(answer):
    lab05.unit_change.check(answer)


GROUPS = 'batch.groupby(batch["app_version"].astype(str), observed=True)["amount_inr"].agg(["median", "size"])'


@pytest.mark.parametrize(
    ("substitutions", "message"),
    [
        ([(GROUPS, 'batch.assign(m=batch["amount_inr"].median()).groupby(batch["app_version"].astype(str), '
                   'observed=True)["m"].agg(["median", "size"])')],
         "it missed 5.7.0, whose median is 100x the usual: the whole batch's median stays normal"),
        ([('agg(["median", "size"])', 'agg(["mean", "size"])'), ('"median"] / usual', '"mean"] / usual')],
         "the ratio for 5.7.0 is 183.3, from a mean: a few huge payments move a mean; use medians"),
        ([("(ratio >= factor) | (ratio <= 1 / factor)", "ratio >= factor")],
         "it missed 4.9.0, whose amounts are 100 times too small: a unit change goes both ways"),
        ([('groups.loc[groups["size"] >= min_rows, "median"]', 'groups["median"]')],
         "it flagged 5.8.0, which has only 5 payments: with fewer than min_rows (20) a median says little"),
        ([('groups["size"] >= min_rows', 'groups["size"] > min_rows')],
         "it missed 5.9.0, which has exactly min_rows (20) payments: at least min_rows counts (size >= min_rows)"),
        ([("ratio >= factor", "ratio > factor")],
         "it missed 5.4.0, whose median is exactly 10x the usual: the contract flags ratio >= factor or ratio <= "
         "1/factor, the bounds included"),
        ([("ratio >= factor", "ratio >= 10.0"), ("ratio <= 1 / factor", "ratio <= 0.1")],
         "it flagged 5.5.0, whose median is 20x the usual: within the factor (1/50x to 50x)"),
        ([('ratio = groups.loc[groups["size"] >= min_rows, "median"] / usual',
           'ratio = usual / groups.loc[groups["size"] >= min_rows, "median"]')],
         "the ratio for 5.7.0 is upside down"),
        ([("    usual =", '    batch["app_version"] = batch["app_version"].astype(str)\n    usual =')],
         "it changed the frame it was given"),
        ([("return {str(version): float(r) for version, r in flagged.items()}", "return list(flagged.index)")],
         "unit_change returned list: return a dict {app_version: ratio}"),
    ],
    ids=["batch-median", "mean", "upward-only", "tiny-groups", "more-than-min-rows", "more-than-factor",
         "typed-in-factor", "upside-down", "mutates", "list"],
)
def test_each_unit_change_mistake_is_named(tmp_path, substitutions, message):
    with pytest.raises(ExerciseIncorrect, match=re.escape(message)):
        lab05.unit_change.check(_variant(tmp_path, lab05.unit_change, *substitutions))


def test_the_huge_payments_case_has_one_version_whose_mean_alone_is_a_unit_change():
    batch, reference = cases.unit_change_cases()[2][1:3]
    stats = batch.groupby(batch["app_version"].astype(str), observed=True)["amount_inr"].agg(["mean", "size"])
    ratio = stats.loc[stats["size"] >= 20, "mean"] / reference["amount_inr"].median()
    assert set(ratio[(ratio >= 10) | (ratio <= 0.1)].index) == {"5.5.1"}


def test_three_huge_payments_in_a_version_are_not_a_unit_change():
    def flags_by_mean(batch, reference, factor=10.0, min_rows=20):  # medians for the ratios, means to pick versions
        stats = batch.groupby(batch["app_version"].astype(str), observed=True)["amount_inr"].agg(["mean", "size"])
        ratio = stats.loc[stats["size"] >= min_rows, "mean"] / reference["amount_inr"].median()
        by_mean = ratio[(ratio >= factor) | (ratio <= 1 / factor)].to_dict()
        return {**by_mean, **loop_unit_change(batch, reference, factor=factor, min_rows=min_rows)}

    with pytest.raises(ExerciseIncorrect, match="it flagged 5.5.1, whose median is 1.22x the usual: a few "
                                                "legitimately huge payments pull its mean"):
        lab05.unit_change.check(flags_by_mean)


# ---------------------------------------------------------------- 5.4


def series_direction(predict, X):
    """Another right answer: assign() for the twin, pandas Series aligned on X's index."""
    changes = {c: v for c, v in {"new_device": 1, "hour_ist": 2, "new_payee": 1.0}.items() if c in X}
    changes.update({c: X[c] * 5 for c in ("amount_inr", "amount_vs_7d_avg") if c in X})
    before = pd.Series(np.asarray(predict(X), float), index=X.index)
    after = pd.Series(np.asarray(predict(X.assign(**changes)), float), index=X.index)
    return (after > before).mean()  # a numpy float


def test_an_assign_variant_of_direction_passes():
    lab05.direction.check(series_direction)


RISKIER = "RISKIER.items()"  # the learner's own table of the riskier values, in place of behaviour.RISKIER


@pytest.mark.parametrize(
    ("substitutions", "message"),
    [
        ([("after > before", "after >= before")], "it counts rows whose twin scores the same"),
        ([(RISKIER, '{"new_device": 1, "hour_ist": 14, "new_payee": 1.0}.items()')],
         "the twin's hour_ist is 14: not a night hour in IST (0 to 4); use 2"),
        ([(RISKIER, '{"new_device": 1, "hour_ist": 20, "new_payee": 1.0}.items()')],
         "the twin's hour_ist is 20: not a night hour in IST (0 to 4) (20 and 21 are the UTC hours of 02:00 IST)"),
        ([("float(np.mean(after > before))", "float(after.mean() > before.mean())")],
         "compare each row's score with its own twin's, not the mean scores"),
        ([("twin[column] = twin[column] * AMOUNT_FACTOR", "twin[column] = pd.Series(X[column].to_numpy() * 5.0)")],
         "the twin has NaN where X has values: a column built without X's index aligns by label"),
        ([("twin = X.copy()", "twin = X")], "it changed X: `twin = X` is a second name for the same frame"),
        ([(RISKIER, '{"new_device": 1, "hour_ist": 2}.items()')], "the twin's new_payee should be 1.0 on every row"),
        ([('("amount_inr", "amount_vs_7d_avg")', '("amount_inr",)')], "the twin's amount_vs_7d_avg should be 5 times"),
        ([("twin = X.copy()", "twin = X.copy()[sorted(X.columns)]")],
         "predict was called with the columns ['amount_inr', 'channel'"),
        ([("        if column in twin:\n            twin[column] = value", "        twin[column] = value")],
         "predict was called with the columns"),
        ([("twin = X.copy()", "twin = X.reset_index(drop=True)"),
          ("np.asarray(predict(X), float), np.asarray(predict(twin), float)", "predict(X), predict(twin)")],
         "compare numpy arrays, np.asarray(...)"),
        ([("return float(np.mean(after > before))", "return int((after > before).sum())")],
         "a share lies between 0 and 1"),
    ],
    ids=["greater-or-equal", "day-hour", "utc-hour", "mean-scores", "misaligned", "mutates", "no-new-payee",
         "no-ratio", "column-order", "adds-columns", "series-index", "count"],
)
def test_each_direction_mistake_is_named(tmp_path, substitutions, message):
    with pytest.raises(ExerciseIncorrect, match=re.escape(message)):
        lab05.direction.check(_variant(tmp_path, lab05.direction, *substitutions))


def test_a_function_that_never_builds_a_twin_is_told_so():
    with pytest.raises(ExerciseIncorrect, match="predict never saw a riskier twin"):
        lab05.direction.check(lambda predict, X: float(np.mean(np.asarray(predict(X)) > 0)))


def test_the_night_case_expects_the_share_of_rows_not_at_night():
    x = cases.model_inputs()
    assert (~x["hour_ist"].isin(lab05.NIGHT)).mean() == 0.7


def test_the_checks_riskier_twin_is_the_projects():
    """The twin the check compares with changes what behaviour.py's RISKIER and AMOUNT_FACTOR say."""
    from upi_fraud.validation.behaviour import AMOUNT_FACTOR, RISKIER

    x = cases.model_inputs().assign(new_payee=0.0, amount_vs_7d_avg=1.5)  # feature set v2's columns too
    twin = lab05._riskier(x)
    assert {column: twin[column].unique().tolist() for column in RISKIER} == {c: [v] for c, v in RISKIER.items()}
    for column in ("amount_inr", "amount_vs_7d_avg"):
        assert np.allclose(twin[column], x[column] * AMOUNT_FACTOR), column


# ---------------------------------------------------------------- 5.8


def numpy_known(tx, as_of):
    """Another right answer: as_of in UTC first, int8 labels from np.where."""
    at = as_of.tz_convert("UTC")
    made = tx.loc[tx["event_timestamp"] < at]
    known = (made["is_fraud"] == 1) & made["label_available_at"].lt(at).fillna(False)
    return pd.Series(np.where(known, 1, 0).astype("int8"), index=made.index, name="label")


def test_a_numpy_label_cut_with_int8_labels_passes():
    lab05.label_cut.check(numpy_known)


@pytest.mark.parametrize("substitutions", [
    [("known.astype(int)", "known")],  # bool labels: documented as fine
    [('made["is_fraud"].astype(bool) & ', "")],  # label_available_at is NaT for every legitimate payment
], ids=["bool-labels", "report-date-alone"])
def test_other_right_label_cuts_pass(tmp_path, substitutions):
    lab05.label_cut.check(_variant(tmp_path, lab05.label_cut, *substitutions))


NAIVE = [('tx["event_timestamp"] < as_of', 'tx["event_timestamp"].dt.tz_localize(None) < as_of.tz_localize(None)'),
         ('made["label_available_at"] < as_of',
          'made["label_available_at"].dt.tz_localize(None) < as_of.tz_localize(None)')]


@pytest.mark.parametrize(
    ("substitutions", "message"),
    [
        ([(' & (made["label_available_at"] < as_of)', "")],
         "it labelled 1 a fraud reported after as_of: that label arrives after as_of: training on it is leakage "
         "from the future"),
        ([('made["label_available_at"] < as_of', 'made["label_available_at"] <= as_of')],
         "it labelled 1 a fraud reported exactly at as_of: known means reported strictly before as_of"),
        ([('tx["event_timestamp"] < as_of', 'tx["event_timestamp"] <= as_of')],
         "it kept a payment made exactly at as_of: a payment at as_of is not before it (strictly <)"),
        (NAIVE, "it kept a payment made at 20:00 UTC, after as_of (00:00 IST): compare aware timestamps"),
        ([('tx[tx["event_timestamp"] < as_of]', 'tx[tx["label_available_at"] < as_of]')],
         "it dropped legitimate payments: their label_available_at is NaT"),
        ([(' & (made["label_available_at"] < as_of)', ' & made["label_available_at"].notna()')],
         "it labelled 1 a fraud reported after as_of"),
        ([('made["is_fraud"].astype(bool) & (made["label_available_at"] < as_of)', 'made["amount_inr"] > 0')],
         "it labelled a legitimate payment 1"),
        ([("known.astype(int)", "known.astype(float)")], "the labels are float64: return ints 0/1"),
        ([('.rename("label")', "")], "the Series is named None: name it 'label'"),
        ([('.rename("label")', '.rename("label").reset_index(drop=True)')],
         "the labels are not on the payments' own index: keep tx's index"),
        ([("    made =", '    tx["label_available_at"] = tx["label_available_at"].fillna(as_of)\n    made =')],
         "it changed tx"),
        ([('return known.astype(int).rename("label")', 'return known.astype(int).rename("label").to_frame()')],
         "known_as_of returned a DataFrame"),
    ],
    ids=["is-fraud", "reported-at-as-of", "made-at-as-of", "naive-clock", "filters-labels", "notna", "all-ones",
         "floats", "unnamed", "reset-index", "mutates", "frame"],
)
def test_each_label_cut_mistake_is_named(tmp_path, substitutions, message):
    with pytest.raises(ExerciseIncorrect, match=re.escape(message)):
        lab05.label_cut.check(_variant(tmp_path, lab05.label_cut, *substitutions))


def test_the_label_cases_hold_every_edge():
    for _, tx, as_of, want in cases.label_cases():
        made = tx["event_timestamp"]
        assert (made == as_of).any() and (tx["label_available_at"] == as_of).any()
        assert (tx["label_available_at"].isna() & (tx["is_fraud"] == 1)).any() and want.sum() == 2
        assert not isinstance(tx.index, pd.RangeIndex) and len(want) < len(tx)


# ---------------------------------------------------------------- 5.7


def _written(tmp_path, text, name="ci.yml"):
    path = tmp_path / "project" / ".github" / "workflows" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_the_reference_workflow_passes(capsys):
    lab05.workflow.check(reference_project.path(WORKFLOW))
    assert "job 'checks' checks out the code, sets up Python 3.11 and runs make ci" in capsys.readouterr().out


@pytest.mark.parametrize("name", sorted(cases.RIGHT_WORKFLOWS))
def test_the_right_workflows_pass(tmp_path, capsys, name):
    lab05.workflow.check(_written(tmp_path, cases.RIGHT_WORKFLOWS[name]))
    assert "runs make ci" in capsys.readouterr().out


WORKFLOW_MISTAKES = [
    ("no-runs-on", "GitHub's workflow schema refuses it: at $.jobs.test, 'runs-on' is a required property."),
    ("make-test", "it runs `make test`; the pull-request gate is `make ci`"),
    ("no-checkout", "the runner starts empty: check out the repository first"),
    ("checkout-late", "the checkout comes after make ci, and steps run in order: the runner starts empty"),
    ("push-only", "it runs only on push: a pull request gets no check before it is merged"),
    ("unquoted-3.10", "python-version is the number 3.1: YAML reads an unquoted version as a number"),
    ("unquoted-3.11", "python-version is the number 3.11, not the text \"3.11\""),
    ("other-python", "python-version is '3.12': test with the course's Python, \"3.11\""),
    ("no-setup-python", "no actions/setup-python step before make ci"),
    ("pull-request-target", "pull_request_target runs the base branch's workflow"),
    ("skipped-on-pr", "job 'test' runs make ci, but its `if` skips it on pull requests"),
    ("run-and-uses", "a step either uses an action (uses) or runs a command (run), not both"),
    ("tabs", "the file is not valid YAML: found character '\\t' that cannot start any token (line 8)"),
    ("no-install", "nothing installs the project's dependencies before make ci: setup-python gives a bare Python"),
    ("install-after-ci", "the install comes after make ci, and steps run in order"),
    ("install-before-python", "the install comes before actions/setup-python, so it installs into the runner's own"),
    ("install-no-r", "`pip install requirements.txt` looks for a package named requirements.txt"),
    ("install-a-tool-only", "nothing installs the project's dependencies before make ci"),
]


@pytest.mark.parametrize(("name", "message"), WORKFLOW_MISTAKES)
def test_each_workflow_mistake_is_named(tmp_path, name, message):
    with pytest.raises(ExerciseIncorrect, match=re.escape(message)):
        lab05.workflow.check(_written(tmp_path, cases.WRONG_WORKFLOWS[name]))


def test_every_crafted_wrong_workflow_has_its_test():
    assert {name for name, _ in WORKFLOW_MISTAKES} == set(cases.WRONG_WORKFLOWS)


def test_the_schema_error_is_the_one_check_jsonschema_reports():
    """The bundled schema, read in-process, finds what `check-jsonschema --builtin-schema` finds (its best match)."""
    doc = {"on": "pull_request", "jobs": {"test": {"steps": [{"run": "make ci"}]}}}
    assert _lab05_workflow.schema_error(doc) == ("GitHub's workflow schema refuses it: at $.jobs.test, 'runs-on' is "
                                                 "a required property")


def test_an_unknown_event_is_not_a_name_github_knows():
    doc = {"on": ["pull_requests"], "jobs": {"test": {"runs-on": "ubuntu-latest", "steps": [{"run": "make ci"}]}}}
    assert "'pull_requests' is not a name GitHub knows" in _lab05_workflow.schema_error(doc)


def test_make_targets_read_flags_variables_and_chains():
    assert _lab05_workflow.make_targets("cd . && DATA_SIZE=ci make -j2 ci V=1; make -C docs html") == [["ci"], ["html"]]


def test_make_as_an_argument_is_not_a_make_command():
    assert _lab05_workflow.make_targets("echo make ci") == []


def test_an_echoed_install_installs_nothing(tmp_path):
    text = cases.workflow_variant(("- run: pip install -r requirements.txt", "- run: echo pip install -r requirements.txt"))
    with pytest.raises(ExerciseIncorrect, match=re.escape("nothing installs the project's dependencies before make ci")):
        lab05.workflow.check(_written(tmp_path, text))


def test_a_missing_workflow_file_is_explained(tmp_path):
    with pytest.raises(ExerciseIncorrect, match="there is no file at"):
        lab05.workflow.check(tmp_path / "project" / ".github" / "workflows" / "ci.yml")


def test_a_workflow_outside_github_workflows_is_explained(tmp_path):
    outside = tmp_path / "ci.yml"
    outside.write_text(reference_project.text(WORKFLOW))
    with pytest.raises(ExerciseIncorrect, match=re.escape("is not in .github/workflows/")):
        lab05.workflow.check(str(outside))


def test_the_generated_labs_workflow_stub_means_not_done(tmp_path):
    with pytest.raises(ExerciseNotDone, match=re.escape("5.7")):
        lab05.workflow.check(_written(tmp_path, reference_project.stubbed(WORKFLOW)))
