"""How the suite is spread over xdist workers: the course runs as chains of labs, one chain per worker."""

from __future__ import annotations

import re

#: Labs per course chain under xdist: each chain runs in order on one worker with its own workspace,
#: the second chain first catching up the labs before it (catch-up runs each lab once, without nbval).
#: Five: labs 00-04 (~3.5 min twice) run beside labs 05-07 (services, retraining, monitoring, the loop: ~6 min
#: twice, plus catch-up); the rest of the suite fills the first chain's worker. The `loop` chain (course.yml `chains`,
#: tests/course/test_loop_chain.py) is a group of its own: labs 00-07 once, at a size where the loop promotes.
LABS_PER_CHAIN = 5


def course_group(callspec: object, module: str = "") -> str:
    """The xdist group of a course test: by its lab's number (a `lab` parameter, or a module named
    test_labNN_*.py, which reads what lab NN left in its chain's workspace); other tests go with the first chain."""
    lab = getattr(callspec, "params", {}).get("lab") if callspec else None
    if lab is not None:
        return f"course-{lab.number // LABS_PER_CHAIN}"
    named = re.match(r"test_lab(\d\d)_", module)
    return f"course-{int(named.group(1)) // LABS_PER_CHAIN if named else 0}"
