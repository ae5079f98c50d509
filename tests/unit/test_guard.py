"""The guard that owns every background server must survive a descendant exiting while it looks at it."""

from __future__ import annotations

import psutil

from mlops_course import _guard


class _Gone:
    pid = 999_999

    def ppid(self) -> int:
        raise psutil.NoSuchProcess(self.pid)


def test_reaping_orphans_skips_a_process_that_exited_meanwhile(monkeypatch):
    """A make-test run lost the MLflow UI once: the guard crashed on NoSuchProcess from p.ppid()."""
    monkeypatch.setattr(_guard, "_descendants", lambda: [_Gone()])
    _guard._reap_orphans(child_pid=1)  # must not raise
