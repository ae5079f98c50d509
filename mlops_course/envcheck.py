"""The pinned environment: what the lock says, and whether this kernel matches it.

Lab 00 uses it to tell a learner at once whether their kernel is the course's;
the consistency tests use it to prove requirements-lock.txt and environment.yml agree.
"""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

from . import workspace

#: The packages a learner should see in lab 00's check, in teaching order.
STACK = ["mlflow", "feast", "bentoml", "evidently", "scikit-learn", "pandas", "papermill", "nbval", "jupyterlab"]

_PIN = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*==\s*([^\s;#]+)")


def normalise(name: str) -> str:
    """PEP 503 name: lowercase, runs of -_. become '-'."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_pins(lines: list[str]) -> dict[str, str]:
    """`name==version` lines (comments and options ignored) as {normalised name: version}."""
    pins: dict[str, str] = {}
    for line in lines:
        m = _PIN.match(line)
        if m:
            pins[normalise(m.group(1))] = m.group(2)
    return pins


def lock_pins(path: Path | None = None) -> dict[str, str]:
    p = path or workspace.course_root() / "requirements-lock.txt"
    return parse_pins(p.read_text().splitlines())


def environment_yml_pins(path: Path | None = None) -> dict[str, str]:
    """Pins in environment.yml's pip section (and conda's python=)."""
    import yaml

    p = path or workspace.course_root() / "environment.yml"
    env = yaml.safe_load(p.read_text())
    lines: list[str] = []
    for dep in env.get("dependencies", []):
        if isinstance(dep, dict) and "pip" in dep:
            lines += [str(x) for x in dep["pip"]]
    return parse_pins(lines)


def installed_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def check_stack(names: list[str] | None = None) -> list[tuple[str, str | None, str | None]]:
    """(package, installed, pinned) for each package of the stack."""
    pins = lock_pins()
    return [(n, installed_version(n), pins.get(normalise(n))) for n in (names or STACK)]
