"""Does a learner's test file bite? Run it on the reference project (every test must pass), then once per
planted fault (some test must fail for each).

The learner's file runs in a fresh interpreter on the course's reference project (never on the learner's own
code, which may hold the very mistake the test should catch), with the project's conftest.py and the ci-size
data. That interpreter imports everything once and runs pytest in-process for the reference and each fault:
a fault is a context manager that patches one thing of the reference project while pytest runs (a dozen
faults take seconds, not a dozen interpreter starts). A file that is not Python, hangs, or ends the interpreter
is a BiteError: one sentence for the learner, never a traceback.

    python -m mlops_course.exercises._bite <faults module> <result.json> <test file>...

`<faults module>` names a module of this package with FAULTS: {name: () -> context manager}, and optionally
`session`: a context manager around all the runs (what they share, started once).
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from contextlib import AbstractContextManager, ExitStack, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..checks import Wrong
from ..errors import CourseError

#: The reference run's name in the results.
REFERENCE = ""
#: Seconds the whole run may take (the reference and every fault: about seven seconds for lab 05's file).
TIMEOUT = 120
#: pytest's exit code when it collected no test.
NO_TESTS = 5
#: pytest's settings for the learner's file: the project's, without its cache.
PYTEST_INI = """[pytest]
addopts = -p no:cacheprovider
filterwarnings =
    ignore::DeprecationWarning
    ignore::FutureWarning
"""


@dataclass(frozen=True)
class Outcome:
    """What pytest said about the learner's file on the reference (fault "") or with one fault planted."""

    fault: str
    passed: int
    failed: int
    skipped: int
    errors: int
    first_problem: str  # "test name: what pytest said", for the first failure or error
    exit_code: int = 0  # pytest's: 0 all passed, 1 some failed, 2 interrupted, 5 no test collected

    @property
    def ran(self) -> int:
        return self.passed + self.failed + self.skipped + self.errors

    @property
    def bites(self) -> bool:
        return self.failed + self.errors > 0


class BiteError(Exception):
    """The learner's file could not be run as tests (its message says why, in one sentence)."""


class SetupError(CourseError):
    """What the learner's tests run against could not be started: the course's problem, not the learner's file."""


class _Collector:
    """A pytest plugin that counts outcomes and keeps the first failure's message."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.first = ""

    def _remember(self, name: str, report: Any) -> None:
        if self.first:
            return
        crash = getattr(getattr(report, "longrepr", None), "reprcrash", None)
        message = crash.message if crash is not None else str(getattr(report, "longrepr", "") or "")
        self.first = f"{name}: {' '.join(message.split())[:400]}"

    def pytest_collectreport(self, report: Any) -> None:
        if report.failed:
            self.counts["errors"] += 1
            self._remember("collecting the file", report)

    def pytest_runtest_logreport(self, report: Any) -> None:
        name = report.nodeid.split("::", 1)[-1]
        if report.when == "call":
            self.counts[report.outcome] += 1
        elif report.skipped:
            self.counts["skipped"] += 1
        elif report.failed:
            self.counts["errors"] += 1
        if report.failed:
            self._remember(name, report)


def _run_all(test_files: list[str], faults_module: str) -> list[dict[str, Any]]:
    import pytest

    module = importlib.import_module(f"mlops_course.exercises.{faults_module}")
    faults, session = module.FAULTS, getattr(module, "session", nullcontext)
    results: list[dict[str, Any]] = []
    with ExitStack() as shared:
        try:  # what every run shares, started once (lab 05's service: one server for every fault)
            shared.enter_context(session())
        except Exception as err:
            return [{"setup_error": " ".join(str(err).split())[:600]}]
        for name in [REFERENCE, *faults]:
            planted: AbstractContextManager[Any] = faults[name]() if name else nullcontext()
            with planted:
                for test_file in test_files:
                    collector = _Collector()
                    code = pytest.main([test_file, "-q", "--import-mode=importlib"], plugins=[collector])
                    results.append({"file": Path(test_file).name, "fault": name, "passed": collector.counts["passed"],
                                    "failed": collector.counts["failed"], "skipped": collector.counts["skipped"],
                                    "errors": collector.counts["errors"], "first_problem": collector.first,
                                    "exit_code": int(code)})
    return results


def _compiles(test_file: Path) -> None:
    try:
        compile(test_file.read_text(encoding="utf-8"), test_file.name, "exec")
    except SyntaxError as err:
        raise BiteError(f"{test_file.name} is not valid Python: {err.msg} at line {err.lineno}.") from None
    except (UnicodeDecodeError, ValueError) as err:
        raise BiteError(f"{test_file.name} cannot be read as Python source: {err}.") from None


def bite(test_file: Path, faults_module: str, reference: Path, course_root: Path,
         timeout: float = TIMEOUT) -> list[Outcome]:
    """Run `test_file` (a copy of it, beside the reference project's conftest.py) on the reference and each fault."""
    return bite_many([test_file], faults_module, reference, course_root, timeout)[test_file.name]


def bite_many(test_files: list[Path], faults_module: str, reference: Path, course_root: Path,
              timeout: float = TIMEOUT) -> dict[str, list[Outcome]]:
    """bite() for several files (distinct names) in one run: what the faults share starts once (the course's tests
    judge many variants of a file this way). {file name: its outcomes, the reference first}."""
    for test_file in test_files:
        _compiles(test_file)
    names = " and ".join(sorted({f.name for f in test_files}))
    with tempfile.TemporaryDirectory(prefix="bite-") as tmp:
        folder = Path(tmp) / "tests"
        folder.mkdir()
        shutil.copyfile(reference / "tests" / "conftest.py", folder / "conftest.py")
        for test_file in test_files:
            shutil.copyfile(test_file, folder / test_file.name)
        (Path(tmp) / "pytest.ini").write_text(PYTEST_INI)
        result = Path(tmp) / "result.json"
        env = {**os.environ, "DATA_SIZE": "ci", "SEED": "42", "PYTHONDONTWRITEBYTECODE": "1",
               "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",  # the learner's file needs pytest alone: start in a second
               "PYTHONPATH": os.pathsep.join([str(reference / "src"), str(course_root)])}
        try:
            done = subprocess.run([sys.executable, "-m", "mlops_course.exercises._bite", faults_module, str(result),
                                   *[str(folder / f.name) for f in test_files]], cwd=tmp, env=env,
                                  capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise BiteError(f"running {names} on the reference and every fault took over {timeout:.0f} s "
                            "(it takes seconds): does a test wait or loop forever?") from None
        if not result.exists():
            said = " ".join(done.stderr.split()[-40:]) or f"exit code {done.returncode}, nothing on stderr"
            raise BiteError(f"the run of {names} ended before pytest could report (does the file end the "
                            f"interpreter, with os._exit or a crash?): {said}")
        rows = json.loads(result.read_text())
        if rows and "setup_error" in rows[0]:
            raise SetupError(f"The check could not start what {names} runs against (nothing to do with your "
                             f"file): {rows[0]['setup_error']}")
        outcomes: dict[str, list[Outcome]] = {f.name: [] for f in test_files}
        for row in rows:
            outcomes[row.pop("file")].append(Outcome(**row))
        return outcomes


@dataclass(frozen=True)
class Faults:
    """How a verdict speaks of one exercise's faults: "a contract that accepts any channel"."""

    exercise: str  # "5.3"
    kind: str  # what each fault is: "contract", "model"
    reference: str  # where every test must pass: "on the reference project, where the contract is right"
    misses: dict[str, str]  # {fault: what the faulty thing then does, after "a <kind> that"}
    advice: dict[str, str]  # {fault: what to add}; the key "" is the advice for a fault without its own
    caught: str  # the faults, for the success message: "contracts that miss one rule"


def verdict(outcomes: list[Outcome], file: Path, faults: Faults) -> str:
    """The learner's file judged from its outcomes: the reference first, then one per fault, in FAULTS' order."""
    reference, *faulted = outcomes
    if "is not done yet" in reference.first_problem:
        raise NotImplementedError(f"Exercise {faults.exercise} is not done yet: write the tests in tests/{file.name}")
    if reference.first_problem.startswith("collecting the file"):
        raise Wrong(f"pytest could not collect {file.name}: {reference.first_problem.partition(': ')[2]}")
    if reference.ran == 0 and reference.exit_code != NO_TESTS:
        raise Wrong(f"pytest stopped before it ran a test (exit code {reference.exit_code}): does {file.name} call "
                    "sys.exit() or pytest.exit()? A test file only defines tests.")
    if reference.ran == 0:
        raise Wrong(f"pytest found no test in {file.name}: name each test function test_...")
    if reference.bites:
        raise Wrong(f"{faults.reference}, a test fails: {reference.first_problem}. A test must pass on correct code.")
    if reference.skipped:
        raise Wrong(f"{reference.skipped} test(s) skipped on the reference project: a skipped test checks nothing.")
    missed = [o.fault for o in faulted if not o.bites]
    if missed:
        more = f" (and {len(missed) - 1} more such {faults.kind}(s))" if len(missed) > 1 else ""
        advice = faults.advice.get(missed[0], faults.advice.get("", ""))
        raise Wrong(f"your tests all pass with a {faults.kind} that {faults.misses[missed[0]]}{more}: {advice}")
    return (f"Right: your {reference.passed} tests pass {faults.reference}, and fail for each "
            f"of {len(faulted)} {faults.caught} ({', '.join(faults.misses)}).")


def judge(path: Any, faults_module: str, faults: Faults, timeout: float = TIMEOUT) -> str:
    """A bite exercise's check: the learner's test file run on the reference project and on each fault of
    `faults_module`, then the verdict; a file that cannot run as tests is Wrong, in one sentence."""
    from ..project import reference
    from ..workspace import course_root

    file = Path(path)
    if not file.is_file():
        raise Wrong(f"there is no {file}: run the %%writefile cell that writes it.")
    try:
        outcomes = bite(file, faults_module, reference(), course_root(), timeout=timeout)
    except BiteError as err:
        raise Wrong(str(err)) from None
    return verdict(outcomes, file, faults)


def main(argv: list[str]) -> int:
    faults_module, result, *test_files = argv
    rows = _run_all(test_files, faults_module)
    Path(result).write_text(json.dumps(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
