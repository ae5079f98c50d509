"""A learner's module of the project, imported afresh for a check (labs 05-07 share it).

The check cell passes a module name (`ex.unit_change.check("upi_fraud.validation.units")`), so the file the
learner just wrote with %%writefile is what runs; a missing file, a broken import or the lab's stub each
become one sentence (the stub's NotImplementedError passes through: the check reports "not done").
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from ..checks import Wrong


def module_file(name: str) -> str:
    """Where a module of the learner's package lives, as the learner sees it: upi_fraud.ct.labels ->
    project/src/upi_fraud/ct/labels.py."""
    return "project/src/" + name.replace(".", "/") + ".py"


def learner_module(name: str) -> ModuleType:
    """The module `name`, imported afresh (reloaded when a cell rewrote its file)."""
    try:
        return importlib.reload(importlib.import_module(name))
    except ModuleNotFoundError as err:
        if err.name != name:
            raise Wrong(f"importing {name} failed: no module named {err.name}.") from None
        raise Wrong(f"there is no module {name}: run the %%writefile cell that writes {module_file(name)}.") from None
    except (NotImplementedError, Wrong):
        raise
    except Exception as err:  # the learner's file: report, don't crash
        raise Wrong(f"importing {name} raised {type(err).__name__}: {err}.") from None


def learner_function(given: Any, attr: str) -> Any:
    """The learner's function, or, given a module name, that module's function `attr` imported afresh."""
    if not isinstance(given, str):
        return given
    module = learner_module(given)
    if not callable(getattr(module, attr, None)):
        raise Wrong(f"{module_file(given)} has no function {attr}: keep the name the exercise gives.")
    return getattr(module, attr)
