"""The course in a real browser: JupyterLab started as `make lab` starts it, driven by Debian's Chromium.

Used by test_browser.py. Playwright's Python package drives the system browser (no browser download):
`launch(executable_path=CHROMIUM)`. The browser may talk to 127.0.0.1 only: `LocalOnly` aborts and
records any request to another host, and the test fails on it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from mlops_course import services, workspace

ROOT = workspace.course_root()
SHOTS = ROOT / "build" / "browser"  # screenshots for a maintainer to look at (build/ is ignored by git)
INSTALL = "sudo apt-get install -y chromium"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
TOKEN = "course-browser-test"
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # the notebook in the current tab
#: Not copied into the course copy JupyterLab serves: the learner's files, caches, other runs.
_NOT_LINKED = {".git", ".venv", "workspace", "build", "labs", ".pytest_cache", ".ruff_cache"}


def chromium() -> str | None:
    """The system Chromium (Debian's `chromium` package), or another Chromium-based browser named by
    MLOPS_CHROMIUM; None when there is none."""
    named = os.environ.get("MLOPS_CHROMIUM")
    if named is not None:
        return named if os.access(named, os.X_OK) else None
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class LocalOnly:
    """A route handler: requests to 127.0.0.1 go through, anything else is aborted and remembered."""

    outside: list[str] = field(default_factory=list)

    def __call__(self, route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in LOCAL_HOSTS:
            self.outside.append(url)
            route.abort("blockedbyclient")
        else:
            route.continue_()


def course_copy(dest: Path, params: dict[str, dict]) -> Path:
    """A course root for JupyterLab to serve: labs/ copied (the browser saves the notebooks it runs) with each
    lab's ci parameters injected as papermill injects them; everything else linked to the checkout."""
    import nbformat
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    dest.mkdir(parents=True, exist_ok=True)
    for item in ROOT.iterdir():
        if item.name not in _NOT_LINKED:
            (dest / item.name).symlink_to(item)
    (dest / "labs").mkdir()
    for src in sorted((ROOT / "labs").glob("*.ipynb")):
        nb = load_notebook_node(str(src))
        if src.name in params:
            nb = parameterize_notebook(nb, params[src.name])
        nbformat.write(nb, dest / "labs" / src.name)
    return dest


def jupyterlab(copy: Path, state: Path) -> services.Service:
    """JupyterLab as `make lab` starts it (python -m mlops_course lab), on a free port with a token.

    Its own state (runtime files, layouts, IPython profile) goes to `state`, not the home folder."""
    env = {
        "MLOPS_COURSE_ROOT": str(copy),
        "JUPYTER_PREFER_ENV_PATH": "1",
        "JUPYTER_RUNTIME_DIR": str(state / "runtime"),
        "JUPYTERLAB_WORKSPACES_DIR": str(state / "lab-workspaces"),
        "JUPYTERLAB_SETTINGS_DIR": str(state / "lab-settings"),
        "IPYTHONDIR": str(state / "ipython"),
    }
    cmd = [sys.executable, "-m", "mlops_course", "lab", "--no-browser", "--port", "{port}",
           f"--IdentityProvider.token={TOKEN}"]
    return services.Service("jupyterlab-browser", cmd, ready_path=f"/lab?token={TOKEN}", timeout=120,
                            cwd=copy, env=env)


def open_notebook(page, base: str, rel: str) -> None:
    """Open a notebook in JupyterLab and wait until its kernel is idle."""
    page.goto(f"{base}/lab/tree/{rel}?reset&token={TOKEN}", wait_until="domcontentloaded")  # reset: no tabs restored
    page.locator(f"{PANEL} .jp-Cell").first.wait_for(timeout=60_000)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # the server's view: a session for this notebook, its kernel idle
        sessions = page.request.get(f"{base}/api/sessions?token={TOKEN}").json()
        if any(s["path"] == rel and s["kernel"]["execution_state"] == "idle" for s in sessions):
            break
        time.sleep(0.25)
    else:
        raise AssertionError(f"the kernel of {rel} did not start within 60 s")
    idle = page.locator(f"{PANEL} .jp-Notebook-ExecutionIndicator[data-status='idle']")
    idle.wait_for(timeout=60_000)


def menu(page, top: str, item: str) -> None:
    """Click a menu bar entry, then one of its items (by their exact labels)."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{re.escape(top)}$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$")).click()


def wait_until_idle(page, timeout: float) -> None:
    """Wait until the kernel is idle."""
    page.wait_for_function(
        """sel => { const e = document.querySelector(sel); return e && e.dataset.status === 'idle'; }""",
        arg=f"{PANEL} .jp-Notebook-ExecutionIndicator", timeout=timeout * 1000, polling=250)


_QUEUED = """sel => [...document.querySelectorAll(sel)].some(e => e.textContent.includes('[*]'))"""


def run_all(page, timeout: float) -> None:
    """Run > Run All Cells, then wait until the run has stopped: no cell queued or running ([*]), kernel idle.

    JupyterLab stops a Run All at the first error and unqueues the cells below it."""
    prompts = f"{PANEL} .jp-InputPrompt"
    menu(page, "Run", "Run All Cells")
    with contextlib.suppress(PlaywrightTimeout):  # a run that stops at once may never show [*] to a poll
        page.wait_for_function(_QUEUED, arg=prompts, timeout=5_000, polling=100)
    page.wait_for_function(f"sel => !({_QUEUED})(sel)", arg=prompts, timeout=timeout * 1000, polling=250)
    wait_until_idle(page, timeout=90)  # a loaded 2-core runner (the loop chain beside it) once took over 30 s


def output(page, text: str):
    """The first output of the current notebook that shows this text."""
    return page.locator(f"{PANEL} .jp-OutputArea-output", has_text=text).first


def close_notebook(page) -> None:
    """Close the current notebook and shut its kernel down (the next lab gets the memory)."""
    menu(page, "File", "Close and Shut Down Notebook…")
    dialog = page.locator(".jp-Dialog")
    if dialog.count():
        dialog.locator("button.jp-mod-accept").click()


def save_and_read(page, path: Path) -> dict:
    """Save the open notebook (File > Save Notebook) and read what JupyterLab wrote."""
    before = path.stat().st_mtime_ns
    menu(page, "File", "Save Notebook")
    page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current:not(.jp-mod-dirty)").wait_for(timeout=30_000)
    deadline = time.monotonic() + 30
    while path.stat().st_mtime_ns == before and time.monotonic() < deadline:
        time.sleep(0.2)
    return json.loads(path.read_text())


@dataclass
class Stop:
    """Where a Run All stopped: the first error output of the saved notebook."""

    cell: int
    ename: str
    evalue: str


def errors(nb: dict) -> list[Stop]:
    """Every error output, and every stderr stream that shows a traceback, in cell order."""
    found = []
    for i, cell in enumerate(nb["cells"]):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                found.append(Stop(i, out.get("ename", ""), out.get("evalue", "")))
            elif out.get("name") == "stderr" and "Traceback (most recent call last)" in "".join(out.get("text", "")):
                found.append(Stop(i, "stderr traceback", "".join(out["text"])[-300:]))
    return found


def stub_cells(labs_nb: dict) -> dict[str, int]:
    """Each exercise's stub cell, in cell order: the code cell where labgen left `# TODO exercise X` (for a
    `%%writefile` exercise, the check in a later cell is what stops the run)."""
    cells: dict[str, int] = {}
    for i, cell in enumerate(labs_nb["cells"]):
        found = re.search(r"TODO exercise (\d+\.\d+)", "".join(cell["source"]))
        if cell["cell_type"] == "code" and found:
            cells.setdefault(found.group(1), i)
    return cells


def first_exercise(labs_nb: dict) -> tuple[str, int]:
    """The exercise Run All meets first, and its stub's cell."""
    stubs = stub_cells(labs_nb)
    assert stubs, "the lab has no exercise stub"
    return next(iter(stubs.items()))


def assert_stopped_at_first_exercise(saved: dict, labs_nb: dict, injected: int) -> str:
    """Run All stopped at the first exercise with ExerciseNotDone, and nothing failed before it.

    `injected` is how many cells the parameter injection added. Returns the exercise id."""
    exercise, stub = first_exercise(labs_nb)
    found = errors(saved)
    assert found, f"Run All ran through without stopping at exercise {exercise}"
    stop = found[0]
    assert stop.ename == "ExerciseNotDone" and stop.cell >= stub + injected, (
        f"Run All stopped at cell {stop.cell} with {stop.ename}: {stop.evalue[:300]} "
        f"(expected ExerciseNotDone for exercise {exercise}, at or after cell {stub + injected})")
    assert f"Exercise {exercise} is not done yet" in stop.evalue, stop.evalue
    assert len(found) == 1, f"more than one error output: {found}"
    later = [i for i, c in enumerate(saved["cells"]) if i > stop.cell and c.get("execution_count")]
    assert not later, f"cells after the stop ran: {later}"
    return exercise


def shot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def required() -> bool:
    """CI sets MLOPS_BROWSER_REQUIRED=1 (.ci/run installs Chromium): there a missing browser is a failure."""
    return os.environ.get("MLOPS_BROWSER_REQUIRED") == "1"
