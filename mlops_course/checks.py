"""Exercise checks, in the shape of Kaggle Learn's: check(), hint(), solution().

Each exercise is one small object. Its checker looks at what the learner made
and either returns a short "why this is right" or raises Wrong with a sentence
written for someone learning. A wrong answer stops Run All at the check cell
(so later cells never run on a broken answer) but shows one friendly line, not
a stack trace: IPython renders `_render_traceback_`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

OK = "\u2705"
NO = "\u274c"
HINT = "\U0001f4a1"


class Wrong(Exception):
    """Raised by a checker: the message says what is wrong, in the learner's words."""


class ExerciseNotDone(Exception):
    """Raised by the stub that generated labs put where the solution was."""

    def __init__(self, exercise_id: str, detail: str | None = None) -> None:
        self.exercise_id = exercise_id
        detail = detail or "write your code where the # TODO is, then run this cell again"
        super().__init__(f"Exercise {exercise_id} is not done yet: {detail}.")

    def _render_traceback_(self) -> list[str]:
        return [f"{HINT} {self} (Stuck? Run the hint in the check cell below.)"]


class ExerciseIncorrect(Exception):
    """A check found a wrong answer."""

    def _render_traceback_(self) -> list[str]:
        return [f"{NO} {self}"]


class Exercise:
    """One exercise: an id like "2.3", what to do, a checker, a hint and the solution."""

    def __init__(
        self,
        exercise_id: str,
        title: str,
        checker: Callable[..., str | None],
        hint: str,
        solution: str,
    ) -> None:
        self.id = exercise_id
        self.title = title
        self._checker = checker
        self._hint = hint
        self._solution = solution
        self.passed = False

    def check(self, *args: Any, **kwargs: Any) -> None:
        """Check an answer: prints a green tick, or raises ExerciseIncorrect saying what is wrong."""
        try:
            detail = self._checker(*args, **kwargs)
        except Wrong as wrong:
            self.passed = False
            raise ExerciseIncorrect(
                f"Exercise {self.id} ({self.title}) is not right yet: {wrong} Try .hint() for a nudge."
            ) from None
        self.passed = True
        print(f"{OK} Exercise {self.id} ({self.title}): correct." + (f" {detail}" if detail else ""))

    def hint(self) -> None:
        print(f"{HINT} Hint for exercise {self.id}: {self._hint}")

    def solution(self) -> None:
        print(f"Solution for exercise {self.id}:\n\n{self._solution.strip()}")

    def __repr__(self) -> str:
        return f"<Exercise {self.id}: {self.title} ({'passed' if self.passed else 'not passed yet'})>"


def exercise(exercise_id: str, title: str, hint: str, solution: str) -> Callable[[Callable[..., str | None]], Exercise]:
    """Decorator: turn a checker function into an Exercise."""

    def wrap(checker: Callable[..., str | None]) -> Exercise:
        ex = Exercise(exercise_id, title, checker, hint, solution)
        ex.__doc__ = checker.__doc__
        return ex

    return wrap


def require_type(value: Any, expected: type | tuple[type, ...], what: str) -> None:
    """Raise Wrong when value is not of the expected type (a stub left as None is the common case)."""
    if value is None:
        raise Wrong(f"{what} is still None: assign your answer to it.")
    if not isinstance(value, expected):
        names = expected.__name__ if isinstance(expected, type) else " or ".join(t.__name__ for t in expected)
        raise Wrong(f"{what} should be a {names}, but it is a {type(value).__name__}.")
