"""`python -m mlops_course check FOLDER`: a class report over learners' notebooks, each run as untrusted code.

One run checks a class of crafted learners at once (lab 00 variants and a lab 04 that never ends while its
BentoML service runs), in parallel, under a 90 s time limit: a correct lab 00 takes 15-25 s at the ci size,
so only the endless notebooks meet the limit. Afterwards no process of theirs may be left anywhere.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest

from mlops_course import classreport, manifest, notebooks, services, workspace

ROOT = workspace.course_root()
TIMEOUT = 90
SLACK = 10  # polling, and killing a tree of processes


def lab_with(answers: dict[str, str], lab: str = "00_setup.ipynb") -> dict:
    """The lab as shipped with each stub `mc.todo("<id>")` replaced by code (indented like the stub)."""
    nb = notebooks.read(ROOT / "labs" / lab)
    for cell in nb["cells"]:
        lines = []
        for line in notebooks.source(cell).split("\n"):
            stub = re.fullmatch(r'(\s*)mc\.todo\("([0-9.]+)"\)', line)
            code = answers.get(stub[2]) if stub else None
            lines.append(textwrap.indent(textwrap.dedent(code).strip("\n"), stub[1]) if code is not None else line)
        cell["source"] = "\n".join(lines)
    return nb


def solved(lab: str = "00_setup.ipynb", **changes: str) -> dict:
    """The lab with the course's own solutions, some of them replaced by `changes` (keyed "0_2" for 0.2)."""
    blocks = {b.exercise_id: b.code for b in notebooks.solution_blocks(notebooks.read(ROOT / "solutions" / lab))}
    return lab_with({**blocks, **{k.replace("_", "."): v for k, v in changes.items()}}, lab)


def without_cell(nb: dict, text: str) -> dict:
    nb["cells"] = [c for c in nb["cells"] if text not in notebooks.source(c)]
    return nb


def serving_forever(port_file: Path) -> dict:
    """Lab 04 solved up to the cell that starts the BentoML service, then a cell that never ends."""
    lab, sol = (notebooks.read(ROOT / folder / "04_model_serving.ipynb") for folder in ("labs", "solutions"))
    assert len(lab["cells"]) == len(sol["cells"])
    start = next(i for i, c in enumerate(sol["cells"]) if "service.start()" in notebooks.source(c))
    for cell, answer in zip(lab["cells"][: start + 1], sol["cells"][: start + 1], strict=True):
        cell["source"] = answer["source"]
    loop = {"cell_type": "code", "execution_count": None, "id": "forever", "metadata": {}, "outputs": [],
            "source": f"import time\nPath({str(port_file)!r}).write_text(str(service.port))\n"
                      "while True:\n    time.sleep(0.5)"}
    lab["cells"].insert(start + 1, loop)
    return lab


def write(folder: Path, name: str, nb: dict) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb))
    return path


def check(folder: Path, *args: str, tmp: Path | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, **({"TMPDIR": str(tmp)} if tmp else {})}
    return subprocess.run([sys.executable, "-m", "mlops_course", "check", str(folder), *args], capture_output=True,
                          text=True, timeout=timeout, env=env)


def rows(csv_path: Path) -> dict[str, dict[str, str]]:
    with open(csv_path, newline="") as f:
        return {row.pop("learner"): row for row in csv.DictReader(f)}


def leftovers(marker: str) -> list[str]:
    """Processes (anywhere on the machine) whose command line or environment mentions `marker`."""
    found = []
    for p in psutil.process_iter():
        try:
            if p.status() == psutil.STATUS_ZOMBIE:
                continue  # nothing to read; zombies below this test are caught by the children check
            text = " ".join(p.cmdline()) + " " + " ".join(p.environ().values())
        except psutil.Error:
            continue
        if marker in text:
            found.append(f"{p.pid}: {' '.join(p.cmdline())[:200]}")
    return found


LAB04 = classreport.exercise_ids(manifest.course().lab("04"))  # 4.1 ... 4.7: columns for every lab someone handed in
NO_LAB04 = dict.fromkeys(LAB04, "")
MEMORY_HOG = "hog = []\nwhile True:\n    hog.append(b'x' * 50_000_000)\n    time.sleep(0.02)"


@pytest.fixture
def learners(tmp_path) -> tuple[Path, dict[str, Path]]:
    subs, ports = tmp_path / "submissions", {"hema": tmp_path / "hema.port", "ira": tmp_path / "ira.port"}
    write(subs, "asha.ipynb", solved())
    write(subs, "bala.ipynb", solved(**{"0_2": "return 200"}))
    write(subs, "chen.ipynb", notebooks.read(ROOT / "labs" / "00_setup.ipynb"))
    write(subs, "dev.ipynb", solved(**{"0_1": "readme = (workspace.project_dir() / 'README.md'"}))
    write(subs, "eve.ipynb", solved(**{"0_1": "while True:\n    pass"}))
    write(subs, "farah.ipynb", without_cell(solved(), "ex.health.check("))
    write(subs, "gopal.ipynb", solved(**{"0_2": "import os\nos._exit(1)"}))
    write(subs, "hema.ipynb", solved(**{"0_2": f"import time\nPath({str(ports['hema'])!r}).write_text(str(ui.port))\n"
                                               + MEMORY_HOG}))
    write(subs, "ira.ipynb", serving_forever(ports["ira"]))
    write(subs, ".ipynb_checkpoints/asha-checkpoint.ipynb", solved())  # JupyterLab's copies are not learners
    return subs, ports


def test_a_class_report_of_every_kind_of_notebook(learners, tmp_path):
    subs, ports = learners
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    t0 = time.monotonic()
    res = check(subs, "--timeout", str(TIMEOUT), "--memory-gb", "3", "--jobs", "3", tmp=tmp)
    took = time.monotonic() - t0
    assert res.returncode == 0, res.stdout + res.stderr
    assert "Checked 9 learner(s)" in res.stdout and "checking: 100%" in res.stderr

    got = rows(subs / "class-report.csv")
    seconds = {name: float(row.pop("seconds")) for name, row in got.items()}
    assert list(got) == ["asha", "bala", "chen", "dev", "eve", "farah", "gopal", "hema", "ira"]
    assert got["asha"] == {"0.1": "correct", "0.2": "correct", **NO_LAB04, "notes": ""}
    assert got["bala"] == {"0.1": "correct", **NO_LAB04, "notes": "",
                           "0.2": "incorrect: health() returned 200 for a server that answered 503: return the "
                                  "status the server sent, not a constant."}
    assert got["chen"] == {"0.1": "not done", "0.2": "not reached", **NO_LAB04, "notes": ""}
    dev = got["dev"].pop("notes")
    assert got["dev"] == {"0.1": "not reached", "0.2": "not reached", **NO_LAB04}
    assert dev.startswith("syntax error in cell 12: '(' was never closed"), dev
    assert got["eve"] == {"0.1": "not reached", "0.2": "not reached", **NO_LAB04,
                          "notes": f"stopped: time limit of {TIMEOUT} s in cell 12"}
    assert got["farah"] == {"0.1": "correct", "0.2": "not reached", **NO_LAB04,
                            "notes": "the check cell of exercise 0.2 was deleted"}
    assert got["gopal"] == {"0.1": "correct", "0.2": "not reached", **NO_LAB04, "notes": "kernel died in cell 23"}
    assert got["hema"] == {"0.1": "correct", "0.2": "not reached", **NO_LAB04,
                           "notes": "stopped: memory limit of 3 GB in cell 23"}
    forever = 1 + next(i for i, c in enumerate(serving_forever(ports["ira"])["cells"]) if c.get("id") == "forever")
    assert LAB04[:5] == ["4.1", "4.2", "4.3", "4.4", "4.5"], LAB04
    assert got["ira"] == {"0.1": "", "0.2": "", "4.1": "correct", "4.2": "correct", "4.3": "correct",
                          "4.4": "correct", **dict.fromkeys(LAB04[4:], "not reached"),
                          "notes": f"stopped: time limit of {TIMEOUT} s in cell {forever}"}
    for name in ("eve", "ira"):
        assert TIMEOUT <= seconds[name] <= TIMEOUT + SLACK, seconds
    assert seconds["asha"] < TIMEOUT and seconds["hema"] < TIMEOUT, seconds
    md = (subs / "class-report.md").read_text()
    assert f"| learner | 0.1 | 0.2 | {' | '.join(LAB04)} | seconds | notes |" in md

    # nothing left behind: no process below this test, none anywhere that still points at the run's folders
    assert {p.pid for p in psutil.Process().children(recursive=True)} <= before
    assert leftovers(str(tmp)) == []
    assert all(services.port_is_free(int(p.read_text())) for p in ports.values())
    assert not any(tmp.iterdir()), "every task's folder (workspace, executed notebook) is removed"
    print(f"class report of 9 learners took {took:.0f} s")


def unmarked(nb: dict) -> dict:
    """A notebook without the course's metadata (as a learner's own copy may be)."""
    nb["metadata"].pop("mlops_course", None)
    return nb


def test_a_folder_per_learner_holds_any_of_their_labs(tmp_path):
    """Quick notebooks (lab 00 as shipped stops at exercise 0.1); what matters is who handed in what."""
    subs, out = tmp_path / "submissions", tmp_path / "report"
    shipped = notebooks.read(ROOT / "labs" / "00_setup.ipynb")
    write(subs, "kiran/00_setup.ipynb", unmarked(shipped))  # known by its file name
    write(subs, "kiran/notes.ipynb", {"cells": [{"cell_type": "markdown", "metadata": {}, "source": "my notes"}],
                                      "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    write(subs, "lee/my lab.ipynb", unmarked(shipped))  # known by its '# Lab 00' heading
    write(subs, "lee/.ipynb_checkpoints/my lab-checkpoint.ipynb", {})
    res = check(subs, "--timeout", str(TIMEOUT), "--out", str(out))
    assert res.returncode == 0, res.stdout + res.stderr
    assert rows(out / "class-report.csv") == {
        "kiran": {"0.1": "not done", "0.2": "not reached", "seconds": rows(out / "class-report.csv")["kiran"]["seconds"],
                  "notes": "notes.ipynb: unknown lab: notes.ipynb has no course metadata, lab file name or "
                           "'# Lab NN' heading"},
        "lee": {"0.1": "not done", "0.2": "not reached", "seconds": rows(out / "class-report.csv")["lee"]["seconds"],
                "notes": ""}}
    assert not (subs / "class-report.csv").exists()


@pytest.mark.parametrize("make", [lambda p: None, lambda p: write(p, ".ipynb_checkpoints/a-checkpoint.ipynb", {})],
                         ids=["missing folder", "no notebooks"])
def test_bad_input_is_one_sentence_and_exit_2(tmp_path, make):
    subs = tmp_path / "submissions"
    make(subs)
    res = check(subs, timeout=60)
    assert res.returncode == 2, res.stdout + res.stderr
    assert res.stderr.count(".") >= 1 and len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr
    assert str(subs) in res.stderr


TASK = """
import subprocess, sys, time
from pathlib import Path
from mlops_course._guard import become_subreaper

become_subreaper()
# a daemon in a session of its own whose parent exits at once: an orphan, still below this (subreaper) process
subprocess.Popen([sys.executable, "-c", "import os, subprocess, sys; subprocess.Popen([sys.executable, '-c', "
                  "'import time; time.sleep(600)'], start_new_session=True); os._exit(0)"])
Path(sys.argv[1]).touch()
hog = []
while True:
    hog.append(b"x" * 10_000_000 if sys.argv[2] == "memory" else b"")
    time.sleep(0.05)
"""


@pytest.mark.parametrize("limit", ["time", "memory"])
def test_the_supervisor_stops_a_task_at_its_limit_with_every_process_below_it(tmp_path, limit):
    from mlops_course.supervise import Limits, Supervisor

    marker = str(tmp_path)
    limits = Limits(timeout=3, memory_bytes=300 * 2**20, setup_timeout=30)
    t0 = time.monotonic()
    with Supervisor() as supervisor:
        ended = supervisor.run([sys.executable, "-c", TASK, str(tmp_path / "started"), limit],
                               {**os.environ, "MARKER": marker}, tmp_path / "started", limits, tmp_path / "log")
    assert ended.stopped_by == limit, (tmp_path / "log").read_text()
    assert time.monotonic() - t0 < 3 + SLACK
    assert leftovers(marker) == []
    assert not [p for p in psutil.Process().children(recursive=True) if p.status() == psutil.STATUS_ZOMBIE]
