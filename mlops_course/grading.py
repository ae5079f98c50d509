"""Check a learner's notebook: which exercises pass, which are not done, which were not reached.

For instructors: `python -m mlops_course check path/to/learner/02_experiment_tracking.ipynb`
runs the notebook top to bottom with the quick `ci` parameters in a fresh
temporary workspace (earlier labs are caught up there, never in the learner's own
workspace) and reports each exercise by what its check cell printed.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import build, workspace
from .manifest import course

_PASSED = re.compile(r"Exercise (\d+\.\d+) \(.*\): correct")
_NAMED = re.compile(r"Exercise (\d+\.\d+)")


@dataclass
class Report:
    lab_id: str
    results: dict[str, str]  # exercise id -> "correct" | "not done" | "incorrect" | "not reached"
    stopped_at: str | None   # the error that stopped the run, in one line

    @property
    def all_correct(self) -> bool:
        return all(v == "correct" for v in self.results.values())

    def __str__(self) -> str:
        lines = [f"Lab {self.lab_id}: {sum(v == 'correct' for v in self.results.values())} of {len(self.results)} exercises correct."]
        lines += [f"  exercise {ex_id}: {state}" for ex_id, state in self.results.items()]
        if self.stopped_at:
            lines.append(f"  stopped at: {self.stopped_at}")
        return "\n".join(lines)


def check_notebook(path: Path | str, size: str = "ci") -> Report:
    import papermill as pm

    from .catchup import require

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist; pass the learner's .ipynb file.")
    lab = course().lab(path.name)
    expected = build.exercise_ids(build.read(workspace.course_root() / "solutions" / lab.notebook))
    tmp = Path(tempfile.mkdtemp(prefix="mlops-check-"))
    old = os.environ.get(workspace.WORKSPACE_ENV)
    os.environ[workspace.WORKSPACE_ENV] = str(tmp / "workspace")
    stopped = None
    try:
        if lab.requires:
            require(*lab.requires, size=size)
        out = tmp / path.name
        workspace.activate()
        try:
            pm.execute_notebook(str(path), str(out), parameters=lab.params(size), cwd=str(path.parent),
                                kernel_name="python3", progress_bar=False)
        except pm.PapermillExecutionError as err:
            stopped = f"{err.ename}: {err.evalue}".splitlines()[0]
        results = {ex_id: "not reached" for ex_id in expected}
        for cell in build.read(out)["cells"]:
            for output in cell.get("outputs", []):
                text = "".join(output.get("text", "")) if output.get("output_type") == "stream" else ""
                for ex_id in _PASSED.findall(text):
                    results[ex_id] = "correct"
                if output.get("output_type") == "error":
                    named = _NAMED.search(output.get("evalue", ""))
                    if named and output.get("ename") in ("ExerciseNotDone", "ExerciseIncorrect"):
                        results[named.group(1)] = "not done" if output["ename"] == "ExerciseNotDone" else "incorrect"
        return Report(lab.id, results, stopped)
    finally:
        if old is None:
            os.environ.pop(workspace.WORKSPACE_ENV, None)
        else:
            os.environ[workspace.WORKSPACE_ENV] = old
        shutil.rmtree(tmp, ignore_errors=True)
