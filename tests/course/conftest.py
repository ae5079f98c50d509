"""The course chain: one workspace per xdist worker for all course tests, the chain's tests first."""

from __future__ import annotations

import pytest
from chain import OUT

from mlops_course import workspace


@pytest.fixture(scope="session")
def course_ws(tmp_path_factory):
    """One workspace for the whole course run, as a learner would have."""
    with workspace.using(tmp_path_factory.mktemp("course") / "workspace", MLOPS_CATCHUP_SIZE="ci") as path:
        (OUT / "solutions").mkdir(parents=True, exist_ok=True)  # each run overwrites its own notebook:
        (OUT / "labs").mkdir(parents=True, exist_ok=True)       # two xdist chains share this folder
        yield path


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The chain (run, nbval, learner view) before the tests that read what a lab left behind; the browser
    tests last, since a learner's Run All changes what the labs left."""
    items.sort(key=lambda item: (item.path.name != "test_notebooks.py", item.path.name == "test_browser.py"))
