"""Exercise 5.6's check, run for real: the learner's service contract tests against the reference service started
once with FaultSwitch in front of it (mlops_course/exercises/_lab05_service.py), eight faults planted in turn.

The check itself runs once, on the reference file. The typical wrong answers are judged together in one run
(_bite.bite_many: one service start for all of them), each with the verdict the check would give. It needs the
served champion and the go-live store, so it runs on the workspace lab 05's chain left. The faults' effects and
the verdict's wording on given outcomes are unit-tested (tests/unit/test_exercises_lab05_service.py).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import reference_project
from chain import completed_lab

from mlops_course.checks import Wrong
from mlops_course.exercises import _lab05_service, lab05
from mlops_course.exercises._bite import bite_many, verdict
from mlops_course.project import reference
from mlops_course.workspace import course_root

TESTS = "tests/test_service_contract.py"

#: {variant: (the learner's file with one typical mistake, the start of what the check says)}.
MISTAKES = {
    "no_field_named": (("    assert field in r.text, f\"{case}: the refusal does not name the field {field!r}: {r.text[:500]}\"\n",
                        ""),
                       "your tests all pass with a service that refuses a bad payment without naming the field"),
    "only_no_5xx": (("    assert 400 <= r.status_code < 500, f\"{case}: expected a 4xx refusal, got {r.status_code}: "
                     "{r.text[:500]}\"\n    assert field in r.text, f\"{case}: the refusal does not name the field "
                     "{field!r}: {r.text[:500]}\"\n", ""),
                    "your tests all pass with a service that accepts the amount as a string (\"250\") (and 4 more "
                    "such service(s))"),
    "unordered_batch": (("assert [d.get(\"txn_id\") for d in r.json()] == [\"contract-batch-1\", \"contract-batch-2\"]",
                         "assert sorted(d.get(\"txn_id\") for d in r.json()) == [\"contract-batch-1\", "
                         "\"contract-batch-2\"]"),
                        "your tests all pass with a service that answers a batch in another order than its payments"),
    "review_only": (("assert out.get(\"decision\") in {\"allow\", \"review\"}", "assert out.get(\"decision\") == \"review\""),
                    "on the reference service, a test fails: "
                    "test_a_valid_payment_gets_a_decision_score_and_model_version: AssertionError"),
    "no_version": (("    assert out.get(\"model_version\"), f\"the answer does not say which model version decided: "
                    "{out}\"\n", ""),
                   "your tests all pass with a service that answers without the model version that decided"),
}


@pytest.fixture(scope="module")
def judged(course_ws, tmp_path_factory):
    completed_lab(course_ws, "05-ci-for-ml")
    folder = tmp_path_factory.mktemp("service-variants")
    files = []
    for name, ((old, new), _) in MISTAKES.items():
        file = folder / f"test_{name}.py"
        file.write_text(reference_project.substituted(TESTS, (old, new)))
        files.append(file)
    return files, bite_many(files, "_lab05_service", reference(), course_root(), timeout=600)


def test_the_reference_tests_pass_on_the_service_and_fail_for_each_fault(course_ws, capsys):
    completed_lab(course_ws, "05-ci-for-ml")
    lab05.service_contract_tests.check(reference_project.path(TESTS))
    assert ("your 7 tests pass on the reference service, and fail for each of 8 services with one fault planted"
            in capsys.readouterr().out)


@pytest.mark.parametrize("mistake", list(MISTAKES))
def test_a_typical_mistake_gets_its_sentence(judged, mistake):
    files, outcomes = judged
    file = next(f for f in files if f.name == f"test_{mistake}.py")
    with pytest.raises(Wrong, match=re.escape(MISTAKES[mistake][1])):
        verdict(outcomes[file.name], Path(file.name), _lab05_service.VERDICT)
