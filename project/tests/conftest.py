"""Set-up shared by the project's tests (given in lab 05). Run them from the project folder:  pytest -q tests

What is tested comes from the environment, so CI, `make ci` and upi-ct point the same tests at other models:
  DATA_SIZE     the dataset size (default: default)
  MODEL_URI     the model under test (default: models:/upi-fraud-detector@champion)
  EVAL_FROM, EVAL_TO   the IST dates the model is judged on (default: July, the validation month)
  LABELS_AS_OF  judge with the labels known at this time (default: every label, as in lab 02)
  SERVICE_URL   the service the contract tests call (default: `bentoml serve` here, sandboxed, stopped after)
  SERVICE_TIMEOUT   seconds its start may take (default 120)
MLFLOW_TRACKING_URI and FEATURE_REPO point at the registry and the feature repo, as for the service.
pytest finds the package in src/ (pyproject.toml: pythonpath), installed or not.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from upi_fraud.dates import as_of
from upi_fraud.serving import local
from upi_fraud.validation.judging import Frame, UnderTest, judged_frame, load
from upi_kit import data


@pytest.fixture(scope="session")
def data_size() -> str:
    return os.environ.get("DATA_SIZE", "default")


@pytest.fixture(scope="session")
def upi(data_size: str) -> data.UPIData:
    return data.load(data_size, seed=int(os.environ.get("SEED", "42")))


@pytest.fixture(scope="module")
def under_test() -> UnderTest:
    """The model the model tests judge (MODEL_URI)."""
    return load(os.environ.get("MODEL_URI", "models:/upi-fraud-detector@champion"))


@pytest.fixture(scope="module")
def frame(upi: data.UPIData, under_test: UnderTest) -> Frame:
    """The payments it is judged on (EVAL_FROM..EVAL_TO, labels as of LABELS_AS_OF), scored, with its threshold."""
    labels = os.environ.get("LABELS_AS_OF")
    return judged_frame(upi, under_test, os.environ.get("EVAL_FROM"), os.environ.get("EVAL_TO"),
                        as_of(labels) if labels else None)


@pytest.fixture(scope="session")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The service under test: SERVICE_URL when set (one already running: staging, or a check's), else the
    project's service started here on a free port with a copy of the online store and its own log, once for the
    whole run (test_service.py and test_service_contract.py share it), stopped after."""
    if os.environ.get("SERVICE_URL"):
        yield os.environ["SERVICE_URL"].rstrip("/")
        return
    try:
        with local.serving(tmp_path_factory.mktemp("service"), float(os.environ.get("SERVICE_TIMEOUT", "120"))) as base:
            yield base
    except local.ServiceNotReady as err:
        pytest.fail(str(err))
