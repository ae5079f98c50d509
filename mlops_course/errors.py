"""One base for the course's learner-facing errors: shown in Jupyter as one sentence, not a stack trace."""


class OneSentenceError(Exception):
    """IPython calls `_render_traceback_` instead of printing the traceback."""

    def _render_traceback_(self) -> list[str]:
        return [f"{type(self).__name__}: {self}"]
