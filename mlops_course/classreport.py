"""A class report: every learner's notebooks in a folder, checked in parallel, one table for the instructor.

`python -m mlops_course check SUBMISSIONS/` takes a folder holding one `.ipynb` per
learner (`asha.ipynb`) or one folder per learner (`asha/`, with any of the labs).
Learners' notebooks are untrusted code, so each runs in a process of its own
(mlops_course._check_one), in its own throwaway workspace caught up at the `ci`
size, offline (mlops_course.offline), under a time and a memory limit
(mlops_course.supervise); nothing it starts outlives it. Whatever a notebook does
(a syntax error, a deleted check cell, a crashed kernel, an endless loop, a memory
hog) ends up in its learner's row, never stops the report.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import notebooks, offline, workspace
from .classtable import ClassReport, Row
from .errors import CourseError
from .grading import outcomes
from .manifest import Lab, ManifestError, course
from .supervise import Ended, Limits, Supervisor

_HEADING = re.compile(r"^#\s+Lab\s+(\d+)\b", re.MULTILINE)
_CHECK_CALL = re.compile(r"\bex\.(\w+)\.check\(")
#: Catch-up before a notebook gets this long (3x the labs' ci budgets), at least this many seconds.
MIN_SETUP_SECONDS = 300


class ClassReportError(CourseError, ValueError):
    """The submissions folder cannot be checked (missing, or no notebooks in it)."""

    exit_code = 2


@dataclass(frozen=True)
class Submission:
    learner: str
    path: Path


@dataclass
class Checked:
    """One notebook's outcome: its lab's exercises, with notes on what stopped or broke the run."""

    submission: Submission
    lab: Lab | None
    cells: dict[str, str] = field(default_factory=dict)  # exercise id -> cell text of the table
    notes: list[str] = field(default_factory=list)
    seconds: float | None = None


def _notebooks_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def find_submissions(folder: Path) -> list[Submission]:
    """Learners and their notebooks: a file per learner (stem = name) or a folder per learner (folder = name)."""
    if not folder.is_dir():
        raise ClassReportError(f"{folder} does not exist or is not a folder; pass the folder that holds the learners' notebooks.")
    found = [Submission(p.stem, p) for p in sorted(folder.glob("*.ipynb"))]
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        found += [Submission(sub.name, p) for p in _notebooks_in(sub)]
    if not found:
        raise ClassReportError(f"No notebooks found in {folder}: put one .ipynb per learner there, or one folder per learner.")
    return found


def identify(nb: dict[str, Any], path: Path) -> Lab | None:
    """Which lab a notebook is: its course metadata, else its file name, else its '# Lab NN' heading."""
    origin = nb.get("metadata", {}).get(notebooks.METADATA_KEY, {}).get("generated_from")
    heading = next((notebooks.source(c) for c in nb.get("cells", []) if c.get("cell_type") == "markdown"), "")
    number = _HEADING.match(heading.lstrip())
    for name in (Path(origin).name if origin else None, path.name, number[1] if number else None):
        try:
            if name:
                return course().lab(name)
        except ManifestError:
            continue
    return None


def exercise_ids(lab: Lab) -> list[str]:
    """The lab's exercises in course order (by number: a notebook may hold 4.2 above 4.1)."""
    ids = notebooks.exercise_ids(notebooks.read(workspace.course_root() / "solutions" / lab.notebook))
    return sorted(ids, key=lambda ex_id: tuple(int(part) for part in ex_id.split(".")))


def check_names(lab: Lab) -> dict[str, str]:
    """Exercise objects of the lab's `ex` module -> their ids, read from `@exercise("X.Y", ...)` in its source, and
    in the source of a helper module it imports an exercise from (`from ._lab04_service_check import service`)."""
    folder = Path(__file__).with_name("exercises")
    body = ast.parse((folder / f"lab{lab.number:02d}.py").read_text()).body
    names = _decorated(body)
    for node in body:
        if isinstance(node, ast.ImportFrom) and node.level == 1 and (node.module or "").startswith("_lab"):
            found = _decorated(ast.parse((folder / f"{node.module}.py").read_text()).body)
            names.update({alias.asname or alias.name: found[alias.name] for alias in node.names if alias.name in found})
    return names


def _decorated(body: list[ast.stmt]) -> dict[str, str]:
    names = {}
    for node in body:
        for deco in getattr(node, "decorator_list", []):
            if isinstance(deco, ast.Call) and getattr(deco.func, "id", "") == "exercise" and deco.args:
                names[node.name] = deco.args[0].value
    return names


def _called_checks(nb: dict[str, Any]) -> set[str]:
    return {name for c in nb.get("cells", []) if c.get("cell_type") == "code"
            for name in _CHECK_CALL.findall(notebooks.source(c))}


def deleted_checks(nb: dict[str, Any], lab: Lab) -> list[str]:
    """Exercises whose check cell (a code cell calling `ex.<name>.check(`) the lab has and the learner's notebook lacks."""
    shipped = _called_checks(notebooks.read(workspace.course_root() / "labs" / lab.notebook))
    ids = check_names(lab)
    return sorted(ids[name] for name in shipped - _called_checks(nb) if name in ids)


#: Cells papermill adds to an executed notebook: not the learner's, so not counted when naming a cell.
_ADDED_TAGS = {"injected-parameters", "papermill-error-cell-tag"}


def _failing_cell(executed: dict[str, Any] | None) -> tuple[int, dict[str, Any]] | None:
    """The learner's cell (1-based, as in their notebook) that failed, was running when stopped, or ran last."""
    if executed is None:
        return None
    cells = [c for c in executed["cells"] if not _ADDED_TAGS & set(c.get("metadata", {}).get("tags", []))]
    for n, cell in enumerate(cells, 1):
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if errors:
            return n, errors[0]
    # Stopped at a limit, or the kernel died: the last cell papermill started (it stamps start_time and saves
    # before sending a cell). Not the last with an execution count: a kernel that dies at once may never send it.
    started = [n for n, c in enumerate(cells, 1) if c.get("metadata", {}).get("papermill", {}).get("start_time")]
    return (started[-1], {}) if started else None


def _limit_note(ended: Ended, limits: Limits, where: str) -> str | None:
    """The limit the supervisor stopped the run at, if any."""
    if ended.stopped_by == "time":
        return f"stopped: time limit of {limits.timeout:g} s{where}"
    if ended.stopped_by == "memory":
        return f"stopped: memory limit of {limits.memory_bytes / 2**30:g} GB{where}"
    if ended.stopped_by:
        return f"stopped: catch-up of earlier labs took over {limits.setup_timeout:.0f} s"
    return None


def _stop_note(ended: Ended, result: dict[str, Any], executed: dict[str, Any] | None, limits: Limits) -> str | None:
    """What stopped the run, in a few words (None: it ran through, or stopped at an exercise's own check)."""
    failing = _failing_cell(executed)
    where = f" in cell {failing[0]}" if failing else ""
    limit = _limit_note(ended, limits, where)
    if limit or result.get("error"):
        return limit or str(result["error"])
    if result.get("kernel_died"):
        return f"kernel died{where}"
    if not result:
        return f"the checker stopped unexpectedly (exit code {ended.returncode})"
    error = failing[1] if failing else {}
    if not result.get("stopped") or error.get("ename") in ("ExerciseNotDone", "ExerciseIncorrect"):
        return None
    kind = "syntax error" if error.get("ename") in ("SyntaxError", "IndentationError") else error.get("ename", "error")
    message = str(error.get("evalue", "")).strip().splitlines()
    return f"{kind}{where}: {message[0]}" if message else f"{kind}{where}"


def _read(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None  # never written, or cut short by a kill


def _grade(sub: Submission, lab: Lab, nb: dict[str, Any], ended: Ended, task: Path, limits: Limits) -> Checked:
    executed = _read(task / "executed.ipynb")
    results, messages = outcomes(executed or {"cells": []}, exercise_ids(lab))
    deleted = deleted_checks(nb, lab)
    for ex_id in deleted:
        results[ex_id] = "not reached"
    cells = {ex_id: f"incorrect: {messages.get(ex_id, '')}".rstrip(": ") if state == "incorrect" else state
             for ex_id, state in results.items()}
    notes = [n for n in [_stop_note(ended, _read(task / "result.json") or {}, executed, limits)] if n]
    notes += [f"the check cell of exercise {ex_id} was deleted" for ex_id in deleted]
    return Checked(sub, lab, cells, notes, ended.seconds)


@dataclass
class _Run:
    """What every task of one report shares, and the labs' prepared workspaces.

    Catching up the labs a notebook builds on takes most of a later lab's check (labs 00-03 before lab 04:
    about five minutes on 2 cores, the lab itself under one). Where mount namespaces are available, it runs
    once per lab, into a template workspace, and every notebook of that lab gets a copy of it. A workspace
    holds absolute paths (Feast's registry, MLflow's artifact locations), so a copy only works at the
    template's own path: each task's copy is bind-mounted over the template in a mount namespace of its own,
    where only that task sees it. Elsewhere every task catches up in its own scratch workspace.
    """

    supervisor: Supervisor
    limits: Limits
    size: str
    prefix: list[str]
    env: dict[str, str]
    templates_root: Path | None = None  # None: no mount namespaces here, each task catches up itself
    _templates: dict[str, Path | None] = field(default_factory=dict)
    _locks: dict[str, threading.Lock] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def setup_seconds(self, lab: Lab) -> float:
        return max(MIN_SETUP_SECONDS, 3 * sum(p.ci_seconds or 0 for p in course().prerequisites(lab.id)))

    def template(self, lab: Lab) -> Path | None:
        """The lab's prepared workspace (made by the first task that asks; None: not possible or it failed)."""
        if self.templates_root is None or not lab.requires:
            return None
        with self._lock:
            lock = self._locks.setdefault(lab.id, threading.Lock())
        with lock:
            if lab.id not in self._templates:
                self._templates[lab.id] = self._prepare(lab)
            return self._templates[lab.id]

    def _prepare(self, lab: Lab) -> Path | None:
        folder = self.templates_root / f"lab-{lab.number:02d}"
        ws = folder / "workspace"
        ws.mkdir(parents=True)
        code = "import sys; from mlops_course import catchup; catchup.require(*sys.argv[2:], size=sys.argv[1])"
        argv = [*self.prefix, sys.executable, "-c", code, self.size, *lab.requires]
        env = {**self.env, workspace.WORKSPACE_ENV: str(ws), "TMPDIR": str(folder)}
        limits = Limits(self.limits.timeout, self.limits.memory_bytes, self.setup_seconds(lab))
        ended = self.supervisor.run(argv, env, folder / "never-started", limits, folder / "log.txt")
        return ws if ended.stopped_by is None and ended.returncode == 0 else None


def _can_bind_mount() -> bool:
    """Whether a task can get a mount namespace of its own here (probed once, before any task runs)."""
    with tempfile.TemporaryDirectory(prefix="mlops-class-probe-") as tmp:
        src, dst = Path(tmp, "src"), Path(tmp, "dst")
        src.mkdir()
        dst.mkdir()
        return offline.namespace_prefix(mounts=((src, dst),)) is not None


def _check(run: _Run, sub: Submission, lab: Lab) -> Checked:
    """Run one notebook in its own supervised process and grade what it left."""
    nb = notebooks.read(sub.path)
    task = Path(tempfile.mkdtemp(prefix="mlops-class-"))
    try:
        spec = {"notebook": str(sub.path.resolve()), "lab": lab.id, "size": run.size, "started": str(task / "started"),
                "executed": str(task / "executed.ipynb"), "result": str(task / "result.json")}
        prefix, template = run.prefix, run.template(lab)
        if template is not None:  # this task's own copy of the prepared workspace, seen at the template's path
            shutil.copytree(template, task / "workspace", symlinks=True)
            prefix = offline.namespace_prefix(mounts=((task / "workspace", template),), probe=False)
            spec["prepared"] = str(template)
        (task / "spec.json").write_text(json.dumps(spec))
        argv = [*prefix, sys.executable, "-m", "mlops_course._check_one", str(task / "spec.json")]
        limits = Limits(run.limits.timeout, run.limits.memory_bytes, run.setup_seconds(lab))
        # TMPDIR: the scratch workspace and everything the notebook writes to /tmp go away with the task folder
        ended = run.supervisor.run(argv, {**run.env, "TMPDIR": str(task)}, task / "started", limits, task / "log.txt")
        return _grade(sub, lab, nb, ended, task, limits)
    finally:
        shutil.rmtree(task, ignore_errors=True)


def _plan(subs: list[Submission]) -> tuple[list[tuple[Submission, Lab]], list[Checked]]:
    """Which notebooks to run (longest catch-up first), and the rows that need no run (unknown or repeated labs)."""
    todo, skipped, seen = [], [], set()
    for sub in subs:
        try:
            lab = identify(notebooks.read(sub.path), sub.path)
        except (OSError, ValueError):
            lab = None
        if lab is None:
            skipped.append(Checked(sub, None, notes=[f"unknown lab: {sub.path.name} has no course metadata, lab file "
                                                      "name or '# Lab NN' heading"]))
        elif (sub.learner, lab.id) in seen:
            skipped.append(Checked(sub, None, notes=[f"{sub.path.name}: a second notebook of lab {lab.id}, not checked"]))
        else:
            seen.add((sub.learner, lab.id))
            todo.append((sub, lab))
    todo.sort(key=lambda t: -sum(p.ci_seconds or 0 for p in [*course().prerequisites(t[1].id), t[1]]))
    return todo, skipped


def default_jobs(memory_gb: float) -> int:
    """As many notebooks at once as there are cores and memory for, at least one."""
    import psutil

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cores, int(psutil.virtual_memory().available // (memory_gb * 2**30))))


def check_folder(folder: Path | str, out: Path | str | None = None, *, jobs: int | None = None,
                 timeout: float = 600, memory_gb: float = 3, size: str = "ci") -> ClassReport:
    """Check every learner's notebooks in `folder`; write class-report.csv and .md into `out` (default: `folder`)."""
    from tqdm import tqdm

    folder = Path(folder).resolve()
    todo, checked = _plan(find_submissions(folder))
    prefix = offline.namespace_prefix() or []  # probed before the supervisor reaps children
    shared = bool(prefix) and _can_bind_mount()
    env = offline.guarded(dict(os.environ), isolated=bool(prefix))
    start = time.monotonic()
    with (tempfile.TemporaryDirectory(prefix="mlops-class-templates-") as templates, Supervisor() as supervisor,
          ThreadPoolExecutor(jobs or default_jobs(memory_gb)) as pool):
        run = _Run(supervisor, Limits(timeout, int(memory_gb * 2**30), MIN_SETUP_SECONDS), size, prefix, env,
                   Path(templates) if shared else None)
        futures = [pool.submit(_check, run, sub, lab) for sub, lab in todo]
        try:
            for future in tqdm(as_completed(futures), total=len(futures), desc="checking", unit="notebook",
                               file=sys.stderr):
                checked.append(future.result())
        except BaseException:  # Ctrl+C: stop the running notebooks now rather than wait for their limits
            supervisor.interrupt()
            pool.shutdown(cancel_futures=True)
            raise
    report = ClassReport.from_rows(_rows(checked), [lab for lab in course().labs if any(c.lab == lab for c in checked)],
                                   {lab.id: exercise_ids(lab) for lab in course().labs}, time.monotonic() - start)
    report.write(Path(out).resolve() if out else folder)
    return report


def _rows(checked: list[Checked]) -> list[Row]:
    """One row per learner, in name order; notes name the notebook when a learner handed in several."""
    by_learner: dict[str, list[Checked]] = {}
    for c in checked:
        by_learner.setdefault(c.submission.learner, []).append(c)
    rows = []
    for learner, items in sorted(by_learner.items()):
        several = len(items) > 1
        row = Row(learner)
        for c in sorted(items, key=lambda c: c.submission.path.name):
            row.cells.update(c.cells)
            row.notes += [f"{c.submission.path.name}: {n}" if several and not n.startswith(c.submission.path.name)
                          else n for n in c.notes]
            if c.seconds is not None:
                row.seconds = (row.seconds or 0) + c.seconds
        rows.append(row)
    return rows
