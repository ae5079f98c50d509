"""Exercise 5.3's check, run for real: the learner's test file in a fresh interpreter, on the reference project
and with each of thirteen faulty contracts (mlops_course/exercises/_bite.py, about seven seconds a file).

The reference file passes; the lab's stub is "not done"; typical mistakes (astype(object) on a number column, a
test that fails on correct code) and files that cannot run as tests (not Python, sys.exit, os._exit, an import
error, a hang) each get their sentence. The verdict's wording on given outcomes is unit-tested
(tests/unit/test_exercises_lab05_contract.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import reference_project

from mlops_course.checks import ExerciseIncorrect, ExerciseNotDone
from mlops_course.exercises import _bite, lab05

TESTS = "tests/test_contract.py"


def _test_file(tmp_path: Path, text: str) -> Path:
    file = tmp_path / "test_contract.py"
    file.write_text(text)
    return file


def test_the_reference_tests_pass_on_the_reference_and_fail_for_each_fault(capsys):
    lab05.contract_tests.check(reference_project.path(TESTS))
    out = capsys.readouterr().out
    assert "your 13 tests pass on the reference project, where the contract is right, and fail for each of 13 contracts" in out


def test_the_test_files_lab_stub_is_not_done(tmp_path):
    with pytest.raises(ExerciseNotDone, match=re.escape("5.3")):
        lab05.contract_tests.check(_test_file(tmp_path, reference_project.stubbed(TESTS)))


def test_breaking_a_number_column_with_astype_object_misses_the_amount_rules(tmp_path):
    text = reference_project.substituted(TESTS, (
        "    if isinstance(batch[column].dtype, pd.CategoricalDtype):  # a category column takes no value it has "
        "not seen\n        batch[column] = batch[column].cat.add_categories([value])\n",
        "    batch[column] = batch[column].astype(object)\n"))
    with pytest.raises(ExerciseIncorrect, match=re.escape(
            "your tests all pass with a contract that accepts amounts of zero and below (and 1 more such "
            "contract(s)): add a test that breaks that rule")):
        lab05.contract_tests.check(_test_file(tmp_path, text))


def test_a_test_that_fails_on_the_reference_is_named(tmp_path):
    text = reference_project.substituted(TESTS, ('("city_tier", 7)', '("city_tier", 2)'))
    with pytest.raises(ExerciseIncorrect, match=re.escape(
            "on the reference project, where the contract is right, a test fails: "
            "test_a_value_outside_the_contract_fails_naming_its_column[city_tier-2]: AssertionError")):
        lab05.contract_tests.check(_test_file(tmp_path, text))


def test_tests_that_import_the_schema_itself_are_judged_on_the_faulty_contracts(tmp_path, capsys):
    text = reference_project.substituted(TESTS, (
        "from upi_fraud.validation import data_checks\n",
        "from upi_fraud.validation import data_checks\nfrom upi_fraud.validation.batch_contract import SCHEMA\n"), (
        "    assert data_checks.contract_failures(clean_week) == []",
        "    SCHEMA.validate(clean_week, lazy=True)\n    assert data_checks.contract_failures(clean_week) == []"))
    lab05.contract_tests.check(_test_file(tmp_path, text))
    assert "fail for each of 13 contracts" in capsys.readouterr().out


@pytest.mark.parametrize(("text", "message"), [
    ("def test_x(:\n    pass\n", "test_contract.py is not valid Python: invalid syntax at line 1."),
    ("import sys\nsys.exit(0)\n\n\ndef test_x():\n    assert True\n",
     "pytest stopped before it ran a test (exit code 3): does test_contract.py call sys.exit() or pytest.exit()?"),
    ("import os\nos._exit(0)\n", "the run of test_contract.py ended before pytest could report (does the file end"),
    ("import missing_module_xyz\n", "pytest could not collect test_contract.py: "),
])
def test_a_file_that_cannot_run_as_tests_gets_one_sentence(tmp_path, text, message):
    with pytest.raises(ExerciseIncorrect, match=re.escape(message)):
        lab05.contract_tests.check(_test_file(tmp_path, text))


def test_a_file_that_hangs_is_stopped_with_a_sentence(tmp_path):
    file = _test_file(tmp_path, "import time\n\n\ndef test_wait():\n    time.sleep(60)\n")
    with pytest.raises(_bite.BiteError, match="took over 3 s"):
        _bite.bite(file, "_lab05_contract", reference_project.PROJECT, reference_project.ROOT, timeout=3)


def test_a_missing_file_names_the_cell_that_writes_it(tmp_path):
    with pytest.raises(ExerciseIncorrect, match="there is no .*test_contract.py: run the %%writefile cell"):
        lab05.contract_tests.check(tmp_path / "test_contract.py")
