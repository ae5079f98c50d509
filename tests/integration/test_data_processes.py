"""The dataset in other processes: concurrent loads share one cache; importing it stays light."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from upi_kit import data

from mlops_course import workspace

ROOT = workspace.course_root()


@pytest.fixture()
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv(workspace.DATA_CACHE_ENV, str(tmp_path / "cache"))
    return workspace.data_cache_dir()


def test_concurrent_loads_share_one_cache(cache):
    code = "from upi_kit import data; print(data.load(n_transactions=4000, seed=3).digest)"
    env = {**os.environ, workspace.DATA_CACHE_ENV: str(cache)}
    procs = [
        subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    digests = {p.communicate(timeout=120)[0].strip() for p in procs}
    assert all(p.returncode == 0 for p in procs)
    assert digests == {data.generate(n_transactions=4000, seed=3).digest}
    assert [p.name for p in cache.iterdir()] == [data.cache_key(4000, 3, data.SCENARIO_NAMES)]


def run_python(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_data_does_not_import_the_mlops_stack():
    code = (
        "import sys, upi_kit.data; "
        "print(sorted({'mlflow','feast','bentoml','evidently','sklearn'} & set(sys.modules)))"
    )
    assert run_python(code) == "[]"


def test_importing_the_package_does_not_load_the_generator():
    assert run_python("import sys, mlops_course; print('upi_kit.data' in sys.modules)") == "False"


def test_story_imports_nothing_heavy():
    code = "import sys, upi_kit.story; print(sorted({'numpy','pandas'} & set(sys.modules)))"
    assert run_python(code) == "[]"
