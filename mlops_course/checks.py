"""Exercise checks, in the shape of Kaggle Learn's: check(), hint(), solution().

Each exercise is one small object. Its checker looks at what the learner made
and either returns a short "why this is right" or raises Wrong with a sentence
written for someone learning. A wrong answer stops Run All at the check cell
(so later cells never run on a broken answer) but shows one friendly line, not
a stack trace (see errors.CourseError).

Besides the sentence for the learner, every check leaves its outcome in the
notebook as a display output of type CHECK_MIME, which renders as nothing: the
instructor's grader reads that, so rewording a message never changes a grade.

Hints come in steps (the idea, then the API or the trap), and the solution is
read from the solution notebook's block, the one place the code is written.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any

from .errors import CourseError

OK = "\u2705"
NO = "\u274c"
HINT = "\U0001f4a1"

#: The MIME type of the structured outcome every check() leaves in the notebook (read by grading).
CHECK_MIME = "application/vnd.mlops-course.check+json"
#: What a learner reads when a check passes; the grader never parses it.
CORRECT_TEMPLATE = "{icon} Exercise {exercise_id} ({title}): correct. {detail}"
INCORRECT_TEMPLATE = "Exercise {exercise_id} ({title}) is not right yet: {detail} Try .hint() for a nudge."
NOT_DONE_TEMPLATE = "Exercise {exercise_id} is not done yet: {detail}."
NOT_DONE_DETAIL = "write your code where the # TODO is, then run this cell again"


class Wrong(Exception):
    """Raised by a checker: the message says what is wrong, in the learner's words."""


class ExerciseNotDone(CourseError):
    """Raised by the stub that generated labs put where the solution was."""

    icon = HINT

    def __init__(self, exercise_id: str, detail: str | None = None) -> None:
        self.exercise_id = exercise_id
        super().__init__(NOT_DONE_TEMPLATE.format(exercise_id=exercise_id, detail=detail or NOT_DONE_DETAIL))

    def _render_traceback_(self) -> list[str]:
        return [f"{super()._render_traceback_()[0]} (Stuck? Run the hint in the check cell below.)"]


class ExerciseIncorrect(CourseError):
    """A check found a wrong answer."""

    icon = NO

    def __init__(self, message: str, exercise_id: str | None = None) -> None:
        self.exercise_id = exercise_id
        super().__init__(message)


def publish_outcome(exercise_id: str, outcome: str, message: str) -> None:
    """Leave the outcome in the notebook for the grader; the learner sees nothing of it.

    Outside IPython (a script, a test) there is no notebook to leave it in: the
    printed sentence or the exception is all there is.
    """
    ipython = sys.modules.get("IPython")
    if ipython is None or ipython.get_ipython() is None:
        return
    from IPython.display import display

    payload = {"exercise": exercise_id, "outcome": outcome, "message": message}
    display({CHECK_MIME: payload, "text/plain": ""}, raw=True)


def call_learner(func: Any, name: str, *args: Any, advice: Callable[[Exception], str] | None = None,
                 **kwargs: Any) -> Any:
    """Call the learner's function from a checker: a crash becomes a Wrong sentence, not a traceback.

    The course's own signals pass through: the project-file stub (NotImplementedError: "not done yet"),
    course errors, and a Wrong raised by a nested check. `advice` may add a hint for a known crash.
    """
    if func is None or not callable(func):
        raise Wrong(f"`{name}` should be a function; pass the function itself (no parentheses).")
    try:
        return func(*args, **kwargs)
    except (NotImplementedError, CourseError, Wrong):
        raise
    except Exception as err:  # the learner's code: report, don't crash
        extra = advice(err) if advice else ""
        raise Wrong(f"calling {name}(...) raised {type(err).__name__}: {str(err).rstrip('.')}{extra}.") from None


def _stub_detail(stub: NotImplementedError) -> str:
    """What to tell a learner whose project file still holds the generated stub."""
    return ("the project file this exercise writes still raises NotImplementedError; write your code where "
            "the # TODO is in the %%writefile cell above, run that cell, then run this check again")


class Exercise:
    """One exercise: an id like "2.3", what to do, a checker, and hints in steps."""

    def __init__(
        self, exercise_id: str, title: str, checker: Callable[..., str | None], hints: str | Sequence[str]
    ) -> None:
        self.id = exercise_id
        self.title = title
        self._checker = checker
        self.hints: tuple[str, ...] = (hints,) if isinstance(hints, str) else tuple(hints)
        if not self.hints:
            raise ValueError(f"exercise {exercise_id} needs at least one hint")
        self.passed = False

    def check(self, *args: Any, **kwargs: Any) -> None:
        """Check an answer: prints a green tick, or raises ExerciseIncorrect saying what is wrong."""
        try:
            detail = self._checker(*args, **kwargs)
        except NotImplementedError as stub:  # the stub a generated lab leaves in a project file
            self.passed = False
            raise ExerciseNotDone(self.id, _stub_detail(stub)) from None
        except Wrong as wrong:
            self.passed = False
            publish_outcome(self.id, "incorrect", str(wrong))
            message = INCORRECT_TEMPLATE.format(exercise_id=self.id, title=self.title, detail=wrong)
            raise ExerciseIncorrect(message, exercise_id=self.id) from None
        self.passed = True
        print(CORRECT_TEMPLATE.format(icon=OK, exercise_id=self.id, title=self.title, detail=detail or "").rstrip())
        publish_outcome(self.id, "correct", detail or "")

    def hint(self, level: int = 1) -> None:
        """Print hint step `level` (1: the idea, 2: the API or the trap); past the last step, the last one."""
        last = len(self.hints)
        step = min(max(level, 1), last)
        if level > last:
            where = f"the last one; there is no hint {level}"
        elif step < last:
            where = f"more with .hint({step + 1})"
        else:
            where = "the last one; .solution() shows the code"
        print(f"{HINT} Hint {step} of {last} for exercise {self.id} ({where}): {self.hints[step - 1]}")

    def solution(self) -> None:
        """Print the code from the solution notebook's block for this exercise."""
        from .notebooks import solution_code

        print(f"Solution for exercise {self.id}:\n\n{solution_code(self.id).rstrip()}")

    def __repr__(self) -> str:
        return f"<Exercise {self.id}: {self.title} ({'passed' if self.passed else 'not passed yet'})>"


def exercise(exercise_id: str, title: str, hint: str | Sequence[str]) -> Callable[[Callable[..., str | None]], Exercise]:
    """Decorator: turn a checker function into an Exercise (`hint`: one step, or a sequence of steps)."""

    def wrap(checker: Callable[..., str | None]) -> Exercise:
        ex = Exercise(exercise_id, title, checker, hint)
        ex.__doc__ = checker.__doc__
        return ex

    return wrap


def _a(name: str) -> str:
    """'a' or 'an' by the first letter (good enough for type names: an int, a str, a DataFrame)."""
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def require_type(value: Any, expected: type | tuple[type, ...], what: str) -> None:
    """Raise Wrong when value is not of the expected type (a stub left as None is the common case)."""
    if value is None:
        raise Wrong(f"{what} is still None: assign your answer to it.")
    if not isinstance(value, expected):
        types = (expected,) if isinstance(expected, type) else expected
        names = " or ".join(_a(t.__name__) for t in types)
        raise Wrong(f"{what} should be {names}, but it is {_a(type(value).__name__)}.")
