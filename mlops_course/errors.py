"""One base for every learner-facing error of the course.

A learner who runs a lab out of order, passes a bad value or gets an exercise
wrong sees one sentence that says what to do, not a stack trace: IPython calls
`_render_traceback_` instead of printing the traceback, and the CLI catches
`CourseError` and prints its message. Subclasses only choose an icon.

A course error also stops a Run All at its cell. JupyterLab sends every cell's
request at once and ipykernel aborts the requests that have reached it when the
error is reported; on a loaded machine the last few can still be on their way
and would run after the stop (ipykernel issue #609). So, inside a kernel, the
error waits `RUN_ALL_GRACE` seconds before it is reported, and the requests of
the same Run All arrive in time to be aborted. A learner re-running a cell by
hand is not affected: the wait ends before they can press anything.
"""

import sys
import time

RUN_ALL_GRACE = 1.0


def _in_a_kernel() -> bool:
    """True inside an IPython kernel (JupyterLab, nbclient), not in a terminal IPython or the CLI."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return getattr(shell, "kernel", None) is not None


class CourseError(Exception):
    """Base of the course's errors: shown as one sentence in Jupyter and by the CLI."""

    icon = ""

    def _render_traceback_(self) -> list[str]:
        if _in_a_kernel():
            time.sleep(RUN_ALL_GRACE)
        prefix = f"{self.icon} " if self.icon else f"{type(self).__name__}: "
        return [f"{prefix}{self}"]
