"""Lab 05's checks accept the right answers in their usual variants and name each typical mistake.

5.1 to 5.3 are pieces of the learner's project files (data_checks.py, behaviour.py, ct.py). Those files import
most of the project (ct.py trains and registers), so the reference answers are here, as small modules, and a test
pins them to the solution notebook's answers; a wrong variant is the reference with one substitution, imported
from a temporary folder like lab 04's. 5.4's workflows
are the crafted texts of the cases module, written to a temporary .github/workflows/. No server, no network.
"""

from __future__ import annotations

import importlib.util
import itertools
import re
import sys

import numpy as np
import pandas as pd
import pytest

from mlops_course import labgen, notebooks
from mlops_course.checks import ExerciseIncorrect, ExerciseNotDone
from mlops_course.exercises import _lab05_cases as cases
from mlops_course.exercises import _lab05_workflow, lab05

_names = itertools.count()

REFERENCE = {
    "data_checks.py": '''import pandas as pd


def unit_change(batch, reference, factor=10.0, min_rows=20):
    usual = float(reference["amount_inr"].median())
    groups = batch.groupby(batch["app_version"].astype(str), observed=True)["amount_inr"].agg(["median", "size"])
    ratio = groups.loc[groups["size"] >= min_rows, "median"] / usual
    flagged = ratio[(ratio >= factor) | (ratio <= 1 / factor)]
    return {str(version): float(r) for version, r in flagged.items()}
''',
    "behaviour.py": '''import numpy as np
import pandas as pd

RISKIER = {"new_device": 1, "hour_ist": 2, "new_payee": 1.0}
AMOUNT_FACTOR = 5.0


def direction_share(predict, X):
    twin = X.copy()
    for column, value in RISKIER.items():
        if column in twin:
            twin[column] = value
    for column in ("amount_inr", "amount_vs_7d_avg"):
        if column in twin:
            twin[column] = twin[column] * AMOUNT_FACTOR
    before, after = np.asarray(predict(X), float), np.asarray(predict(twin), float)
    return float(np.mean(after > before))
''',
    "ct.py": '''def known_as_of(tx, as_of):
    made = tx[tx["event_timestamp"] < as_of]
    known = made["is_fraud"].astype(bool) & (made["label_available_at"] < as_of)
    return known.astype(int).rename("label")
''',
}
ATTR = {"data_checks.py": "unit_change", "behaviour.py": "direction_share", "ct.py": "known_as_of"}


def _module(tmp_path, name, *substitutions):
    """The reference file `name` with substitutions (old, new), imported from its text as a module."""
    text = REFERENCE[name]
    for old, new in substitutions:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / f"lab05_{name[:-3]}_{next(_names)}.py"
    path.write_text(text)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


def _reference(tmp_path, name, *substitutions):
    return getattr(_module(tmp_path, name, *substitutions), ATTR[name])


def _body(text):
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith(("import", "def"))]


@pytest.mark.parametrize("name", sorted(REFERENCE))
def test_the_reference_answers_are_the_solution_notebooks(name):
    text = notebooks.written_file("05_ci_for_ml.ipynb", name)
    block = text.split("### BEGIN SOLUTION", 1)[1].split("### END SOLUTION", 1)[0]
    solution = [line.strip() for line in block.splitlines()[1:] if line.strip()]
    assert solution and all(line in _body(REFERENCE[name]) for line in solution), solution


@pytest.mark.parametrize(("text", "exercise"), [(REFERENCE["data_checks.py"], lab05.unit_change),
                                                (REFERENCE["behaviour.py"], lab05.direction),
                                                (REFERENCE["ct.py"], lab05.label_cut),
                                                (cases.RIGHT_WORKFLOW, lab05.workflow)],
                         ids=["5.1", "5.2", "5.3", "5.4"])
def test_the_hints_come_in_three_steps_and_hold_less_than_half_the_solution(text, exercise):
    lines = _body(text)
    held = [line for line in lines if any(line in step for step in exercise.hints)]
    assert len(exercise.hints) == 3
    assert len(held) < len(lines) / 2, held


def test_the_ids_and_titles_are_the_labs():
    assert [(e.id, e.title) for e in (lab05.unit_change, lab05.direction, lab05.label_cut, lab05.workflow)] == [
        ("5.1", "the unit-change data test"), ("5.2", "the directional behavioural test"),
        ("5.3", "the as-of label cut"), ("5.4", "the pull-request job")]


@pytest.mark.parametrize(("name", "exercise"), [("data_checks.py", lab05.unit_change),
                                                ("behaviour.py", lab05.direction), ("ct.py", lab05.label_cut)],
                         ids=["5.1", "5.2", "5.3"])
def test_given_a_module_name_the_check_imports_it_and_its_stub_means_not_done(tmp_path, monkeypatch, name, exercise):
    body = REFERENCE[name]
    marked = body.replace("\n    ", "\n    ### BEGIN SOLUTION X\n    ", 1).rstrip("\n") + "\n    ### END SOLUTION\n"
    stub, ids = labgen.stub_out(f"%%writefile project/{name}\n" + marked.replace("SOLUTION X", f"SOLUTION {exercise.id}"))
    assert ids == [exercise.id]
    monkeypatch.syspath_prepend(str(tmp_path))
    right, stubbed = f"lab05_right_{name[:-3]}", f"lab05_stub_{name[:-3]}"
    (tmp_path / f"{right}.py").write_text(body)
    assert "Right on" in exercise._checker(right)
    (tmp_path / f"{stubbed}.py").write_text(stub.partition("\n")[2])
    with pytest.raises(ExerciseNotDone, match=re.escape(exercise.id)):
        exercise.check(stubbed)
    with pytest.raises(ExerciseIncorrect, match="there is no module lab05_nowhere"):
        exercise.check("lab05_nowhere")


# ---------------------------------------------------------------- 5.1


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


def test_the_reference_a_series_and_a_loop_pass(tmp_path, capsys):
    lab05.unit_change.check(_reference(tmp_path, "data_checks.py"))
    lab05.unit_change.check(series_unit_change)
    lab05.unit_change.check(loop_unit_change)
    assert "crafted batches" in capsys.readouterr().out


GROUPS = 'batch.groupby(batch["app_version"].astype(str), observed=True)["amount_inr"].agg(["median", "size"])'


@pytest.mark.parametrize(
    ("substitutions", "message"),
    [
        ([(GROUPS, GROUPS.replace('["amount_inr"]', '["m"]').replace("batch.groupby", 'batch.assign(m=batch["amount_inr"]'
                                                                      '.median()).groupby'))],
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
        lab05.unit_change.check(_reference(tmp_path, "data_checks.py", *substitutions))


def test_three_huge_payments_in_a_version_are_not_a_unit_change():
    def mean_of_version(batch, reference, factor=10.0, min_rows=20):
        stats = batch.groupby(batch["app_version"].astype(str), observed=True)["amount_inr"].agg(["mean", "size"])
        ratio = stats.loc[stats["size"] >= min_rows, "mean"] / reference["amount_inr"].median()
        return ratio[(ratio >= factor) | (ratio <= 1 / factor)].to_dict()

    def flags_by_mean(batch, reference, **kwargs):  # medians for the ratios, means to pick the versions
        right = loop_unit_change(batch, reference, **kwargs)
        return {**mean_of_version(batch, reference, **kwargs), **right}

    batch, reference = cases.unit_change_cases()[2][1:3]
    assert set(mean_of_version(batch, reference)) == {"5.5.1"}  # the case does what it says
    with pytest.raises(ExerciseIncorrect, match="it flagged 5.5.1, whose median is 1.22x the usual: a few "
                                                "legitimately huge payments pull its mean"):
        lab05.unit_change.check(flags_by_mean)


# ---------------------------------------------------------------- 5.2


def series_direction(predict, X):
    """Another right answer: assign() for the twin, pandas Series aligned on X's index."""
    changes = {c: v for c, v in {"new_device": 1, "hour_ist": 2, "new_payee": 1.0}.items() if c in X}
    changes.update({c: X[c] * 5 for c in ("amount_inr", "amount_vs_7d_avg") if c in X})
    before = pd.Series(np.asarray(predict(X), float), index=X.index)
    after = pd.Series(np.asarray(predict(X.assign(**changes)), float), index=X.index)
    return (after > before).mean()  # a numpy float


def test_the_reference_and_an_assign_variant_pass(tmp_path, capsys):
    lab05.direction.check(_reference(tmp_path, "behaviour.py"))
    lab05.direction.check(series_direction)
    assert "crafted models" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("substitutions", "message"),
    [
        ([("after > before", "after >= before")], "it counts rows whose twin scores the same"),
        ([('"hour_ist": 2', '"hour_ist": 14')], "the twin's hour_ist is 14: not a night hour in IST (0 to 4); use 2"),
        ([('"hour_ist": 2', '"hour_ist": 20')], "the twin's hour_ist is 20: not a night hour in IST (0 to 4) (20 and "
                                                "21 are the UTC hours of 02:00 IST)"),
        ([("float(np.mean(after > before))", "float(after.mean() > before.mean())")],
         "compare each row's score with its own twin's, not the mean scores"),
        ([('twin[column] = twin[column] * AMOUNT_FACTOR', 'twin[column] = pd.Series(X[column].to_numpy() * 5.0)')],
         "the twin has NaN where X has values: a column built without X's index aligns by label"),
        ([("twin = X.copy()", "twin = X")], "it changed X: `twin = X` is a second name for the same frame"),
        ([(', "new_payee": 1.0', "")], "the twin's new_payee should be 1.0 on every row"),
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
        lab05.direction.check(_reference(tmp_path, "behaviour.py", *substitutions))


def test_a_function_that_never_builds_a_twin_is_told_so():
    with pytest.raises(ExerciseIncorrect, match="predict never saw a riskier twin"):
        lab05.direction.check(lambda predict, X: float(np.mean(np.asarray(predict(X)) > 0)))


def test_the_night_case_expects_the_share_of_rows_not_at_night():
    x = cases.model_inputs()
    assert (~x["hour_ist"].isin(lab05.NIGHT)).mean() == 0.7


# ---------------------------------------------------------------- 5.3


def numpy_known(tx, as_of):
    """Another right answer: as_of in UTC first, int8 labels from np.where."""
    at = as_of.tz_convert("UTC")
    made = tx.loc[tx["event_timestamp"] < at]
    known = (made["is_fraud"] == 1) & made["label_available_at"].lt(at).fillna(False)
    return pd.Series(np.where(known, 1, 0).astype("int8"), index=made.index, name="label")


def test_the_reference_int8_and_bool_labels_pass(tmp_path, capsys):
    lab05.label_cut.check(_reference(tmp_path, "ct.py"))
    lab05.label_cut.check(numpy_known)
    lab05.label_cut.check(_reference(tmp_path, "ct.py", ("known.astype(int)", "known")))  # bool: documented as fine
    # label_available_at is NaT for every legitimate payment, so the date alone is right too
    lab05.label_cut.check(_reference(tmp_path, "ct.py", ('made["is_fraud"].astype(bool) & ', "")))
    assert "crafted cuts" in capsys.readouterr().out


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
        lab05.label_cut.check(_reference(tmp_path, "ct.py", *substitutions))


def test_the_label_cases_hold_every_edge():
    for _, tx, as_of, want in cases.label_cases():
        made = tx["event_timestamp"]
        assert (made == as_of).any() and (tx["label_available_at"] == as_of).any()
        assert (tx["label_available_at"].isna() & (tx["is_fraud"] == 1)).any() and want.sum() == 2
        assert not isinstance(tx.index, pd.RangeIndex) and len(want) < len(tx)


# ---------------------------------------------------------------- 5.4


def _written(tmp_path, text, name="ci.yml"):
    path = tmp_path / "project" / ".github" / "workflows" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


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
    assert "'pull_requests' is not a name GitHub knows" in _lab05_workflow.schema_error({**doc, "on": ["pull_requests"]})


def test_make_targets_read_flags_variables_and_chains():
    assert _lab05_workflow.make_targets("cd . && DATA_SIZE=ci make -j2 ci V=1; make -C docs html") == [["ci"], ["html"]]
    assert _lab05_workflow.make_targets("echo make ci") == []


def test_a_missing_file_a_file_outside_workflows_and_the_stub_are_explained(tmp_path):
    with pytest.raises(ExerciseIncorrect, match="there is no file at"):
        lab05.workflow.check(tmp_path / "project" / ".github" / "workflows" / "ci.yml")
    outside = tmp_path / "ci.yml"
    outside.write_text(cases.RIGHT_WORKFLOW)
    with pytest.raises(ExerciseIncorrect, match=re.escape("is not in .github/workflows/")):
        lab05.workflow.check(str(outside))
    marked = cases.RIGHT_WORKFLOW.replace("    steps:\n", "    steps:\n      ### BEGIN SOLUTION 5.4\n") + \
        "      ### END SOLUTION\n"
    stub, ids = labgen.stub_out("%%writefile project/.github/workflows/ci.yml\n" + marked)
    assert ids == ["5.4"]
    with pytest.raises(ExerciseNotDone, match="5.4"):
        lab05.workflow.check(_written(tmp_path, stub.partition("\n")[2]))
