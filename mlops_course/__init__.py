"""Helper package for the UPI Fraud MLOps Labs: infrastructure only.

The MLOps code the course teaches lives in the learner's project (project/ in
the course, copied into each workspace lab by lab). This package keeps notebooks
readable: workspace paths, the manifest, catch-up, the project's files, background
services, exercise checks, the lab builder. The dataset and the story's constants
are the project's own dependency, `upi_kit`.

`import mlops_course` is kept fast (no mlflow/feast/bentoml/evidently, no
pandas): submodules load on first use.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

from .checks import ExerciseIncorrect, ExerciseNotDone  # light: no third-party imports
from .workspace import DATA_CACHE_ENV, TELEMETRY_OFF, default_data_cache  # light: upi_kit's paths, no pandas

# Telemetry off by default, before any of the stack is imported; the dataset cache is the course's.
for _var, _val in {**TELEMETRY_OFF, DATA_CACHE_ENV: default_data_cache()}.items():
    os.environ.setdefault(_var, _val)

__version__ = "0.1.0"

_LAZY = {
    "workspace": ".workspace",
    "manifest": ".manifest",
    "catchup": ".catchup",
    "services": ".services",
    "launchers": ".launchers",
    "checks": ".checks",
    "notebooks": ".notebooks",
    "labgen": ".labgen",
    "record": ".record",
    "coursemap": ".coursemap",
    "metrics": ".metrics",
    "exercises": ".exercises",
    "project": ".project",
}
_LAZY_ATTRS = {
    "require": (".catchup", "require"),
    "complete": (".catchup", "complete"),
    "course": (".manifest", "course"),
}


def todo(exercise_id: str) -> None:
    """The stub generated labs put where an exercise's solution was."""
    raise ExerciseNotDone(exercise_id)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return importlib.import_module(_LAZY[name], __name__)
    if name in _LAZY_ATTRS:
        mod, attr = _LAZY_ATTRS[name]
        return getattr(importlib.import_module(mod, __name__), attr)
    raise AttributeError(f"module 'mlops_course' has no attribute {name!r}")


__all__ = ["ExerciseIncorrect", "ExerciseNotDone", "todo", "require", "complete", "course", *_LAZY]
