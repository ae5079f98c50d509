"""One learner's notebook, checked in a process of its own (started by classreport; not for people).

Usage: python -m mlops_course._check_one SPEC.json

SPEC names the notebook, its lab, the data size, the prepared workspace if the report made one
(`prepared`: this process sees its own copy there), and three files to write: `started`
(touched when the learner's notebook starts, after catch-up: the supervisor's time
limit counts from there), `executed` (papermill's copy, saved cell by cell, so a run
stopped at the limit still shows what it reached) and `result` (how the run ended).
This process is a child subreaper: a server the notebook started in a session of its
own stays below it, and everything below it is stopped before it exits.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil

from . import workspace
from ._guard import become_subreaper
from .catchup import CatchUpError
from .grading import _run, caught_up
from .manifest import course


def _stop_descendants(grace: float = 5.0) -> None:
    """SIGTERM everything below this process, SIGKILL what is left, and reap it (orphans are ours to reap)."""
    procs = psutil.Process().children(recursive=True)
    for p in procs:
        with contextlib.suppress(psutil.Error):
            p.terminate()
    _, alive = psutil.wait_procs(procs, timeout=grace)
    for p in alive + psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.Error):
            p.kill()
    psutil.wait_procs(psutil.Process().children(recursive=True), timeout=grace)


@contextlib.contextmanager
def _workspace(spec: dict[str, Any], lab: Any) -> Iterator[Path]:
    """The workspace the notebook runs in: the prepared one the report bind-mounted for this process (its
    own copy, see classreport._Run), or a scratch one caught up here."""
    if spec.get("prepared"):
        with workspace.using(Path(spec["prepared"])) as ws:
            yield ws
    else:
        with caught_up(lab, spec["size"], "mlops-class-") as ws:
            yield ws


def check(spec: dict[str, Any]) -> dict[str, Any]:
    """Catch up, run the notebook, and say how it ended: `stopped` (its error), `kernel_died` or `error`."""
    from nbclient.exceptions import DeadKernelError

    lab = course().lab(spec["lab"])
    try:
        with _workspace(spec, lab):
            Path(spec["started"]).touch()
            try:
                return {"stopped": _run(Path(spec["notebook"]), Path(spec["executed"]), lab.params(spec["size"]),
                                        cwd=Path(spec["executed"]).parent)}
            except DeadKernelError:
                return {"kernel_died": True}
            finally:
                _stop_descendants()
    except CatchUpError as err:
        return {"error": f"catch-up failed: {err}"}
    except Exception as err:  # a notebook papermill cannot even read: one line in the report, never a crash
        return {"error": f"could not run the notebook: {type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"}


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m mlops_course._check_one SPEC.json", file=sys.stderr)
        return 2
    become_subreaper()
    spec = json.loads(Path(argv[0]).read_text())
    result = check(spec)
    _stop_descendants()  # catch-up's kernels too, whatever happened
    Path(spec["result"]).write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
