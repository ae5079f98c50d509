"""How the suite is spread over xdist workers: the course runs as chains of labs, one chain per worker."""

from __future__ import annotations

#: Labs per course chain under xdist: each chain runs in order on one worker with its own workspace,
#: the second chain first catching up the labs before it (catch-up runs each lab once, without nbval).
LABS_PER_CHAIN = 4


def course_group(callspec: object) -> str:
    """The xdist group of a course test: by its lab's number; tests without a lab go with the first chain."""
    lab = getattr(callspec, "params", {}).get("lab") if callspec else None
    return f"course-{lab.number // LABS_PER_CHAIN if lab is not None else 0}"
