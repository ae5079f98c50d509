# Thin wrappers. `make lab` opens the course; `make test` proves it works.
# Both create .venv from the pinned lock the first time and reuse it afterwards.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

# Telemetry is switched off by the course package itself (mlops_course.workspace.TELEMETRY_OFF).
export JUPYTER_PREFER_ENV_PATH := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: lab test labs clean setup lint

lab: $(STAMP)
	$(PY) -m mlops_course lab

# Everything, on all cores: the course chains each stay on one worker (see tests/conftest.py).
# `$(PY) -m pytest -m unit` runs the unit tests alone in seconds.
PYTEST_ARGS ?= -n auto --dist loadgroup --durations=15
test: $(STAMP)
	$(PY) tools/offline.py $(PY) -m pytest $(PYTEST_ARGS)

labs: $(STAMP)
	$(PY) -m mlops_course build-labs

# The course's code and the reference project: ruff (each folder under its own pyproject's rules), and mypy on
# the project (disallow_untyped_defs, configured in project/pyproject.toml).
lint: $(STAMP)
	$(VENV)/bin/ruff check mlops_course tests tools bench solutions project
	cd project && ../$(PY) -m mypy

setup: $(STAMP)

# Reinstall only when a lock or the package metadata change. requirements-production-lock.txt holds the
# production profile's PostgreSQL and Redis clients (see its header).
$(STAMP): requirements-lock.txt requirements-production-lock.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet "pip==25.3" "setuptools==80.9.0" "wheel==0.45.1"
	$(PY) -m pip install --quiet -r requirements-lock.txt -r requirements-production-lock.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (UPI MLOps)" >/dev/null
	$(PY) -m mlops_course configure-jupyterlab >/dev/null
	touch $(STAMP)

clean:
	rm -rf build
	test -x $(PY) && $(PY) -m mlops_course reset --yes || true
