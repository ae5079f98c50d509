"""The browser tests' set-up: not run (and said so, with the command that fixes it) on a machine without
Chromium, a failure where they are required (CI: .ci/run installs Chromium and sets MLOPS_BROWSER_REQUIRED=1)."""

import os
import subprocess
import sys

from mlops_course import workspace

ROOT = workspace.course_root()


def run_browser_tests(**env):
    cmd = [sys.executable, "-m", "pytest", "tests/course/test_browser.py", "-p", "no:cacheprovider", "-q"]
    clean = {k: v for k, v in os.environ.items() if k not in ("MLOPS_BROWSER_REQUIRED", "PYTEST_XDIST_WORKER")}
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**clean, "MLOPS_CHROMIUM": str(ROOT / "no-such-browser"), **env})


def test_without_chromium_the_browser_tests_are_reported_as_not_run_with_the_install_command():
    res = run_browser_tests()
    assert res.returncode == 0, res.stdout[-2000:]
    assert "browser tests NOT RUN (13): Chromium is not installed; install it with: sudo apt-get install -y chromium" \
        in res.stdout, res.stdout[-2000:]


def test_where_the_browser_is_required_a_missing_chromium_fails_the_run():
    res = run_browser_tests(MLOPS_BROWSER_REQUIRED="1")
    assert res.returncode == 1, res.stdout[-2000:]
    assert "MLOPS_BROWSER_REQUIRED=1: this run must include the browser tests" in res.stdout


def test_ci_installs_chromium_and_requires_the_browser_tests():
    script = (ROOT / ".ci" / "run").read_text()
    assert "need+=(chromium)" in script and "export MLOPS_BROWSER_REQUIRED=1" in script
    assert script.index("export MLOPS_BROWSER_REQUIRED=1") < script.index("make test")
