"""The learner's lab 06 monitoring, as the solution notebook left it: the recorded weeks, upi-monitor from a shell,
the retraining trigger and the Evidently UI.

Each test works on the workspace the course chain left (caught up here if run alone), at the `ci` size. At that size
a production week has ~450 payments and the new scam 4 in the whole year: the data incidents are detectable, the
performance story is not (tests/unit/test_lab06_story.py checks it on the committed default-size run). Anything a
test changes is a copy in a temporary folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import psutil
import pytest
from chain import completed_lab
from upi_kit import story

from mlops_course import launchers, services, workspace

INCIDENT_WEEKS = {str(story.PAISE_INCIDENT.start): {"unit_fold", "out_of_range_share"},
                  str(story.NULL_OS_INCIDENT.start): {"missing_share:device_os"}}


@pytest.fixture(scope="module")
def lab(course_ws):
    lab = completed_lab(course_ws, "06-monitoring")
    env = {**os.environ, **workspace.environment(), "PYTHONWARNINGS": "ignore"}
    return {"project": workspace.project_dir(), "monitoring": workspace.folder("monitoring"), "env": env,
            "size": lab.params("ci")["DATA_SIZE"]}


@pytest.fixture(scope="module")
def weeks(lab):
    return json.loads((lab["monitoring"] / "weeks.json").read_text())


def _monitor(lab, *args, env=None):
    """`upi-monitor ARGS` (python -m upi_fraud.monitoring) from the workspace's project."""
    return subprocess.run([sys.executable, "-m", "upi_fraud.monitoring", *args, "--data-size", lab["size"]],
                          cwd=lab["project"], env=env or lab["env"], capture_output=True, text=True, timeout=300)


def test_lab06_every_production_week_was_judged_once(weeks):
    assert sorted(weeks)[0] == "2025-09-01" and sorted(weeks)[-1] == "2025-12-29"
    assert len(weeks) == 18
    assert all(w["status"] in {"OK", "WARN", "RETRAIN", "INCIDENT"} for w in weeks.values())


@pytest.mark.parametrize("week", sorted(INCIDENT_WEEKS))
def test_lab06_each_data_incident_is_an_incident_in_its_own_week_for_the_right_reason(weeks, week):
    judged = weeks[week]
    assert judged["status"] == "INCIDENT"
    checks = {r["check"] for r in judged["reasons"] if r["status"] == "INCIDENT"}
    assert checks & INCIDENT_WEEKS[week], checks
    app = story.PAISE_INCIDENT.app_version if week == str(story.PAISE_INCIDENT.start) else story.NULL_OS_INCIDENT.app_version
    assert any(f"app {app}" in r["sentence"] for r in judged["reasons"] if r["status"] == "INCIDENT")


def test_lab06_no_week_outside_the_incidents_pages(weeks):
    pages = [w for w, judged in weeks.items() if judged["status"] == "INCIDENT" and w not in INCIDENT_WEEKS]
    assert pages == []


def test_lab06_every_reason_is_one_sentence_with_an_existing_runbook(lab, weeks):
    for judged in weeks.values():
        for reason in judged["reasons"]:
            assert reason["sentence"].endswith(".") and "\n" not in reason["sentence"]
            assert (lab["project"] / reason["runbook"]).is_file(), reason["runbook"]


def test_lab06_monitor_judges_one_week_from_a_shell_and_its_exit_status_says_incident(lab):
    incident = _monitor(lab, "--week", "2025-09-10", "--no-html")  # any day of the week
    assert incident.returncode == 1, incident.stderr[-2000:]
    assert incident.stdout.startswith("2025-09-08  INCIDENT") and "app 5.7.0" in incident.stdout
    quiet = _monitor(lab, "--week", "2025-11-03", "--no-html")
    assert quiet.returncode == 0, quiet.stderr[-2000:]


def test_lab06_judging_a_week_again_replaces_its_snapshots(lab):
    before = json.loads((lab["monitoring"] / "weeks.json").read_text())["2025-11-03"]["snapshot_ids"]
    done = _monitor(lab, "--week", "2025-11-03", "--no-html")
    assert done.returncode == 0, done.stderr[-2000:]
    after = json.loads((lab["monitoring"] / "weeks.json").read_text())["2025-11-03"]["snapshot_ids"]
    stored = {p.stem for p in (lab["monitoring"] / "evidently").glob("*/snapshots/*.json")}
    assert len(after) == 2 and not set(before) & set(after)
    assert set(after) <= stored and not set(before) & stored, "the old snapshots of the week were kept"
    assert len(stored) == 2 * 18


@pytest.mark.parametrize(("args", "says"), [
    (["--week", "2024-06-03"], "the inference log has no payments in the week of 2024-06-03"),
    ([], "give --week DAY, or --from DAY --to DAY"),
])
def test_lab06_bad_input_gets_one_sentence_that_says_what_to_do(lab, args, says):
    done = _monitor(lab, *args)
    assert done.returncode == 2 and says in done.stderr, done.stderr[-2000:]
    assert "Traceback" not in done.stderr


def test_lab06_without_a_frozen_policy_monitor_says_to_calibrate(lab, tmp_path):
    copy = tmp_path / "project"
    shutil.copytree(lab["project"], copy, ignore=shutil.ignore_patterns("__pycache__", ".ci", "feature_repo"))
    env = {**lab["env"], "UPI_WORKSPACE": str(tmp_path / "empty-workspace"), "PYTHONPATH": str(copy / "src")}
    done = _monitor(lab, "--week", "2025-09-08", env=env)
    assert done.returncode == 2, done.stderr[-2000:]
    assert "run `python -m upi_fraud.monitoring calibrate` first" in done.stderr, done.stderr[-2000:]
    assert "Traceback" not in done.stderr


def test_lab06_a_retrain_verdict_writes_a_trigger_that_continuous_training_accepts(lab, tmp_path):
    """At `ci` size no week says RETRAIN; a policy with an unreachable recall floor makes one (the week of 24 November
    has 16 reported frauds in its window at that size), judged into a temporary folder."""
    code = f"""
import json
from pathlib import Path
from upi_fraud.ct import trigger
from upi_fraud.dates import monday
from upi_fraud.monitoring import weekly
from upi_kit import data
mon = weekly.Monitor.load(data.load({lab["size"]!r}, seed=42))
mon.policy["thresholds"] = {{**mon.policy["thresholds"], "recall:all": 1.01}}
tmp = Path({str(tmp_path)!r})
out = weekly.Outputs(tmp / "monitoring", tmp / "reports", tmp / "triggers")
rows = weekly.run_weeks(mon, [monday("2025-11-24")], out=out, html=False)
path = rows[0]["trigger"]
record = trigger.read(path)
print(json.dumps({{"status": rows[0]["status"], "retrain": rows[0]["retrain"], "reason": record.reason,
                  "as_of": record.as_of.isoformat(), "path": path}}))
"""
    done = subprocess.run([sys.executable, "-c", code], cwd=lab["project"], env=lab["env"], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert Path(out["path"]).parent == tmp_path / "triggers"
    assert out["status"] == "RETRAIN" and out["retrain"] and out["reason"] == "performance"
    assert out["as_of"] == "2025-12-01T00:00:00+05:30"  # the end of the week judged, in IST


def test_lab06_the_evidently_ui_lists_the_project_and_stops_with_no_process_left(lab):
    import requests

    with launchers.evidently_ui(lab["monitoring"] / "evidently", timeout=120) as ui:
        answer = requests.get(ui.url + "/api/projects", timeout=10)
        assert answer.status_code == 200
        names = [p["name"] for p in answer.json()]
        assert names == ["UPI fraud: production monitoring"]
        assert requests.get(ui.url + "/", timeout=10).status_code == 200
        pids, port = ui.pids(), ui.port
    assert not [p for p in pids if psutil.pid_exists(p)]
    assert services.port_is_free(port)
