"""The set-up of tests that need a tool this machine may lack: Chromium (the browser tests) and PostgreSQL with
Redis (the production profile's tests). Without the tool they are reported as not run, with the command that
installs it; where they are required (CI: .ci/run installs the tools and sets the variable) a missing tool fails.
"""

import os
import subprocess
import sys
from dataclasses import dataclass

import pytest

from mlops_course import workspace

ROOT = workspace.course_root()


@dataclass(frozen=True)
class Needs:
    tests: str  # the test file that needs the tool
    absent: dict  # the environment that makes the tool absent here
    required: str  # the variable that makes it required
    not_run: str  # the summary line without it
    apt: str  # what .ci/run installs


NEEDS = {
    "chromium": Needs("tests/course/test_browser.py", {"MLOPS_CHROMIUM": str(ROOT / "no-such-browser")},
                      "MLOPS_BROWSER_REQUIRED",
                      "browser tests NOT RUN (13): Chromium is not installed; install it with: "
                      "sudo apt-get install -y chromium", "need+=(chromium)"),
    "servers": Needs("tests/integration/test_production_stores.py",
                     {"MLOPS_POSTGRES_BIN": str(ROOT / "no-such-folder"), "MLOPS_REDIS_SERVER": str(ROOT / "no-such")},
                     "MLOPS_SERVERS_REQUIRED",
                     "production profile tests NOT RUN (2): PostgreSQL and Redis are not installed; install them "
                     "with: sudo apt-get install -y postgresql redis-server", "need+=(redis-server)"),
}


def run_tests(needs: Needs, **env):
    cmd = [sys.executable, "-m", "pytest", needs.tests, "-p", "no:cacheprovider", "-q"]
    clean = {k: v for k, v in os.environ.items() if k not in (needs.required, "PYTEST_XDIST_WORKER")}
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**clean, **needs.absent, **env})


@pytest.mark.parametrize("tool", NEEDS)
def test_without_the_tool_its_tests_are_reported_as_not_run_with_the_install_command(tool):
    res = run_tests(NEEDS[tool])
    assert res.returncode == 0, res.stdout[-2000:]
    assert NEEDS[tool].not_run in res.stdout, res.stdout[-2000:]


@pytest.mark.parametrize("tool", NEEDS)
def test_where_the_tool_is_required_its_absence_fails_the_run(tool):
    needs = NEEDS[tool]
    res = run_tests(needs, **{needs.required: "1"})
    assert res.returncode == 1, res.stdout[-2000:]
    assert f"{needs.required}=1: this run must include the" in res.stdout


@pytest.mark.parametrize("tool", NEEDS)
def test_ci_installs_the_tool_and_requires_its_tests(tool):
    needs = NEEDS[tool]
    script = (ROOT / ".ci" / "run").read_text()
    assert needs.apt in script and f"export {needs.required}=1" in script
    assert script.index(f"export {needs.required}=1") < script.index("make test")


def test_ci_installs_postgresql_where_its_server_binaries_are_absent():
    script = (ROOT / ".ci" / "run").read_text()
    assert "ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)" in script
