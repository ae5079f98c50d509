"""A course error, reported inside a kernel, waits for the rest of a Run All to reach the kernel (see errors.py)."""

import types

import pytest

from mlops_course import errors

pytestmark = pytest.mark.unit


def _shell(kernel):
    return types.SimpleNamespace(kernel=kernel)


@pytest.mark.parametrize(("shell", "waits"), [(_shell(object()), True), (_shell(None), False), (None, False)],
                         ids=["kernel", "terminal IPython", "no IPython shell"])
def test_a_course_error_waits_for_a_run_all_only_inside_a_kernel(monkeypatch, shell, waits):
    slept = []
    monkeypatch.setattr(errors.time, "sleep", slept.append)
    monkeypatch.setitem(errors.sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: shell))
    assert errors.CourseError("run lab 02 first")._render_traceback_() == ["CourseError: run lab 02 first"]
    assert slept == ([errors.RUN_ALL_GRACE] if waits else [])

