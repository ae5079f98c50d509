"""Exercise 6.6's check (the monitoring dashboard) passes the reference dashboard.py and names each typical mistake.

Each wrong variant is the reference file with one substitution, loaded as a module of its own; the check runs it
twice on a new Evidently workspace in a temporary folder and reads the dashboard back as the UI would.
"""

from __future__ import annotations

import re

import pytest
import reference_project
from upi_fraud.monitoring import dashboard

from mlops_course.checks import ExerciseIncorrect, ExerciseNotDone
from mlops_course.exercises import lab06

DASHBOARD = "src/upi_fraud/monitoring/dashboard.py"


def test_the_reference_dashboard_passes(capsys):
    lab06.dashboard.check(dashboard.evidently_project)
    assert "found again on the next Monday" in capsys.readouterr().out


def test_the_lab_stub_is_not_done(tmp_path):
    with pytest.raises(ExerciseNotDone):
        lab06.dashboard.check(reference_project.lab_stub(tmp_path, DASHBOARD).evidently_project)


@pytest.mark.parametrize(
    ("substitutions", "message"),
    [
        ([("    if found:\n        return ws, found[0]\n", "")], "after two Mondays the workspace holds 2 projects"),
        ([("    if found:\n        return ws, found[0]\n    project = ws.create_project(config.PROJECT_NAME)",
           "    project = found[0] if found else ws.create_project(config.PROJECT_NAME)")],
         "after two Mondays the dashboard has 10 panels, not 5"),
        ([("line(\"Drifted columns (share)\", \"DriftedColumnsCount\", \"share\", value_type=\"share\")",
           "line(\"Drifted columns (share)\", \"DriftedColumnsCount\", \"share\")")],
         "a panel plots DriftedColumnsCount(), which no weekly snapshot fills as you mean it (for the share of "
         "drifted inputs: DriftedColumnsCount(value_type='share'))"),
        ([("\"MissingValueCount\", \"device_os\", column=\"device_os\", value_type=\"share\")",
           "\"MissingValueCount\", \"device_os\", value_type=\"share\")")],
         "a panel plots MissingValueCount(value_type='share')"),
        ([("line(\"Recall on the frauds reported so far (last 28 days)\", \"MeanValue\", \"recall\", "
           "column=\"caught\"),\n", "")],
         "no panel shows recall on the frauds reported so far"),
        ([("    project.save()\n", "")], "the project has no description once the workspace is opened again"),
        ([("\"MissingValueCount\", \"device_os\", column=\"device_os\"",
           "\"MissingValuesCount\", \"device_os\", column=\"device_os\"")],
         "a panel plots MissingValuesCount(column='device_os', value_type='share'), which no weekly snapshot fills "
         "as you mean it; the weekly snapshots hold none of that name"),
    ],
)
def test_a_typical_mistake_is_named(tmp_path, substitutions, message):
    wrong = reference_project.variant(tmp_path, DASHBOARD, *substitutions)
    with pytest.raises(ExerciseIncorrect, match=re.escape(message)):
        lab06.dashboard.check(wrong.evidently_project)
