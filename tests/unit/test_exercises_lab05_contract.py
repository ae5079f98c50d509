"""Exercises 5.1 (the pandera batch contract) and 5.3 (the tests that prove it bites): right answers pass, and
each typical mistake is named.

5.1's wrong answers are the reference batch_contract.py with one substitution, loaded as a module of its own;
the check validates crafted batches in-process. 5.3's check runs a test file in a fresh interpreter on the
reference project and with thirteen faulty contracts (_bite.py, about seven seconds a file): those runs are in
tests/integration/test_lab05_contract_bites.py; here, the verdict's sentences on given outcomes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import reference_project

from mlops_course.checks import ExerciseIncorrect, ExerciseNotDone, Wrong
from mlops_course.exercises import _lab05_contract, lab05
from mlops_course.exercises._bite import Outcome, verdict

CONTRACT = "src/upi_fraud/validation/batch_contract.py"
TESTS = "tests/test_contract.py"


def _solution_lines(rel: str, ex_id: str) -> list[str]:
    return [line.strip() for line in reference_project.block(rel, ex_id).lines if line.strip()]


@pytest.mark.parametrize(("exercise", "rel", "ex_id", "title"), [
    (lab05.batch_contract, CONTRACT, "5.1", "the batch contract in pandera"),
    (lab05.contract_tests, TESTS, "5.3", "tests that prove the contract bites"),
])
def test_ids_titles_and_hints_in_three_steps_holding_under_half_the_solution(exercise, rel, ex_id, title):
    assert (exercise.id, exercise.title, len(exercise.hints)) == (ex_id, title, 3)
    lines = _solution_lines(rel, ex_id)
    held = [line for line in lines if any(line in step for step in exercise.hints)]
    assert lines and len(held) < len(lines) / 2, held


# ---------------------------------------------------------------- 5.1


def test_the_reference_contract_passes_by_module_name(capsys):
    lab05.batch_contract.check("upi_fraud.validation.batch_contract")
    assert "each of 14 broken batches fails naming its column" in capsys.readouterr().out


@pytest.mark.parametrize("substitutions", [
    [("pa.Check.in_range(0.01, story.P2M_LIMIT_INR)", "[pa.Check.ge(0.01), pa.Check.le(story.P2M_LIMIT_INR)]")],
    [("pa.Check.isin(CHANNELS)", "pa.Check.isin(list(CHANNELS))"), ("strict=False", "strict=\"filter\"")],
    [('pa.Column(str, unique=True)', 'pa.Column("str", unique=True, nullable=False)')],
])
def test_right_variants_pass(tmp_path, capsys, substitutions):
    lab05.batch_contract.check(reference_project.variant(tmp_path, CONTRACT, *substitutions).SCHEMA)
    assert "Right" in capsys.readouterr().out


def test_the_contracts_lab_stub_is_not_done(tmp_path, monkeypatch):
    (tmp_path / "stub_contract.py").write_text(reference_project.stubbed(CONTRACT))
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ExerciseNotDone, match=re.escape("5.1")):
        lab05.batch_contract.check("stub_contract")


@pytest.mark.parametrize(("substitutions", "message"), [
    ([(", coerce=True", "")], "your SCHEMA refuses a clean batch: city_tier fails"),
    ([("strict=False", "strict=True")], "your SCHEMA refuses a clean batch: payment batch fails column_in_schema"),
    ([(", nullable=True", "")], "your SCHEMA refuses a clean batch: device_os fails not_nullable"),
    ([('pd.DatetimeTZDtype(tz="UTC")', '"datetime64[ns]"')], "refuses a clean batch: event_timestamp fails"),
    ([("in_range(0.01, story.P2M_LIMIT_INR)", "in_range(0.01, story.P2M_LIMIT_INR, include_max=False)")],
     "refuses a clean batch: amount_inr fails in_range"),
    ([('"channel": pa.Column(checks=pa.Check.isin(CHANNELS))', '"channel": pa.Column()')],
     "a batch with a channel 'nfc' passes your SCHEMA: give channel a check that refuses it."),
    ([("in_range(0.01, story.P2M_LIMIT_INR)", "in_range(0, story.P2M_LIMIT_INR)")],
     "a batch with an amount of ₹0 passes your SCHEMA"),
    ([("pa.Column(str, unique=True)", "pa.Column(str)")], "a batch with a txn_id sent twice passes your SCHEMA"),
    ([('"customer_id": pa.Column(nullable=False)', '"customer_id": pa.Column(nullable=True)')],
     "a batch with a missing customer_id passes your SCHEMA"),
    ([('"device_id": pa.Column(nullable=False)', '"device_id": pa.Column(nullable=True)')],
     "a batch with a missing device_id passes your SCHEMA"),
    ([("pa.Check.str_matches(APP_VERSION)", "pa.Check.str_length(1, 10)")],
     "a batch with an app version '5.7' passes your SCHEMA"),
])
def test_typical_mistakes_are_named(tmp_path, substitutions, message):
    schema = reference_project.variant(tmp_path, CONTRACT, *substitutions).SCHEMA
    with pytest.raises(ExerciseIncorrect, match=re.escape(message)):
        lab05.batch_contract.check(schema)


def test_a_dict_of_columns_is_not_a_schema():
    with pytest.raises(ExerciseIncorrect, match=re.escape("SCHEMA is dict: make it a pa.DataFrameSchema")):
        lab05.batch_contract.check({"txn_id": "str"})


def test_a_module_that_does_not_exist_is_named_with_the_file_that_writes_it():
    with pytest.raises(ExerciseIncorrect, match=re.escape(
            "there is no module upi_fraud.validation.nowhere: run the %%writefile cell that writes "
            "project/src/upi_fraud/validation/nowhere.py.")):
        lab05.batch_contract.check("upi_fraud.validation.nowhere")


def test_a_module_without_schema_says_so(tmp_path, monkeypatch):
    (tmp_path / "empty_contract.py").write_text("CONTRACT = None\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ExerciseIncorrect, match="there is no SCHEMA"):
        lab05.batch_contract.check("empty_contract")


# ---------------------------------------------------------------- 5.3, the verdict on given outcomes


def _outcome(fault: str, passed: int = 10, failed: int = 0, skipped: int = 0, errors: int = 0,
             first: str = "", exit_code: int = 0) -> Outcome:
    return Outcome(fault, passed, failed, skipped, errors, first, exit_code)


def _biting(*missed: str) -> list[Outcome]:
    return [_outcome(name, 10, 0) if name in missed else _outcome(name, 9, 1, first="x")
            for name in _lab05_contract.MISSES]


@pytest.mark.parametrize(("outcomes", "message"), [
    ([_outcome("", 0, exit_code=5)], "pytest found no test in test_contract.py: name each test function test_..."),
    ([_outcome("", 9, skipped=1)], "1 test(s) skipped on the reference project: a skipped test checks nothing."),
    ([_outcome("", 9, errors=1, first="collecting the file: NameError: name 'pd' is not defined"),
      *_biting()], "pytest could not collect test_contract.py: NameError: name 'pd' is not defined"),
    ([_outcome("", 9, failed=1, first="test_x: AssertionError: assert 'city_tier' in set()"), *_biting()],
     "on the reference project, where the contract is right, a test fails: test_x: AssertionError"),
    ([_outcome(""), *_biting("strict")],
     "your tests all pass with a contract that refuses every batch that carries its labels along (strict=True): "),
    ([_outcome(""), *_biting("txn_id")], "a contract that accepts a repeated txn_id: add a test"),
    ([_outcome(""), *_biting("channel", "device_os")],
     "a contract that accepts any channel (and 1 more such contract(s))"),
])
def test_the_verdict_names_what_the_tests_miss(outcomes, message):
    with pytest.raises(Wrong, match=re.escape(message)):
        verdict(outcomes, Path("test_contract.py"), _lab05_contract.VERDICT)
