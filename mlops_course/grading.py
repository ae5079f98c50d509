"""Check a learner's notebook: which exercises pass, which are not done, which were not reached.

For instructors: `python -m mlops_course check path/to/learner/02_experiment_tracking.ipynb`
runs the notebook top to bottom with the quick `ci` parameters in a fresh
temporary workspace (earlier labs are caught up there, never in the learner's own
workspace) and reports each exercise.

The report reads what the checks left in the notebook for it (a display output
of type checks.CHECK_MIME per check, and the ExerciseNotDone error of a stub),
never the sentences written for the learner, so rewording a message cannot
change a grade.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import notebooks, workspace
from .checks import CHECK_MIME, NOT_DONE_TEMPLATE
from .manifest import Lab, course

# An error output keeps only the exception's text: find the id where ExerciseNotDone's template puts it.
_BEFORE_ID, _, _AFTER_ID = NOT_DONE_TEMPLATE.partition("{exercise_id}")
_NOT_DONE = re.compile(re.escape(_BEFORE_ID) + r"(?P<id>[0-9]+\.[0-9]+)" + re.escape(_AFTER_ID.split("{")[0]))


@dataclass
class Report:
    lab_id: str
    results: dict[str, str]  # exercise id -> "correct" | "not done" | "incorrect" | "not reached"
    stopped_at: str | None   # the error that stopped the run, in one line
    messages: dict[str, str] = field(default_factory=dict)  # exercise id -> first message of an incorrect answer

    @property
    def all_correct(self) -> bool:
        return all(v == "correct" for v in self.results.values())

    def __str__(self) -> str:
        lines = [f"Lab {self.lab_id}: {sum(v == 'correct' for v in self.results.values())} of {len(self.results)} exercises correct."]
        for ex_id, state in self.results.items():
            why = f" ({self.messages[ex_id]})" if ex_id in self.messages else ""
            lines.append(f"  exercise {ex_id}: {state}{why}")
        if self.stopped_at:
            lines.append(f"  stopped at: {self.stopped_at}")
        return "\n".join(lines)


def _outcome(output: dict[str, Any]) -> dict[str, Any] | None:
    """The structured outcome a check left in this output, if it is one."""
    payload = output.get("data", {}).get(CHECK_MIME)
    if isinstance(payload, str):  # a JSON MIME type may be stored as text
        payload = json.loads(payload)
    return payload if isinstance(payload, dict) and "exercise" in payload else None


def outcomes(executed: dict[str, Any], expected: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Each expected exercise's state, and the first message of each incorrect one, from an executed notebook."""
    results = dict.fromkeys(expected, "not reached")
    messages: dict[str, str] = {}
    for cell in executed["cells"]:
        for output in cell.get("outputs", []):
            payload = _outcome(output)
            if payload:
                results[payload["exercise"]] = payload["outcome"]
                if payload["outcome"] == "incorrect":
                    messages.setdefault(payload["exercise"], payload.get("message", ""))
            elif output.get("output_type") == "error" and output.get("ename") == "ExerciseNotDone":
                named = _NOT_DONE.match(output.get("evalue", ""))
                if named:
                    results[named["id"]] = "not done"
    return results, messages


def _run(path: Path, out: Path, params: dict[str, Any], cwd: Path | None = None) -> str | None:
    """Execute the notebook into `out`; return the error that stopped it, in one line (None if it ran through)."""
    import papermill as pm

    try:
        pm.execute_notebook(str(path), str(out), parameters=params, cwd=str(cwd or path.parent),
                            kernel_name="python3", progress_bar=False)
    except pm.PapermillExecutionError as err:
        return f"{err.ename}: {err.evalue}".splitlines()[0]
    return None


@contextmanager
def caught_up(lab: Lab, size: str, prefix: str) -> Iterator[Path]:
    """A throwaway workspace (also the current folder) where the labs `lab` builds on are complete.

    Catch-up runs there, never in the learner's own workspace; the folder is removed afterwards.
    """
    from .catchup import require

    with workspace.scratch(prefix) as ws:
        if lab.requires:
            require(*lab.requires, size=size)
        yield ws


def check_notebook(path: Path | str, size: str = "ci") -> Report:
    """Run a learner's notebook in a throwaway workspace and report its exercises.

    The process's environment is exactly as before when this returns: nothing
    keeps pointing at the deleted throwaway workspace.
    """
    path = Path(path).resolve()
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist; pass the learner's .ipynb file.")
    lab = course().lab(path.name)
    expected = notebooks.exercise_ids(notebooks.read(workspace.course_root() / "solutions" / lab.notebook))
    with caught_up(lab, size, "mlops-check-") as ws:
        executed = ws.parent / path.name
        stopped = _run(path, executed, lab.params(size))
        results, messages = outcomes(notebooks.read(executed), expected)
    return Report(lab.id, results, stopped, messages)
