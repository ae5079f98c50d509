"""Exercises 6.4 and 6.5's checks (the weekly Evidently report) pass the reference report.py and name each typical
mistake.

Each wrong variant is the reference file with one substitution, loaded as a module of its own; the checks run its
metrics through Evidently on crafted weeks (mlops_course/exercises/_lab06_report.py) whose failing tests are known.
"""

from __future__ import annotations

import re

import pytest
import reference_project
from upi_fraud.monitoring import report, reports

from mlops_course.checks import ExerciseIncorrect, ExerciseNotDone
from mlops_course.exercises import _lab06_report as crafted
from mlops_course.exercises import lab06

REPORT = "src/upi_fraud/monitoring/report.py"


@pytest.mark.parametrize("kind", list(crafted.EXPECTED_REPORT))
def test_each_crafted_week_fails_exactly_its_tests_with_the_reference_report(kind):
    ref = crafted.reference()
    snapshot = crafted.run(report.data_report(ref, crafted.THRESHOLDS), crafted.week(kind), ref)
    assert reports.failed_tests(snapshot) == crafted.EXPECTED_REPORT[kind]


def test_the_reference_report_passes_both_checks(capsys):
    lab06.report_quality.check(report.quality_metrics)
    lab06.report.check(report.data_report)
    out = capsys.readouterr().out
    assert "On 8 crafted weeks the right tests fail" in out and "Calibration's report carries no tests" in out


def test_the_lab_stub_is_not_done(tmp_path):
    stub = reference_project.lab_stub(tmp_path, REPORT)
    with pytest.raises(ExerciseNotDone):
        lab06.report_quality.check(stub.quality_metrics)
    with pytest.raises(ExerciseNotDone):
        lab06.report.check(stub.data_report)


@pytest.mark.parametrize(
    ("substitutions", "message"),
    [
        ([("em.MissingValueCount(column=column, tests=[], share_tests=at_most(t, f\"missing_share:{column}\"))",
           "em.MissingValueCount(column=column, tests=at_most(t, f\"missing_share:{column}\"))")],
         "the test on MissingValueCount(city_tier) failed, which nothing in that week breaks. A share threshold"),
        ([("metrics.append(em.GroupBy(em.MissingValueCount(column=\"device_os\", tests=[],\n"
           "                                                   share_tests=at_most(t, \"missing_share:device_os\")), "
           "\"app_version\"))",
           "metrics.append(em.MissingValueCount(column=\"device_os\", tests=[], "
           "share_tests=at_most(t, \"missing_share:device_os\")))")],
         "on a week where app 5.9.0 drops device_os on all its payments (4% of the week), no test failed"),
        ([("[gte(median / fold), lte(median * fold)]", "[lte(median * fold)]")],
         "on a week where app 5.7.0 sends amounts 100 times too small, no test failed on MedianValue(amount_inr) "
         "for app 5.7.0: bound the median from below too"),
        ([("metrics.append(em.GroupBy(em.MedianValue(column=\"amount_inr\", tests=bounds), \"app_version\"))",
           "metrics.append(em.MedianValue(column=\"amount_inr\", tests=bounds))")],
         "on a week where app 5.7.0 sends amounts 100 times too large (paise)"),
        ([("share_tests=at_most(t, \"out_of_range_share\")", "share_tests=[lte(t.get(\"out_of_range_share\", 0.0))]")],
         "with no thresholds (calibration: nothing is frozen yet) your metrics carry tests"),
        ([("tests=[],\n                                                share_tests=at_most(t, \"out_of_range_share\")",
           "tests=at_most(t, \"out_of_range_share\")")],
         "the test on OutRangeValueCount(amount_inr) failed, which nothing in that week breaks. A share threshold"),
        ([("right=story.P2M_LIMIT_INR", "right=story.P2P_LIMIT_INR")],
         "on a clean week the test on OutRangeValueCount(amount_inr) failed"),
        ([("known = sorted(reference[column].dropna().unique().tolist())",
           "known = sorted(reference[column].dropna().unique().tolist()) + ['bills']")],
         "on a week where 5% of payments carry a merchant category the reference never had, no test failed"),
    ],
)
def test_a_typical_quality_mistake_is_named(tmp_path, substitutions, message):
    wrong = reference_project.variant(tmp_path, REPORT, *substitutions)
    with pytest.raises(ExerciseIncorrect, match=re.escape(message)):
        lab06.report_quality.check(wrong.quality_metrics)


@pytest.mark.parametrize(
    ("substitutions", "message"),
    [
        ([("ValueDrift(column=column, method=method, ", "ValueDrift(column=column, ")],
         "ValueDrift on amount_inr uses method"),
        ([("threshold=t.get(f\"drift:{column}\"),\n", "\n")], "ValueDrift on amount_inr has threshold"),
        ([("tests=None if thresholds is not None else []", "tests=[]")],
         "on a week where half the payments turned to electronics, no test failed on ValueDrift(merchant_category)"),
        ([("threshold=t.get(f\"drift:{column}\")", "threshold=t[f\"drift:{column}\"]")],
         "calling data_report(...) raised KeyError: 'drift:amount_inr'"),
        ([("*quality_metrics(reference, t), *reports.readouts()]", "*quality_metrics(reference, t)]")],
         "reports.week_statistics could not read your report"),
        ([("em.MeanValue(column=\"alert\", tests=at_most(t, \"alert_rate\"))", "em.MeanValue(column=\"alert\", tests=[])")],
         "no test failed on MeanValue(alert)"),
        ([("include_tests=thresholds is not None", "include_tests=False")],
         "no test failed on ValueDrift(merchant_category): leave tests=None on each ValueDrift when thresholds are "
         "frozen, in a Report(..., include_tests=True)"),
    ],
)
def test_a_typical_report_mistake_is_named(tmp_path, substitutions, message):
    wrong = reference_project.variant(tmp_path, REPORT, *substitutions)
    with pytest.raises(ExerciseIncorrect, match=re.escape(message)):
        lab06.report.check(wrong.data_report)
