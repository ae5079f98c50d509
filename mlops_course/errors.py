"""One base for every learner-facing error of the course.

A learner who runs a lab out of order, passes a bad value or gets an exercise
wrong sees one sentence that says what to do, not a stack trace: IPython calls
`_render_traceback_` instead of printing the traceback, and the CLI catches
`CourseError` and prints its message. Subclasses only choose an icon.
"""


class CourseError(Exception):
    """Base of the course's errors: shown as one sentence in Jupyter and by the CLI."""

    icon = ""

    def _render_traceback_(self) -> list[str]:
        prefix = f"{self.icon} " if self.icon else f"{type(self).__name__}: "
        return [f"{prefix}{self}"]
